//! Monitoring, logging, application-security and identity checks over configuration items and
//! IAM evidence: alarms, GuardDuty, the trail's log bucket, Lambda, API Gateway, AppSync,
//! containers, EKS, CodeBuild, Step Functions, Amazon MQ, Route 53, IAM policies and roles, and
//! where the Config recorder records global resources. Same rules as `resources`: no recorder,
//! no evidence; nothing in scope is not applicable.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::eval::Live;
use super::items::{each_item, field, needed, verdict, verdict_field_str, Fail, Pass, Skip, Unknown, Verdict};
use super::policy::open_statement;
use super::{Check, Duty, Eval, Need, Severity};
use crate::evidence::docs::items::Config;
use crate::evidence::docs::items::{
    Alarm, ApiStage, ApiV2Stage, Bucket, BuildProject, ContainerDefinition, Detector, EcrRepository, EcsService, EksCluster, GraphQlApi,
    HostedZone, LambdaFunction, MqBroker, PublicAccessBlock, StateMachine, TaskDefinition, Trail,
};
use crate::evidence::docs::policy::{Policy, PolicyDocument, Statement};
use crate::evidence::docs::{time, AuthorizationDetails, Recorders, Resources};
use crate::evidence::{DocId, Kind, ResourceType};

const AUTH_DETAILS: Need = Need::Doc(Kind::AuthorizationDetails);

pub static CHECKS: &[Check] = &[
    // --- Monitoring and logging -------------------------------------------------------------
    Check {
        id: "cloudwatch-alarm-has-action",
        title: "CloudWatch alarms notify or act when they enter the ALARM state",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "An alarm with no action for the ALARM state (or with its actions switched off) changes colour on a dashboard that nobody may be watching.",
        remediation: "aws cloudwatch put-metric-alarm ... --alarm-actions SNS_TOPIC_ARN (and --actions-enabled), or add the action in the console.",
        evidence: &[Need::Items(ResourceType::CloudWatchAlarm)],
        run: alarm_action,
    },
    Check {
        id: "guardduty-enabled",
        title: "GuardDuty has an enabled detector in every region",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::High,
        rationale: "GuardDuty analyses CloudTrail, VPC flow and DNS logs for signs of compromise; a region without a detector is a region where an intruder goes unseen.",
        remediation: "aws guardduty create-detector --enable in each region (or enable it organisation-wide from the delegated administrator account).",
        evidence: &[Need::Items(ResourceType::GuardDutyDetector)],
        run: guardduty_enabled,
    },
    Check {
        id: "cloudtrail-bucket-not-public",
        title: "The S3 bucket CloudTrail writes to is not public",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Critical,
        rationale: "CloudTrail logs describe the whole account; a public log bucket hands that map, and the chance to erase it, to anyone.",
        remediation: "Turn on all four Block Public Access settings on the trail's bucket (aws s3api put-public-access-block) and remove any public policy statement.",
        evidence: &[
            Need::Items(ResourceType::CloudTrailTrail),
            Need::Items(ResourceType::S3Bucket),
            Need::Items(ResourceType::S3AccountPublicAccessBlock),
        ],
        run: trail_bucket_not_public,
    },
    Check {
        id: "cloudtrail-bucket-access-logging",
        title: "The S3 bucket CloudTrail writes to logs access requests",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "Server access logs on the trail's bucket show who read or deleted the audit logs themselves.",
        remediation: "aws s3api put-bucket-logging --bucket TRAIL_BUCKET with a target bucket in the log archive.",
        evidence: &[Need::Items(ResourceType::CloudTrailTrail), Need::Items(ResourceType::S3Bucket)],
        run: trail_bucket_logging,
    },
    Check {
        id: "cloudtrail-insights",
        title: "CloudTrail trails have Insights selectors",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "CloudTrail Insights flags unusual rates of write API calls or errors, an early sign of misuse of credentials.",
        remediation: "aws cloudtrail put-insight-selectors --trail-name TRAIL --insight-selectors InsightType=ApiCallRateInsight InsightType=ApiErrorRateInsight",
        evidence: &[Need::Items(ResourceType::CloudTrailTrail)],
        run: trail_insights,
    },
    Check {
        id: "config-global-resources-one-region",
        title: "Exactly one region's Config recorder records global resource types",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Global types (IAM) must be recorded somewhere to keep their history, and in one region only, or every change is recorded, billed and alerted on several times.",
        remediation: "aws configservice put-configuration-recorder with recordingGroup.includeGlobalResourceTypes=true in the home region and false everywhere else.",
        evidence: &[Need::Doc(Kind::Recorders)],
        run: global_types_one_region,
    },
    Check {
        id: "apigateway-stage-execution-logging",
        title: "API Gateway REST API stages write execution logs",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "Execution logs at ERROR or INFO level are the record of failed and rejected calls to the API, needed to investigate abuse.",
        remediation: "aws apigateway update-stage --patch-operations op=replace,path=/*/*/logging/loglevel,value=ERROR (with a CloudWatch Logs role set for the account).",
        evidence: &[Need::Items(ResourceType::ApiGatewayStage)],
        run: api_stage_logging,
    },
    Check {
        id: "apigateway-stage-xray-tracing",
        title: "API Gateway REST API stages have X-Ray tracing on",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Tracing follows each request through the API and its back ends, which shows where a failure or an attack went.",
        remediation: "aws apigateway update-stage --patch-operations op=replace,path=/tracingEnabled,value=true",
        evidence: &[Need::Items(ResourceType::ApiGatewayStage)],
        run: api_stage_tracing,
    },
    Check {
        id: "apigatewayv2-stage-access-logging",
        title: "API Gateway HTTP and WebSocket API stages write access logs",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "Access logs record who called which route and with what result; without them the API's use cannot be reconstructed.",
        remediation: "aws apigatewayv2 update-stage --api-id API --stage-name STAGE --access-log-settings DestinationArn=LOG_GROUP_ARN,Format=...",
        evidence: &[Need::Items(ResourceType::ApiGatewayV2Stage)],
        run: api_v2_access_logging,
    },
    Check {
        id: "appsync-field-logging",
        title: "AppSync GraphQL APIs log at field level",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Field-level logs record the resolvers each request ran and their errors, the only trail of what a GraphQL query touched.",
        remediation: "aws appsync update-graphql-api --api-id API --log-config fieldLogLevel=ERROR,cloudWatchLogsRoleArn=ROLE",
        evidence: &[Need::Items(ResourceType::AppSyncGraphQlApi)],
        run: appsync_logging,
    },
    Check {
        id: "ecs-task-definition-logging",
        title: "ECS task definitions send every container's logs to a log driver",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "A container without a log configuration loses its output when the task stops, and with it the record of what ran.",
        remediation: "Register a new task definition revision with logConfiguration (logDriver awslogs or awsfirelens) on every container.",
        evidence: &[Need::Items(ResourceType::EcsTaskDefinition)],
        run: ecs_logging,
    },
    Check {
        id: "eks-control-plane-logging",
        title: "EKS clusters send all five control plane log types to CloudWatch Logs",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "The API server, audit, authenticator, controller manager and scheduler logs are the record of who did what in the cluster.",
        remediation: "aws eks update-cluster-config --name CLUSTER --logging '{\"clusterLogging\":[{\"types\":[\"api\",\"audit\",\"authenticator\",\"controllerManager\",\"scheduler\"],\"enabled\":true}]}'",
        evidence: &[Need::Items(ResourceType::EksCluster)],
        run: eks_logging,
    },
    Check {
        id: "codebuild-project-logging",
        title: "CodeBuild projects write build logs to CloudWatch Logs or S3",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "Build logs show what each build fetched, ran and published, evidence needed when a pipeline is suspected of tampering.",
        remediation: "aws codebuild update-project --name PROJECT --logs-config cloudWatchLogs={status=ENABLED}",
        evidence: &[Need::Items(ResourceType::CodeBuildProject)],
        run: codebuild_logging,
    },
    Check {
        id: "stepfunctions-logging",
        title: "Step Functions state machines log their executions",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Without execution logging a state machine's failures and inputs leave no record outside the short-lived execution history.",
        remediation: "aws stepfunctions update-state-machine --state-machine-arn ARN --logging-configuration level=ERROR,destinations=[{cloudWatchLogsLogGroup={logGroupArn=ARN}}]",
        evidence: &[Need::Items(ResourceType::StepFunctionsStateMachine)],
        run: stepfunctions_logging,
    },
    Check {
        id: "mq-broker-logging",
        title: "Amazon MQ brokers publish their logs to CloudWatch Logs",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Broker general logs (and, for ActiveMQ, audit logs of management actions) are the record of connections and configuration changes.",
        remediation: "aws mq update-broker --broker-id BROKER --logs General=true,Audit=true (Audit for ActiveMQ only).",
        evidence: &[Need::Items(ResourceType::AmazonMqBroker)],
        run: mq_logging,
    },
    Check {
        id: "route53-public-zone-query-logging",
        title: "Route 53 public hosted zones log DNS queries",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Query logs show which names were resolved and from where, useful to spot reconnaissance and data exfiltration over DNS.",
        remediation: "aws route53 create-query-logging-config --hosted-zone-id ZONE --cloud-watch-logs-log-group-arn ARN (a log group in us-east-1).",
        evidence: &[Need::Items(ResourceType::Route53HostedZone)],
        run: route53_query_logging,
    },
    // --- Application security ----------------------------------------------------------------
    Check {
        id: "lambda-inside-vpc",
        title: "Lambda functions run inside a VPC",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Low,
        rationale: "A function attached to VPC subnets reaches data through security groups and private endpoints you control, not over the public network.",
        remediation: "aws lambda update-function-configuration --function-name FN --vpc-config SubnetIds=...,SecurityGroupIds=...",
        evidence: &[Need::Items(ResourceType::LambdaFunction)],
        run: lambda_in_vpc,
    },
    Check {
        id: "lambda-not-public",
        title: "No Lambda function policy lets anyone invoke the function",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Critical,
        rationale: "A resource policy with an open principal and no condition pinning the caller lets any AWS account, or anyone on the internet, run the function.",
        remediation: "aws lambda remove-permission --function-name FN --statement-id SID, then add-permission naming the account or service (with --source-arn / --source-account).",
        evidence: &[Need::Items(ResourceType::LambdaFunction)],
        run: lambda_not_public,
    },
    Check {
        id: "lambda-supported-runtime",
        title: "Lambda functions use a runtime AWS still supports",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Medium,
        rationale: "After its deprecation date a runtime gets no security patches, and soon functions on it can no longer be updated.",
        remediation: "Move the function to a current runtime (aws lambda update-function-configuration --runtime ...) after testing the code on it.",
        evidence: &[Need::Items(ResourceType::LambdaFunction)],
        run: lambda_runtime,
    },
    Check {
        id: "apigateway-stage-cache-encrypted",
        title: "API Gateway REST API stages that cache responses encrypt the cache",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Medium,
        rationale: "Cached responses can hold personal or payment data; an unencrypted cache keeps it in clear at rest.",
        remediation: "aws apigateway update-stage --patch-operations op=replace,path=/*/*/caching/dataEncrypted,value=true",
        evidence: &[Need::Items(ResourceType::ApiGatewayStage)],
        run: api_stage_cache,
    },
    Check {
        id: "apigateway-stage-waf",
        title: "API Gateway REST API stages have a WAF web ACL",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Medium,
        rationale: "A web ACL in front of the API filters injection attempts, bad bots and floods before they reach the integration.",
        remediation: "aws wafv2 associate-web-acl --web-acl-arn ACL --resource-arn arn:aws:apigateway:REGION::/restapis/API/stages/STAGE",
        evidence: &[Need::Items(ResourceType::ApiGatewayStage)],
        run: api_stage_waf,
    },
    Check {
        id: "ecr-scan-on-push",
        title: "ECR repositories scan images on push",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Medium,
        rationale: "Scanning each pushed image finds known vulnerabilities in its packages before it is deployed.",
        remediation: "aws ecr put-image-scanning-configuration --repository-name REPO --image-scanning-configuration scanOnPush=true (or enhanced scanning for the registry).",
        evidence: &[Need::Items(ResourceType::EcrRepository)],
        run: ecr_scan,
    },
    Check {
        id: "ecr-lifecycle-policy",
        title: "ECR repositories have a lifecycle policy",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Low,
        rationale: "Without a lifecycle policy old, unpatched images pile up and stay available to deploy.",
        remediation: "aws ecr put-lifecycle-policy --repository-name REPO --lifecycle-policy-text file://policy.json",
        evidence: &[Need::Items(ResourceType::EcrRepository)],
        run: ecr_lifecycle,
    },
    Check {
        id: "ecs-fargate-latest-platform",
        title: "ECS services on Fargate run the latest platform version",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Medium,
        rationale: "Fargate platform versions carry the kernel and runtime the tasks run on; older ones miss their security fixes.",
        remediation: "aws ecs update-service --cluster CLUSTER --service SERVICE --platform-version LATEST --force-new-deployment",
        evidence: &[Need::Items(ResourceType::EcsService)],
        run: ecs_fargate_platform,
    },
    Check {
        id: "ecs-containers-readonly-root",
        title: "ECS task definitions mount every container's root filesystem read-only",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Medium,
        rationale: "A read-only root filesystem stops an intruder from changing the container's binaries or dropping tools into it.",
        remediation: "Register a new task definition revision with readonlyRootFilesystem=true on each container (writable volumes where the application needs them).",
        evidence: &[Need::Items(ResourceType::EcsTaskDefinition)],
        run: ecs_readonly,
    },
    Check {
        id: "ecs-no-host-pid",
        title: "ECS task definitions do not share the host's process namespace",
        duty: Duty::ApplicationSecurity,
        severity: Severity::High,
        rationale: "With pidMode host a container sees, and may signal, every process on the instance, other tasks' included.",
        remediation: "Register a new task definition revision without pidMode host (task, or unset).",
        evidence: &[Need::Items(ResourceType::EcsTaskDefinition)],
        run: ecs_host_pid,
    },
    Check {
        id: "ecs-host-network-non-root",
        title: "ECS task definitions in host network mode run no container as root or privileged",
        duty: Duty::ApplicationSecurity,
        severity: Severity::High,
        rationale: "In host network mode a container shares the instance's network stack; as root or privileged it can watch or tamper with all of the instance's traffic.",
        remediation: "Use awsvpc network mode, or set a non-root user and privileged=false on every container of the host-mode task definition.",
        evidence: &[Need::Items(ResourceType::EcsTaskDefinition)],
        run: ecs_host_network_users,
    },
    Check {
        id: "ecs-no-environment-secrets",
        title: "ECS task definitions pass no secrets in plain environment variables",
        duty: Duty::ApplicationSecurity,
        severity: Severity::High,
        rationale: "Environment values are shown to anyone who can describe the task definition; secrets belong in Secrets Manager or Parameter Store.",
        remediation: "Move the value to Secrets Manager or SSM Parameter Store and reference it from the container's secrets list.",
        evidence: &[Need::Items(ResourceType::EcsTaskDefinition)],
        run: ecs_env_secrets,
    },
    Check {
        id: "ecs-no-privileged-containers",
        title: "ECS task definitions run no privileged container",
        duty: Duty::ApplicationSecurity,
        severity: Severity::High,
        rationale: "A privileged container holds root rights on the host instance, so one compromised container is a compromised host.",
        remediation: "Register a new task definition revision with privileged=false (add only the Linux capabilities the container needs).",
        evidence: &[Need::Items(ResourceType::EcsTaskDefinition)],
        run: ecs_privileged,
    },
    Check {
        id: "eks-secrets-encrypted",
        title: "EKS clusters encrypt Kubernetes secrets with a KMS key",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Medium,
        rationale: "Envelope encryption of secrets with a customer managed key protects them in etcd and lets key use be controlled and logged.",
        remediation: "aws eks associate-encryption-config --cluster-name CLUSTER --encryption-config resources=secrets,provider={keyArn=KEY}",
        evidence: &[Need::Items(ResourceType::EksCluster)],
        run: eks_secrets,
    },
    Check {
        id: "eks-endpoint-not-public",
        title: "EKS cluster API endpoints are not publicly accessible",
        duty: Duty::ApplicationSecurity,
        severity: Severity::High,
        rationale: "A public Kubernetes API endpoint can be probed and brute-forced from the internet; a private one is reached only from the VPC.",
        remediation: "aws eks update-cluster-config --name CLUSTER --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true",
        evidence: &[Need::Items(ResourceType::EksCluster)],
        run: eks_endpoint,
    },
    Check {
        id: "eks-supported-version",
        title: "EKS clusters run a Kubernetes version in standard support",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Medium,
        rationale: "Past the end of standard support a version gets fixes only under paid extended support, and then none; the cluster falls behind on security patches.",
        remediation: "aws eks update-cluster-version --name CLUSTER --kubernetes-version NEXT (one minor version at a time, node groups after).",
        evidence: &[Need::Items(ResourceType::EksCluster)],
        run: eks_version,
    },
    Check {
        id: "codebuild-no-plaintext-secrets",
        title: "CodeBuild projects keep no secrets in plaintext environment variables",
        duty: Duty::ApplicationSecurity,
        severity: Severity::High,
        rationale: "Plaintext variables are visible to anyone who can read the project and appear in build logs; credentials there leak.",
        remediation: "Store the value in Secrets Manager or Parameter Store and change the variable's type to SECRETS_MANAGER or PARAMETER_STORE.",
        evidence: &[Need::Items(ResourceType::CodeBuildProject)],
        run: codebuild_secrets,
    },
    Check {
        id: "codebuild-s3-logs-encrypted",
        title: "CodeBuild projects that log to S3 encrypt the logs",
        duty: Duty::ApplicationSecurity,
        severity: Severity::Low,
        rationale: "Build logs often hold internal names, URLs and occasionally secrets; they should be encrypted at rest like other sensitive data.",
        remediation: "aws codebuild update-project --name PROJECT --logs-config s3Logs={status=ENABLED,location=BUCKET/prefix,encryptionDisabled=false}",
        evidence: &[Need::Items(ResourceType::CodeBuildProject)],
        run: codebuild_s3_logs_encrypted,
    },
    Check {
        id: "codebuild-source-url-no-credentials",
        title: "CodeBuild source repository URLs carry no credentials",
        duty: Duty::ApplicationSecurity,
        severity: Severity::High,
        rationale: "A user name and password or token written into the source URL is stored in clear with the project and can be read by anyone who can describe it.",
        remediation: "Remove the credentials from the URL and connect the source with an OAuth connection or a token kept in Secrets Manager (aws codebuild import-source-credentials).",
        evidence: &[Need::Items(ResourceType::CodeBuildProject)],
        run: codebuild_source_url,
    },
    // --- Identity and access -----------------------------------------------------------------
    Check {
        id: "iam-no-passrole-on-all-roles",
        title: "No customer managed or inline policy allows iam:PassRole on every role",
        duty: Duty::IdentityAndAccess,
        severity: Severity::High,
        rationale: "iam:PassRole on \"*\" lets a principal hand any role, an administrator role included, to a service it controls and so take that role's rights.",
        remediation: "Limit the statement's Resource to the ARNs of the roles the principal must pass, and add an iam:PassedToService condition.",
        evidence: &[AUTH_DETAILS],
        run: passrole_wildcard,
    },
    Check {
        id: "iam-no-marketplace-subscribe-wildcard",
        title: "No customer managed policy allows aws-marketplace:Subscribe on every resource",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Medium,
        rationale: "Subscribing to Marketplace products commits the account to charges and brings third-party software in; it should be granted only for the products approved.",
        remediation: "Remove aws-marketplace:Subscribe from the policy or scope it with an aws-marketplace:ProductId condition; grant it to a procurement role only.",
        evidence: &[AUTH_DETAILS],
        run: marketplace_managed,
    },
    Check {
        id: "iam-no-inline-marketplace-subscribe-wildcard",
        title: "No inline policy allows aws-marketplace:Subscribe on every resource",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Medium,
        rationale: "An inline grant of Marketplace subscriptions is hidden inside one principal and escapes the review that managed policies get.",
        remediation: "Delete the statement from the inline policy, or move a scoped version of it into a reviewed managed policy.",
        evidence: &[AUTH_DETAILS],
        run: marketplace_inline,
    },
    Check {
        id: "iam-no-cloudshell-full-access",
        title: "No user, group or role holds AWSCloudShellFullAccess",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Medium,
        rationale: "Full CloudShell access includes uploading and downloading files to a shell inside the account, a ready channel for moving data out.",
        remediation: "aws iam detach-user-policy / detach-group-policy / detach-role-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess; grant a narrower policy where needed.",
        evidence: &[AUTH_DETAILS],
        run: cloudshell_full_access,
    },
    Check {
        id: "iam-role-unused-90-days",
        title: "No IAM role has gone unused for more than 90 days",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "A role nobody uses still carries its permissions and trust; it widens what a stolen credential can reach without serving anyone.",
        remediation: "Review the role's last activity (aws iam get-role), then delete it or remove its permissions; service-linked roles are left to their service.",
        evidence: &[AUTH_DETAILS],
        run: role_unused,
    },
];

// ---------------------------------------------------------------------------------------------
// Monitoring and logging

fn name_of<C>(x: &Live<C>, name: &Option<String>) -> String {
    name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| x.item.display_name().to_string())
}

fn alarm_action(e: &mut Eval) {
    each_item::<Alarm>(e, "CloudWatch alarms", |a| {
        let name = name_of(a, &a.config.alarm_name);
        let actions = verdict!(field(a.config.alarm_actions.as_ref(), "the alarm's actions (alarmActions)"));
        if actions.is_empty() {
            Fail(format!("alarm {name}: no action for the ALARM state"))
        } else if a.config.actions_enabled == Some(false) {
            Fail(format!("alarm {name}: has {} action(s) but actions are disabled", actions.len()))
        } else {
            Pass(format!("alarm {name}: ALARM state triggers {}", actions.join(", ")))
        }
    });
}

fn guardduty_enabled(e: &mut Eval) {
    let (detectors, assessed) = e.items::<Detector>();
    for scope in assessed {
        let here: Vec<&Live<Detector>> = detectors.iter().filter(|d| d.scope() == scope).collect();
        for d in &here {
            let id = d.config.id.clone().unwrap_or_else(|| d.item.resource_id.clone());
            match d.config.enable {
                Some(true) => e.pass(d.item.id(), format!("detector {id} is enabled")),
                Some(false) => e.fail(d.item.id(), format!("detector {id} exists but is suspended (Enable false)")),
                None => e.not_assessed(
                    d.item.id(),
                    format!("{}: the configuration item does not say whether the detector is enabled", resources_path(d)),
                ),
            }
        }
        // Items that are no evidence (unreadable, deleted) were marked not assessed by `items`:
        // the region may still have a detector, so it is not failed for want of one.
        let (account, region) = scope.split_once('/').expect("scopes are account/region");
        let listed = e
            .optional::<Resources>(&DocId::resources(account, region, ResourceType::GuardDutyDetector), &scope)
            .map_or(0, |d| d.items.len());
        if here.is_empty() && listed == 0 {
            e.fail(&scope, "no GuardDuty detector in this region");
        }
    }
}

fn resources_path<C: Config>(x: &Live<C>) -> String {
    DocId::resources(&x.account, &x.region, C::TYPE).path()
}

/// The accounts whose account-level Block Public Access blocks everything, where a recorder
/// that is on records it (optional evidence, as `s3-public-access-block` reads it).
pub(super) fn account_blocks(e: &mut Eval) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for account in e.accounts() {
        for region in e.regions() {
            let id = DocId::resources(&account, &region, ResourceType::S3AccountPublicAccessBlock);
            let Some(doc) = e.optional::<Resources>(&id, &id.scope()) else { continue };
            let Some((recorders, status)) = e.recorders(&account, &region) else { continue };
            if !recorders.record(status, ResourceType::S3AccountPublicAccessBlock.as_str()) {
                continue;
            }
            let blocks = doc
                .items
                .iter()
                .filter(|i| i.resource_id == account)
                .filter_map(|i| i.state.as_ref().ok())
                .filter_map(PublicAccessBlock::of)
                .any(|b| b.blocks_all());
            if blocks {
                out.insert(account.clone());
            }
        }
    }
    out
}

/// Judge each trail's log bucket, found by name among the account's recorded buckets.
fn each_trail_bucket(e: &mut Eval, judge: impl Fn(&str, &Live<Bucket>) -> Verdict) {
    let (buckets, _) = e.items::<Bucket>();
    let by_name: BTreeMap<(String, String), &Live<Bucket>> =
        buckets.iter().map(|b| ((b.account.clone(), b.item.display_name().to_string()), b)).collect();
    each_item::<Trail>(e, "CloudTrail trails", |t| {
        let trail = name_of(t, &t.config.name);
        let bucket = verdict!(verdict_field_str(t.config.s3_bucket_name.as_deref(), "the trail's S3 bucket (s3BucketName)"));
        match by_name.get(&(t.account.clone(), bucket.to_string())) {
            Some(b) => match judge(bucket, b) {
                Pass(d) => Pass(format!("trail {trail}: {d}")),
                Fail(d) => Fail(format!("trail {trail}: {d}")),
                Unknown(d) => Unknown(format!("trail {trail}: {d}")),
                Skip => Skip,
            },
            None => Unknown(format!(
                "trail {trail} writes to bucket {bucket}, which is not among this account's S3 buckets in the bundle \
                 (a bucket of another account, such as a log archive, or of a region not collected), so its settings are not in evidence"
            )),
        }
    });
}

fn trail_bucket_not_public(e: &mut Eval) {
    let blocked = account_blocks(e);
    each_trail_bucket(e, |name, b| {
        if blocked.contains(&b.account) {
            return Pass(format!("bucket {name} is covered by the account-level Block Public Access settings"));
        }
        let bpa = verdict!(needed(&b.config.public_access_block, "PublicAccessBlockConfiguration"));
        if bpa.is_some_and(PublicAccessBlock::blocks_all) {
            return Pass(format!("bucket {name} blocks all public access"));
        }
        let restricted = bpa.is_some_and(|p| p.restrict_public_buckets == Some(true));
        match verdict!(needed(&b.config.policy, "BucketPolicy")) {
            None => Unknown(format!("bucket {name}: the configuration item records no BucketPolicy entry")),
            Some(Some(p)) if !restricted && p.statements().iter().any(|s| open_statement(s) && !s.narrowed_to_known_callers()) => {
                Fail(format!("bucket {name} has a policy statement open to everyone"))
            }
            // Without all of Block Public Access, an ACL grant to AllUsers could still publish
            // the bucket, and ACLs are not in the evidence read here.
            Some(_) => Unknown(format!(
                "bucket {name}: no public policy, but Block Public Access is not fully on and the bucket's ACL is not in the evidence"
            )),
        }
    });
}

fn trail_bucket_logging(e: &mut Eval) {
    each_trail_bucket(e, |name, b| {
        match verdict!(needed(&b.config.logging, "BucketLoggingConfiguration")).and_then(Option::as_deref).filter(|t| !t.is_empty()) {
            Some(target) => Pass(format!("bucket {name} logs access to {target}")),
            None => Fail(format!("bucket {name} has server access logging off")),
        }
    });
}

fn trail_insights(e: &mut Eval) {
    each_item::<Trail>(e, "CloudTrail trails", |t| {
        let name = name_of(t, &t.config.name);
        if verdict!(field(t.config.has_insight_selectors, "whether the trail has Insights selectors (hasInsightSelectors)")) {
            Pass(format!("trail {name}: Insights selectors set"))
        } else {
            Fail(format!("trail {name}: no Insights selectors"))
        }
    });
}

fn global_types_one_region(e: &mut Eval) {
    let docs = e.each_region::<Recorders>();
    for account in e.accounts() {
        let read: Vec<&(DocId, &Recorders)> = docs.iter().filter(|(id, _)| id.account == account).collect();
        let complete = read.len() == e.regions().len();
        let global: Vec<String> = read
            .iter()
            .filter(|(_, doc)| doc.recorders.iter().any(|r| r.recording_group.include_global_resource_types == Some(true)))
            .map(|(id, _)| id.region.clone().unwrap_or_default())
            .collect();
        match global.len() {
            1 => e.pass(&account, format!("global resource types are recorded in {} only", global[0])),
            0 if complete => e.fail(&account, "no region's recorder includes global resource types, so IAM changes are not recorded"),
            0 => {}
            _ => e.fail(
                &account,
                format!(
                    "global resource types are recorded in {} regions ({}): each change is recorded more than once",
                    global.len(),
                    global.join(", ")
                ),
            ),
        }
    }
}

fn api_stage_logging(e: &mut Eval) {
    each_item::<ApiStage>(e, "API Gateway REST API stages", |s| {
        let name = name_of(s, &s.config.stage_name);
        let settings = s.config.method_settings.as_ref();
        let level = |m: &str| settings.and_then(|all| all.get(m)).and_then(|x| x.logging_level.as_deref());
        let on = |l: &str| l.eq_ignore_ascii_case("ERROR") || l.eq_ignore_ascii_case("INFO");
        match level("*/*") {
            Some(l) if on(l) => {}
            Some(l) => return Fail(format!("stage {name}: execution logging level {l}")),
            None => return Fail(format!("stage {name}: no execution logging configured for its methods")),
        }
        let off: Vec<&String> = settings
            .into_iter()
            .flatten()
            .filter(|(m, x)| m.as_str() != "*/*" && x.logging_level.as_deref().is_some_and(|l| !on(l)))
            .map(|(m, _)| m)
            .collect();
        if off.is_empty() {
            Pass(format!("stage {name}: execution logging at {}", level("*/*").unwrap_or_default()))
        } else {
            Fail(format!(
                "stage {name}: execution logging turned off for {}",
                off.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ")
            ))
        }
    });
}

fn api_stage_tracing(e: &mut Eval) {
    each_item::<ApiStage>(e, "API Gateway REST API stages", |s| {
        let name = name_of(s, &s.config.stage_name);
        if verdict!(field(s.config.tracing_enabled, "whether X-Ray tracing is on (tracingEnabled)")) {
            Pass(format!("stage {name}: X-Ray tracing on"))
        } else {
            Fail(format!("stage {name}: X-Ray tracing off"))
        }
    });
}

fn api_v2_access_logging(e: &mut Eval) {
    each_item::<ApiV2Stage>(e, "API Gateway v2 stages", |s| {
        let name = name_of(s, &s.config.stage_name);
        match s.config.access_log_settings.as_ref().and_then(|a| a.destination_arn.as_deref()).filter(|d| !d.is_empty()) {
            Some(dest) => Pass(format!("stage {name}: access logs go to {dest}")),
            None => Fail(format!("stage {name}: no access logging")),
        }
    });
}

fn appsync_logging(e: &mut Eval) {
    each_item::<GraphQlApi>(e, "AppSync GraphQL APIs", |a| {
        let name = name_of(a, &a.config.name);
        match a.config.log_config.as_ref().and_then(|l| l.field_log_level.as_deref()) {
            Some(level) if !level.eq_ignore_ascii_case("NONE") => Pass(format!("API {name}: field-level logging at {level}")),
            Some(_) => Fail(format!("API {name}: field-level logging is NONE")),
            None => Fail(format!("API {name}: no logging configured")),
        }
    });
}

/// The containers of a task definition in scope: deregistered (INACTIVE) revisions are skipped.
fn containers<'a>(t: &'a Live<TaskDefinition>) -> Result<(String, &'a [ContainerDefinition]), Verdict> {
    let c = t.config;
    let name = match (&c.family, t.item.arn.as_deref()) {
        (_, Some(arn)) if arn.contains(":task-definition/") => arn.rsplit('/').next().unwrap_or_default().to_string(),
        (Some(f), _) => f.clone(),
        _ => t.item.display_name().to_string(),
    };
    if c.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("INACTIVE")) {
        return Err(Skip);
    }
    let list = c.container_definitions.as_deref().ok_or_else(|| {
        Unknown(format!("task definition {name}: the configuration item does not list its containers (ContainerDefinitions)"))
    })?;
    Ok((name, list))
}

fn container_name(c: &ContainerDefinition) -> &str {
    c.name.as_deref().unwrap_or("(unnamed)")
}

/// Every container of every active task definition judged by `bad` (why the container fails).
fn each_container(e: &mut Eval, ok: &'static str, bad: fn(&TaskDefinition, &ContainerDefinition) -> Option<String>) {
    each_item::<TaskDefinition>(e, "active ECS task definitions", |t| {
        let (name, list) = verdict!(containers(t));
        let failing: Vec<String> =
            list.iter().filter_map(|c| bad(t.config, c).map(|why| format!("{} ({why})", container_name(c)))).collect();
        if failing.is_empty() {
            Pass(format!("task definition {name}: {ok}"))
        } else {
            Fail(format!("task definition {name}: {}", failing.join(", ")))
        }
    });
}

fn ecs_logging(e: &mut Eval) {
    each_container(e, "every container has a log driver", |_, c| {
        c.log_configuration
            .as_ref()
            .and_then(|l| l.log_driver.as_deref())
            .filter(|d| !d.is_empty())
            .is_none()
            .then(|| "no log configuration".to_string())
    });
}

fn ecs_readonly(e: &mut Eval) {
    // ECS defaults readonlyRootFilesystem to false: a container that does not set it writes.
    each_container(e, "every container's root filesystem is read-only", |_, c| {
        (c.readonly_root_filesystem != Some(true)).then(|| "root filesystem writable".to_string())
    });
}

fn ecs_privileged(e: &mut Eval) {
    // ECS defaults privileged to false: only an explicit true runs privileged.
    each_container(e, "no container is privileged", |_, c| (c.privileged == Some(true)).then(|| "privileged".to_string()))
}

fn ecs_host_pid(e: &mut Eval) {
    each_item::<TaskDefinition>(e, "active ECS task definitions", |t| {
        let (name, _) = verdict!(containers(t));
        match t.config.pid_mode.as_deref() {
            Some(m) if m.eq_ignore_ascii_case("host") => Fail(format!("task definition {name}: pidMode host")),
            Some(m) => Pass(format!("task definition {name}: pidMode {m}")),
            None => Pass(format!("task definition {name}: no pidMode, so each task has its own process namespace")),
        }
    });
}

/// Whether a container user is root: unset (the image's default, root for most images), `root`
/// or uid 0, alone or with a group.
fn runs_as_root(user: Option<&str>) -> bool {
    match user.map(str::trim) {
        None | Some("") => true,
        Some(u) => {
            let who = u.split(':').next().unwrap_or_default();
            who == "root" || who == "0"
        }
    }
}

fn ecs_host_network_users(e: &mut Eval) {
    each_item::<TaskDefinition>(e, "active ECS task definitions in host network mode", |t| {
        let (name, list) = verdict!(containers(t));
        let mode = verdict!(verdict_field_str(t.config.network_mode.as_deref(), "the task definition's network mode (NetworkMode)"));
        if !mode.eq_ignore_ascii_case("host") {
            return Skip;
        }
        let bad: Vec<String> = list
            .iter()
            .filter_map(|c| {
                let mut why = Vec::new();
                if c.privileged == Some(true) {
                    why.push("privileged");
                }
                if runs_as_root(c.user.as_deref()) {
                    why.push("runs as root");
                }
                (!why.is_empty()).then(|| format!("{} ({})", container_name(c), why.join(", ")))
            })
            .collect();
        if bad.is_empty() {
            Pass(format!("task definition {name}: host network mode, every container non-root and unprivileged"))
        } else {
            Fail(format!("task definition {name}: host network mode with {}", bad.join(", ")))
        }
    });
}

/// Why an environment variable looks like a secret kept in clear, if it does: a value shaped
/// like an AWS access key id or a private key, or a secret-sounding name with a literal value
/// (not an ARN, which points at Secrets Manager or Parameter Store).
fn secret_like(name: &str, value: Option<&str>) -> Option<String> {
    let value = value.unwrap_or_default().trim();
    if value.is_empty() {
        return None;
    }
    let key_id = |w: &str| {
        w.len() == 20 && (w.starts_with("AKIA") || w.starts_with("ASIA")) && w.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    if value.split(|c: char| !c.is_ascii_alphanumeric()).any(key_id) {
        return Some(format!("{name} holds an AWS access key id"));
    }
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some(format!("{name} holds a private key"));
    }
    if value.starts_with("arn:") {
        return None;
    }
    const WORDS: [&str; 9] = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL"];
    let upper = name.to_ascii_uppercase();
    WORDS
        .iter()
        .find(|w| upper.contains(*w))
        .map(|w| format!("{name} looks like a {} given in clear", w.to_ascii_lowercase().replace('_', " ")))
}

fn ecs_env_secrets(e: &mut Eval) {
    each_container(e, "no environment variable looks like a secret", |_, c| {
        let found: Vec<String> =
            c.environment.iter().flatten().filter_map(|v| secret_like(v.name.as_deref().unwrap_or("?"), v.value.as_deref())).collect();
        (!found.is_empty()).then(|| found.join("; "))
    });
}

fn eks_logging(e: &mut Eval) {
    const ALL: [&str; 5] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
    each_item::<EksCluster>(e, "EKS clusters", |c| {
        let name = name_of(c, &c.config.name);
        let logging = verdict!(field(c.config.logging.as_ref(), "the cluster's logging configuration (Logging)"));
        let on: BTreeSet<&str> =
            logging.cluster_logging.iter().flat_map(|l| l.enabled_types.iter().flatten()).map(|t| t.kind.as_str()).collect();
        let missing: Vec<&str> = ALL.iter().copied().filter(|t| !on.iter().any(|o| o.eq_ignore_ascii_case(t))).collect();
        if missing.is_empty() {
            Pass(format!("cluster {name}: all five control plane log types enabled"))
        } else {
            Fail(format!("cluster {name}: control plane logs off for {}", missing.join(", ")))
        }
    });
}

fn codebuild_logging(e: &mut Eval) {
    each_item::<BuildProject>(e, "CodeBuild projects", |p| {
        let name = name_of(p, &p.config.name);
        let logs = verdict!(field(p.config.logs_config.as_ref(), "the project's logs configuration (logsConfig)"));
        let enabled = |t: &Option<crate::evidence::docs::items::BuildLogTarget>| {
            t.as_ref().and_then(|t| t.status.as_deref()).is_some_and(|s| s.eq_ignore_ascii_case("ENABLED"))
        };
        match (enabled(&logs.cloud_watch_logs), enabled(&logs.s3_logs)) {
            (true, true) => Pass(format!("project {name}: logs to CloudWatch Logs and S3")),
            (true, false) => Pass(format!("project {name}: logs to CloudWatch Logs")),
            (false, true) => Pass(format!("project {name}: logs to S3")),
            (false, false) => Fail(format!("project {name}: build logging disabled")),
        }
    });
}

fn codebuild_s3_logs_encrypted(e: &mut Eval) {
    each_item::<BuildProject>(e, "CodeBuild projects logging to S3", |p| {
        let name = name_of(p, &p.config.name);
        let logs = verdict!(field(p.config.logs_config.as_ref(), "the project's logs configuration (logsConfig)"));
        let Some(s3) = logs.s3_logs.as_ref().filter(|s| s.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("ENABLED"))) else {
            return Skip;
        };
        let at = s3.location.as_deref().unwrap_or("?");
        match s3.encryption_disabled {
            Some(true) => Fail(format!("project {name}: S3 build logs at {at} unencrypted (encryptionDisabled)")),
            _ => Pass(format!("project {name}: S3 build logs at {at} encrypted")),
        }
    });
}

fn codebuild_secrets(e: &mut Eval) {
    each_item::<BuildProject>(e, "CodeBuild projects", |p| {
        let name = name_of(p, &p.config.name);
        let env = verdict!(field(p.config.environment.as_ref(), "the project's build environment"));
        let found: Vec<String> = env
            .environment_variables
            .iter()
            .flatten()
            .filter(|v| v.kind.as_deref().is_none_or(|k| k.eq_ignore_ascii_case("PLAINTEXT")))
            .filter_map(|v| secret_like(&v.name, v.value.as_deref()))
            .collect();
        if found.is_empty() {
            Pass(format!("project {name}: no plaintext variable looks like a secret"))
        } else {
            Fail(format!("project {name}: {}", found.join("; ")))
        }
    });
}

/// The credentials part of a URL (`user:password@`, or a token alone as GitHub accepts it).
fn url_credentials(url: &str) -> Option<&'static str> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (userinfo, _) = authority.rsplit_once('@')?;
    if userinfo.contains(':') {
        return Some("a user name and password");
    }
    let token = ["ghp_", "gho_", "ghs_", "github_pat_", "glpat-", "x-token-auth", "x-access-token"].iter().any(|p| userinfo.starts_with(p))
        || (userinfo.len() >= 32 && userinfo.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
    token.then_some("an access token")
}

fn codebuild_source_url(e: &mut Eval) {
    each_item::<BuildProject>(e, "CodeBuild projects", |p| {
        let name = name_of(p, &p.config.name);
        let source = verdict!(field(p.config.source.as_ref(), "the project's source"));
        let mut leaks = Vec::new();
        for s in std::iter::once(source).chain(p.config.secondary_sources.iter().flatten()) {
            if let Some(what) = s.location.as_deref().and_then(url_credentials) {
                leaks.push(format!("{} source URL carries {what}", s.kind.as_deref().unwrap_or("a")));
            }
        }
        if leaks.is_empty() {
            Pass(format!("project {name}: no credentials in source URLs"))
        } else {
            Fail(format!("project {name}: {}", leaks.join("; ")))
        }
    });
}

fn stepfunctions_logging(e: &mut Eval) {
    each_item::<StateMachine>(e, "Step Functions state machines", |m| {
        let name = name_of(m, &m.config.state_machine_name);
        match m.config.logging_configuration.as_ref().and_then(|l| l.level.as_deref()) {
            Some(level) if !level.eq_ignore_ascii_case("OFF") => Pass(format!("state machine {name}: logging at {level}")),
            _ => Fail(format!("state machine {name}: execution logging off")),
        }
    });
}

fn mq_logging(e: &mut Eval) {
    each_item::<MqBroker>(e, "Amazon MQ brokers", |b| {
        let name = name_of(b, &b.config.broker_name);
        let engine = verdict!(verdict_field_str(b.config.engine_type.as_deref(), "the broker's engine (EngineType)"));
        let logs = b.config.logs.as_ref();
        let general = logs.and_then(|l| l.general) == Some(true);
        let audit = logs.and_then(|l| l.audit) == Some(true);
        if engine.eq_ignore_ascii_case("ACTIVEMQ") {
            match (general, audit) {
                (true, true) => Pass(format!("broker {name}: general and audit logs published")),
                (g, _) => Fail(format!(
                    "broker {name}: {} log(s) not published",
                    if g {
                        "audit"
                    } else if audit {
                        "general"
                    } else {
                        "general and audit"
                    }
                )),
            }
        } else if engine.eq_ignore_ascii_case("RABBITMQ") {
            if general {
                Pass(format!("broker {name}: general logs published"))
            } else {
                Fail(format!("broker {name}: general logs not published"))
            }
        } else {
            Unknown(format!("broker {name}: unknown engine {engine:?}"))
        }
    });
}

fn route53_query_logging(e: &mut Eval) {
    each_item::<HostedZone>(e, "Route 53 public hosted zones", |z| {
        let name = name_of(z, &z.config.name);
        if z.config.vpcs.as_ref().is_some_and(|v| !v.is_empty()) {
            return Skip; // a private zone, answering only inside its VPCs
        }
        match z.config.query_log_group() {
            Ok(Some(group)) => Pass(format!("zone {name}: queries logged to {group}")),
            Ok(None) => Fail(format!("zone {name}: public, without query logging")),
            Err(why) => Unknown(format!("zone {name}: {why}")),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Application security

fn lambda_in_vpc(e: &mut Eval) {
    each_item::<LambdaFunction>(e, "Lambda functions", |f| {
        let name = name_of(f, &f.config.function_name);
        // As AWS's LAMBDA_INSIDE_VPC rule reads the item: no vpcConfig, or one without subnets,
        // is a function outside any VPC.
        match f.config.vpc_config.as_ref().and_then(|v| v.subnet_ids.as_ref()).filter(|s| !s.is_empty()) {
            Some(subnets) => Pass(format!("function {name}: in subnets {}", subnets.join(", "))),
            None => Fail(format!("function {name}: not attached to a VPC")),
        }
    });
}

fn lambda_not_public(e: &mut Eval) {
    each_item::<LambdaFunction>(e, "Lambda functions", |f| {
        let name = name_of(f, &f.config.function_name);
        let policy = match verdict!(needed(&f.config.policy, "Policy")) {
            Some(p) => p,
            None => return Unknown(format!("function {name}: the configuration item records no resource policy (Policy) entry")),
        };
        let open: Vec<String> = policy
            .statements()
            .iter()
            .filter(|s| open_statement(s) && !s.narrowed_to_known_callers())
            .map(|s| s.actions().join(", "))
            .collect();
        if open.is_empty() {
            Pass(format!("function {name}: its policy names its callers or pins them by account, source or organisation"))
        } else {
            Fail(format!("function {name}: its policy lets anyone call {}", open.join("; ")))
        }
    });
}

/// Lambda runtimes and the date AWS deprecates (or deprecated) each, from the AWS Lambda
/// runtimes page (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) as listed in
/// November 2025. A runtime is supported before its date; one not listed is not judged.
const LAMBDA_RUNTIMES: &[(&str, &str)] = &[
    ("nodejs22.x", "2027-04-30"),
    ("nodejs20.x", "2026-04-30"),
    ("python3.13", "2029-06-30"),
    ("python3.12", "2028-10-31"),
    ("python3.11", "2026-06-30"),
    ("python3.10", "2026-06-30"),
    ("java21", "2029-06-30"),
    ("java17", "2026-06-30"),
    ("java11", "2026-06-30"),
    ("java8.al2", "2026-06-30"),
    ("dotnet8", "2026-11-10"),
    ("ruby3.3", "2027-03-31"),
    ("ruby3.2", "2026-03-31"),
    ("provided.al2023", "2029-06-30"),
    ("provided.al2", "2026-06-30"),
    ("python3.9", "2025-12-15"),
    ("nodejs18.x", "2025-09-01"),
    ("nodejs16.x", "2024-06-12"),
    ("python3.8", "2024-10-14"),
    ("java8", "2024-01-08"),
    ("dotnet7", "2024-05-14"),
    ("dotnet6", "2024-11-12"),
    ("go1.x", "2024-01-08"),
    ("provided", "2024-01-08"),
    ("nodejs14.x", "2023-12-04"),
    ("python3.7", "2023-12-04"),
    ("ruby2.7", "2023-11-27"),
    ("dotnetcore3.1", "2023-04-03"),
    ("nodejs12.x", "2023-03-31"),
    ("python3.6", "2022-07-18"),
    ("dotnet5.0", "2022-05-10"),
    ("dotnetcore2.1", "2022-01-05"),
    ("nodejs10.x", "2021-07-30"),
    ("ruby2.5", "2021-07-30"),
    ("python2.7", "2021-07-15"),
    ("nodejs8.10", "2020-03-06"),
    ("nodejs4.3", "2020-03-05"),
    ("nodejs4.3-edge", "2020-03-05"),
    ("nodejs6.10", "2019-08-12"),
    ("dotnetcore1.0", "2019-07-27"),
    ("dotnetcore2.0", "2019-05-30"),
    ("nodejs", "2016-10-31"),
];

fn date(s: &str) -> DateTime<Utc> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("dates in the tables are valid").and_hms_opt(0, 0, 0).expect("midnight").and_utc()
}

fn lambda_runtime(e: &mut Eval) {
    let now = e.now();
    each_item::<LambdaFunction>(e, "Lambda functions with a managed runtime", |f| {
        let name = name_of(f, &f.config.function_name);
        if f.config.package_type.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("Image")) {
            return Skip; // a container image brings its own runtime
        }
        let runtime = verdict!(verdict_field_str(f.config.runtime.as_deref(), "the function's runtime"));
        match LAMBDA_RUNTIMES.iter().find(|(r, _)| *r == runtime) {
            Some((_, d)) if now >= date(d) => Fail(format!("function {name}: runtime {runtime} deprecated since {d}")),
            Some((_, d)) => Pass(format!("function {name}: runtime {runtime}, supported until {d}")),
            None => Unknown(format!("function {name}: runtime {runtime} is not in auditpack's table of Lambda runtimes (November 2025)")),
        }
    });
}

fn api_stage_cache(e: &mut Eval) {
    each_item::<ApiStage>(e, "API Gateway REST API stages with a cache", |s| {
        let name = name_of(s, &s.config.stage_name);
        if !verdict!(field(s.config.cache_cluster_enabled, "whether the stage has a cache cluster (cacheClusterEnabled)")) {
            return Skip;
        }
        let caching: Vec<(&String, bool)> = s
            .config
            .method_settings
            .iter()
            .flatten()
            .filter(|(_, m)| m.caching_enabled == Some(true))
            .map(|(k, m)| (k, m.cache_data_encrypted == Some(true)))
            .collect();
        let clear: Vec<&str> = caching.iter().filter(|(_, enc)| !enc).map(|(k, _)| k.as_str()).collect();
        if !clear.is_empty() {
            Fail(format!("stage {name}: cached responses unencrypted for {}", clear.join(", ")))
        } else if caching.is_empty() {
            Pass(format!("stage {name}: cache cluster on but no method caches responses"))
        } else {
            Pass(format!("stage {name}: every caching method encrypts its cache"))
        }
    });
}

fn api_stage_waf(e: &mut Eval) {
    each_item::<ApiStage>(e, "API Gateway REST API stages", |s| {
        let name = name_of(s, &s.config.stage_name);
        match s.config.web_acl_arn.as_deref().filter(|a| !a.is_empty()) {
            Some(acl) => Pass(format!("stage {name}: web ACL {acl}")),
            None => Fail(format!("stage {name}: no WAF web ACL")),
        }
    });
}

fn ecr_scan(e: &mut Eval) {
    each_item::<EcrRepository>(e, "ECR repositories", |r| {
        let name = name_of(r, &r.config.repository_name);
        let scanning = verdict!(field(r.config.image_scanning_configuration.as_ref(), "its image scanning configuration"));
        match scanning.scan_on_push {
            Some(true) => Pass(format!("repository {name}: scans on push")),
            _ => Fail(format!("repository {name}: does not scan on push")),
        }
    });
}

fn ecr_lifecycle(e: &mut Eval) {
    each_item::<EcrRepository>(e, "ECR repositories", |r| {
        let name = name_of(r, &r.config.repository_name);
        match &r.config.lifecycle_policy {
            Some(p) if p.lifecycle_policy_text.as_deref().is_some_and(|t| t.trim().is_empty()) => {
                Fail(format!("repository {name}: empty lifecycle policy"))
            }
            Some(p) if p.lifecycle_policy_text.is_some() || p.registry_id.is_some() => {
                Pass(format!("repository {name}: has a lifecycle policy"))
            }
            _ => Fail(format!("repository {name}: no lifecycle policy")),
        }
    });
}

/// The newest Fargate platform versions (November 2025): 1.4.0 on Linux, 1.0.0 on Windows.
const FARGATE_LINUX_LATEST: &str = "1.4.0";
const FARGATE_WINDOWS_LATEST: &str = "1.0.0";

fn ecs_fargate_platform(e: &mut Eval) {
    each_item::<EcsService>(e, "ECS services on Fargate", |s| {
        let name = name_of(s, &s.config.service_name);
        let fargate = match s.config.launch_type.as_deref() {
            Some(l) => l.eq_ignore_ascii_case("FARGATE"),
            None => s
                .config
                .capacity_provider_strategy
                .iter()
                .flatten()
                .any(|c| c.capacity_provider.as_deref().is_some_and(|p| p.to_ascii_uppercase().starts_with("FARGATE"))),
        };
        if !fargate {
            return Skip;
        }
        match s.config.platform_version.as_deref() {
            None => Pass(format!("service {name}: no platform version pinned, so Fargate runs LATEST")),
            Some(v) if v.eq_ignore_ascii_case("LATEST") || v == FARGATE_LINUX_LATEST => {
                Pass(format!("service {name}: platform version {v}"))
            }
            Some(v) if v == FARGATE_WINDOWS_LATEST => Unknown(format!(
                "service {name}: platform version {v} is the latest for Windows but an old one for Linux, and the item does not say which"
            )),
            Some(v) => Fail(format!("service {name}: platform version {v}, not the latest ({FARGATE_LINUX_LATEST} on Linux)")),
        }
    });
}

fn eks_secrets(e: &mut Eval) {
    each_item::<EksCluster>(e, "EKS clusters", |c| {
        let name = name_of(c, &c.config.name);
        let key = c
            .config
            .encryption_config
            .iter()
            .flatten()
            .find(|x| x.resources.iter().flatten().any(|r| r.eq_ignore_ascii_case("secrets")))
            .map(|x| x.provider.as_ref().and_then(|p| p.key_arn.clone()).unwrap_or_else(|| "a KMS key".into()));
        match key {
            Some(k) => Pass(format!("cluster {name}: secrets encrypted with {k}")),
            None => Fail(format!("cluster {name}: secrets not envelope-encrypted with KMS")),
        }
    });
}

fn eks_endpoint(e: &mut Eval) {
    each_item::<EksCluster>(e, "EKS clusters", |c| {
        let name = name_of(c, &c.config.name);
        let vpc = verdict!(field(c.config.resources_vpc_config.as_ref(), "the cluster's endpoint configuration (ResourcesVpcConfig)"));
        if verdict!(field(vpc.endpoint_public_access, "whether the API endpoint is public (EndpointPublicAccess)")) {
            Fail(format!("cluster {name}: API endpoint publicly accessible"))
        } else {
            Pass(format!("cluster {name}: API endpoint private"))
        }
    });
}

/// The end of standard support of each EKS Kubernetes version, from the Amazon EKS Kubernetes
/// release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html) as
/// published in February 2026.
const EKS_STANDARD_SUPPORT_ENDS: &[(&str, &str)] = &[
    ("1.23", "2023-10-11"),
    ("1.24", "2024-01-31"),
    ("1.25", "2024-05-01"),
    ("1.26", "2024-06-11"),
    ("1.27", "2024-07-24"),
    ("1.28", "2024-11-26"),
    ("1.29", "2025-03-23"),
    ("1.30", "2025-07-23"),
    ("1.31", "2025-11-26"),
    ("1.32", "2026-03-23"),
    ("1.33", "2026-07-29"),
    ("1.34", "2026-12-02"),
    ("1.35", "2027-03-27"),
];

fn minor(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.trim().trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn eks_version(e: &mut Eval) {
    let now = e.now();
    each_item::<EksCluster>(e, "EKS clusters", |c| {
        let name = name_of(c, &c.config.name);
        let version = verdict!(verdict_field_str(c.config.version.as_deref(), "the cluster's Kubernetes version"));
        let Some(v) = minor(version) else { return Unknown(format!("cluster {name}: version {version:?} is not a Kubernetes version")) };
        let oldest = minor(EKS_STANDARD_SUPPORT_ENDS[0].0).expect("table");
        let (newest_name, newest_end) = EKS_STANDARD_SUPPORT_ENDS[EKS_STANDARD_SUPPORT_ENDS.len() - 1];
        match EKS_STANDARD_SUPPORT_ENDS.iter().find(|(n, _)| minor(n) == Some(v)) {
            Some((_, end)) if now >= date(end) => Fail(format!("cluster {name}: Kubernetes {version}, out of standard support since {end}")),
            Some((_, end)) => Pass(format!("cluster {name}: Kubernetes {version}, in standard support until {end}")),
            None if v < oldest => Fail(format!("cluster {name}: Kubernetes {version}, long out of support")),
            // Newer than the table: supported as long as the table's newest version still is.
            None if now < date(newest_end) => Pass(format!("cluster {name}: Kubernetes {version}, newer than {newest_name}")),
            None => Unknown(format!(
                "cluster {name}: Kubernetes {version} is newer than auditpack's release calendar (to {newest_name}), which is older than the collection"
            )),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Identity and access

fn in_auth_details(account: &str, why: &str) -> String {
    format!("{}: {why}", DocId::global(Kind::AuthorizationDetails, account).path())
}

/// Whether an IAM action pattern (with `*` and `?`) matches an action, without regard to case.
fn action_matches(pattern: &str, action: &str) -> bool {
    fn glob(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => glob(&p[1..], t) || (!t.is_empty() && glob(p, &t[1..])),
            (Some(b'?'), Some(_)) => glob(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => glob(&p[1..], &t[1..]),
            _ => false,
        }
    }
    glob(pattern.to_ascii_lowercase().as_bytes(), action.to_ascii_lowercase().as_bytes())
}

/// The statements that allow `action` on every resource (`Resource: "*"` or `NotResource`),
/// through an `Action` pattern or a `NotAction` that leaves it in.
fn grants_on_all(doc: &PolicyDocument, action: &str) -> Vec<String> {
    let allows = |s: &Statement| {
        s.actions().iter().any(|p| action_matches(p, action))
            || (s.not_action.is_some() && !s.not_actions().iter().any(|p| action_matches(p, action)))
    };
    doc.statements()
        .iter()
        .filter(|s| s.allows() && allows(s) && s.every_resource())
        .map(|s| {
            let conds = s.condition_keys();
            if conds.is_empty() {
                "a statement with no condition".to_string()
            } else {
                format!("a statement conditioned only on {}", conds.join(", "))
            }
        })
        .collect()
}

fn is_aws_managed(arn: &str) -> bool {
    arn.contains(":iam::aws:policy/")
}

/// Judge every customer managed policy's default version.
fn customer_policies(e: &mut Eval, docs: &[(String, &AuthorizationDetails)], what: &str, grants: &dyn Fn(&PolicyDocument) -> Vec<String>) {
    for (account, details) in docs {
        let account = account.as_str();
        let own: Vec<_> = details.policies.iter().filter(|p| !is_aws_managed(&p.arn)).collect();
        if own.is_empty() {
            e.not_applicable(account, "no customer managed policies");
        }
        for p in own {
            match p.default_document() {
                None => e.not_assessed(&p.arn, in_auth_details(account, "no policy version is marked default")),
                Some(Policy(Err(why))) => {
                    e.not_assessed(&p.arn, in_auth_details(account, &format!("the default version cannot be read: {why}")))
                }
                Some(Policy(Ok(doc))) => match grants(doc).first() {
                    Some(how) => e.fail(&p.arn, format!("the default version allows {what} on every resource, in {how}")),
                    None => e.pass(&p.arn, format!("does not allow {what} on every resource")),
                },
            }
        }
    }
}

/// Judge every inline policy of every user, group and role.
fn inline_policies(e: &mut Eval, docs: &[(String, &AuthorizationDetails)], what: &str, grants: &dyn Fn(&PolicyDocument) -> Vec<String>) {
    for (account, details) in docs {
        let account = account.as_str();
        let inline: Vec<(&String, &crate::evidence::docs::InlinePolicy)> = details
            .user_detail_list
            .iter()
            .flat_map(|u| u.user_policy_list.iter().map(move |p| (&u.arn, p)))
            .chain(details.group_detail_list.iter().flat_map(|g| g.group_policy_list.iter().map(move |p| (&g.arn, p))))
            .chain(details.role_detail_list.iter().flat_map(|r| r.role_policy_list.iter().map(move |p| (&r.arn, p))))
            .collect();
        if inline.is_empty() {
            e.not_applicable(account, "no inline policies");
        }
        for (owner, p) in inline {
            let resource = format!("{owner} (inline policy {})", p.policy_name);
            match &p.policy_document.0 {
                Err(why) => e.not_assessed(resource, in_auth_details(account, &format!("the policy cannot be read: {why}"))),
                Ok(doc) => match grants(doc).first() {
                    Some(how) => e.fail(resource, format!("allows {what} on every resource, in {how}")),
                    None => e.pass(resource, format!("does not allow {what} on every resource")),
                },
            }
        }
    }
}

fn passrole_wildcard(e: &mut Eval) {
    let grants = |d: &PolicyDocument| grants_on_all(d, "iam:PassRole");
    let docs = e.each_account::<AuthorizationDetails>();
    customer_policies(e, &docs, "iam:PassRole", &grants);
    inline_policies(e, &docs, "iam:PassRole", &grants);
}

fn marketplace_managed(e: &mut Eval) {
    let docs = e.each_account::<AuthorizationDetails>();
    customer_policies(e, &docs, "aws-marketplace:Subscribe", &|d| grants_on_all(d, "aws-marketplace:Subscribe"));
}

fn marketplace_inline(e: &mut Eval) {
    let docs = e.each_account::<AuthorizationDetails>();
    inline_policies(e, &docs, "aws-marketplace:Subscribe", &|d| grants_on_all(d, "aws-marketplace:Subscribe"));
}

const CLOUDSHELL_FULL_ACCESS: &str = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess";

fn cloudshell_full_access(e: &mut Eval) {
    for (account, details) in e.each_account::<AuthorizationDetails>() {
        if details.principals() == 0 {
            e.not_applicable(&account, "no IAM users, groups or roles");
        }
        let holds = |a: &[crate::evidence::docs::AttachedPolicy]| a.iter().any(|p| p.policy_arn == CLOUDSHELL_FULL_ACCESS);
        let all = details
            .user_detail_list
            .iter()
            .map(|u| ("user", &u.arn, holds(&u.attached_managed_policies)))
            .chain(details.group_detail_list.iter().map(|g| ("group", &g.arn, holds(&g.attached_managed_policies))))
            .chain(details.role_detail_list.iter().map(|r| ("role", &r.arn, holds(&r.attached_managed_policies))));
        for (kind, arn, held) in all {
            if held {
                e.fail(arn, format!("{kind} has AWSCloudShellFullAccess attached"));
            } else {
                e.pass(arn, format!("{kind} does not hold AWSCloudShellFullAccess"));
            }
        }
    }
}

fn role_unused(e: &mut Eval) {
    let now = e.now();
    let limit = Duration::days(90);
    for (account, details) in e.each_account::<AuthorizationDetails>() {
        let roles: Vec<_> = details.role_detail_list.iter().filter(|r| !r.arn.contains(":role/aws-service-role/")).collect();
        if roles.is_empty() {
            e.not_applicable(&account, "no IAM roles other than service-linked ones");
        }
        for role in roles {
            let unknown = |why: &str| in_auth_details(&account, &format!("role {}: {why}", role.role_name));
            let Some(last) = &role.role_last_used else {
                e.not_assessed(&role.arn, unknown("the entry carries no RoleLastUsed"));
                continue;
            };
            if let Some(used) = &last.last_used_date {
                match time(used) {
                    Some(t) if now - t > limit => {
                        e.fail(&role.arn, format!("last used {} ({} days before collection)", t.format("%Y-%m-%d"), (now - t).num_days()))
                    }
                    Some(t) => e.pass(&role.arn, format!("last used {}", t.format("%Y-%m-%d"))),
                    None => e.not_assessed(&role.arn, unknown(&format!("RoleLastUsed.LastUsedDate {used:?} is not a time"))),
                }
                continue;
            }
            match role.create_date.as_deref().map(|c| (c, time(c))) {
                None => e.not_assessed(&role.arn, unknown("never used, and the entry has no CreateDate")),
                Some((c, None)) => e.not_assessed(&role.arn, unknown(&format!("CreateDate {c:?} is not a time"))),
                Some((_, Some(t))) if now - t > limit => {
                    e.fail(&role.arn, format!("no recorded use since it was created {}", t.format("%Y-%m-%d")))
                }
                Some((_, Some(t))) => e.pass(&role.arn, format!("created {}, less than 90 days before collection", t.format("%Y-%m-%d"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_patterns_match_as_iam_does() {
        assert!(action_matches("*", "iam:PassRole"));
        assert!(action_matches("iam:Pass*", "iam:PassRole"));
        assert!(action_matches("IAM:passrole", "iam:PassRole"));
        assert!(action_matches("aws-marketplace:*", "aws-marketplace:Subscribe"));
        assert!(action_matches("aws-marketplace:?ubscribe", "aws-marketplace:Subscribe"));
        assert!(!action_matches("iam:Get*", "iam:PassRole"));
        assert!(!action_matches("aws-marketplace:Unsubscribe", "aws-marketplace:Subscribe"));
    }

    #[test]
    fn secrets_and_url_credentials_are_recognised() {
        assert!(secret_like("DB_PASSWORD", Some("hunter2")).is_some());
        assert!(secret_like("DB_PASSWORD", Some("arn:aws:secretsmanager:us-east-1:1:secret:db")).is_none());
        assert!(secret_like("KEY", Some("AKIAIOSFODNN7EXAMPLE")).is_some());
        assert!(secret_like("LOG_LEVEL", Some("INFO")).is_none());
        assert!(secret_like("API_TOKEN", Some("")).is_none());
        assert!(url_credentials("https://user:pass@bitbucket.org/acme/app.git").is_some());
        assert!(url_credentials("https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/app").is_some());
        assert!(url_credentials("https://github.com/acme/app").is_none());
        assert!(url_credentials("https://user@bitbucket.org/acme/app.git").is_none());
        assert!(url_credentials("s3://bucket/key").is_none());
        assert!(runs_as_root(None) && runs_as_root(Some("0:0")) && runs_as_root(Some("root")) && !runs_as_root(Some("1000")));
    }

    #[test]
    fn the_tables_are_dated_and_ordered() {
        for (_, d) in LAMBDA_RUNTIMES.iter().chain(EKS_STANDARD_SUPPORT_ENDS) {
            date(d);
        }
        let versions: Vec<(u32, u32)> = EKS_STANDARD_SUPPORT_ENDS.iter().map(|(v, _)| minor(v).unwrap()).collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]));
    }
}
