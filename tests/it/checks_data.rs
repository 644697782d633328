//! The data family of checks (src/checks/data.rs) on passing, failing and missing evidence.

use auditpack::checks::CheckStatus;
use serde_json::{json, Value};

use crate::cases::*;

const A: &str = "111122223333";

/// A supplementary configuration entry as AWS Config often writes it: JSON text.
fn s(v: Value) -> Value {
    Value::String(v.to_string())
}

fn with_arn(mut item: Value, arn: &str) -> Value {
    item["arn"] = json!(arn);
    item
}

// ---------------------------------------------------------------------------------------------
// Items, shaped as AWS Config writes them

fn table(name: &str, sse: Option<Value>, pitr: Option<&str>) -> Value {
    let mut cfg = json!({"tableName": name, "tableArn": format!("arn:aws:dynamodb:us-east-1:{A}:table/{name}"), "tableStatus": "ACTIVE",
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}], "itemCount": 0});
    if let Some(sse) = sse {
        cfg["ssedescription"] = sse;
    }
    let sup = match pitr {
        Some(p) => json!({"ContinuousBackupsDescription": s(json!({"continuousBackupsStatus": "ENABLED",
            "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": p, "earliestRestorableDateTime": null}}))}),
        None => json!({}),
    };
    with_arn(ci("AWS::DynamoDB::Table", name, cfg, sup), &format!("arn:aws:dynamodb:us-east-1:{A}:table/{name}"))
}

fn kms_sse() -> Value {
    json!({"status": "ENABLED", "ssetype": "KMS", "kmsmasterKeyArn": format!("arn:aws:kms:us-east-1:{A}:key/1")})
}

fn plan(id: &str) -> Value {
    ci(
        "AWS::Backup::BackupPlan",
        id,
        json!({"BackupPlanId": id, "BackupPlanArn": format!("arn:aws:backup:us-east-1:{A}:backup-plan:{id}"),
        "VersionId": "v1", "BackupPlan": {"BackupPlanName": "daily", "BackupPlanRule": [{"RuleName": "daily", "TargetBackupVault": "Default",
        "ScheduleExpression": "cron(0 5 ? * * *)", "Lifecycle": {"DeleteAfterDays": 35}}]}}),
        json!({}),
    )
}

fn selection(id: &str, plan_id: &str, body: Value) -> Value {
    let mut b = json!({"SelectionName": id, "IamRoleArn": format!("arn:aws:iam::{A}:role/service-role/AWSBackupDefaultServiceRole")});
    for (k, v) in body.as_object().unwrap() {
        b[k] = v.clone();
    }
    ci("AWS::Backup::BackupSelection", id, json!({"BackupPlanId": plan_id, "SelectionId": id, "BackupSelection": b}), json!({}))
}

fn selects(resources: Value) -> Vec<Value> {
    vec![selection("sel-1", "plan-1", json!({"Resources": resources}))]
}

fn recovery_point(id: &str, encrypted: bool) -> Value {
    ci(
        "AWS::Backup::RecoveryPoint",
        id,
        json!({"RecoveryPointArn": format!("arn:aws:backup:us-east-1:{A}:recovery-point:{id}"),
        "ResourceArn": format!("arn:aws:dynamodb:us-east-1:{A}:table/orders"), "ResourceType": "DynamoDB", "IsEncrypted": encrypted,
        "Status": "COMPLETED", "BackupVaultName": "Default"}),
        json!({}),
    )
}

fn efs(id: &str, encrypted: bool, backup: &str) -> Value {
    ci(
        "AWS::EFS::FileSystem",
        id,
        json!({"FileSystemId": id, "Arn": format!("arn:aws:elasticfilesystem:us-east-1:{A}:file-system/{id}"),
        "Encrypted": encrypted, "PerformanceMode": "generalPurpose", "ThroughputMode": "bursting", "BackupPolicy": {"Status": backup},
        "FileSystemTags": []}),
        json!({}),
    )
}

fn access_point(id: &str, extra: Value) -> Value {
    let mut cfg = json!({"AccessPointId": id, "Arn": format!("arn:aws:elasticfilesystem:us-east-1:{A}:access-point/{id}"),
        "FileSystemId": "fs-1", "AccessPointTags": []});
    for (k, v) in extra.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    ci("AWS::EFS::AccessPoint", id, cfg, json!({}))
}

fn good_access_point() -> Value {
    access_point(
        "fsap-good",
        json!({"PosixUser": {"Uid": "1000", "Gid": "1000"},
        "RootDirectory": {"Path": "/app", "CreationInfo": {"OwnerUid": "1000", "OwnerGid": "1000", "Permissions": "750"}}}),
    )
}

fn domain(name: &str, f: impl FnOnce(&mut Value)) -> Value {
    let mut cfg = json!({"DomainName": name, "Arn": format!("arn:aws:es:us-east-1:{A}:domain/{name}"), "EngineVersion": "OpenSearch_2.11",
        "ClusterConfig": {"InstanceType": "r6g.large.search", "InstanceCount": 3},
        "AdvancedSecurityOptions": {"Enabled": true, "InternalUserDatabaseEnabled": false, "AnonymousAuthEnabled": false},
        "EncryptionAtRestOptions": {"Enabled": true, "KmsKeyId": format!("arn:aws:kms:us-east-1:{A}:key/1")},
        "NodeToNodeEncryptionOptions": {"Enabled": true},
        "DomainEndpointOptions": {"EnforceHTTPS": true, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07", "CustomEndpointEnabled": false},
        "VPCOptions": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
        "LogPublishingOptions": {
            "AUDIT_LOGS": {"CloudWatchLogsLogGroupArn": format!("arn:aws:logs:us-east-1:{A}:log-group:/os/audit"), "Enabled": true},
            "SEARCH_SLOW_LOGS": {"CloudWatchLogsLogGroupArn": format!("arn:aws:logs:us-east-1:{A}:log-group:/os/search"), "Enabled": true},
            "INDEX_SLOW_LOGS": {"CloudWatchLogsLogGroupArn": format!("arn:aws:logs:us-east-1:{A}:log-group:/os/index"), "Enabled": true}},
        "ServiceSoftwareOptions": {"CurrentVersion": "OpenSearch_2_11_R20240502", "NewVersion": "", "UpdateAvailable": false,
            "Cancellable": false, "UpdateStatus": "COMPLETED", "OptionalDeployment": true}});
    f(&mut cfg);
    ci("AWS::OpenSearch::Domain", name, cfg, json!({}))
}

fn redshift(id: &str, f: impl FnOnce(&mut Value), logging: Option<bool>) -> Value {
    let mut cfg = json!({"clusterIdentifier": id, "nodeType": "ra3.xlplus", "clusterStatus": "available", "encrypted": true,
        "kmsKeyId": format!("arn:aws:kms:us-east-1:{A}:key/1"), "publiclyAccessible": false, "enhancedVpcRouting": true,
        "automatedSnapshotRetentionPeriod": 7, "clusterParameterGroups": [{"parameterGroupName": "secure", "parameterApplyStatus": "in-sync"}]});
    f(&mut cfg);
    let sup = match logging {
        Some(on) => json!({"LoggingStatus": {"loggingEnabled": on, "bucketName": "acme-redshift-logs"}}),
        None => json!({}),
    };
    ci("AWS::Redshift::Cluster", id, cfg, sup)
}

fn parameter_group(name: &str, require_ssl: Option<&str>) -> Value {
    let mut params = vec![json!({"parameterName": "enable_user_activity_logging", "parameterValue": "true", "source": "user"})];
    if let Some(v) = require_ssl {
        params.push(json!({"parameterName": "require_ssl", "parameterValue": v, "source": "user", "dataType": "boolean"}));
    }
    ci(
        "AWS::Redshift::ClusterParameterGroup",
        name,
        json!({"parameterGroupName": name, "parameterGroupFamily": "redshift-1.0",
        "description": name}),
        json!({"Parameters": params}),
    )
}

fn parameter_groups() -> Vec<Value> {
    vec![parameter_group("secure", Some("true")), parameter_group("lax", Some("false"))]
}

fn topic(name: &str, key: Option<&str>) -> Value {
    let mut cfg = json!({"TopicArn": format!("arn:aws:sns:us-east-1:{A}:{name}"), "TopicName": name, "DisplayName": name});
    if let Some(k) = key {
        cfg["KmsMasterKeyId"] = json!(k);
    }
    ci("AWS::SNS::Topic", name, cfg, json!({}))
}

fn queue(name: &str, sse: &str, key: Option<&str>) -> Value {
    let mut cfg = json!({"QueueArn": format!("arn:aws:sqs:us-east-1:{A}:{name}"), "QueueName": name,
        "QueueUrl": format!("https://sqs.us-east-1.amazonaws.com/{A}/{name}"), "SqsManagedSseEnabled": sse, "VisibilityTimeout": 30});
    if let Some(k) = key {
        cfg["KmsMasterKeyId"] = json!(k);
    }
    ci("AWS::SQS::Queue", name, cfg, json!({}))
}

fn secret(name: &str, rotation: Option<bool>) -> Value {
    let mut cfg = json!({"ARN": format!("arn:aws:secretsmanager:us-east-1:{A}:secret:{name}-AbCdEf"), "Name": name,
        "KMSKeyId": "alias/aws/secretsmanager"});
    if let Some(r) = rotation {
        cfg["RotationEnabled"] = json!(r);
        cfg["RotationRules"] = json!({"AutomaticallyAfterDays": 30});
    }
    ci("AWS::SecretsManager::Secret", name, cfg, json!({}))
}

fn certificate(domain: &str, status: &str, not_after: &str, key: &str) -> Value {
    ci(
        "AWS::ACM::Certificate",
        domain,
        json!({"certificateArn": format!("arn:aws:acm:us-east-1:{A}:certificate/{domain}"),
        "domainName": domain, "status": status, "type": "AMAZON_ISSUED", "keyAlgorithm": key, "signatureAlgorithm": "SHA256WITHRSA",
        "notBefore": "2026-01-01T00:00:00.000Z", "notAfter": not_after, "inUseBy": [], "renewalEligibility": "ELIGIBLE"}),
        json!({}),
    )
}

fn stream(name: &str, encryption: Option<&str>) -> Value {
    let mut cfg = json!({"Name": name, "Arn": format!("arn:aws:kinesis:us-east-1:{A}:stream/{name}"), "RetentionPeriodHours": 24,
        "ShardCount": 1});
    if let Some(t) = encryption {
        cfg["StreamEncryption"] = json!({"EncryptionType": t, "KeyId": "alias/aws/kinesis"});
    }
    ci("AWS::Kinesis::Stream", name, cfg, json!({}))
}

fn kafka(name: &str, client: &str, in_cluster: bool) -> Value {
    ci(
        "AWS::MSK::Cluster",
        name,
        json!({"ClusterName": name, "Arn": format!("arn:aws:kafka:us-east-1:{A}:cluster/{name}/1"),
        "KafkaVersion": "3.5.1", "NumberOfBrokerNodes": 3, "EncryptionInfo": {"EncryptionAtRest": {"DataVolumeKMSKeyId": "k"},
        "EncryptionInTransit": {"ClientBroker": client, "InCluster": in_cluster}}}),
        json!({}),
    )
}

fn workgroup(name: &str, encryption: Option<&str>) -> Value {
    let mut result = json!({"OutputLocation": "s3://acme-athena-results/"});
    if let Some(o) = encryption {
        result["EncryptionConfiguration"] = json!({"EncryptionOption": o});
    }
    ci(
        "AWS::Athena::WorkGroup",
        name,
        json!({"Name": name, "State": "ENABLED", "WorkGroupConfiguration": {
        "EnforceWorkGroupConfiguration": true, "PublishCloudWatchMetricsEnabled": true, "ResultConfiguration": result}}),
        json!({}),
    )
}

fn cluster(id: &str, engine: &str, f: impl FnOnce(&mut Value)) -> Value {
    let mut cfg = json!({"dbclusterIdentifier": id, "engine": engine, "engineVersion": "1", "status": "available", "storageEncrypted": true,
        "iamdatabaseAuthenticationEnabled": true, "backupRetentionPeriod": 7, "multiAZ": true, "deletionProtection": true,
        "dbclusterArn": format!("arn:aws:rds:us-east-1:{A}:cluster:{id}"),
        "enabledCloudwatchLogsExports": match engine { "docdb" => json!(["audit", "profiler"]), "neptune" => json!(["audit"]), _ => json!(["postgresql"]) }});
    f(&mut cfg);
    with_arn(ci("AWS::RDS::DBCluster", id, cfg, json!({})), &format!("arn:aws:rds:us-east-1:{A}:cluster:{id}"))
}

fn restore(accounts: &[&str]) -> Value {
    json!([{"attributeName": "restore", "attributeValues": accounts}])
}

fn db_snapshot(id: &str, encrypted: bool, attrs: Option<Value>) -> Value {
    let sup = attrs.map(|a| json!({"DBSnapshotAttributes": a})).unwrap_or(json!({}));
    ci(
        "AWS::RDS::DBSnapshot",
        id,
        json!({"dBSnapshotIdentifier": id, "dBInstanceIdentifier": "db-1", "engine": "postgres",
        "encrypted": encrypted, "snapshotType": "manual", "status": "available",
        "dBSnapshotArn": format!("arn:aws:rds:us-east-1:{A}:snapshot:{id}")}),
        sup,
    )
}

fn cluster_snapshot(id: &str, engine: &str, encrypted: bool, attrs: Option<Value>) -> Value {
    let sup = attrs.map(|a| json!({"DBClusterSnapshotAttributes": a})).unwrap_or(json!({}));
    ci(
        "AWS::RDS::DBClusterSnapshot",
        id,
        json!({"dbclusterSnapshotIdentifier": id, "dbclusterIdentifier": "c-1", "engine": engine,
        "storageEncrypted": encrypted, "snapshotType": "manual", "status": "available",
        "dbclusterSnapshotArn": format!("arn:aws:rds:us-east-1:{A}:cluster-snapshot:{id}")}),
        sup,
    )
}

fn db_instance(id: &str, f: impl FnOnce(&mut Value)) -> Value {
    let mut cfg = json!({"dBInstanceIdentifier": id, "engine": "postgres", "storageEncrypted": true, "publiclyAccessible": false,
        "backupRetentionPeriod": 7, "multiAZ": true, "autoMinorVersionUpgrade": true,
        "dBInstanceArn": format!("arn:aws:rds:us-east-1:{A}:db:{id}")});
    f(&mut cfg);
    with_arn(ci("AWS::RDS::DBInstance", id, cfg, json!({})), &format!("arn:aws:rds:us-east-1:{A}:db:{id}"))
}

fn volume(id: &str) -> Value {
    with_arn(
        ci("AWS::EC2::Volume", id, json!({"volumeId": id, "encrypted": true, "size": 8}), json!({})),
        &format!("arn:aws:ec2:us-east-1:{A}:volume/{id}"),
    )
}

fn subscription(id: &str, source: &str, categories: Value, enabled: bool) -> Value {
    ci(
        "AWS::RDS::EventSubscription",
        id,
        json!({"custSubscriptionId": id, "customerAwsId": A, "snsTopicArn": format!("arn:aws:sns:us-east-1:{A}:rds"),
        "status": "active", "sourceType": source, "eventCategoriesList": categories, "enabled": enabled,
        "eventSubscriptionArn": format!("arn:aws:rds:us-east-1:{A}:es:{id}")}),
        json!({}),
    )
}

fn acl(grants: Value) -> Value {
    s(json!({"grantSet": null, "grantList": grants, "owner": {"displayName": null, "id": "abc"}, "isRequesterCharged": false}))
}

fn owner_grant() -> Value {
    json!({"grantee": {"id": "abc", "displayName": null}, "permission": "FullControl"})
}

/// A bucket as AWS Config writes it, every supplementary entry a clean account would have, with
/// `f` changing them.
fn bucket(name: &str, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{A}:role/app")},
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{name}/*")}]});
    let mut sup = json!({
        "AccessControlList": acl(json!([owner_grant()])),
        "BucketAccelerateConfiguration": {"status": null},
        "BucketLoggingConfiguration": {"destinationBucketName": "acme-logs", "logFilePrefix": name},
        "BucketNotificationConfiguration": {"configurations": {"to-queue": {"queueARN": format!("arn:aws:sqs:us-east-1:{A}:uploads"),
            "events": ["s3:ObjectCreated:*"], "type": "QueueConfiguration", "filter": null}}},
        "BucketPolicy": {"policyText": policy.to_string()},
        "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": true},
        "BucketLifecycleConfiguration": {"rules": [{"id": "expire-old", "status": "Enabled", "expirationInDays": 365}]},
        "ObjectLockConfiguration": {"objectLockEnabled": "Enabled", "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 30}}},
        "ServerSideEncryptionConfiguration": {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms",
            "kmsMasterKeyID": format!("arn:aws:kms:us-east-1:{A}:key/1")}, "bucketKeyEnabled": true}]},
        "IsRequesterPaysEnabled": false,
    });
    f(sup.as_object_mut().unwrap());
    ci(
        "AWS::S3::Bucket",
        name,
        json!({"name": name, "owner": {"displayName": null, "id": "abc"}, "creationDate": "2024-01-01T00:00:00.000Z"}),
        sup,
    )
}

fn bucket_policy(statement: Value) -> Value {
    json!({"policyText": json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()})
}

fn s3_access_point(name: &str, restrict: bool) -> Value {
    ci(
        "AWS::S3::AccessPoint",
        name,
        json!({"Name": name, "Bucket": "acme-data", "NetworkOrigin": "Internet",
        "Arn": format!("arn:aws:s3:us-east-1:{A}:accesspoint/{name}"), "PublicAccessBlockConfiguration": {"BlockPublicAcls": true,
        "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": restrict}}),
        json!({}),
    )
}

/// Items of this family's resource types (only types added for it) for the contract's clean
/// account, on which every check passes (tests/it/contract.rs), as (resource type, items); each
/// item shaped as AWS Config writes it (`crate::cases::ci`).
pub fn clean() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        ("AWS::DynamoDB::Table", vec![table("orders", Some(kms_sse()), Some("ENABLED"))]),
        ("AWS::Backup::BackupPlan", vec![plan("plan-1")]),
        ("AWS::Backup::BackupSelection", vec![selection("everything", "plan-1", json!({"Resources": ["*"]}))]),
        ("AWS::Backup::RecoveryPoint", vec![recovery_point("rp-1", true)]),
        ("AWS::EFS::FileSystem", vec![efs("fs-1", true, "ENABLED")]),
        ("AWS::EFS::AccessPoint", vec![good_access_point()]),
        ("AWS::OpenSearch::Domain", vec![domain("search", |_| {})]),
        ("AWS::Redshift::Cluster", vec![redshift("warehouse", |_| {}, Some(true))]),
        ("AWS::Redshift::ClusterParameterGroup", vec![parameter_group("secure", Some("true"))]),
        ("AWS::SNS::Topic", vec![topic("alerts", Some("alias/aws/sns"))]),
        ("AWS::SQS::Queue", vec![queue("uploads", "true", None)]),
        ("AWS::SecretsManager::Secret", vec![secret("db-password", Some(true))]),
        ("AWS::ACM::Certificate", vec![certificate("www.example.com", "ISSUED", "2027-06-01T00:00:00.000Z", "RSA-2048")]),
        (
            "AWS::RDS::DBCluster",
            vec![
                cluster("aurora-1", "aurora-postgresql", |_| {}),
                cluster("docs-1", "docdb", |_| {}),
                cluster("graph-1", "neptune", |_| {}),
            ],
        ),
        ("AWS::RDS::DBSnapshot", vec![db_snapshot("snap-1", true, Some(restore(&[])))]),
        (
            "AWS::RDS::DBClusterSnapshot",
            vec![
                cluster_snapshot("csnap-1", "aurora-postgresql", true, Some(restore(&[]))),
                cluster_snapshot("docs-snap", "docdb", true, Some(restore(&[]))),
                cluster_snapshot("graph-snap", "neptune", true, Some(restore(&["444455556666"]))),
            ],
        ),
        ("AWS::RDS::EventSubscription", vec![subscription("sg-events", "db-security-group", json!([]), true)]),
        ("AWS::S3::AccessPoint", vec![s3_access_point("data-ap", true)]),
        ("AWS::Kinesis::Stream", vec![stream("clicks", Some("KMS"))]),
        ("AWS::MSK::Cluster", vec![kafka("events", "TLS", true)]),
        ("AWS::Athena::WorkGroup", vec![workgroup("primary", Some("SSE_KMS"))]),
    ]
}

fn cases() -> Vec<Case> {
    let backups = |c: Case| {
        c.with("AWS::Backup::BackupSelection", selects(json!(["arn:aws:*:*:*:*good*"])))
            .with("AWS::Backup::BackupPlan", vec![plan("plan-1")])
    };
    vec![
        Case::new("dynamodb-table-kms-encryption", "AWS::DynamoDB::Table", table("t", Some(kms_sse()), None), table("t", None, None)),
        Case::new("dynamodb-table-pitr", "AWS::DynamoDB::Table", table("t", None, Some("ENABLED")), table("t", None, Some("DISABLED"))),
        backups(Case::new("dynamodb-table-backup-plan", "AWS::DynamoDB::Table", table("good", None, None), table("bad", None, None))),
        backups(Case::new("ebs-volume-backup-plan", "AWS::EC2::Volume", volume("vol-good"), volume("vol-bad"))),
        backups(Case::new("rds-instance-backup-plan", "AWS::RDS::DBInstance", db_instance("good", |_| {}), db_instance("bad", |_| {}))),
        backups(Case::new(
            "rds-cluster-backup-plan",
            "AWS::RDS::DBCluster",
            cluster("good", "aurora-mysql", |_| {}),
            cluster("bad", "aurora-mysql", |_| {}),
        )),
        Case::new("backup-recovery-point-encrypted", "AWS::Backup::RecoveryPoint", recovery_point("rp", true), recovery_point("rp", false)),
        Case::new("efs-encrypted", "AWS::EFS::FileSystem", efs("fs", true, "ENABLED"), efs("fs", false, "ENABLED")),
        Case::new("efs-backup-policy", "AWS::EFS::FileSystem", efs("fs", true, "ENABLED"), efs("fs", true, "DISABLED")),
        Case::new(
            "efs-access-point-root-directory",
            "AWS::EFS::AccessPoint",
            good_access_point(),
            access_point("fsap-bad", json!({"RootDirectory": {"Path": "/"}})),
        ),
        Case::new("efs-access-point-user-identity", "AWS::EFS::AccessPoint", good_access_point(), access_point("fsap-bad", json!({}))),
        Case::new(
            "opensearch-fine-grained-access-control",
            "AWS::OpenSearch::Domain",
            domain("d", |_| {}),
            domain("d", |c| c["AdvancedSecurityOptions"]["Enabled"] = json!(false)),
        ),
        Case::new(
            "opensearch-audit-logs",
            "AWS::OpenSearch::Domain",
            domain("d", |_| {}),
            domain("d", |c| {
                c["LogPublishingOptions"].as_object_mut().unwrap().remove("AUDIT_LOGS");
            }),
        ),
        Case::new(
            "opensearch-slow-logs",
            "AWS::OpenSearch::Domain",
            domain("d", |_| {}),
            domain("d", |c| c["LogPublishingOptions"]["INDEX_SLOW_LOGS"]["Enabled"] = json!(false)),
        ),
        Case::new(
            "opensearch-encryption-at-rest",
            "AWS::OpenSearch::Domain",
            domain("d", |_| {}),
            domain("d", |c| c["EncryptionAtRestOptions"] = json!({"Enabled": false})),
        ),
        Case::new(
            "opensearch-https-required",
            "AWS::OpenSearch::Domain",
            domain("d", |_| {}),
            domain("d", |c| c["DomainEndpointOptions"]["EnforceHTTPS"] = json!(false)),
        ),
        Case::new(
            "opensearch-node-to-node-encryption",
            "AWS::OpenSearch::Domain",
            domain("d", |_| {}),
            domain("d", |c| c["NodeToNodeEncryptionOptions"]["Enabled"] = json!(false)),
        ),
        Case::new("opensearch-not-public", "AWS::OpenSearch::Domain", domain("d", |_| {}), public_domain()),
        Case::new(
            "opensearch-service-software-current",
            "AWS::OpenSearch::Domain",
            domain("d", |_| {}),
            domain("d", |c| {
                c["ServiceSoftwareOptions"]["UpdateAvailable"] = json!(true);
                c["ServiceSoftwareOptions"]["NewVersion"] = json!("OpenSearch_2_11_R20250101");
            }),
        ),
        Case::new(
            "redshift-audit-logging",
            "AWS::Redshift::Cluster",
            redshift("r", |_| {}, Some(true)),
            redshift("r", |_| {}, Some(false)),
        ),
        Case::new(
            "redshift-automated-snapshots",
            "AWS::Redshift::Cluster",
            redshift("r", |_| {}, None),
            redshift("r", |c| c["automatedSnapshotRetentionPeriod"] = json!(0), None),
        ),
        Case::new(
            "redshift-encrypted",
            "AWS::Redshift::Cluster",
            redshift("r", |_| {}, None),
            redshift("r", |c| c["encrypted"] = json!(false), None),
        ),
        Case::new(
            "redshift-enhanced-vpc-routing",
            "AWS::Redshift::Cluster",
            redshift("r", |_| {}, None),
            redshift("r", |c| c["enhancedVpcRouting"] = json!(false), None),
        ),
        Case::new(
            "redshift-require-tls",
            "AWS::Redshift::Cluster",
            redshift("r", |_| {}, None),
            redshift("r", |c| c["clusterParameterGroups"][0]["parameterGroupName"] = json!("lax"), None),
        )
        .with("AWS::Redshift::ClusterParameterGroup", parameter_groups()),
        Case::new(
            "redshift-not-public",
            "AWS::Redshift::Cluster",
            redshift("r", |_| {}, None),
            redshift("r", |c| c["publiclyAccessible"] = json!(true), None),
        ),
        Case::new("sns-topic-kms-encryption", "AWS::SNS::Topic", topic("t", Some("alias/aws/sns")), topic("t", None)),
        Case::new("sqs-queue-encrypted", "AWS::SQS::Queue", queue("q", "true", None), queue("q", "false", None)),
        Case::new("secretsmanager-rotation", "AWS::SecretsManager::Secret", secret("s", Some(true)), secret("s", None)),
        Case::new(
            "acm-certificate-not-expiring",
            "AWS::ACM::Certificate",
            certificate("a.example", "ISSUED", "2027-06-01T00:00:00.000Z", "RSA-2048"),
            certificate("a.example", "ISSUED", "2026-12-10T00:00:00.000Z", "RSA-2048"),
        ),
        Case::new(
            "acm-certificate-key-algorithm",
            "AWS::ACM::Certificate",
            certificate("a.example", "ISSUED", "2027-06-01T00:00:00.000Z", "EC-prime256v1"),
            certificate("a.example", "ISSUED", "2027-06-01T00:00:00.000Z", "RSA-1024"),
        ),
        Case::new("kinesis-stream-encrypted", "AWS::Kinesis::Stream", stream("s", Some("KMS")), stream("s", None)),
        Case::new("msk-cluster-tls-in-transit", "AWS::MSK::Cluster", kafka("k", "TLS", true), kafka("k", "TLS_PLAINTEXT", true)),
        Case::new("athena-workgroup-encrypted", "AWS::Athena::WorkGroup", workgroup("w", Some("SSE_S3")), workgroup("w", None)),
        Case::new(
            "rds-cluster-storage-encrypted",
            "AWS::RDS::DBCluster",
            cluster("c", "aurora-mysql", |_| {}),
            cluster("c", "aurora-mysql", |c| c["storageEncrypted"] = json!(false)),
        ),
        Case::new(
            "rds-cluster-iam-authentication",
            "AWS::RDS::DBCluster",
            cluster("c", "aurora-mysql", |_| {}),
            cluster("c", "aurora-mysql", |c| c["iamdatabaseAuthenticationEnabled"] = json!(false)),
        ),
        Case::new(
            "rds-cluster-log-exports",
            "AWS::RDS::DBCluster",
            cluster("c", "aurora-postgresql", |_| {}),
            cluster("c", "aurora-postgresql", |c| c["enabledCloudwatchLogsExports"] = json!([])),
        ),
        Case::new("rds-snapshot-encrypted", "AWS::RDS::DBSnapshot", db_snapshot("s", true, None), db_snapshot("s", false, None))
            .with("AWS::RDS::DBClusterSnapshot", vec![]),
        Case::new(
            "rds-snapshot-not-public",
            "AWS::RDS::DBSnapshot",
            db_snapshot("s", false, Some(restore(&["444455556666"]))),
            db_snapshot("s", true, Some(restore(&["all"]))),
        )
        .with("AWS::RDS::DBClusterSnapshot", vec![]),
        Case::new(
            "rds-instance-auto-minor-upgrade",
            "AWS::RDS::DBInstance",
            db_instance("db", |_| {}),
            db_instance("db", |c| c["autoMinorVersionUpgrade"] = json!(false)),
        ),
        Case::new(
            "rds-event-subscription-security-groups",
            "AWS::RDS::EventSubscription",
            subscription("e", "db-security-group", json!(["configuration change", "failure"]), true),
            subscription("e", "db-instance", json!([]), true),
        )
        .when_empty(CheckStatus::Fail),
        Case::new(
            "docdb-cluster-backup-retention",
            "AWS::RDS::DBCluster",
            cluster("c", "docdb", |_| {}),
            cluster("c", "docdb", |c| c["backupRetentionPeriod"] = json!(1)),
        ),
        Case::new(
            "docdb-cluster-log-exports",
            "AWS::RDS::DBCluster",
            cluster("c", "docdb", |_| {}),
            cluster("c", "docdb", |c| c["enabledCloudwatchLogsExports"] = json!(["audit"])),
        ),
        Case::new(
            "docdb-cluster-encrypted",
            "AWS::RDS::DBCluster",
            cluster("c", "docdb", |_| {}),
            cluster("c", "docdb", |c| c["storageEncrypted"] = json!(false)),
        ),
        Case::new(
            "docdb-snapshot-not-public",
            "AWS::RDS::DBClusterSnapshot",
            cluster_snapshot("s", "docdb", true, Some(restore(&[]))),
            cluster_snapshot("s", "docdb", true, Some(restore(&["all"]))),
        ),
        Case::new(
            "neptune-cluster-backup-retention",
            "AWS::RDS::DBCluster",
            cluster("c", "neptune", |_| {}),
            cluster("c", "neptune", |c| c["backupRetentionPeriod"] = json!(3)),
        ),
        Case::new(
            "neptune-cluster-iam-authentication",
            "AWS::RDS::DBCluster",
            cluster("c", "neptune", |_| {}),
            cluster("c", "neptune", |c| c["iamdatabaseAuthenticationEnabled"] = json!(false)),
        ),
        Case::new(
            "neptune-cluster-audit-log-export",
            "AWS::RDS::DBCluster",
            cluster("c", "neptune", |_| {}),
            cluster("c", "neptune", |c| c["enabledCloudwatchLogsExports"] = json!([])),
        ),
        Case::new(
            "neptune-cluster-encrypted",
            "AWS::RDS::DBCluster",
            cluster("c", "neptune", |_| {}),
            cluster("c", "neptune", |c| c["storageEncrypted"] = json!(false)),
        ),
        Case::new(
            "neptune-snapshot-encrypted",
            "AWS::RDS::DBClusterSnapshot",
            cluster_snapshot("s", "neptune", true, None),
            cluster_snapshot("s", "neptune", false, None),
        ),
        Case::new(
            "neptune-snapshot-not-public",
            "AWS::RDS::DBClusterSnapshot",
            cluster_snapshot("s", "neptune", true, Some(restore(&[]))),
            cluster_snapshot("s", "neptune", true, Some(restore(&["all"]))),
        ),
        Case::new(
            "s3-kms-encryption",
            "AWS::S3::Bucket",
            bucket("b", |_| {}),
            bucket("b", |m| {
                m.insert(
                    "ServerSideEncryptionConfiguration".into(),
                    json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}),
                );
            }),
        ),
        Case::new(
            "s3-object-lock",
            "AWS::S3::Bucket",
            bucket("b", |_| {}),
            bucket("b", |m| {
                m.remove("ObjectLockConfiguration");
            }),
        ),
        Case::new(
            "s3-mfa-delete",
            "AWS::S3::Bucket",
            bucket("b", |_| {}),
            bucket("b", |m| {
                m.insert("BucketVersioningConfiguration".into(), json!({"status": "Enabled", "isMfaDeleteEnabled": null}));
            }),
        ),
        Case::new(
            "s3-lifecycle-rules",
            "AWS::S3::Bucket",
            bucket("b", |_| {}),
            bucket("b", |m| {
                m.insert("BucketLifecycleConfiguration".into(), json!({"rules": [{"id": "old", "status": "Disabled"}]}));
            }),
        ),
        Case::new(
            "s3-event-notifications",
            "AWS::S3::Bucket",
            bucket("b", |_| {}),
            bucket("b", |m| {
                m.insert("BucketNotificationConfiguration".into(), json!({"configurations": {}}));
            }),
        ),
        Case::new(
            "s3-no-public-write-acl",
            "AWS::S3::Bucket",
            bucket("b", |_| {}),
            bucket("b", |m| {
                m.insert("AccessControlList".into(), acl(json!([owner_grant(), {"grantee": "AllUsers", "permission": "Write"}])));
            }),
        )
        .with("AWS::S3::AccountPublicAccessBlock", vec![]),
        Case::new(
            "s3-no-cross-account-policy",
            "AWS::S3::Bucket",
            bucket("b", |_| {}),
            bucket("b", |m| {
                m.insert(
                    "BucketPolicy".into(),
                    bucket_policy(json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})),
                );
            }),
        ),
        Case::new("s3-access-point-block-public-access", "AWS::S3::AccessPoint", s3_access_point("ap", true), s3_access_point("ap", false)),
    ]
}

fn public_domain() -> Value {
    domain("d", |c| {
        c.as_object_mut().unwrap().remove("VPCOptions");
        c["AccessPolicies"] = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": "es:*", "Resource": format!("arn:aws:es:us-east-1:{A}:domain/d/*")}]});
    })
}

#[test]
fn data_checks_pass_fail_and_are_not_assessed_without_evidence() {
    run_cases(cases());
}

// ---------------------------------------------------------------------------------------------
// Wrong shapes and edges

fn status(check: &str, t: &str, items: Vec<Value>) -> CheckStatus {
    eval(check, &resources_bundle(t, items)).status
}

fn status_with(check: &str, t: &str, items: Vec<Value>, with: &[(&str, Vec<Value>)]) -> CheckStatus {
    eval(check, &resources_bundle_with(t, items, with)).status
}

use CheckStatus::{Fail as F, NotApplicable as NA, NotAssessed as NotA, Pass as P};

#[test]
fn a_field_of_the_wrong_type_leaves_the_resource_not_assessed() {
    let mut t = table("t", None, None);
    t["configuration"] = json!(json!({"tableName": "t", "ssedescription": "KMS"}).to_string());
    assert_eq!(status("dynamodb-table-kms-encryption", "AWS::DynamoDB::Table", vec![t]), NotA);
    let mut f = efs("fs", true, "ENABLED");
    f["configuration"] = json!(json!({"FileSystemId": "fs", "Encrypted": "yes"}).to_string());
    assert_eq!(status("efs-encrypted", "AWS::EFS::FileSystem", vec![f]), NotA);
    let mut r = redshift("r", |_| {}, None);
    r["configuration"] = json!(json!({"clusterIdentifier": "r", "automatedSnapshotRetentionPeriod": "7"}).to_string());
    assert_eq!(status("redshift-automated-snapshots", "AWS::Redshift::Cluster", vec![r]), NotA);
    let d = domain("d", |c| c["EncryptionAtRestOptions"]["Enabled"] = json!("true"));
    assert_eq!(status("opensearch-encryption-at-rest", "AWS::OpenSearch::Domain", vec![d]), NotA);
    let c = certificate("a", "ISSUED", "not a date", "RSA-2048");
    assert_eq!(status("acm-certificate-not-expiring", "AWS::ACM::Certificate", vec![c]), NotA);
    let b = bucket("b", |m| {
        m.insert("AccessControlList".into(), json!("{\"grantList\": [{\"grantee\": 7, \"permission\": \"Write\"}]}"));
    });
    assert_eq!(status_with("s3-no-public-write-acl", "AWS::S3::Bucket", vec![b], &[("AWS::S3::AccountPublicAccessBlock", vec![])]), NotA);
    let b = bucket("b", |m| {
        m.insert("BucketLifecycleConfiguration".into(), json!({"rules": "all"}));
    });
    assert_eq!(status("s3-lifecycle-rules", "AWS::S3::Bucket", vec![b]), NotA);
}

#[test]
fn a_needed_field_missing_is_not_assessed_never_a_pass() {
    // No table name: the item is no full description, so a missing SSE description proves nothing.
    let mut t = table("t", None, None);
    t["configuration"] = json!(json!({"itemCount": 3}).to_string());
    assert_eq!(status("dynamodb-table-kms-encryption", "AWS::DynamoDB::Table", vec![t]), NotA);
    // No ContinuousBackupsDescription at all.
    assert_eq!(status("dynamodb-table-pitr", "AWS::DynamoDB::Table", vec![table("t", None, None)]), NotA);
    let mut f = efs("fs", true, "ENABLED");
    f["configuration"] = json!(json!({"FileSystemId": "fs", "Encrypted": true}).to_string());
    assert_eq!(status("efs-backup-policy", "AWS::EFS::FileSystem", vec![f]), NotA);
    let d = domain("d", |c| {
        c.as_object_mut().unwrap().remove("ServiceSoftwareOptions");
    });
    assert_eq!(status("opensearch-service-software-current", "AWS::OpenSearch::Domain", vec![d]), NotA);
    // A public endpoint without an access policy in the item: who may use it is unknown.
    let d = domain("d", |c| {
        c.as_object_mut().unwrap().remove("VPCOptions");
    });
    assert_eq!(status("opensearch-not-public", "AWS::OpenSearch::Domain", vec![d]), NotA);
    assert_eq!(status("redshift-audit-logging", "AWS::Redshift::Cluster", vec![redshift("r", |_| {}, None)]), NotA);
    let c = cluster("c", "docdb", |c| {
        c.as_object_mut().unwrap().remove("backupRetentionPeriod");
    });
    assert_eq!(status("docdb-cluster-backup-retention", "AWS::RDS::DBCluster", vec![c]), NotA);
    let c = cluster("c", "neptune", |c| {
        c.as_object_mut().unwrap().remove("engine");
    });
    assert_eq!(status("neptune-cluster-encrypted", "AWS::RDS::DBCluster", vec![c]), NotA);
    // Who may restore a snapshot is unknown without its attributes.
    assert_eq!(
        status_with(
            "rds-snapshot-not-public",
            "AWS::RDS::DBSnapshot",
            vec![db_snapshot("s", true, None)],
            &[("AWS::RDS::DBClusterSnapshot", vec![])]
        ),
        NotA
    );
    let b = bucket("b", |m| {
        m.remove("AccessControlList");
    });
    assert_eq!(status_with("s3-no-public-write-acl", "AWS::S3::Bucket", vec![b], &[("AWS::S3::AccountPublicAccessBlock", vec![])]), NotA);
    let b = bucket("b", |m| {
        m.remove("BucketNotificationConfiguration");
    });
    assert_eq!(status("s3-event-notifications", "AWS::S3::Bucket", vec![b]), NotA);
    let mut ap = s3_access_point("ap", true);
    ap["configuration"] = json!(json!({"Name": "ap", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true}}).to_string());
    assert_eq!(status("s3-access-point-block-public-access", "AWS::S3::AccessPoint", vec![ap]), NotA);
    let mut k = kafka("k", "TLS", true);
    k["configuration"] = json!(json!({"ClusterName": "k"}).to_string());
    assert_eq!(status("msk-cluster-tls-in-transit", "AWS::MSK::Cluster", vec![k]), NotA);
    let c = certificate("a", "ISSUED", "2027-01-01T00:00:00Z", "RSA-9999");
    assert_eq!(status("acm-certificate-key-algorithm", "AWS::ACM::Certificate", vec![c]), NotA);
}

#[test]
fn backup_selections_by_wildcard_exclusion_and_tags() {
    let tables = || vec![table("orders", None, None)];
    let plans = || vec![plan("plan-1")];
    let run = |sels: Vec<Value>, plans: Vec<Value>| {
        status_with(
            "dynamodb-table-backup-plan",
            "AWS::DynamoDB::Table",
            tables(),
            &[("AWS::Backup::BackupSelection", sels), ("AWS::Backup::BackupPlan", plans)],
        )
    };
    assert_eq!(run(selects(json!(["*"])), plans()), P);
    assert_eq!(run(selects(json!([format!("arn:aws:dynamodb:us-east-1:{A}:table/*")])), plans()), P);
    assert_eq!(run(selects(json!([format!("arn:aws:dynamodb:us-east-1:{A}:table/orders")])), plans()), P);
    assert_eq!(run(selects(json!(["arn:aws:ec2:*:*:volume/*"])), plans()), F);
    assert_eq!(run(vec![], plans()), F);
    // Excluded by NotResources.
    let excluded = vec![selection(
        "sel-1",
        "plan-1",
        json!({"Resources": ["*"], "NotResources": [format!("arn:aws:dynamodb:us-east-1:{A}:table/orders")]}),
    )];
    assert_eq!(run(excluded, plans()), F);
    // Chosen by tags: what it covers cannot be resolved, so the table is not assessed, not failed.
    let by_tags = vec![selection(
        "sel-1",
        "plan-1",
        json!({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]}),
    )];
    assert_eq!(run(by_tags, plans()), NotA);
    let conditions = vec![selection(
        "sel-1",
        "plan-1",
        json!({"Resources": ["*"], "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]}}),
    )];
    assert_eq!(run(conditions, plans()), NotA);
    // Empty tag lists are no condition.
    assert_eq!(
        run(vec![selection("sel-1", "plan-1", json!({"Resources": ["*"], "ListOfTags": [], "Conditions": {"StringEquals": []}}))], plans()),
        P
    );
    // A selection of a plan that is not recorded proves no coverage.
    assert_eq!(run(selects(json!(["*"])), vec![]), NotA);
    // An unreadable selection item: coverage unknown.
    let mut broken = selection("sel-2", "plan-1", json!({"Resources": ["*"]}));
    broken["configuration"] = json!("[1]");
    assert_eq!(run(vec![broken.clone()], plans()), NotA);
    // ...but another selection covering the table makes it pass (the unreadable item still keeps
    // the check from passing as a whole).
    let b = resources_bundle_with(
        "AWS::DynamoDB::Table",
        tables(),
        &[
            ("AWS::Backup::BackupSelection", vec![broken, selection("sel-1", "plan-1", json!({"Resources": ["*"]}))]),
            ("AWS::Backup::BackupPlan", plans()),
        ],
    );
    let o = eval("dynamodb-table-backup-plan", &b);
    assert_eq!(o.status, NotA);
    assert!(o.findings.iter().any(|f| f.resource.ends_with("table/orders") && f.status == P), "{o:#?}");
    // DocumentDB clusters are left to their own checks (Prowler's RDS checks leave them out too).
    let docdb = vec![cluster("docs", "docdb", |_| {})];
    assert_eq!(
        status_with(
            "rds-cluster-backup-plan",
            "AWS::RDS::DBCluster",
            docdb,
            &[("AWS::Backup::BackupSelection", vec![]), ("AWS::Backup::BackupPlan", plans())]
        ),
        NA
    );
}

#[test]
fn engines_decide_which_cluster_checks_apply() {
    let aurora = || cluster("a", "aurora-mysql", |c| c["storageEncrypted"] = json!(false));
    assert_eq!(status("docdb-cluster-encrypted", "AWS::RDS::DBCluster", vec![aurora()]), NA);
    assert_eq!(status("neptune-cluster-encrypted", "AWS::RDS::DBCluster", vec![aurora()]), NA);
    assert_eq!(status("rds-cluster-storage-encrypted", "AWS::RDS::DBCluster", vec![aurora()]), F);
    let docdb = cluster("d", "docdb", |c| c["storageEncrypted"] = json!(false));
    assert_eq!(status("rds-cluster-storage-encrypted", "AWS::RDS::DBCluster", vec![docdb]), NA);
    // Neptune clusters are RDS clusters to Prowler's RDS checks as well.
    let neptune = cluster("n", "neptune", |c| c["storageEncrypted"] = json!(false));
    assert_eq!(status("rds-cluster-storage-encrypted", "AWS::RDS::DBCluster", vec![neptune]), F);
    let snap = cluster_snapshot("s", "docdb", false, Some(restore(&["all"])));
    assert_eq!(status("neptune-snapshot-not-public", "AWS::RDS::DBClusterSnapshot", vec![snap.clone()]), NA);
    assert_eq!(status_with("rds-snapshot-not-public", "AWS::RDS::DBClusterSnapshot", vec![snap], &[("AWS::RDS::DBSnapshot", vec![])]), NA);
    // Cluster snapshots count for the RDS snapshot checks.
    let aurora_snap = cluster_snapshot("s", "aurora-mysql", false, Some(restore(&[])));
    assert_eq!(
        status_with("rds-snapshot-encrypted", "AWS::RDS::DBClusterSnapshot", vec![aurora_snap], &[("AWS::RDS::DBSnapshot", vec![])]),
        F
    );
}

#[test]
fn certificates_expire_relative_to_collection_and_unissued_ones_are_out_of_scope() {
    // The test bundles are collected 2026-11-27T09:00:00Z.
    let run = |c: Value| status("acm-certificate-not-expiring", "AWS::ACM::Certificate", vec![c]);
    assert_eq!(run(certificate("a", "EXPIRED", "2026-10-01T00:00:00.000Z", "RSA-2048")), F);
    assert_eq!(run(certificate("a", "ISSUED", "2026-12-26T08:00:00.000Z", "RSA-2048")), F);
    assert_eq!(run(certificate("a", "ISSUED", "2026-12-28T09:00:00Z", "RSA-2048")), P);
    // Epoch seconds, as some writers give dates.
    assert_eq!(run(certificate("a", "ISSUED", "x", "RSA-2048")).clone(), NotA);
    let mut epoch = certificate("a", "ISSUED", "x", "RSA-2048");
    let mut cfg: Value = serde_json::from_str(epoch["configuration"].as_str().unwrap()).unwrap();
    cfg["notAfter"] = json!(1_830_000_000);
    epoch["configuration"] = json!(cfg.to_string());
    assert_eq!(run(epoch), P);
    assert_eq!(run(certificate("a", "PENDING_VALIDATION", "2026-01-01T00:00:00Z", "RSA-2048")), NA);
    let mut no_status = certificate("a", "ISSUED", "2027-01-01T00:00:00Z", "RSA-2048");
    no_status["configuration"] = json!(json!({"domainName": "a", "notAfter": "2027-01-01T00:00:00Z"}).to_string());
    assert_eq!(run(no_status), NotA);
}

#[test]
fn s3_edges_public_acls_ignored_policies_and_absent_entries() {
    let open_write = || {
        acl(
            json!([owner_grant(), {"grantee": {"identifier": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "typeIdentifier": "uri"}, "permission": "FullControl"}]),
        )
    };
    let b = bucket("b", |m| {
        m.insert("AccessControlList".into(), open_write());
    });
    let pab = |ignore: bool| json!({"blockPublicAcls": true, "ignorePublicAcls": ignore, "blockPublicPolicy": true, "restrictPublicBuckets": true});
    assert_eq!(
        status_with("s3-no-public-write-acl", "AWS::S3::Bucket", vec![b.clone()], &[("AWS::S3::AccountPublicAccessBlock", vec![])]),
        F
    );
    let account = ci("AWS::S3::AccountPublicAccessBlock", A, pab(true), json!({}));
    assert_eq!(
        status_with("s3-no-public-write-acl", "AWS::S3::Bucket", vec![b], &[("AWS::S3::AccountPublicAccessBlock", vec![account])]),
        P
    );
    let b = bucket("b", |m| {
        m.insert("AccessControlList".into(), open_write());
        m.insert("PublicAccessBlockConfiguration".into(), pab(true));
    });
    assert_eq!(status_with("s3-no-public-write-acl", "AWS::S3::Bucket", vec![b], &[("AWS::S3::AccountPublicAccessBlock", vec![])]), P);
    // Public read is not public write.
    let b = bucket("b", |m| {
        m.insert("AccessControlList".into(), acl(json!([owner_grant(), {"grantee": "AllUsers", "permission": "Read"}])));
    });
    assert_eq!(status_with("s3-no-public-write-acl", "AWS::S3::Bucket", vec![b], &[("AWS::S3::AccountPublicAccessBlock", vec![])]), P);

    let policy = |st: Value| {
        bucket("b", move |m| {
            m.insert("BucketPolicy".into(), bucket_policy(st));
        })
    };
    let cross = |st: Value| status("s3-no-cross-account-policy", "AWS::S3::Bucket", vec![policy(st)]);
    assert_eq!(cross(json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})), F);
    assert_eq!(
        cross(json!({"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})),
        F
    );
    assert_eq!(
        cross(json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": A}}})),
        P
    );
    assert_eq!(
        cross(
            json!({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"})
        ),
        P
    );
    assert_eq!(cross(json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"})), P);
    let no_policy = bucket("b", |m| {
        m.insert("BucketPolicy".into(), json!({"policyText": null}));
    });
    assert_eq!(status("s3-no-cross-account-policy", "AWS::S3::Bucket", vec![no_policy]), P);
    let no_entry = bucket("b", |m| {
        m.remove("BucketPolicy");
    });
    assert_eq!(status("s3-no-cross-account-policy", "AWS::S3::Bucket", vec![no_entry]), NotA);

    // Object lock, lifecycle and MFA delete: an absent entry is a feature never configured.
    let bare = bucket("b", |m| {
        m.remove("ObjectLockConfiguration");
        m.remove("BucketLifecycleConfiguration");
        m.remove("BucketVersioningConfiguration");
    });
    for check in ["s3-object-lock", "s3-lifecycle-rules", "s3-mfa-delete"] {
        assert_eq!(status(check, "AWS::S3::Bucket", vec![bare.clone()]), F, "{check}");
    }
    // EventBridge counts as notifications.
    let eb = bucket("b", |m| {
        m.insert("BucketNotificationConfiguration".into(), json!({"configurations": {}, "eventBridgeConfiguration": {}}));
    });
    assert_eq!(status("s3-event-notifications", "AWS::S3::Bucket", vec![eb]), P);
    // SSE-S3 is default encryption, not KMS.
    let dsse = bucket("b", |m| {
        m.insert(
            "ServerSideEncryptionConfiguration".into(),
            json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms:dsse"}}]}),
        );
    });
    assert_eq!(status("s3-kms-encryption", "AWS::S3::Bucket", vec![dsse]), P);
}

#[test]
fn other_edges() {
    // A scheduled-for-deletion secret is out of scope.
    let mut gone = secret("s", None);
    gone["configuration"] = json!(json!({"Name": "s", "Deleted": true}).to_string());
    assert_eq!(status("secretsmanager-rotation", "AWS::SecretsManager::Secret", vec![gone]), NA);
    // An SQS queue with a KMS key passes; SqsManagedSseEnabled that is no boolean is unreadable.
    assert_eq!(status("sqs-queue-encrypted", "AWS::SQS::Queue", vec![queue("q", "false", Some("alias/aws/sqs"))]), P);
    assert_eq!(status("sqs-queue-encrypted", "AWS::SQS::Queue", vec![queue("q", "maybe", None)]), NotA);
    // An SNS topic item that names no topic proves nothing about its key.
    let mut t = topic("t", None);
    t["configuration"] = json!(json!({"DisplayName": "t"}).to_string());
    assert_eq!(status("sns-topic-kms-encryption", "AWS::SNS::Topic", vec![t]), NotA);
    // Redshift: a parameter group that does not set require_ssl is the default (false); one not
    // recorded leaves the cluster not assessed.
    let r = || redshift("r", |_| {}, None);
    assert_eq!(
        status_with(
            "redshift-require-tls",
            "AWS::Redshift::Cluster",
            vec![r()],
            &[("AWS::Redshift::ClusterParameterGroup", vec![parameter_group("secure", None)])]
        ),
        F
    );
    assert_eq!(
        status_with("redshift-require-tls", "AWS::Redshift::Cluster", vec![r()], &[("AWS::Redshift::ClusterParameterGroup", vec![])]),
        NotA
    );
    let mut no_params = parameter_group("secure", Some("true"));
    no_params["supplementaryConfiguration"] = json!({});
    assert_eq!(
        status_with(
            "redshift-require-tls",
            "AWS::Redshift::Cluster",
            vec![r()],
            &[("AWS::Redshift::ClusterParameterGroup", vec![no_params])]
        ),
        NotA
    );
    // OpenSearch: a public endpoint whose policy pins source addresses is not public.
    let pinned = domain("d", |c| {
        c.as_object_mut().unwrap().remove("VPCOptions");
        c["AccessPolicies"] =
            json!(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*",
            "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]})
            .to_string());
    });
    assert_eq!(status("opensearch-not-public", "AWS::OpenSearch::Domain", vec![pinned]), P);
    // No LogPublishingOptions at all: nothing published.
    let quiet = domain("d", |c| {
        c.as_object_mut().unwrap().remove("LogPublishingOptions");
    });
    assert_eq!(status("opensearch-audit-logs", "AWS::OpenSearch::Domain", vec![quiet]), F);
    // EFS access points: no RootDirectory is the file system root.
    let root = access_point("fsap", json!({"PosixUser": {"Uid": 1000, "Gid": 1000}}));
    assert_eq!(status("efs-access-point-root-directory", "AWS::EFS::AccessPoint", vec![root.clone()]), F);
    assert_eq!(status("efs-access-point-user-identity", "AWS::EFS::AccessPoint", vec![root]), P);
    let mut unnamed = access_point("fsap", json!({}));
    unnamed["configuration"] = json!(json!({"FileSystemId": "fs-1"}).to_string());
    assert_eq!(status("efs-access-point-user-identity", "AWS::EFS::AccessPoint", vec![unnamed]), NotA);
    // RDS event subscriptions: all categories (an empty list) count; a disabled one does not.
    let run = |subs: Vec<Value>| status("rds-event-subscription-security-groups", "AWS::RDS::EventSubscription", subs);
    assert_eq!(run(vec![subscription("e", "db-security-group", json!([]), true)]), P);
    assert_eq!(run(vec![subscription("e", "db-security-group", json!([]), false)]), F);
    assert_eq!(run(vec![subscription("e", "db-security-group", json!(["failure"]), true)]), F);
    let mut unreadable = subscription("e", "db-security-group", json!([]), true);
    unreadable["configuration"] = json!("[1]");
    assert_eq!(run(vec![unreadable, subscription("f", "db-instance", json!([]), true)]), NotA);
    // DynamoDB KMS encryption being switched off is no pass.
    let updating = table("t", Some(json!({"status": "DISABLED", "ssetype": "KMS"})), None);
    assert_eq!(status("dynamodb-table-kms-encryption", "AWS::DynamoDB::Table", vec![updating]), F);
    // Athena: a disabled workgroup is out of scope.
    let mut off = workgroup("w", None);
    let mut cfg: Value = serde_json::from_str(off["configuration"].as_str().unwrap()).unwrap();
    cfg["State"] = json!("DISABLED");
    off["configuration"] = json!(cfg.to_string());
    assert_eq!(status("athena-workgroup-encrypted", "AWS::Athena::WorkGroup", vec![off]), NA);
}
