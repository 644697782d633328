#!/usr/bin/env python3
"""Write the demo evidence bundle (examples/demo-evidence) for the fictional account 111122223333.

Every file has the shape the AWS CLI v2 prints for the same call. The manifest is written
afterwards by `auditpack seal`, exactly as for a bundle assembled by hand:

    python3 scripts/make-demo-evidence.py examples/demo-evidence
    cargo run -- seal examples/demo-evidence

The account is built so that every control status appears: users without MFA, an old and an
unused access key, an admin user, a weak password policy, a public bucket, an unencrypted volume
and database, SSH open to the world, a KMS key without rotation, a missing patch, and a second
region (eu-west-1) without any Config recorder.
"""
import json
import os
import shutil
import sys

ACCOUNT = "111122223333"
COLLECTED_AT = "2026-11-27T09:00:00Z"
HOME = "us-east-1"
OTHER = "eu-west-1"


def write(root, rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        if isinstance(data, str):
            f.write(data)
        else:
            f.write(json.dumps(data, indent=4) + "\n")


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def iam(root):
    base = f"{ACCOUNT}/global/iam"
    cols = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
            "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
            "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
            "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
            "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
            "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")
    na = "N/A"
    rows = [
        ["<root_account>", f"arn:aws:iam::{ACCOUNT}:root", "2019-03-04T10:00:00+00:00", "not_supported",
         "2026-05-02T08:14:00+00:00", "not_supported", "not_supported", "true", "false", na, na, na, na,
         "false", na, na, na, na, "false", na, "false", na],
        ["alice", f"arn:aws:iam::{ACCOUNT}:user/alice", "2020-01-15T09:00:00+00:00", "true",
         "2026-11-26T17:02:00+00:00", "2026-09-01T09:00:00+00:00", na, "true", "true",
         "2026-10-01T12:00:00+00:00", "2026-11-26T16:40:00+00:00", "us-east-1", "s3",
         "false", na, na, na, na, "false", na, "false", na],
        ["bob", f"arn:aws:iam::{ACCOUNT}:user/bob", "2021-06-01T09:00:00+00:00", "true",
         "2026-11-20T08:30:00+00:00", "2026-02-10T09:00:00+00:00", na, "false", "true",
         "2025-06-01T10:00:00+00:00", "2026-11-25T11:00:00+00:00", "us-east-1", "ec2",
         "true", "2026-09-01T10:00:00+00:00", na, na, na, "false", na, "false", na],
        ["carol", f"arn:aws:iam::{ACCOUNT}:user/carol", "2022-02-01T09:00:00+00:00", "true",
         "2026-07-01T14:00:00+00:00", "2026-01-05T09:00:00+00:00", na, "true", "false", na, na, na, na,
         "false", na, na, na, na, "false", na, "false", na],
        ["ci-deploy", f"arn:aws:iam::{ACCOUNT}:user/ci-deploy", "2023-03-01T09:00:00+00:00", "false",
         na, na, na, "false", "true", "2026-09-15T10:00:00+00:00", "2026-11-26T23:10:00+00:00",
         "us-east-1", "cloudformation", "false", na, na, na, na, "false", na, "false", na],
        ["dave", f"arn:aws:iam::{ACCOUNT}:user/dave", "2026-11-20T09:00:00+00:00", "true", na,
         "2026-11-20T09:00:00+00:00", na, "false", "false", na, na, na, na, "false", na, na, na, na,
         "false", na, "false", na],
    ]
    write(root, f"{base}/credential-report.csv", cols + "\n" + "\n".join(",".join(r) for r in rows) + "\n")

    write(root, f"{base}/get-account-password-policy.json", {"PasswordPolicy": {
        "MinimumPasswordLength": 8, "RequireSymbols": False, "RequireNumbers": True,
        "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 90,
        "HardExpiry": False}})

    write(root, f"{base}/get-account-summary.json", {"SummaryMap": {
        "Users": 5, "UsersQuota": 5000, "Groups": 2, "GroupsQuota": 300, "Roles": 4, "RolesQuota": 1000,
        "Policies": 1, "PoliciesQuota": 1500, "MFADevices": 3, "MFADevicesInUse": 3,
        "AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0,
        "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerGroupQuota": 10,
        "AttachedPoliciesPerRoleQuota": 10, "PolicySizeQuota": 6144, "GroupsPerUserQuota": 10,
        "InstanceProfiles": 1, "InstanceProfilesQuota": 1000, "ServerCertificates": 0,
        "ServerCertificatesQuota": 20, "ProvidersQuota": 100, "AssumeRolePolicySizeQuota": 2048,
        "GlobalEndpointTokenVersion": 1, "VersionsPerPolicyQuota": 5, "UserPolicySizeQuota": 2048,
        "GroupPolicySizeQuota": 5120, "SigningCertificatesPerUserQuota": 2,
        "AccessKeysPerUserQuota": 2, "Providers": 0, "PolicyVersionsInUse": 4,
        "PolicyVersionsInUseQuota": 10000}})

    write(root, f"{base}/list-virtual-mfa-devices.json", {"VirtualMFADevices": [
        {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device",
         "User": {"Arn": f"arn:aws:iam::{ACCOUNT}:root", "UserId": ACCOUNT,
                  "CreateDate": "2019-03-04T10:00:00+00:00"}, "EnableDate": "2019-03-04T10:20:00+00:00"},
        {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/alice",
         "User": {"Path": "/", "UserName": "alice", "UserId": "AIDAALICEEXAMPLE0001",
                  "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "CreateDate": "2020-01-15T09:00:00+00:00"},
         "EnableDate": "2020-01-15T09:30:00+00:00"},
        {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/carol",
         "User": {"Path": "/", "UserName": "carol", "UserId": "AIDACAROLEXAMPLE0003",
                  "Arn": f"arn:aws:iam::{ACCOUNT}:user/carol", "CreateDate": "2022-02-01T09:00:00+00:00"},
         "EnableDate": "2022-02-01T09:40:00+00:00"}]})

    def user(name, uid, groups, attached=(), inline=()):
        return {"Path": "/", "UserName": name, "UserId": uid, "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
                "CreateDate": "2021-01-01T00:00:00+00:00",
                "UserPolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline],
                "GroupList": list(groups),
                "AttachedManagedPolicies": [{"PolicyName": a.split("/")[-1], "PolicyArn": a} for a in attached],
                "Tags": []}

    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    dev_arn = f"arn:aws:iam::{ACCOUNT}:policy/DeveloperAccess"
    details = {
        "UserDetailList": [
            user("alice", "AIDAALICEEXAMPLE0001", ["developers"], attached=[admin]),
            user("bob", "AIDABOBEXAMPLE000002", ["developers"], inline=[(
                "bob-extra-s3", doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                     "Resource": "arn:aws:s3:::app-data-prod/*"}))]),
            user("carol", "AIDACAROLEXAMPLE0003", ["auditors"]),
            user("ci-deploy", "AIDACIDEPLOYEXAMPL04", [], inline=[(
                "deploy-everything", doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))]),
            user("dave", "AIDADAVEEXAMPLE00005", ["developers"]),
        ],
        "GroupDetailList": [
            {"Path": "/", "GroupName": "auditors", "GroupId": "AGPAAUDITORSEXAMPLE1",
             "Arn": f"arn:aws:iam::{ACCOUNT}:group/auditors", "CreateDate": "2020-01-01T00:00:00+00:00",
             "GroupPolicyList": [], "AttachedManagedPolicies": [
                 {"PolicyName": "SecurityAudit", "PolicyArn": "arn:aws:iam::aws:policy/SecurityAudit"}]},
            {"Path": "/", "GroupName": "developers", "GroupId": "AGPADEVELOPERSEXAMP2",
             "Arn": f"arn:aws:iam::{ACCOUNT}:group/developers", "CreateDate": "2020-01-01T00:00:00+00:00",
             "GroupPolicyList": [], "AttachedManagedPolicies": [
                 {"PolicyName": "DeveloperAccess", "PolicyArn": dev_arn}]},
        ],
        "RoleDetailList": [
            {"Path": "/", "RoleName": "OrganizationAccountAccessRole", "RoleId": "AROAORGACCESSEXAMPLE",
             "Arn": f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole",
             "CreateDate": "2019-03-04T10:00:00+00:00",
             "AssumeRolePolicyDocument": doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                                              "Action": "sts:AssumeRole"}),
             "InstanceProfileList": [], "RolePolicyList": [],
             "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": admin}],
             "Tags": [], "RoleLastUsed": {"LastUsedDate": "2026-11-02T10:00:00+00:00", "Region": "us-east-1"}},
            {"Path": "/", "RoleName": "partner-readonly", "RoleId": "AROAPARTNEREXAMPLE01",
             "Arn": f"arn:aws:iam::{ACCOUNT}:role/partner-readonly", "CreateDate": "2024-05-01T10:00:00+00:00",
             "AssumeRolePolicyDocument": doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                                              "Condition": {"StringEquals": {"sts:ExternalId": "acme-7731"}}}),
             "InstanceProfileList": [], "RolePolicyList": [],
             "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
             "Tags": [], "RoleLastUsed": {}},
            {"Path": "/", "RoleName": "orders-lambda-exec", "RoleId": "AROALAMBDAEXAMPLE001",
             "Arn": f"arn:aws:iam::{ACCOUNT}:role/orders-lambda-exec", "CreateDate": "2024-01-10T10:00:00+00:00",
             "AssumeRolePolicyDocument": doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                              "Action": "sts:AssumeRole"}),
             "InstanceProfileList": [], "RolePolicyList": [{"PolicyName": "orders-table", "PolicyDocument": doc(
                 {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                  "Resource": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"})}],
             "AttachedManagedPolicies": [], "Tags": [], "RoleLastUsed": {}},
            {"Path": "/aws-service-role/config.amazonaws.com/", "RoleName": "AWSServiceRoleForConfig",
             "RoleId": "AROACONFIGEXAMPLE001",
             "Arn": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
             "CreateDate": "2019-03-05T10:00:00+00:00",
             "AssumeRolePolicyDocument": doc({"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
                                              "Action": "sts:AssumeRole"}),
             "InstanceProfileList": [], "RolePolicyList": [],
             "AttachedManagedPolicies": [{"PolicyName": "AWSConfigServiceRolePolicy",
                                          "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSConfigServiceRolePolicy"}],
             "Tags": [], "RoleLastUsed": {}},
        ],
        "Policies": [
            {"PolicyName": "DeveloperAccess", "PolicyId": "ANPADEVACCESSEXAMPLE", "Arn": dev_arn, "Path": "/",
             "DefaultVersionId": "v2", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0,
             "IsAttachable": True, "CreateDate": "2021-01-01T00:00:00+00:00",
             "UpdateDate": "2025-03-01T00:00:00+00:00",
             "PolicyVersionList": [
                 {"Document": doc({"Effect": "Allow", "Action": ["ec2:*", "s3:*", "logs:*"], "Resource": "*"}),
                  "VersionId": "v2", "IsDefaultVersion": True, "CreateDate": "2025-03-01T00:00:00+00:00"},
                 {"Document": doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                  "VersionId": "v1", "IsDefaultVersion": False, "CreateDate": "2021-01-01T00:00:00+00:00"}]},
        ],
    }
    write(root, f"{base}/get-account-authorization-details.json", details)


def item(resource_type, rid, name, arn, configuration, supplementary=None, relationships=None, region=HOME):
    return {"version": "1.3", "accountId": ACCOUNT, "configurationItemCaptureTime": "2026-11-26T22:00:00.000000+00:00",
            "configurationItemStatus": "OK", "configurationStateId": "1732658400000",
            "arn": arn, "resourceType": resource_type, "resourceId": rid, "resourceName": name,
            "awsRegion": region, "availabilityZone": "Not Applicable",
            "resourceCreationTime": "2024-01-01T00:00:00+00:00",
            "configuration": json.dumps(configuration, separators=(",", ":")),
            "supplementaryConfiguration": {k: (v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
                                           for k, v in (supplementary or {}).items()},
            "relationships": relationships or []}


def config(root):
    base = f"{ACCOUNT}/{HOME}/config"
    write(root, f"{base}/describe-configuration-recorders.json", {"ConfigurationRecorders": [{
        "arn": f"arn:aws:config:{HOME}:{ACCOUNT}:configuration-recorder/default/abcd1234",
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True, "resourceTypes": [],
                           "exclusionByResourceTypes": {"resourceTypes": []},
                           "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}},
        "recordingMode": {"recordingFrequency": "CONTINUOUS", "recordingModeOverrides": []}}]})
    write(root, f"{base}/describe-configuration-recorder-status.json", {"ConfigurationRecordersStatus": [{
        "arn": f"arn:aws:config:{HOME}:{ACCOUNT}:configuration-recorder/default/abcd1234",
        "name": "default", "lastStartTime": "2024-01-01T00:00:00+00:00", "recording": True,
        "lastStatus": "SUCCESS", "lastStatusChangeTime": "2026-11-26T22:00:00+00:00"}]})
    write(root, f"{base}/describe-delivery-channels.json", {"DeliveryChannels": [{
        "name": "default", "s3BucketName": "acme-config-logs",
        "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"}}]})

    rules = [
        ("s3-bucket-server-side-encryption-enabled", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "AWS::S3::Bucket", "COMPLIANT"),
        ("restricted-ssh", "INCOMING_SSH_DISABLED", "AWS::EC2::SecurityGroup", "NON_COMPLIANT"),
        ("rds-storage-encrypted", "RDS_STORAGE_ENCRYPTED", "AWS::RDS::DBInstance", "NON_COMPLIANT"),
        ("iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", "AWS::IAM::User", "NON_COMPLIANT"),
        ("cloud-trail-log-file-validation-enabled", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", None, "COMPLIANT"),
    ]
    write(root, f"{base}/describe-config-rules.json", {"ConfigRules": [{
        "ConfigRuleName": name, "ConfigRuleArn": f"arn:aws:config:{HOME}:{ACCOUNT}:config-rule/config-rule-{i:06d}",
        "ConfigRuleId": f"config-rule-{i:06d}",
        **({"Scope": {"ComplianceResourceTypes": [rtype]}} if rtype else {}),
        "Source": {"Owner": "AWS", "SourceIdentifier": ident},
        "ConfigRuleState": "ACTIVE", "EvaluationModes": [{"Mode": "DETECTIVE"}]}
        for i, (name, ident, rtype, _) in enumerate(rules, start=1)]})
    write(root, f"{base}/describe-compliance-by-config-rule.json", {"ComplianceByConfigRules": [{
        "ConfigRuleName": name, "Compliance": {"ComplianceType": verdict, **(
            {"ComplianceContributorCount": {"CappedCount": 2, "CapExceeded": False}} if verdict == "NON_COMPLIANT" else {})}}
        for name, _, _, verdict in rules]})

    def result(rule, rtype, rid, verdict, note=None):
        r = {"EvaluationResultIdentifier": {"EvaluationResultQualifier": {
            "ConfigRuleName": rule, "ResourceType": rtype, "ResourceId": rid, "EvaluationMode": "DETECTIVE"},
            "OrderingTimestamp": "2026-11-26T22:05:00+00:00"},
            "ComplianceType": verdict, "ResultRecordedTime": "2026-11-26T22:06:00+00:00",
            "ConfigRuleInvokedTime": "2026-11-26T22:05:30+00:00"}
        if note:
            r["Annotation"] = note
        return r

    details = f"{base}/get-compliance-details-by-config-rule"
    write(root, f"{details}/s3-bucket-server-side-encryption-enabled.json", {"EvaluationResults": [
        result("s3-bucket-server-side-encryption-enabled", "AWS::S3::Bucket", b, "COMPLIANT")
        for b in ("acme-config-logs", "app-data-prod", "public-assets-site")]})
    write(root, f"{details}/restricted-ssh.json", {"EvaluationResults": [
        result("restricted-ssh", "AWS::EC2::SecurityGroup", "sg-0b1c2d3e4f5a60718", "NON_COMPLIANT",
               "Port 22 is open to 0.0.0.0/0."),
        result("restricted-ssh", "AWS::EC2::SecurityGroup", "sg-0a1b2c3d4e5f60708", "COMPLIANT")]})
    write(root, f"{details}/rds-storage-encrypted.json", {"EvaluationResults": [
        result("rds-storage-encrypted", "AWS::RDS::DBInstance", "db-LEGACYREPORTS7Q", "NON_COMPLIANT"),
        result("rds-storage-encrypted", "AWS::RDS::DBInstance", "db-ORDERSPROD4K2M", "COMPLIANT")]})
    write(root, f"{details}/cloud-trail-log-file-validation-enabled.json", {"EvaluationResults": [
        result("cloud-trail-log-file-validation-enabled", "AWS::::Account", ACCOUNT, "COMPLIANT")]})
    # iam-user-mfa-enabled details: throttled during collection, recorded as a gap in the manifest.

    res = f"{base}/resources"
    enc_kms = {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms",
               "kmsMasterKeyID": f"arn:aws:kms:{HOME}:{ACCOUNT}:key/1a2b3c4d-0000-4000-8000-000000000001"},
               "bucketKeyEnabled": True}]}
    enc_s3 = {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": False}]}
    block = {"blockPublicAcls": True, "ignorePublicAcls": True, "blockPublicPolicy": True, "restrictPublicBuckets": True}
    open_block = {"blockPublicAcls": False, "ignorePublicAcls": False, "blockPublicPolicy": False, "restrictPublicBuckets": False}
    public_policy = {"policyText": json.dumps(doc({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                                                   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-assets-site/*"}))}

    def bucket(name, enc, pab, policy=None):
        sup = {"ServerSideEncryptionConfiguration": enc, "PublicAccessBlockConfiguration": pab,
               "BucketVersioningConfiguration": {"status": "Enabled"}}
        if policy:
            sup["BucketPolicy"] = policy
        return item("AWS::S3::Bucket", name, name, f"arn:aws:s3:::{name}",
                    {"name": name, "owner": {"id": "a1b2c3"}, "creationDate": "2024-01-01T00:00:00.000Z"}, sup)

    write(root, f"{res}/AWS__S3__Bucket.json", {"baseConfigurationItems": [
        bucket("acme-config-logs", enc_kms, block), bucket("app-data-prod", enc_kms, block),
        bucket("public-assets-site", enc_s3, open_block, public_policy)], "unprocessedResourceKeys": []})

    def volume(vid, encrypted):
        return item("AWS::EC2::Volume", vid, vid, f"arn:aws:ec2:{HOME}:{ACCOUNT}:volume/{vid}",
                    {"volumeId": vid, "size": 100, "volumeType": "gp3", "state": "in-use", "encrypted": encrypted,
                     "availabilityZone": "us-east-1a"})

    write(root, f"{res}/AWS__EC2__Volume.json", {"baseConfigurationItems": [
        volume("vol-0f1e2d3c4b5a69788", True), volume("vol-0a9b8c7d6e5f40312", False)], "unprocessedResourceKeys": []})

    def db(rid, name, engine, encrypted):
        return item("AWS::RDS::DBInstance", rid, name, f"arn:aws:rds:{HOME}:{ACCOUNT}:db:{name}",
                    {"dBInstanceIdentifier": name, "engine": engine, "storageEncrypted": encrypted,
                     "publiclyAccessible": False, "multiAZ": True, "dbiResourceId": rid})

    write(root, f"{res}/AWS__RDS__DBInstance.json", {"baseConfigurationItems": [
        db("db-ORDERSPROD4K2M", "orders-prod", "postgres", True),
        db("db-LEGACYREPORTS7Q", "legacy-reports", "mysql", False)], "unprocessedResourceKeys": []})

    def sg(gid, name, perms):
        return item("AWS::EC2::SecurityGroup", gid, gid, f"arn:aws:ec2:{HOME}:{ACCOUNT}:security-group/{gid}",
                    {"groupId": gid, "groupName": name, "description": name, "vpcId": "vpc-0123456789abcdef0",
                     "ipPermissions": perms, "ipPermissionsEgress": [{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}],
                                                                      "ipv6Ranges": [], "ipRanges": ["0.0.0.0/0"]}]})

    https = {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}],
             "ipv6Ranges": [{"cidrIpv6": "::/0"}], "ipRanges": ["0.0.0.0/0"]}
    ssh_world = {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}],
                 "ipv6Ranges": [], "ipRanges": ["0.0.0.0/0"]}
    ssh_office = {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipv4Ranges": [{"cidrIp": "203.0.113.0/24"}],
                  "ipv6Ranges": [], "ipRanges": ["203.0.113.0/24"]}
    write(root, f"{res}/AWS__EC2__SecurityGroup.json", {"baseConfigurationItems": [
        sg("sg-0a1b2c3d4e5f60708", "web-alb", [https]),
        sg("sg-0b1c2d3e4f5a60718", "legacy-bastion", [ssh_world]),
        sg("sg-0c2d3e4f5a6b70829", "admin-from-office", [ssh_office])], "unprocessedResourceKeys": []})

    write(root, f"{res}/AWS__CloudTrail__Trail.json", {"baseConfigurationItems": [
        item("AWS::CloudTrail::Trail", "org-trail", "org-trail", f"arn:aws:cloudtrail:{HOME}:{ACCOUNT}:trail/org-trail",
             {"name": "org-trail", "s3BucketName": "acme-cloudtrail-logs", "includeGlobalServiceEvents": True,
              "isMultiRegionTrail": True, "homeRegion": HOME, "logFileValidationEnabled": True,
              "isOrganizationTrail": False, "kmsKeyId": f"arn:aws:kms:{HOME}:{ACCOUNT}:key/1a2b3c4d-0000-4000-8000-000000000001"})],
        "unprocessedResourceKeys": []})

    def key(kid, rotation, manager="CUSTOMER"):
        return item("AWS::KMS::Key", kid, kid, f"arn:aws:kms:{HOME}:{ACCOUNT}:key/{kid}",
                    {"keyId": kid, "keyManager": manager, "keyState": "Enabled", "keySpec": "SYMMETRIC_DEFAULT",
                     "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS", "enabled": True,
                     "keyUsage": "ENCRYPT_DECRYPT"}, {"KeyRotationStatus": "true" if rotation else "false"})

    write(root, f"{res}/AWS__KMS__Key.json", {"baseConfigurationItems": [
        key("1a2b3c4d-0000-4000-8000-000000000001", True),
        key("1a2b3c4d-0000-4000-8000-000000000002", False),
        key("1a2b3c4d-0000-4000-8000-0000000000aa", False, manager="AWS")], "unprocessedResourceKeys": []})

    def patches(instance, content):
        return item("AWS::SSM::PatchCompliance", f"AWS::SSM::ManagedInstanceInventory/{instance}",
                    f"AWS::SSM::ManagedInstanceInventory/{instance}", "",
                    {"AWS:ComplianceItem": {"SchemaVersion": "1.0", "ComplianceType": "Patch",
                                            "Content": {"Patch": content}}})

    write(root, f"{res}/AWS__SSM__PatchCompliance.json", {"baseConfigurationItems": [
        patches("i-0aaa1111bbbb22223", {
            "openssl.x86_64:1:3.0.8-1.amzn2023.0.14": {"PatchState": "Installed", "PatchSeverity": "Important",
                                                       "Classification": "Security", "Status": "COMPLIANT"},
            "kernel.x86_64:0:6.1.112-122.189.amzn2023": {"PatchState": "Installed", "PatchSeverity": "Critical",
                                                        "Classification": "Security", "Status": "COMPLIANT"}}),
        patches("i-0ccc3333dddd44445", {
            "openssh-server.x86_64:0:8.7p1-8.amzn2023.0.11": {"PatchState": "Missing", "PatchSeverity": "Critical",
                                                              "Classification": "Security", "Status": "NON_COMPLIANT"},
            "sudo.x86_64:0:1.9.15-1.p5.amzn2023.0.1": {"PatchState": "Installed", "PatchSeverity": "Important",
                                                       "Classification": "Security", "Status": "COMPLIANT"}})],
        "unprocessedResourceKeys": []})

    alb = f"arn:aws:elasticloadbalancing:{HOME}:{ACCOUNT}:loadbalancer/app/web-alb/50dc6c495c0c9188"
    write(root, f"{res}/AWS__ElasticLoadBalancingV2__LoadBalancer.json", {"baseConfigurationItems": [
        item("AWS::ElasticLoadBalancingV2::LoadBalancer", alb, "web-alb", alb,
             {"loadBalancerArn": alb, "loadBalancerName": "web-alb", "scheme": "internet-facing", "type": "application",
              "vpcId": "vpc-0123456789abcdef0", "state": {"code": "active"}}),
        item("AWS::ElasticLoadBalancingV2::LoadBalancer",
             f"arn:aws:elasticloadbalancing:{HOME}:{ACCOUNT}:loadbalancer/app/internal-api/6d0ecf831eec9f09", "internal-api",
             f"arn:aws:elasticloadbalancing:{HOME}:{ACCOUNT}:loadbalancer/app/internal-api/6d0ecf831eec9f09",
             {"loadBalancerName": "internal-api", "scheme": "internal", "type": "application"})],
        "unprocessedResourceKeys": []})
    acl = f"arn:aws:wafv2:{HOME}:{ACCOUNT}:regional/webacl/web-acl/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    write(root, f"{res}/AWS__WAFv2__WebACL.json", {"baseConfigurationItems": [
        item("AWS::WAFv2::WebACL", acl, "web-acl", acl, {"name": "web-acl", "defaultAction": "Allow", "capacity": 700},
             relationships=[{"resourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer", "resourceId": alb,
                             "relationshipName": "Is associated with "}])],
        "unprocessedResourceKeys": []})

    # eu-west-1: nobody set AWS Config up here.
    other = f"{ACCOUNT}/{OTHER}/config"
    write(root, f"{other}/describe-configuration-recorders.json", {"ConfigurationRecorders": []})
    write(root, f"{other}/describe-configuration-recorder-status.json", {"ConfigurationRecordersStatus": []})
    write(root, f"{other}/describe-delivery-channels.json", {"DeliveryChannels": []})
    write(root, f"{other}/describe-config-rules.json", {"ConfigRules": []})
    write(root, f"{other}/describe-compliance-by-config-rule.json", {"ComplianceByConfigRules": []})


def manifest_skeleton(root):
    """Only what seal cannot derive: the collection time and the recorded gap."""
    write(root, "manifest.json", {
        "schema_version": 1, "tool": {"name": "auditpack", "version": "0.1.0"}, "collected_at": COLLECTED_AT,
        "accounts": [ACCOUNT], "regions": [HOME, OTHER], "files": [],
        "gaps": [{"api": "config:GetComplianceDetailsByConfigRule", "account": ACCOUNT, "region": HOME,
                  "path": f"{ACCOUNT}/{HOME}/config/get-compliance-details-by-config-rule/iam-user-mfa-enabled.json",
                  "error": "ThrottlingException", "message": "Rate exceeded (gave up after 3 attempts)"}],
        "absent": []})


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "examples/demo-evidence"
    if os.path.isdir(root):
        shutil.rmtree(root)
    iam(root)
    config(root)
    manifest_skeleton(root)


if __name__ == "__main__":
    main()
