#!/usr/bin/env python3
"""Write a synthetic evidence bundle for benchmarks: USERS IAM users and ITEMS configuration items.

    python3 scripts/make-synthetic-bundle.py DIR USERS ITEMS [BIG_MB]
    auditpack seal DIR --collected-at 2026-11-27T09:00:00Z

With BIG_MB, the security-group file alone is made about that large (groups with many rules), to
measure memory against the largest evidence file.

For organisation bundles, run it once per account and region into the same DIR, then seal once:
ACCOUNT (12 digits, default 111122223333) and REGION (default us-east-1) say where the evidence goes,
and SKIP_IAM=1 leaves out the account's IAM files (write them with its first region only).

The data is shaped like what `auditpack collect` writes (one region, us-east-1, recording every type);
one user in ten lacks MFA, one bucket in five lacks encryption, and so on, so checks find failures.
"""
import json
import os
import sys

out, users, items = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
big_mb = int(sys.argv[4]) if len(sys.argv) > 4 else 0
A, R = os.environ.get("ACCOUNT", "111122223333"), os.environ.get("REGION", "us-east-1")
skip_iam = os.environ.get("SKIP_IAM") == "1"


def write(rel, data):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(data if isinstance(data, str) else json.dumps(data, indent=4) + "\n")


iam = f"{A}/global/iam"
cols = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
        "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
        "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
        "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated")
rows = [f"<root_account>,arn:aws:iam::{A}:root,2019-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,"
        "not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"]
for i in range(users):
    mfa = "false" if i % 10 == 0 else "true"
    rows.append(f"user-{i:05d},arn:aws:iam::{A}:user/user-{i:05d},2024-01-01T00:00:00+00:00,true,2026-11-20T00:00:00+00:00,"
                f"2026-10-01T00:00:00+00:00,N/A,{mfa},true,2026-{1 + i % 11:02d}-01T00:00:00+00:00,2026-11-25T00:00:00+00:00,"
                "us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
if not skip_iam:
    write(f"{iam}/credential-report.csv", cols + "\n" + "\n".join(rows) + "\n")
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
if not skip_iam:
    write(f"{iam}/get-account-authorization-details.json", {
        "UserDetailList": [{"Path": "/", "UserName": f"user-{i:05d}", "UserId": f"AIDA{i:016d}", "Arn": f"arn:aws:iam::{A}:user/user-{i:05d}",
                            "CreateDate": "2024-01-01T00:00:00+00:00", "GroupList": ["staff"],
                            "UserPolicyList": [{"PolicyName": "read", "PolicyDocument": doc}] if i % 50 == 0 else [],
                            "AttachedManagedPolicies": [], "Tags": []} for i in range(users)],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": []})
    write(f"{iam}/get-account-password-policy.json", {"PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": True,
          "RequireNumbers": True, "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
          "ExpirePasswords": True, "MaxPasswordAge": 90, "PasswordReusePrevention": 24}})
    write(f"{iam}/get-account-summary.json", {"SummaryMap": {"Users": users}})
    write(f"{iam}/list-virtual-mfa-devices.json", {"VirtualMFADevices": []})

cfg = f"{A}/{R}/config"
write(f"{cfg}/describe-configuration-recorders.json", {"ConfigurationRecorders": [{"name": "default", "recordingGroup": {
      "allSupported": True, "includeGlobalResourceTypes": True}}]})
write(f"{cfg}/describe-configuration-recorder-status.json", {"ConfigurationRecordersStatus": [{"name": "default",
      "recording": True, "lastStatus": "SUCCESS"}]})
write(f"{cfg}/describe-delivery-channels.json", {"DeliveryChannels": [{"name": "default", "s3BucketName": "logs"}]})
write(f"{cfg}/describe-config-rules.json", {"ConfigRules": []})
write(f"{cfg}/describe-compliance-by-config-rule.json", {"ComplianceByConfigRules": []})


def ci(rtype, rid, conf, sup=None):
    return {"version": "1.3", "accountId": A, "configurationItemCaptureTime": "2026-11-26T22:00:00+00:00",
            "configurationItemStatus": "OK", "arn": f"arn:aws:test:{R}:{A}:{rid}", "resourceType": rtype,
            "resourceId": rid, "resourceName": rid, "awsRegion": R, "configuration": json.dumps(conf),
            "supplementaryConfiguration": {k: json.dumps(v) for k, v in (sup or {}).items()}}


def bucket_supplementary(i):
    """The entries AWS Config records for every bucket (a bucket without a policy has policyText null)."""
    sup = {
        "BucketPolicy": {"policyText": None},
        "BucketVersioningConfiguration": {"status": "Enabled" if i % 3 else "Off", "isMfaDeleteEnabled": None},
        "BucketLoggingConfiguration": {"destinationBucketName": "logs" if i % 4 else None, "logFilePrefix": None},
        "PublicAccessBlockConfiguration": {"blockPublicAcls": True, "ignorePublicAcls": True, "blockPublicPolicy": True,
                                           "restrictPublicBuckets": True},
    }
    if i % 5:
        sup["ServerSideEncryptionConfiguration"] = {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}
    return sup


kinds = [
    ("AWS::S3::Bucket", lambda i: ci("AWS::S3::Bucket", f"bucket-{i}", {"name": f"bucket-{i}"}, bucket_supplementary(i))),
    ("AWS::EC2::Volume", lambda i: ci("AWS::EC2::Volume", f"vol-{i}", {"encrypted": i % 7 != 0})),
    ("AWS::EC2::SecurityGroup", lambda i: ci("AWS::EC2::SecurityGroup", f"sg-{i}", {"groupName": f"sg-{i}", "ipPermissions": [
        {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0" if i % 20 == 0 else "10.0.0.0/8"}]}]})),
    ("AWS::RDS::DBInstance", lambda i: ci("AWS::RDS::DBInstance", f"db-{i}", {"storageEncrypted": True, "engine": "postgres",
        "publiclyAccessible": False, "backupRetentionPeriod": 7, "multiAZ": i % 2 == 0})),
    ("AWS::KMS::Key", lambda i: ci("AWS::KMS::Key", f"key-{i}", {"keyManager": "CUSTOMER", "keyState": "Enabled"},
        {"KeyRotationStatus": i % 3 != 0})),
]
# Every other resource type of the catalogue, shaped like the demo's first item of the type
# (scripts/demo-inventory/*.json), so the items spread over all of them.
demo_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo-inventory")
templates = {}
for name in sorted(os.listdir(demo_dir)) if os.path.isdir(demo_dir) else []:
    if name.endswith(".json"):
        for item in json.load(open(os.path.join(demo_dir, name))).get("items", []):
            templates.setdefault(item["resourceType"], item)
known = {k for k, _ in kinds}


def from_template(t):
    def make(i):
        sup = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in (t.get("supplementaryConfiguration") or {}).items()}
        item = ci(t["resourceType"], f"{t['resourceId']}-{i}", t["configuration"])
        item["supplementaryConfiguration"] = sup
        return item
    return make


kinds += [(rtype, from_template(t)) for rtype, t in sorted(templates.items()) if rtype not in known]
per_kind = items // len(kinds)
for rtype, make in kinds:
    write(f"{cfg}/resources/{rtype.replace('::', '__')}.json", {"baseConfigurationItems": [make(i) for i in range(per_kind)]})

if big_mb:
    # Security groups with 40 rules each: about 4.6 KB of JSON per item.
    def rules(i):
        return [{"ipProtocol": "tcp", "fromPort": p, "toPort": p, "ipv4Ranges": [{"cidrIp": f"10.{i % 250}.{p % 250}.0/24"}],
                 "ipv6Ranges": [], "ipRanges": [f"10.{i % 250}.{p % 250}.0/24"]} for p in range(1000, 1040)]
    path = os.path.join(out, f"{cfg}/resources/AWS__EC2__SecurityGroup.json")
    with open(path, "w") as f:
        f.write('{\n    "baseConfigurationItems": [\n')
        i, written = 0, 0
        while written < big_mb * 1024 * 1024:
            item = json.dumps(ci("AWS::EC2::SecurityGroup", f"sg-big-{i}", {"groupName": f"sg-big-{i}", "ipPermissions": rules(i)}), indent=4)
            text = ("" if i == 0 else ",\n") + item
            f.write(text)
            written += len(text)
            i += 1
        f.write("\n    ]\n}\n")
