//! The monitoring family of checks (src/checks/monitoring.rs) on passing, failing and missing evidence.

use auditpack::checks::CheckStatus;
use auditpack::evidence::Bundle;
use serde_json::{json, Value};

use crate::cases::*;
use crate::util::*;

const ALARM: &str = "AWS::CloudWatch::Alarm";
const DETECTOR: &str = "AWS::GuardDuty::Detector";
const TRAIL: &str = "AWS::CloudTrail::Trail";
const BUCKET: &str = "AWS::S3::Bucket";
const LAMBDA: &str = "AWS::Lambda::Function";
const STAGE: &str = "AWS::ApiGateway::Stage";
const STAGE_V2: &str = "AWS::ApiGatewayV2::Stage";
const APPSYNC: &str = "AWS::AppSync::GraphQLApi";
const ECR: &str = "AWS::ECR::Repository";
const SERVICE: &str = "AWS::ECS::Service";
const TASK: &str = "AWS::ECS::TaskDefinition";
const EKS: &str = "AWS::EKS::Cluster";
const BUILD: &str = "AWS::CodeBuild::Project";
const SFN: &str = "AWS::StepFunctions::StateMachine";
const MQ: &str = "AWS::AmazonMQ::Broker";
const ZONE: &str = "AWS::Route53::HostedZone";

// --- Items shaped as AWS Config writes them (field names from aws-config-resource-schema) -----

fn alarm(id: &str, actions: Value) -> Value {
    ci(
        ALARM,
        id,
        json!({"alarmName": id, "alarmArn": format!("arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{id}"), "actionsEnabled": true,
            "alarmActions": actions, "okactions": [], "insufficientDataActions": [], "metricName": "CPUUtilization",
            "namespace": "AWS/EC2", "statistic": "Average", "period": 300, "evaluationPeriods": 1, "threshold": 80.0,
            "comparisonOperator": "GreaterThanThreshold", "treatMissingData": "missing"}),
        json!({}),
    )
}

fn detector(id: &str, enable: bool) -> Value {
    ci(
        DETECTOR,
        id,
        json!({"Id": id, "Enable": enable, "FindingPublishingFrequency": "SIX_HOURS",
        "DataSources": {"S3Logs": {"Enable": true}, "Kubernetes": {"AuditLogs": {"Enable": true}}}}),
        json!({}),
    )
}

fn trail(id: &str, bucket: &str, insights: bool) -> Value {
    ci(
        TRAIL,
        id,
        json!({"name": id, "trailARN": format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{id}"), "s3BucketName": bucket,
            "includeGlobalServiceEvents": true, "isMultiRegionTrail": true, "homeRegion": "us-east-1", "logFileValidationEnabled": true,
            "hasCustomEventSelectors": false, "hasInsightSelectors": insights, "isOrganizationTrail": false}),
        json!({}),
    )
}

fn s(v: Value) -> Value {
    Value::String(v.to_string())
}

/// An S3 bucket item: `blocked` turns on all of Block Public Access; `public` adds a policy open
/// to everyone; `logging` sends access logs to a target bucket.
fn bucket(name: &str, blocked: bool, public: bool, logging: bool) -> Value {
    let policy = if public {
        json!({"policyText": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{name}/*")}]}).to_string()})
    } else {
        json!({"policyText": null})
    };
    let b = blocked;
    ci(
        BUCKET,
        name,
        json!({"name": name, "owner": {"id": "abc"}, "creationDate": "2024-01-01T00:00:00.000Z"}),
        json!({
            "PublicAccessBlockConfiguration": s(json!({"blockPublicAcls": b, "ignorePublicAcls": b, "blockPublicPolicy": b, "restrictPublicBuckets": b})),
            "BucketPolicy": s(policy),
            "BucketLoggingConfiguration": s(if logging { json!({"destinationBucketName": "acme-access-logs", "logFilePrefix": format!("{name}/")}) } else { json!({"destinationBucketName": null, "logFilePrefix": null}) }),
            "ServerSideEncryptionConfiguration": s(json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]})),
            "BucketVersioningConfiguration": s(json!({"status": "Enabled"})),
        }),
    )
}

fn lambda_policy(open: bool) -> Value {
    let mut st = json!({"Sid": "apigw", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "lambda:InvokeFunction",
        "Resource": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:api"),
        "Condition": {"ArnLike": {"AWS:SourceArn": format!("arn:aws:execute-api:us-east-1:{ACCOUNT}:abc123/*")}}});
    if open {
        st = json!({"Sid": "anyone", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Resource": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:api")});
    }
    json!({"Version": "2012-10-17", "Id": "default", "Statement": [st]})
}

fn function(id: &str, runtime: &str, vpc: bool, policy: Option<Value>) -> Value {
    let mut cfg = json!({"functionName": id, "functionArn": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{id}"), "runtime": runtime,
        "role": format!("arn:aws:iam::{ACCOUNT}:role/{id}"), "handler": "app.handler", "codeSize": 1024, "timeout": 30, "memorySize": 256,
        "packageType": "Zip", "tracingConfig": {"mode": "Active"}, "architectures": ["arm64"]});
    if vpc {
        cfg["vpcConfig"] = json!({"subnetIds": ["subnet-0a1"], "securityGroupIds": ["sg-0a1"]});
    }
    let sup = match policy {
        Some(p) => json!({"Policy": p.to_string()}),
        None => json!({}),
    };
    ci(LAMBDA, id, cfg, sup)
}

fn stage(id: &str, settings: Value, extra: Value) -> Value {
    let mut cfg = json!({"stageName": id, "deploymentId": "d1a2b3", "cacheClusterEnabled": false, "cacheClusterStatus": "NOT_AVAILABLE",
        "tracingEnabled": true, "webAclArn": format!("arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/api/1"),
        "methodSettings": settings, "createdDate": "2025-03-01T10:00:00.000Z"});
    for (k, v) in extra.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    ci(STAGE, id, cfg, json!({}))
}

fn method(level: &str, caching: bool, encrypted: bool) -> Value {
    json!({"metricsEnabled": true, "loggingLevel": level, "dataTraceEnabled": false, "throttlingBurstLimit": 5000,
        "throttlingRateLimit": 10000.0, "cachingEnabled": caching, "cacheTtlInSeconds": 300, "cacheDataEncrypted": encrypted,
        "requireAuthorizationForCacheControl": true, "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER"})
}

fn stage_v2(id: &str, logs: bool) -> Value {
    let mut cfg = json!({"stageName": id, "autoDeploy": true, "apiGatewayManaged": false,
        "defaultRouteSettings": {"detailedMetricsEnabled": true, "throttlingBurstLimit": 100, "throttlingRateLimit": 50.0}});
    if logs {
        cfg["accessLogSettings"] =
            json!({"destinationArn": format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:api-access"), "format": "$context.requestId"});
    }
    ci(STAGE_V2, id, cfg, json!({}))
}

fn graphql(id: &str, level: Option<&str>) -> Value {
    let mut cfg = json!({"ApiId": id, "Name": id, "Arn": format!("arn:aws:appsync:us-east-1:{ACCOUNT}:apis/{id}"),
        "AuthenticationType": "AMAZON_COGNITO_USER_POOLS", "XrayEnabled": true});
    if let Some(l) = level {
        cfg["LogConfig"] = json!({"CloudWatchLogsRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/appsync-logs"), "FieldLogLevel": l,
            "ExcludeVerboseContent": true});
    }
    ci(APPSYNC, id, cfg, json!({}))
}

fn repository(id: &str, scan: Value, lifecycle: bool) -> Value {
    let mut cfg = json!({"RepositoryName": id, "Arn": format!("arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{id}"),
        "ImageTagMutability": "IMMUTABLE", "ImageScanningConfiguration": {"ScanOnPush": scan}});
    if lifecycle {
        cfg["LifecyclePolicy"] = json!({"LifecyclePolicyText": "{\"rules\":[{\"rulePriority\":1,\"selection\":{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":14},\"action\":{\"type\":\"expire\"}}]}", "RegistryId": ACCOUNT});
    }
    ci(ECR, id, cfg, json!({}))
}

fn service(id: &str, launch: &str, version: Option<&str>) -> Value {
    let mut cfg = json!({"ServiceName": id, "ServiceArn": format!("arn:aws:ecs:us-east-1:{ACCOUNT}:service/prod/{id}"),
        "Cluster": format!("arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/prod"), "LaunchType": launch, "DesiredCount": 2,
        "TaskDefinition": format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:3"), "SchedulingStrategy": "REPLICA"});
    if let Some(v) = version {
        cfg["PlatformVersion"] = json!(v);
    }
    ci(SERVICE, id, cfg, json!({}))
}

/// A container definition that passes every ECS check; `with` overrides fields.
fn container(with: Value) -> Value {
    let mut c = json!({"Name": "app", "Image": format!("{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2"), "Essential": true,
        "Privileged": false, "ReadonlyRootFilesystem": true, "User": "1000",
        "Environment": [{"Name": "LOG_LEVEL", "Value": "info"}],
        "Secrets": [{"Name": "DB_PASSWORD", "ValueFrom": format!("arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db")}],
        "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}});
    for (k, v) in with.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

fn task(id: &str, task: Value, containers: Vec<Value>) -> Value {
    let mut cfg = json!({"Family": id, "TaskDefinitionArn": format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{id}:3"),
        "Status": "ACTIVE", "NetworkMode": "awsvpc", "RequiresCompatibilities": ["FARGATE"], "Cpu": "256", "Memory": "512",
        "ContainerDefinitions": containers});
    for (k, v) in task.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    let mut item = ci(TASK, &format!("{id}:3"), cfg, json!({}));
    item["arn"] = json!(format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{id}:3"));
    item
}

fn cluster(id: &str, with: Value) -> Value {
    let mut cfg = json!({"Name": id, "Arn": format!("arn:aws:eks:us-east-1:{ACCOUNT}:cluster/{id}"), "Version": "1.35",
        "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/eks"), "ClusterStatus": "ACTIVE",
        "ResourcesVpcConfig": {"SubnetIds": ["subnet-0a1", "subnet-0b2"], "SecurityGroupIds": ["sg-0a1"], "EndpointPublicAccess": false, "EndpointPrivateAccess": true},
        "EncryptionConfig": [{"Provider": {"KeyArn": format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/eks")}, "Resources": ["secrets"]}],
        "Logging": {"ClusterLogging": {"EnabledTypes": [{"Type": "api"}, {"Type": "audit"}, {"Type": "authenticator"}, {"Type": "controllerManager"}, {"Type": "scheduler"}]}}});
    for (k, v) in with.as_object().unwrap() {
        if v.is_null() {
            cfg.as_object_mut().unwrap().remove(k);
        } else {
            cfg[k] = v.clone();
        }
    }
    ci(EKS, id, cfg, json!({}))
}

fn project(id: &str, with: Value) -> Value {
    let mut cfg = json!({"name": id, "arn": format!("arn:aws:codebuild:us-east-1:{ACCOUNT}:project/{id}"),
        "source": {"type": "GITHUB", "location": "https://github.com/acme/app.git", "gitCloneDepth": 1, "reportBuildStatus": true},
        "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL",
            "privilegedMode": false, "environmentVariables": [{"name": "STAGE", "value": "prod", "type": "PLAINTEXT"},
            {"name": "DB_PASSWORD", "value": "/acme/db/password", "type": "PARAMETER_STORE"}]},
        "serviceRole": format!("arn:aws:iam::{ACCOUNT}:role/codebuild"), "timeoutInMinutes": 60,
        "logsConfig": {"cloudWatchLogs": {"status": "ENABLED", "groupName": "/codebuild/app"},
            "s3Logs": {"status": "ENABLED", "location": "acme-build-logs/app", "encryptionDisabled": false}}});
    for (k, v) in with.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    ci(BUILD, id, cfg, json!({}))
}

fn state_machine(id: &str, level: &str) -> Value {
    ci(
        SFN,
        id,
        json!({"StateMachineName": id, "Arn": format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{id}"),
        "StateMachineType": "STANDARD", "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/sfn"),
        "LoggingConfiguration": {"Level": level, "IncludeExecutionData": false,
            "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/sfn/{id}:*")}}]},
        "TracingConfiguration": {"Enabled": true}}),
        json!({}),
    )
}

fn broker(id: &str, engine: &str, general: bool, audit: bool) -> Value {
    ci(
        MQ,
        id,
        json!({"BrokerName": id, "Id": format!("b-{id}"), "Arn": format!("arn:aws:mq:us-east-1:{ACCOUNT}:broker:{id}:b-{id}"),
        "EngineType": engine, "EngineVersion": "5.18", "DeploymentMode": "ACTIVE_STANDBY_MULTI_AZ", "HostInstanceType": "mq.m5.large",
        "PubliclyAccessible": false, "AutoMinorVersionUpgrade": true, "Logs": {"Audit": audit, "General": general}}),
        json!({}),
    )
}

fn zone(id: &str, logged: bool, private: bool) -> Value {
    let mut cfg = json!({"Id": id, "Name": "example.com.", "NameServers": ["ns-1.awsdns-01.org"]});
    if logged {
        cfg["QueryLoggingConfig"] = json!({"CloudWatchLogsLogGroupArn": {"CloudWatchLogsLogGroupArn":
            format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/route53/example.com"), "HostedZoneId": id, "Id": "qlc-1"}});
    }
    if private {
        cfg["VPCs"] = json!([{"VPCId": "vpc-0a1", "VPCRegion": "us-east-1"}]);
    }
    ci(ZONE, id, cfg, json!({}))
}

/// Items of this family's resource types (only types added for it) for the contract's clean
/// account, on which every check passes (tests/it/contract.rs), as (resource type, items); each
/// item shaped as AWS Config writes it (`crate::cases::ci`).
pub fn clean() -> Vec<(&'static str, Vec<Value>)> {
    let m = json!({"*/*": method("ERROR", true, true)});
    vec![
        (ALARM, vec![alarm("root-sign-in", json!([format!("arn:aws:sns:us-east-1:{ACCOUNT}:security")]))]),
        (DETECTOR, vec![detector("d1", true)]),
        (LAMBDA, vec![function("api", "python3.12", true, Some(lambda_policy(false)))]),
        (STAGE, vec![stage("prod", m, json!({"cacheClusterEnabled": true, "cacheClusterSize": "0.5"}))]),
        (STAGE_V2, vec![stage_v2("$default", true)]),
        (APPSYNC, vec![graphql("orders", Some("ERROR"))]),
        (ECR, vec![repository("web", json!(true), true)]),
        (SERVICE, vec![service("web", "FARGATE", Some("LATEST"))]),
        (
            TASK,
            vec![
                task("web", json!({}), vec![container(json!({}))]),
                task("agent", json!({"NetworkMode": "host"}), vec![container(json!({}))]),
            ],
        ),
        (EKS, vec![cluster("prod", json!({}))]),
        (BUILD, vec![project("app", json!({}))]),
        (SFN, vec![state_machine("orders", "ERROR")]),
        (MQ, vec![broker("orders", "ACTIVEMQ", true, true)]),
        (ZONE, vec![zone("Z1PUBLIC", true, false)]),
    ]
}

fn cases() -> Vec<Case> {
    let sns = json!([format!("arn:aws:sns:us-east-1:{ACCOUNT}:ops")]);
    let fine = json!({"*/*": method("INFO", false, false)});
    let cached = json!({"cacheClusterEnabled": true});
    let task_ok = || task("web", json!({}), vec![container(json!({}))]);
    let buckets = vec![bucket("trail-logs", true, false, true), bucket("open-logs", false, true, false)];
    vec![
        Case::new("cloudwatch-alarm-has-action", ALARM, alarm("cpu", sns.clone()), alarm("cpu", json!([]))),
        Case::new("guardduty-enabled", DETECTOR, detector("d1", true), detector("d1", false)).when_empty(CheckStatus::Fail),
        Case::new("cloudtrail-bucket-not-public", TRAIL, trail("main", "trail-logs", true), trail("main", "open-logs", true))
            .with(BUCKET, buckets.clone()),
        Case::new("cloudtrail-bucket-access-logging", TRAIL, trail("main", "trail-logs", true), trail("main", "open-logs", true))
            .with(BUCKET, buckets),
        Case::new("cloudtrail-insights", TRAIL, trail("main", "logs", true), trail("main", "logs", false)),
        Case::new("apigateway-stage-execution-logging", STAGE, stage("prod", fine.clone(), json!({})), stage("prod", json!({}), json!({}))),
        Case::new(
            "apigateway-stage-xray-tracing",
            STAGE,
            stage("prod", fine.clone(), json!({})),
            stage("prod", fine.clone(), json!({"tracingEnabled": false})),
        ),
        Case::new("apigatewayv2-stage-access-logging", STAGE_V2, stage_v2("$default", true), stage_v2("$default", false)),
        Case::new("appsync-field-logging", APPSYNC, graphql("orders", Some("ALL")), graphql("orders", Some("NONE"))),
        Case::new(
            "ecs-task-definition-logging",
            TASK,
            task_ok(),
            task("web", json!({}), vec![container(json!({"LogConfiguration": null}))]),
        ),
        Case::new(
            "eks-control-plane-logging",
            EKS,
            cluster("prod", json!({})),
            cluster("prod", json!({"Logging": {"ClusterLogging": {"EnabledTypes": [{"Type": "api"}, {"Type": "audit"}]}}})),
        ),
        Case::new(
            "codebuild-project-logging",
            BUILD,
            project("app", json!({})),
            project(
                "app",
                json!({"logsConfig": {"cloudWatchLogs": {"status": "DISABLED"}, "s3Logs": {"status": "DISABLED", "encryptionDisabled": false}}}),
            ),
        ),
        Case::new("stepfunctions-logging", SFN, state_machine("orders", "ALL"), state_machine("orders", "OFF")),
        Case::new("mq-broker-logging", MQ, broker("orders", "ACTIVEMQ", true, true), broker("orders", "ACTIVEMQ", true, false)),
        Case::new("route53-public-zone-query-logging", ZONE, zone("Z1", true, false), zone("Z1", false, false)),
        Case::new("lambda-inside-vpc", LAMBDA, function("api", "python3.12", true, None), function("api", "python3.12", false, None)),
        Case::new(
            "lambda-not-public",
            LAMBDA,
            function("api", "python3.12", true, Some(lambda_policy(false))),
            function("api", "python3.12", true, Some(lambda_policy(true))),
        ),
        Case::new("lambda-supported-runtime", LAMBDA, function("api", "nodejs22.x", true, None), function("api", "nodejs18.x", true, None)),
        Case::new(
            "apigateway-stage-cache-encrypted",
            STAGE,
            stage("prod", json!({"*/*": method("INFO", true, true)}), cached.clone()),
            stage("prod", json!({"*/*": method("INFO", true, true), "~1orders/GET": method("INFO", true, false)}), cached.clone()),
        ),
        Case::new(
            "apigateway-stage-waf",
            STAGE,
            stage("prod", fine.clone(), json!({})),
            stage("prod", fine.clone(), json!({"webAclArn": null})),
        ),
        Case::new("ecr-scan-on-push", ECR, repository("web", json!(true), true), repository("web", json!(false), true)),
        Case::new("ecr-lifecycle-policy", ECR, repository("web", json!(true), true), repository("web", json!(true), false)),
        Case::new(
            "ecs-fargate-latest-platform",
            SERVICE,
            service("web", "FARGATE", Some("1.4.0")),
            service("web", "FARGATE", Some("1.3.0")),
        ),
        Case::new(
            "ecs-containers-readonly-root",
            TASK,
            task_ok(),
            task("web", json!({}), vec![container(json!({"ReadonlyRootFilesystem": null}))]),
        ),
        Case::new("ecs-no-host-pid", TASK, task_ok(), task("web", json!({"PidMode": "host"}), vec![container(json!({}))])),
        Case::new(
            "ecs-host-network-non-root",
            TASK,
            task("web", json!({"NetworkMode": "host"}), vec![container(json!({}))]),
            task("web", json!({"NetworkMode": "host"}), vec![container(json!({"User": null}))]),
        ),
        Case::new(
            "ecs-no-environment-secrets",
            TASK,
            task_ok(),
            task("web", json!({}), vec![container(json!({"Environment": [{"Name": "DB_PASSWORD", "Value": "hunter2"}]}))]),
        ),
        Case::new("ecs-no-privileged-containers", TASK, task_ok(), task("web", json!({}), vec![container(json!({"Privileged": true}))])),
        Case::new("eks-secrets-encrypted", EKS, cluster("prod", json!({})), cluster("prod", json!({"EncryptionConfig": []}))),
        Case::new(
            "eks-endpoint-not-public",
            EKS,
            cluster("prod", json!({})),
            cluster(
                "prod",
                json!({"ResourcesVpcConfig": {"SubnetIds": ["subnet-0a1"], "EndpointPublicAccess": true, "EndpointPrivateAccess": false, "PublicAccessCidrs": ["0.0.0.0/0"]}}),
            ),
        ),
        Case::new("eks-supported-version", EKS, cluster("prod", json!({})), cluster("prod", json!({"Version": "1.31"}))),
        Case::new(
            "codebuild-no-plaintext-secrets",
            BUILD,
            project("app", json!({})),
            project(
                "app",
                json!({"environment": {"type": "LINUX_CONTAINER", "environmentVariables": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "type": "PLAINTEXT"}]}}),
            ),
        ),
        Case::new(
            "codebuild-s3-logs-encrypted",
            BUILD,
            project("app", json!({})),
            project(
                "app",
                json!({"logsConfig": {"cloudWatchLogs": {"status": "ENABLED"}, "s3Logs": {"status": "ENABLED", "location": "acme-build-logs/app", "encryptionDisabled": true}}}),
            ),
        ),
        Case::new(
            "codebuild-source-url-no-credentials",
            BUILD,
            project("app", json!({})),
            project("app", json!({"source": {"type": "BITBUCKET", "location": "https://builder:s3cret@bitbucket.org/acme/app.git"}})),
        ),
    ]
}

#[test]
fn monitoring_checks_pass_fail_and_are_not_assessed_without_evidence() {
    run_cases(cases());
}

// --- Wrong shapes and edges, one resource at a time ---------------------------------------------

fn one(t: &str, item: Value) -> Bundle {
    resources_bundle(t, vec![item])
}

#[test]
fn a_field_of_the_wrong_type_or_missing_is_not_assessed() {
    // Scan on push written as a string: the item cannot be read, so the repository is not assessed.
    assert_status("ecr-scan-on-push", &one(ECR, repository("web", json!("yes"), true)), CheckStatus::NotAssessed);
    let mut no_scanning = repository("web", json!(true), true);
    no_scanning["configuration"] = json!(json!({"RepositoryName": "web"}).to_string());
    assert_status("ecr-scan-on-push", &one(ECR, no_scanning), CheckStatus::NotAssessed);
    // A stage that does not say whether tracing is on.
    let mut st = stage("prod", json!({}), json!({}));
    let mut cfg: Value = serde_json::from_str(st["configuration"].as_str().unwrap()).unwrap();
    cfg.as_object_mut().unwrap().remove("tracingEnabled");
    st["configuration"] = json!(cfg.to_string());
    assert_status("apigateway-stage-xray-tracing", &one(STAGE, st), CheckStatus::NotAssessed);
    // An alarm without alarmActions, a cluster without its endpoint settings or logging block.
    let mut a = alarm("cpu", json!([]));
    a["configuration"] = json!(json!({"alarmName": "cpu", "actionsEnabled": true}).to_string());
    assert_status("cloudwatch-alarm-has-action", &one(ALARM, a), CheckStatus::NotAssessed);
    assert_status("eks-endpoint-not-public", &one(EKS, cluster("prod", json!({"ResourcesVpcConfig": null}))), CheckStatus::NotAssessed);
    assert_status("eks-control-plane-logging", &one(EKS, cluster("prod", json!({"Logging": null}))), CheckStatus::NotAssessed);
    assert_status("eks-supported-version", &one(EKS, cluster("prod", json!({"Version": null}))), CheckStatus::NotAssessed);
    // Privileged written as "true" is no boolean: not read, never a pass.
    let bad = task("web", json!({}), vec![container(json!({"Privileged": "true"}))]);
    assert_status("ecs-no-privileged-containers", &one(TASK, bad), CheckStatus::NotAssessed);
    assert_status(
        "ecs-no-privileged-containers",
        &one(TASK, task("web", json!({"ContainerDefinitions": null}), vec![])),
        CheckStatus::NotAssessed,
    );
    // A trail that does not name its bucket; a project without logsConfig.
    let mut t = trail("main", "x", true);
    t["configuration"] = json!(json!({"name": "main", "isMultiRegionTrail": true}).to_string());
    assert_status(
        "cloudtrail-bucket-access-logging",
        &resources_bundle_with(TRAIL, vec![t.clone()], &[(BUCKET, vec![])]),
        CheckStatus::NotAssessed,
    );
    assert_status("cloudtrail-insights", &one(TRAIL, t), CheckStatus::NotAssessed);
    let mut p = project("app", json!({}));
    let mut cfg: Value = serde_json::from_str(p["configuration"].as_str().unwrap()).unwrap();
    cfg.as_object_mut().unwrap().remove("logsConfig");
    p["configuration"] = json!(cfg.to_string());
    assert_status("codebuild-project-logging", &one(BUILD, p), CheckStatus::NotAssessed);
    // A hosted zone whose query logging entry is a number.
    let mut z = zone("Z1", false, false);
    z["configuration"] = json!(json!({"Id": "Z1", "Name": "example.com.", "QueryLoggingConfig": 7}).to_string());
    assert_status("route53-public-zone-query-logging", &one(ZONE, z), CheckStatus::NotAssessed);
}

#[test]
fn out_of_scope_resources_are_skipped() {
    // A deregistered task definition revision, a private zone, an EC2 service, a stage without
    // a cache, a project without S3 logs, a container image function, an awsvpc task.
    let inactive = task("old", json!({"Status": "INACTIVE", "PidMode": "host"}), vec![container(json!({"Privileged": true}))]);
    assert_status("ecs-no-privileged-containers", &one(TASK, inactive.clone()), CheckStatus::NotApplicable);
    assert_status("ecs-no-host-pid", &one(TASK, inactive), CheckStatus::NotApplicable);
    assert_status(
        "ecs-host-network-non-root",
        &one(TASK, task("web", json!({}), vec![container(json!({"User": null}))])),
        CheckStatus::NotApplicable,
    );
    assert_status("route53-public-zone-query-logging", &one(ZONE, zone("Z2", false, true)), CheckStatus::NotApplicable);
    assert_status("ecs-fargate-latest-platform", &one(SERVICE, service("web", "EC2", None)), CheckStatus::NotApplicable);
    assert_status(
        "apigateway-stage-cache-encrypted",
        &one(STAGE, stage("prod", json!({"*/*": method("INFO", true, false)}), json!({}))),
        CheckStatus::NotApplicable,
    );
    let no_s3 = project("app", json!({"logsConfig": {"cloudWatchLogs": {"status": "ENABLED"}, "s3Logs": {"status": "DISABLED"}}}));
    assert_status("codebuild-s3-logs-encrypted", &one(BUILD, no_s3), CheckStatus::NotApplicable);
    let mut image = function("img", "python3.12", true, None);
    image["configuration"] = json!(json!({"functionName": "img", "packageType": "Image"}).to_string());
    assert_status("lambda-supported-runtime", &one(LAMBDA, image), CheckStatus::NotApplicable);
    // Fargate without a pinned version runs LATEST; 1.0.0 is Windows-latest but Linux-ancient.
    assert_status("ecs-fargate-latest-platform", &one(SERVICE, service("web", "FARGATE", None)), CheckStatus::Pass);
    assert_status("ecs-fargate-latest-platform", &one(SERVICE, service("web", "FARGATE", Some("1.0.0"))), CheckStatus::NotAssessed);
    // RabbitMQ has no audit log: general alone passes.
    assert_status("mq-broker-logging", &one(MQ, broker("q", "RABBITMQ", true, false)), CheckStatus::Pass);
    // Runtimes are judged at the collection time (2026-11-27): nodejs20.x was deprecated 2026-04-30.
    assert_status("lambda-supported-runtime", &one(LAMBDA, function("api", "nodejs20.x", true, None)), CheckStatus::Fail);
    assert_status("lambda-supported-runtime", &one(LAMBDA, function("api", "cobol9", true, None)), CheckStatus::NotAssessed);
    assert_status("eks-supported-version", &one(EKS, cluster("prod", json!({"Version": "1.36"}))), CheckStatus::Pass);
    assert_status("eks-supported-version", &one(EKS, cluster("prod", json!({"Version": "1.20"}))), CheckStatus::Fail);
}

#[test]
fn lambda_policies_are_judged_and_a_missing_entry_is_not_a_pass() {
    assert_status("lambda-not-public", &one(LAMBDA, function("api", "python3.12", true, None)), CheckStatus::NotAssessed);
    let mut garbled = function("api", "python3.12", true, None);
    garbled["supplementaryConfiguration"] = json!({"Policy": "{not json"});
    assert_status("lambda-not-public", &one(LAMBDA, garbled), CheckStatus::NotAssessed);
    // An open principal pinned to one source account is not public.
    let pinned = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
        "Resource": "*", "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}}]});
    assert_status("lambda-not-public", &one(LAMBDA, function("api", "python3.12", true, Some(pinned))), CheckStatus::Pass);
    // Without vpcConfig at all the function is outside any VPC (as AWS's own rule reads it).
    let mut bare = function("api", "python3.12", false, None);
    bare["configuration"] = json!(json!({"functionName": "api", "runtime": "python3.12"}).to_string());
    assert_status("lambda-inside-vpc", &one(LAMBDA, bare), CheckStatus::Fail);
}

#[test]
fn a_trail_bucket_of_another_account_is_not_assessed() {
    let b = resources_bundle_with(
        TRAIL,
        vec![trail("org", "archive-999988887777-logs", true)],
        &[(BUCKET, vec![bucket("trail-logs", true, false, true)])],
    );
    for id in ["cloudtrail-bucket-not-public", "cloudtrail-bucket-access-logging"] {
        let o = assert_status(id, &b, CheckStatus::NotAssessed);
        assert!(o.reason.unwrap().contains("another account"), "{id}");
    }
    // Without full Block Public Access and without a public policy, the ACL is unknown.
    let b = resources_bundle_with(TRAIL, vec![trail("main", "half", true)], &[(BUCKET, vec![bucket("half", false, false, true)])]);
    assert_status("cloudtrail-bucket-not-public", &b, CheckStatus::NotAssessed);
}

fn two_regions(items_east: Vec<Value>, items_west: Vec<Value>) -> Bundle {
    let mut files = recorder_files("us-east-1", true, true);
    files.extend(recorder_files("eu-west-1", true, true));
    files.push((resource_path(ACCOUNT, "us-east-1", DETECTOR), json!({"baseConfigurationItems": items_east}).to_string()));
    let west: Vec<Value> = items_west
        .into_iter()
        .map(|mut i| {
            i["awsRegion"] = json!("eu-west-1");
            i
        })
        .collect();
    files.push((resource_path(ACCOUNT, "eu-west-1", DETECTOR), json!({"baseConfigurationItems": west}).to_string()));
    bundle_with(&["us-east-1", "eu-west-1"], &owned(&files), vec![], vec![])
}

#[test]
fn guardduty_must_be_on_in_every_recorded_region() {
    assert_status("guardduty-enabled", &two_regions(vec![detector("d1", true)], vec![detector("d2", true)]), CheckStatus::Pass);
    let o = assert_status("guardduty-enabled", &two_regions(vec![detector("d1", true)], vec![]), CheckStatus::Fail);
    assert!(o.findings.iter().any(|f| f.resource.ends_with("eu-west-1") && f.detail.contains("no GuardDuty detector")));
    // An unreadable detector item is no proof that the region lacks one: not assessed, not failed.
    let mut broken = detector("d2", true);
    broken["configuration"] = json!("[1, 2, 3]");
    assert_status("guardduty-enabled", &two_regions(vec![detector("d1", true)], vec![broken]), CheckStatus::NotAssessed);
}

#[test]
fn global_resource_types_are_recorded_in_exactly_one_region() {
    let recorder = |global: bool| {
        json!({"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": global, "resourceTypes": []}}]})
            .to_string()
    };
    let files = |east: bool, west: bool| {
        vec![
            (format!("{ACCOUNT}/us-east-1/config/describe-configuration-recorders.json"), recorder(east)),
            (format!("{ACCOUNT}/eu-west-1/config/describe-configuration-recorders.json"), recorder(west)),
        ]
    };
    let b = |east, west| bundle_with(&["us-east-1", "eu-west-1"], &owned(&files(east, west)), vec![], vec![]);
    assert_status("config-global-resources-one-region", &b(true, false), CheckStatus::Pass);
    let o = assert_status("config-global-resources-one-region", &b(true, true), CheckStatus::Fail);
    assert!(o.findings[0].detail.contains("2 regions"));
    assert_status("config-global-resources-one-region", &b(false, false), CheckStatus::Fail);
    // One region's recorders missing: none found elsewhere proves nothing.
    let only_west = vec![files(false, false).remove(1)];
    assert_status(
        "config-global-resources-one-region",
        &bundle_with(&["us-east-1", "eu-west-1"], &owned(&only_west), vec![], vec![]),
        CheckStatus::NotAssessed,
    );
    // A recorders document of the wrong shape is not assessed.
    let broken =
        vec![(format!("{ACCOUNT}/us-east-1/config/describe-configuration-recorders.json"), "{\"ConfigurationRecorders\": 3}".to_string())];
    assert_status("config-global-resources-one-region", &bundle(&owned(&broken)), CheckStatus::NotAssessed);
}

// --- IAM: get-account-authorization-details ---------------------------------------------------

fn auth(details: Value) -> Bundle {
    bundle(&[(&format!("{ACCOUNT}/global/iam/get-account-authorization-details.json"), details.to_string())])
}

fn doc(statement: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn ec2_trust() -> Value {
    doc(json!({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}))
}

fn role(name: &str, path: &str, created: &str, last_used: Value, inline: Value, attached: Value) -> Value {
    json!({"Path": path, "RoleName": name, "RoleId": "AROA1", "Arn": format!("arn:aws:iam::{ACCOUNT}:role{path}{name}"),
        "CreateDate": created, "AssumeRolePolicyDocument": ec2_trust(), "InstanceProfileList": [], "RolePolicyList": inline,
        "AttachedManagedPolicies": attached, "Tags": [], "RoleLastUsed": last_used})
}

fn managed(name: &str, document: Value) -> Value {
    json!({"PolicyName": name, "PolicyId": "ANPA1", "Arn": format!("arn:aws:iam::{ACCOUNT}:policy/{name}"), "Path": "/", "DefaultVersionId": "v2",
        "AttachmentCount": 1, "IsAttachable": true, "CreateDate": "2025-01-01T00:00:00Z", "UpdateDate": "2025-02-01T00:00:00Z",
        "PolicyVersionList": [{"Document": document, "VersionId": "v2", "IsDefaultVersion": true, "CreateDate": "2025-02-01T00:00:00Z"}]})
}

fn details(roles: Vec<Value>, policies: Vec<Value>) -> Value {
    json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": policies})
}

#[test]
fn passrole_and_marketplace_wildcards_are_found_in_managed_and_inline_policies() {
    let used = json!({"LastUsedDate": "2026-11-20T10:00:00Z", "Region": "us-east-1"});
    let narrow = doc(json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/app")}));
    let wide = doc(json!({"Effect": "Allow", "Action": ["iam:Pass*", "s3:GetObject"], "Resource": "*"}));
    let market = doc(json!({"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"}));
    let inline = |d: Value| json!([{"PolicyName": "inline", "PolicyDocument": d}]);
    let b = |inl: Value, pol: Vec<Value>| auth(details(vec![role("app", "/", "2024-01-01T00:00:00Z", used.clone(), inl, json!([]))], pol));
    assert_status("iam-no-passrole-on-all-roles", &b(inline(narrow.clone()), vec![managed("Deploy", narrow.clone())]), CheckStatus::Pass);
    let o =
        assert_status("iam-no-passrole-on-all-roles", &b(inline(narrow.clone()), vec![managed("Deploy", wide.clone())]), CheckStatus::Fail);
    assert!(o.findings.iter().any(|f| f.resource.ends_with("policy/Deploy")));
    let o = assert_status("iam-no-passrole-on-all-roles", &b(inline(wide.clone()), vec![]), CheckStatus::Fail);
    assert!(o.findings.iter().any(|f| f.resource.contains("inline policy inline")));
    // NotAction that leaves PassRole in grants it.
    let not_action = doc(json!({"Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"}));
    assert_status("iam-no-passrole-on-all-roles", &b(inline(not_action), vec![]), CheckStatus::Fail);
    // AWS managed policies are not judged by the customer managed half.
    let mut aws = managed("PowerUserAccess", wide.clone());
    aws["Arn"] = json!("arn:aws:iam::aws:policy/PowerUserAccess");
    assert_status("iam-no-marketplace-subscribe-wildcard", &b(json!([]), vec![aws]), CheckStatus::NotApplicable);
    assert_status("iam-no-marketplace-subscribe-wildcard", &b(json!([]), vec![managed("Buy", market.clone())]), CheckStatus::Fail);
    assert_status("iam-no-marketplace-subscribe-wildcard", &b(json!([]), vec![managed("Read", narrow.clone())]), CheckStatus::Pass);
    assert_status("iam-no-inline-marketplace-subscribe-wildcard", &b(inline(market), vec![]), CheckStatus::Fail);
    assert_status("iam-no-inline-marketplace-subscribe-wildcard", &b(inline(narrow), vec![]), CheckStatus::Pass);
    assert_status("iam-no-inline-marketplace-subscribe-wildcard", &b(json!([]), vec![]), CheckStatus::NotApplicable);
    // A default version that cannot be read is not assessed.
    let unreadable = managed("Odd", json!("not a policy"));
    assert_status("iam-no-marketplace-subscribe-wildcard", &b(json!([]), vec![unreadable]), CheckStatus::NotAssessed);
}

#[test]
fn cloudshell_full_access_and_unused_roles() {
    let used = |d: &str| json!({"LastUsedDate": d, "Region": "eu-west-1"});
    let cloudshell = json!([{"PolicyName": "AWSCloudShellFullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"}]);
    let r = |attached: Value| {
        auth(details(vec![role("ops", "/", "2024-01-01T00:00:00Z", used("2026-11-01T00:00:00Z"), json!([]), attached)], vec![]))
    };
    assert_status("iam-no-cloudshell-full-access", &r(json!([])), CheckStatus::Pass);
    assert_status("iam-no-cloudshell-full-access", &r(cloudshell), CheckStatus::Fail);

    let one = |role: Value| auth(details(vec![role], vec![]));
    let id = "iam-role-unused-90-days";
    assert_status(
        id,
        &one(role("ops", "/", "2024-01-01T00:00:00Z", used("2026-10-01T00:00:00Z"), json!([]), json!([]))),
        CheckStatus::Pass,
    );
    let o = assert_status(
        id,
        &one(role("ops", "/", "2024-01-01T00:00:00Z", used("2026-05-01T00:00:00Z"), json!([]), json!([]))),
        CheckStatus::Fail,
    );
    assert!(o.findings[0].detail.contains("2026-05-01"));
    // Never used (IAM sends an empty RoleLastUsed): old roles fail, roles younger than 90 days pass.
    assert_status(id, &one(role("old", "/", "2025-01-01T00:00:00Z", json!({}), json!([]), json!([]))), CheckStatus::Fail);
    assert_status(id, &one(role("new", "/", "2026-11-01T00:00:00Z", json!({}), json!([]), json!([]))), CheckStatus::Pass);
    // Service-linked roles are their service's business.
    let linked =
        role("AWSServiceRoleForConfig", "/aws-service-role/config.amazonaws.com/", "2020-01-01T00:00:00Z", json!({}), json!([]), json!([]));
    assert_status(id, &one(linked), CheckStatus::NotApplicable);
    // Without RoleLastUsed, or with a date that is no date, the role is not assessed.
    let mut bare = role("ops", "/", "2024-01-01T00:00:00Z", json!({}), json!([]), json!([]));
    bare.as_object_mut().unwrap().remove("RoleLastUsed");
    assert_status(id, &one(bare), CheckStatus::NotAssessed);
    assert_status(id, &one(role("ops", "/", "2024-01-01T00:00:00Z", used("last week"), json!([]), json!([]))), CheckStatus::NotAssessed);
    // RoleLastUsed of the wrong type makes the whole document unreadable.
    assert_status(id, &one(role("ops", "/", "2024-01-01T00:00:00Z", json!("yesterday"), json!([]), json!([]))), CheckStatus::NotAssessed);
}
