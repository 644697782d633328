//! The compute family of checks (src/checks/compute.rs) on passing, failing and missing evidence.

use auditpack::checks::CheckStatus;
use serde_json::{json, Value};

use crate::cases::*;

const INSTANCE: &str = "AWS::EC2::Instance";
const INVENTORY: &str = "AWS::SSM::ManagedInstanceInventory";
const TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
const LAUNCH_CONFIG: &str = "AWS::AutoScaling::LaunchConfiguration";
const ASG: &str = "AWS::AutoScaling::AutoScalingGroup";
const NACL: &str = "AWS::EC2::NetworkAcl";
const VPC: &str = "AWS::EC2::VPC";
const FLOW_LOG: &str = "AWS::EC2::FlowLog";
const ENDPOINT: &str = "AWS::EC2::VPCEndpoint";
const VPN: &str = "AWS::EC2::VPNConnection";
const TGW: &str = "AWS::EC2::TransitGateway";
const CLIENT_VPN: &str = "AWS::EC2::ClientVpnEndpoint";
const SHIELD: &str = "AWS::ShieldRegional::Protection";
const DIST: &str = "AWS::CloudFront::Distribution";
const WAFV2: &str = "AWS::WAFv2::WebACL";
const WAF_ACL: &str = "AWS::WAF::WebACL";
const WAFR_ACL: &str = "AWS::WAFRegional::WebACL";
const WAF_RULE: &str = "AWS::WAF::Rule";
const WAFR_RULE: &str = "AWS::WAFRegional::Rule";
const WAF_GROUP: &str = "AWS::WAF::RuleGroup";
const WAFR_GROUP: &str = "AWS::WAFRegional::RuleGroup";
const NFW_POLICY: &str = "AWS::NetworkFirewall::FirewallPolicy";
const CLB: &str = "AWS::ElasticLoadBalancing::LoadBalancer";
const ALB: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
const LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";
const SG: &str = "AWS::EC2::SecurityGroup";
const DMS_INSTANCE: &str = "AWS::DMS::ReplicationInstance";
const DMS_ENDPOINT: &str = "AWS::DMS::Endpoint";
const DMS_TASK: &str = "AWS::DMS::ReplicationTask";
const NOTEBOOK: &str = "AWS::SageMaker::NotebookInstance";

fn s(v: Value) -> Value {
    Value::String(v.to_string())
}

/// A running instance shaped as DescribeInstances (AWS Config) writes it, with `over` merged in.
fn instance_cfg(id: &str, over: Value) -> Value {
    let mut c = json!({"instanceId": id, "instanceType": "t3.micro", "state": {"code": 16, "name": "running"},
        "launchTime": "2026-11-01T08:00:00.000Z", "metadataOptions": {"state": "applied", "httpTokens": "required",
        "httpPutResponseHopLimit": 2, "httpEndpoint": "enabled"}, "monitoring": {"state": "enabled"},
        "iamInstanceProfile": {"arn": "arn:aws:iam::111122223333:instance-profile/app", "id": "AIPA1"},
        "privateIpAddress": "10.0.1.10", "networkInterfaces": [{"networkInterfaceId": "eni-1", "privateIpAddress": "10.0.1.10"}],
        "subnetId": "subnet-1", "vpcId": "vpc-1"});
    merge(&mut c, over);
    c
}

fn merge(base: &mut Value, over: Value) {
    if let (Some(b), Value::Object(o)) = (base.as_object_mut(), over) {
        for (k, v) in o {
            b.insert(k, v);
        }
    }
}

fn instance(id: &str, over: Value) -> Value {
    ci(INSTANCE, id, instance_cfg(id, over), json!({}))
}

fn inventory(id: &str) -> Value {
    ci(
        INVENTORY,
        id,
        json!({"AWS:InstanceInformation": {"TypeName": "AWS:InstanceInformation", "SchemaVersion": "1.0",
        "Content": {id: {"AgentType": "amazon-ssm-agent", "InstanceId": id, "InstanceStatus": "Active", "PlatformType": "Linux"}}}}),
        json!({"instanceStatus": "Active"}),
    )
}

fn template(name: &str, data: Value) -> Value {
    ci(
        TEMPLATE,
        name,
        json!({"LaunchTemplateName": name, "Id": format!("lt-{name}"), "DefaultVersionNumber": "1",
        "LatestVersionNumber": "1", "LaunchTemplateData": data}),
        json!({}),
    )
}

fn launch_config(name: &str, tokens: &str) -> Value {
    ci(
        LAUNCH_CONFIG,
        name,
        json!({"launchConfigurationName": name, "imageId": "ami-1", "instanceType": "t3.micro",
        "metadataOptions": {"httpTokens": tokens, "httpPutResponseHopLimit": 1, "httpEndpoint": "enabled"}}),
        json!({}),
    )
}

fn asg(name: &str, lc: &str) -> Value {
    ci(ASG, name, json!({"autoScalingGroupName": name, "launchConfigurationName": lc, "minSize": 1, "maxSize": 2}), json!({}))
}

fn nacl(id: &str, entries: Value, associations: Value, default: bool) -> Value {
    ci(
        NACL,
        id,
        json!({"networkAclId": id, "vpcId": "vpc-1", "isDefault": default, "entries": entries,
        "associations": associations, "ownerId": "111122223333"}),
        json!({}),
    )
}

fn entry(n: i64, protocol: &str, action: &str, cidr: &str, ports: Option<(i64, i64)>) -> Value {
    let mut e = json!({"ruleNumber": n, "protocol": protocol, "ruleAction": action, "egress": false});
    if cidr.contains(':') {
        e["ipv6CidrBlock"] = json!(cidr);
    } else {
        e["cidrBlock"] = json!(cidr);
    }
    if let Some((from, to)) = ports {
        e["portRange"] = json!({"from": from, "to": to});
    }
    e
}

fn closed_entries() -> Value {
    json!([
        entry(100, "6", "allow", "0.0.0.0/0", Some((443, 443))),
        entry(32767, "-1", "deny", "0.0.0.0/0", None),
        entry(32768, "-1", "deny", "::/0", None)
    ])
}

fn vpc(id: &str) -> Value {
    ci(
        VPC,
        id,
        json!({"vpcId": id, "cidrBlock": "10.0.0.0/16", "isDefault": false, "state": "available", "ownerId": "111122223333"}),
        json!({}),
    )
}

fn flow_log(id: &str, vpc: &str, status: &str) -> Value {
    ci(
        FLOW_LOG,
        id,
        json!({"flowLogId": id, "resourceId": vpc, "flowLogStatus": status, "trafficType": "ALL",
        "logDestinationType": "cloud-watch-logs", "deliverLogsStatus": "SUCCESS"}),
        json!({}),
    )
}

fn endpoint(id: &str, vpc: &str, service: &str) -> Value {
    ci(ENDPOINT, id, json!({"vpcEndpointId": id, "vpcId": vpc, "serviceName": service, "vpcEndpointType": "Interface"}), json!({}))
}

fn vpn(id: &str, a: &str, b: &str) -> Value {
    ci(
        VPN,
        id,
        json!({"vpnConnectionId": id, "type": "ipsec.1", "vgwTelemetry": [
        {"outsideIpAddress": "203.0.113.1", "status": a, "statusMessage": "", "acceptedRouteCount": 2},
        {"outsideIpAddress": "203.0.113.2", "status": b, "statusMessage": "", "acceptedRouteCount": 2}]}),
        json!({}),
    )
}

fn alb(id: &str, scheme: &str, attrs: Value) -> Value {
    ci(
        ALB,
        id,
        json!({"loadBalancerName": id, "scheme": scheme, "type": "application", "vpcId": "vpc-1"}),
        json!({"LoadBalancerAttributes": s(attrs)}),
    )
}

fn lb_attrs(deletion: &str, logs: &str) -> Value {
    json!([{"key": "deletion_protection.enabled", "value": deletion}, {"key": "access_logs.s3.enabled", "value": logs},
        {"key": "access_logs.s3.bucket", "value": if logs == "true" { "acme-lb-logs" } else { "" }}])
}

fn protection(id: &str, arn: &str) -> Value {
    ci(SHIELD, id, json!({"Id": id, "Name": id, "ResourceArn": arn}), json!({}))
}

/// A distribution with an S3 origin (OAC) and a custom origin, as GetDistribution writes it.
fn dist_cfg(over: Value) -> Value {
    let mut config = json!({
        "callerReference": "ref", "comment": "", "enabled": true,
        "aliases": {"quantity": 1, "items": ["www.example.com"]},
        "defaultCacheBehavior": {"targetOriginId": "site", "viewerProtocolPolicy": "redirect-to-https", "compress": true},
        "cacheBehaviors": {"quantity": 1, "items": [{"pathPattern": "/api/*", "targetOriginId": "api", "viewerProtocolPolicy": "https-only"}]},
        "origins": {"quantity": 2, "items": [
            {"id": "site", "domainName": "acme-site.s3.us-east-1.amazonaws.com", "s3OriginConfig": {"originAccessIdentity": ""},
             "originAccessControlId": "E2OAC", "originPath": ""},
            {"id": "api", "domainName": "api.example.com", "originAccessControlId": "", "customOriginConfig": {"httpPort": 80, "httpsPort": 443,
             "originProtocolPolicy": "https-only", "originSslProtocols": {"quantity": 1, "items": ["TLSv1.2"]}}}]},
        "viewerCertificate": {"cloudFrontDefaultCertificate": false, "acmCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/c",
            "sslSupportMethod": "sni-only", "minimumProtocolVersion": "TLSv1.2_2021", "certificateSource": "acm"},
        "logging": {"enabled": true, "includeCookies": false, "bucket": "acme-cf-logs.s3.amazonaws.com", "prefix": "cf/"},
        "webACLId": "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/1",
        "priceClass": "PriceClass_100", "httpVersion": "http2"});
    merge(&mut config, over);
    json!({"id": "E1", "arn": "arn:aws:cloudfront::111122223333:distribution/E1", "domainName": "d1.cloudfront.net", "distributionConfig": config})
}

fn dist(id: &str, over: Value) -> Value {
    ci(DIST, id, dist_cfg(over), json!({}))
}

fn custom_origin_only(policy: &str, protocols: Value) -> Value {
    json!({"origins": {"quantity": 1, "items": [{"id": "api", "domainName": "api.example.com", "customOriginConfig":
        {"httpPort": 80, "httpsPort": 443, "originProtocolPolicy": policy, "originSslProtocols": protocols}}]}})
}

fn wafv2(id: &str, rules: Value) -> Value {
    ci(
        WAFV2,
        id,
        json!({"name": id, "id": id, "defaultAction": {"allow": {}}, "capacity": 700, "rules": rules,
        "visibilityConfig": {"sampledRequestsEnabled": true, "cloudWatchMetricsEnabled": true, "metricName": id}}),
        json!({}),
    )
}

fn wafv2_rule(name: &str, metrics: bool) -> Value {
    json!({"name": name, "priority": 0, "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": "AWSManagedRulesCommonRuleSet"}},
        "overrideAction": {"none": {}}, "visibilityConfig": {"sampledRequestsEnabled": true, "cloudWatchMetricsEnabled": metrics, "metricName": name}})
}

fn classic_acl(t: &'static str, id: &str, rules: Value) -> Value {
    ci(t, id, json!({"webACLId": id, "name": id, "metricName": id, "defaultAction": {"type": "ALLOW"}, "rulesList": rules}), json!({}))
}

fn classic_rule(t: &'static str, id: &str, predicates: Value) -> Value {
    ci(t, id, json!({"ruleId": id, "name": id, "metricName": id, "predicateList": predicates}), json!({}))
}

fn classic_group(t: &'static str, id: &str, rules: Value) -> Value {
    ci(t, id, json!({"ruleGroupId": id, "name": id, "metricName": id, "rules": rules}), json!({}))
}

fn acl_rule() -> Value {
    json!([{"priority": 1, "ruleId": "r-1", "action": {"type": "BLOCK"}, "type": "REGULAR"}])
}

fn nfw_policy(id: &str, full: Value, fragment: Value, stateful: Value, associations: i64) -> Value {
    ci(
        NFW_POLICY,
        id,
        json!({"firewallPolicy": {"statelessDefaultActions": full, "statelessFragmentDefaultActions": fragment,
        "statefulRuleGroupReferences": stateful},
        "firewallPolicyResponse": {"firewallPolicyName": id, "firewallPolicyArn": format!("arn:aws:network-firewall:us-east-1:111122223333:firewall-policy/{id}"),
        "firewallPolicyId": id, "firewallPolicyStatus": "ACTIVE", "numberOfAssociations": associations}}),
        json!({}),
    )
}

fn stateful_ref() -> Value {
    json!([{"resourceArn": "arn:aws:network-firewall:us-east-1:111122223333:stateful-rulegroup/block", "priority": 1}])
}

fn clb(id: &str, listeners: Value, logs: bool, desync: &str) -> Value {
    ci(
        CLB,
        id,
        json!({"loadBalancerName": id, "scheme": "internet-facing", "dnsname": format!("{id}.elb.amazonaws.com"),
        "listenerDescriptions": listeners, "vpcid": "vpc-1"}),
        json!({"LoadBalancerAttributes": s(json!({"crossZoneLoadBalancing": {"enabled": true},
            "accessLog": {"enabled": logs, "s3BucketName": if logs { "acme-lb-logs" } else { "" }, "emitInterval": 60},
            "connectionDraining": {"enabled": true, "timeout": 300}, "connectionSettings": {"idleTimeout": 60},
            "additionalAttributes": [{"key": "elb.http.desyncmitigationmode", "value": desync}]}))}),
    )
}

fn clb_listener(protocol: &str, port: i64, cert: Option<&str>) -> Value {
    let mut l = json!({"protocol": protocol, "loadBalancerPort": port, "instanceProtocol": "HTTP", "instancePort": 80});
    if let Some(c) = cert {
        l["sslcertificateId"] = json!(c);
    }
    json!({"listener": l, "policyNames": []})
}

const ACM_CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/c";
const IAM_CERT: &str = "arn:aws:iam::111122223333:server-certificate/old";

fn listener(id: &str, protocol: &str, port: i64, policy: Option<&str>, actions: Value) -> Value {
    let mut c = json!({"ListenerArn": format!("arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/1/{id}"),
        "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1", "Port": port,
        "Protocol": protocol, "DefaultActions": actions});
    if let Some(p) = policy {
        c["SslPolicy"] = json!(p);
        c["Certificates"] = json!([{"CertificateArn": ACM_CERT}]);
    }
    ci(LISTENER, id, c, json!({}))
}

fn forward() -> Value {
    json!([{"Type": "forward", "TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/1", "Order": 1}])
}

fn redirect() -> Value {
    json!([{"Type": "redirect", "Order": 1, "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "Host": "#{host}",
        "Path": "/#{path}", "Query": "#{query}", "StatusCode": "HTTP_301"}}])
}

fn default_sg(id: &str, ingress: Value, egress: Value) -> Value {
    ci(
        SG,
        id,
        json!({"groupId": id, "groupName": "default", "vpcId": "vpc-1", "description": "default VPC security group",
        "ipPermissions": ingress, "ipPermissionsEgress": egress}),
        json!({}),
    )
}

fn dms_instance(id: &str, public: bool) -> Value {
    ci(
        DMS_INSTANCE,
        id,
        json!({"ReplicationInstanceIdentifier": id, "ReplicationInstanceClass": "dms.t3.medium",
        "PubliclyAccessible": public, "MultiAZ": true, "AllocatedStorage": 50}),
        json!({}),
    )
}

fn dms_endpoint(id: &str, engine: &str, ssl: &str, redis: Option<&str>) -> Value {
    let mut c = json!({"EndpointIdentifier": id, "EndpointType": "target", "EngineName": engine, "SslMode": ssl, "Port": 5432});
    if let Some(p) = redis {
        c["RedisSettings"] = json!({"ServerName": "cache.example.com", "Port": 6379, "SslSecurityProtocol": p, "AuthType": "auth-token"});
    }
    ci(DMS_ENDPOINT, id, c, json!({}))
}

fn task_settings(enabled: bool, severity: &str) -> String {
    json!({"Logging": {"EnableLogging": enabled, "LogComponents": [
        {"Id": "SOURCE_UNLOAD", "Severity": "LOGGER_SEVERITY_DEFAULT"},
        {"Id": "TARGET_APPLY", "Severity": severity}, {"Id": "TARGET_LOAD", "Severity": severity}]}})
    .to_string()
}

fn dms_task(id: &str, settings: String) -> Value {
    ci(
        DMS_TASK,
        id,
        json!({"ReplicationTaskIdentifier": id, "MigrationType": "full-load-and-cdc", "ReplicationTaskSettings": settings}),
        json!({}),
    )
}

fn notebook(id: &str, over: Value) -> Value {
    let mut c = json!({"NotebookInstanceName": id, "InstanceType": "ml.t3.medium", "RoleArn": "arn:aws:iam::111122223333:role/sm",
        "DirectInternetAccess": "Disabled", "RootAccess": "Disabled", "SubnetId": "subnet-1", "SecurityGroupIds": ["sg-1"],
        "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k", "VolumeSizeInGB": 5});
    merge(&mut c, over);
    ci(NOTEBOOK, id, c, json!({}))
}

/// Items of this family's resource types (only types added for it) for the contract's clean
/// account, on which every check passes (tests/it/contract.rs), as (resource type, items); each
/// item shaped as AWS Config writes it (`crate::cases::ci`).
pub fn clean() -> Vec<(&'static str, Vec<Value>)> {
    let alb_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1";
    vec![
        (INSTANCE, vec![instance("i-1", json!({}))]),
        (INVENTORY, vec![inventory("i-1")]),
        (
            TEMPLATE,
            vec![template(
                "web",
                json!({"ImageId": "ami-1", "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": false, "SubnetId": "subnet-1"}]}),
            )],
        ),
        (LAUNCH_CONFIG, vec![launch_config("web-lc", "required")]),
        (ASG, vec![asg("web", "web-lc")]),
        (
            NACL,
            vec![nacl(
                "acl-1",
                closed_entries(),
                json!([{"networkAclAssociationId": "aclassoc-1", "networkAclId": "acl-1", "subnetId": "subnet-1"}]),
                false,
            )],
        ),
        (VPC, vec![vpc("vpc-1")]),
        (FLOW_LOG, vec![flow_log("fl-1", "vpc-1", "ACTIVE")]),
        (ENDPOINT, vec![endpoint("vpce-1", "vpc-1", "com.amazonaws.us-east-1.ec2")]),
        (VPN, vec![vpn("vpn-1", "UP", "UP")]),
        (TGW, vec![ci(TGW, "tgw-1", json!({"Id": "tgw-1", "AutoAcceptSharedAttachments": "disable", "DnsSupport": "enable"}), json!({}))]),
        (
            CLIENT_VPN,
            vec![ci(
                CLIENT_VPN,
                "cvpn-1",
                json!({"Id": "cvpn-1", "ConnectionLogOptions": {"Enabled": true, "CloudwatchLogGroup": "/vpn"}}),
                json!({}),
            )],
        ),
        (SHIELD, vec![protection("p-1", alb_arn)]),
        (DIST, vec![dist("E1", json!({}))]),
        (WAF_ACL, vec![classic_acl(WAF_ACL, "acl-g", acl_rule())]),
        (WAFR_ACL, vec![classic_acl(WAFR_ACL, "acl-r", acl_rule())]),
        (WAF_RULE, vec![classic_rule(WAF_RULE, "rule-g", json!([{"negated": false, "type": "IPMatch", "dataId": "ipset-1"}]))]),
        (WAFR_RULE, vec![classic_rule(WAFR_RULE, "rule-r", json!([{"negated": false, "type": "IPMatch", "dataId": "ipset-1"}]))]),
        (WAF_GROUP, vec![classic_group(WAF_GROUP, "group-g", acl_rule())]),
        (WAFR_GROUP, vec![classic_group(WAFR_GROUP, "group-r", acl_rule())]),
        (NFW_POLICY, vec![nfw_policy("edge", json!(["aws:forward_to_sfe"]), json!(["aws:forward_to_sfe"]), stateful_ref(), 1)]),
        (CLB, vec![clb("legacy", json!([clb_listener("HTTPS", 443, Some(ACM_CERT))]), true, "defensive")]),
        (
            LISTENER,
            vec![
                listener("https", "HTTPS", 443, Some("ELBSecurityPolicy-TLS13-1-2-2021-06"), forward()),
                listener("http", "HTTP", 80, None, redirect()),
            ],
        ),
        (DMS_INSTANCE, vec![dms_instance("repl-1", false)]),
        (
            DMS_ENDPOINT,
            vec![dms_endpoint("pg", "postgres", "verify-full", None), dms_endpoint("cache", "redis", "require", Some("ssl-encryption"))],
        ),
        (DMS_TASK, vec![dms_task("task-1", task_settings(true, "LOGGER_SEVERITY_DEFAULT"))]),
        (NOTEBOOK, vec![notebook("nb-1", json!({}))]),
    ]
}

fn cases() -> Vec<Case> {
    let web = "arn:aws:test:::web";
    vec![
        Case::new(
            "ec2-instance-imdsv2",
            INSTANCE,
            instance("i-1", json!({})),
            instance("i-2", json!({"metadataOptions": {"httpTokens": "optional", "httpEndpoint": "enabled"}})),
        ),
        Case::new(
            "ec2-instance-no-public-ip",
            INSTANCE,
            instance("i-1", json!({})),
            instance("i-2", json!({"publicIpAddress": "198.51.100.7"})),
        ),
        Case::new("ec2-instance-managed-by-ssm", INSTANCE, instance("i-1", json!({})), instance("i-2", json!({})))
            .with(INVENTORY, vec![inventory("i-1")]),
        Case::new(
            "ec2-instance-detailed-monitoring",
            INSTANCE,
            instance("i-1", json!({})),
            instance("i-2", json!({"monitoring": {"state": "disabled"}})),
        ),
        Case::new(
            "ec2-instance-not-older-than-180-days",
            INSTANCE,
            instance("i-1", json!({})),
            instance("i-2", json!({"launchTime": "2025-01-01T00:00:00.000Z"})),
        ),
        Case::new(
            "ec2-instance-profile-attached",
            INSTANCE,
            instance("i-1", json!({})),
            instance("i-2", json!({"iamInstanceProfile": null})),
        ),
        Case::new(
            "ec2-launch-template-no-public-ip",
            TEMPLATE,
            template("web", json!({"NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": false}]})),
            template("open", json!({"NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": true}]})),
        ),
        Case::new(
            "ec2-launch-template-imdsv2",
            TEMPLATE,
            template("web", json!({"MetadataOptions": {"HttpTokens": "required"}})),
            template("old", json!({"MetadataOptions": {"HttpTokens": "optional"}})),
        ),
        Case::new("autoscaling-launch-configuration-imdsv2", ASG, asg("web", "v2-lc"), asg("old", "v1-lc"))
            .with(LAUNCH_CONFIG, vec![launch_config("v2-lc", "required"), launch_config("v1-lc", "optional")]),
        Case::new(
            "vpc-default-security-group-closed",
            SG,
            default_sg("sg-1", json!([]), json!([])),
            default_sg(
                "sg-2",
                json!([]),
                json!([{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [], "ipRanges": ["0.0.0.0/0"]}]),
            ),
        ),
        Case::new(
            "ec2-nacl-no-open-admin-ports",
            NACL,
            nacl("acl-1", closed_entries(), json!([]), false),
            nacl(
                "acl-2",
                json!([entry(100, "6", "allow", "::/0", Some((3389, 3389))), entry(32767, "-1", "deny", "0.0.0.0/0", None)]),
                json!([]),
                false,
            ),
        ),
        Case::new(
            "ec2-nacl-no-open-all-ports",
            NACL,
            nacl("acl-1", closed_entries(), json!([]), false),
            nacl(
                "acl-2",
                json!([entry(100, "-1", "allow", "0.0.0.0/0", None), entry(32767, "-1", "deny", "0.0.0.0/0", None)]),
                json!([]),
                true,
            ),
        ),
        Case::new(
            "ec2-nacl-unused",
            NACL,
            nacl("acl-1", closed_entries(), json!([{"subnetId": "subnet-1"}]), false),
            nacl("acl-2", closed_entries(), json!([]), false),
        ),
        Case::new("vpc-flow-logs-enabled", VPC, vpc("vpc-1"), vpc("vpc-2"))
            .with(FLOW_LOG, vec![flow_log("fl-1", "vpc-1", "ACTIVE"), flow_log("fl-2", "vpc-2", "INACTIVE")]),
        Case::new("vpc-endpoint-for-ec2", VPC, vpc("vpc-1"), vpc("vpc-2")).with(
            ENDPOINT,
            vec![endpoint("vpce-1", "vpc-1", "com.amazonaws.us-east-1.ec2"), endpoint("vpce-2", "vpc-2", "com.amazonaws.us-east-1.s3")],
        ),
        Case::new("vpc-vpn-tunnels-up", VPN, vpn("vpn-1", "UP", "UP"), vpn("vpn-2", "UP", "DOWN")),
        Case::new(
            "ec2-transit-gateway-no-auto-accept",
            TGW,
            ci(TGW, "tgw-1", json!({"Id": "tgw-1", "AutoAcceptSharedAttachments": "disable"}), json!({})),
            ci(TGW, "tgw-2", json!({"Id": "tgw-2", "AutoAcceptSharedAttachments": "enable"}), json!({})),
        ),
        Case::new(
            "ec2-client-vpn-connection-logging",
            CLIENT_VPN,
            ci(CLIENT_VPN, "cvpn-1", json!({"Id": "cvpn-1", "ConnectionLogOptions": {"Enabled": true}}), json!({})),
            ci(CLIENT_VPN, "cvpn-2", json!({"Id": "cvpn-2", "ConnectionLogOptions": {"Enabled": false}}), json!({})),
        ),
        Case::new(
            "shield-advanced-internet-facing-albs",
            ALB,
            alb("web", "internet-facing", lb_attrs("true", "true")),
            alb("other", "internet-facing", lb_attrs("true", "true")),
        )
        .with(SHIELD, vec![protection("p-1", web)]),
        Case::new(
            "cloudfront-custom-ssl-certificate",
            DIST,
            dist("E1", json!({})),
            dist(
                "E2",
                json!({"viewerCertificate": {"cloudFrontDefaultCertificate": true, "minimumProtocolVersion": "TLSv1", "certificateSource": "cloudfront"}}),
            ),
        ),
        Case::new(
            "cloudfront-viewer-https",
            DIST,
            dist("E1", json!({})),
            dist(
                "E2",
                json!({"cacheBehaviors": {"quantity": 1, "items": [{"pathPattern": "/img/*", "targetOriginId": "site", "viewerProtocolPolicy": "allow-all"}]}}),
            ),
        ),
        Case::new(
            "cloudfront-sni",
            DIST,
            dist("E1", json!({})),
            dist(
                "E2",
                json!({"viewerCertificate": {"cloudFrontDefaultCertificate": false, "acmCertificateArn": ACM_CERT, "sslSupportMethod": "vip", "certificateSource": "acm"}}),
            ),
        ),
        Case::new(
            "cloudfront-logging",
            DIST,
            dist("E1", json!({})),
            dist("E2", json!({"logging": {"enabled": false, "includeCookies": false, "bucket": "", "prefix": ""}})),
        ),
        Case::new(
            "cloudfront-origin-traffic-encrypted",
            DIST,
            dist("E1", json!({})),
            dist("E2", custom_origin_only("http-only", json!({"quantity": 1, "items": ["TLSv1.2"]}))),
        ),
        Case::new(
            "cloudfront-s3-origin-access-control",
            DIST,
            dist("E1", json!({})),
            dist(
                "E2",
                json!({"origins": {"quantity": 1, "items": [{"id": "site", "domainName": "b.s3.amazonaws.com", "originAccessControlId": "",
                "s3OriginConfig": {"originAccessIdentity": "origin-access-identity/cloudfront/E3"}}]}}),
            ),
        ),
        Case::new(
            "cloudfront-no-deprecated-ssl-protocols",
            DIST,
            dist("E1", json!({})),
            dist("E2", custom_origin_only("https-only", json!({"quantity": 3, "items": ["SSLv3", "TLSv1", "TLSv1.2"]}))),
        ),
        Case::new("cloudfront-waf", DIST, dist("E1", json!({})), dist("E2", json!({"webACLId": ""}))),
        Case::new("wafv2-web-acl-has-rules", WAFV2, wafv2("edge", json!([wafv2_rule("core", true)])), wafv2("empty", json!([]))),
        Case::new(
            "wafv2-rules-cloudwatch-metrics",
            WAFV2,
            wafv2("edge", json!([wafv2_rule("core", true)])),
            wafv2("quiet", json!([wafv2_rule("core", true), wafv2_rule("bots", false)])),
        ),
        Case::new("waf-global-web-acl-has-rules", WAF_ACL, classic_acl(WAF_ACL, "a1", acl_rule()), classic_acl(WAF_ACL, "a2", json!([]))),
        Case::new(
            "waf-regional-web-acl-has-rules",
            WAFR_ACL,
            classic_acl(WAFR_ACL, "a1", acl_rule()),
            classic_acl(WAFR_ACL, "a2", json!([])),
        ),
        Case::new(
            "waf-global-rule-has-conditions",
            WAF_RULE,
            classic_rule(WAF_RULE, "r1", json!([{"negated": false, "type": "SqlInjectionMatch", "dataId": "d"}])),
            classic_rule(WAF_RULE, "r2", json!([])),
        ),
        Case::new(
            "waf-regional-rule-has-conditions",
            WAFR_RULE,
            classic_rule(WAFR_RULE, "r1", json!([{"negated": false, "type": "SqlInjectionMatch", "dataId": "d"}])),
            classic_rule(WAFR_RULE, "r2", json!([])),
        ),
        Case::new(
            "waf-global-rule-group-not-empty",
            WAF_GROUP,
            classic_group(WAF_GROUP, "g1", acl_rule()),
            classic_group(WAF_GROUP, "g2", json!([])),
        ),
        Case::new(
            "waf-regional-rule-group-not-empty",
            WAFR_GROUP,
            classic_group(WAFR_GROUP, "g1", acl_rule()),
            classic_group(WAFR_GROUP, "g2", json!([])),
        ),
        Case::new(
            "networkfirewall-policy-fragment-default-action",
            NFW_POLICY,
            nfw_policy("p1", json!(["aws:pass"]), json!(["aws:drop"]), stateful_ref(), 1),
            nfw_policy("p2", json!(["aws:drop"]), json!(["aws:pass"]), stateful_ref(), 1),
        ),
        Case::new(
            "networkfirewall-policy-full-default-action",
            NFW_POLICY,
            nfw_policy("p1", json!(["aws:forward_to_sfe"]), json!(["aws:pass"]), stateful_ref(), 1),
            nfw_policy("p2", json!(["aws:pass"]), json!(["aws:drop"]), stateful_ref(), 1),
        ),
        Case::new(
            "networkfirewall-policy-rule-group",
            NFW_POLICY,
            nfw_policy("p1", json!(["aws:drop"]), json!(["aws:drop"]), stateful_ref(), 1),
            nfw_policy("p2", json!(["aws:drop"]), json!(["aws:drop"]), json!([]), 2),
        ),
        Case::new(
            "elb-classic-tls-listeners",
            CLB,
            clb("a", json!([clb_listener("HTTPS", 443, Some(ACM_CERT))]), true, "defensive"),
            clb("b", json!([clb_listener("HTTPS", 443, Some(ACM_CERT)), clb_listener("HTTP", 80, None)]), true, "defensive"),
        ),
        Case::new(
            "elb-classic-acm-certificate",
            CLB,
            clb("a", json!([clb_listener("SSL", 443, Some(ACM_CERT))]), true, "defensive"),
            clb("b", json!([clb_listener("HTTPS", 443, Some(IAM_CERT))]), true, "defensive"),
        ),
        Case::new("elb-classic-access-logging", CLB, clb("a", json!([]), true, "defensive"), clb("b", json!([]), false, "defensive")),
        Case::new("elb-classic-desync-mitigation", CLB, clb("a", json!([]), true, "strictest"), clb("b", json!([]), true, "monitor")),
        Case::new(
            "elbv2-deletion-protection",
            ALB,
            alb("a", "internal", lb_attrs("true", "true")),
            alb("b", "internet-facing", lb_attrs("false", "true")),
        ),
        Case::new(
            "elbv2-access-logging",
            ALB,
            alb("a", "internal", lb_attrs("true", "true")),
            alb("b", "internet-facing", lb_attrs("true", "false")),
        ),
        Case::new(
            "elbv2-listener-tls",
            LISTENER,
            listener("l1", "HTTPS", 443, Some("ELBSecurityPolicy-TLS13-1-2-2021-06"), forward()),
            listener("l2", "HTTPS", 443, Some("ELBSecurityPolicy-2016-08"), forward()),
        ),
        Case::new("dms-instance-not-public", DMS_INSTANCE, dms_instance("r1", false), dms_instance("r2", true)),
        Case::new(
            "dms-endpoint-ssl",
            DMS_ENDPOINT,
            dms_endpoint("e1", "postgres", "require", None),
            dms_endpoint("e2", "mysql", "none", None),
        ),
        Case::new(
            "dms-endpoint-redis-tls",
            DMS_ENDPOINT,
            dms_endpoint("e1", "redis", "none", Some("ssl-encryption")),
            dms_endpoint("e2", "redis", "none", Some("plaintext")),
        ),
        Case::new(
            "dms-task-target-logging",
            DMS_TASK,
            dms_task("t1", task_settings(true, "LOGGER_SEVERITY_DEFAULT")),
            dms_task("t2", task_settings(true, "LOGGER_SEVERITY_WARNING")),
        ),
        Case::new(
            "sagemaker-notebook-no-direct-internet",
            NOTEBOOK,
            notebook("n1", json!({})),
            notebook("n2", json!({"DirectInternetAccess": "Enabled"})),
        ),
        Case::new(
            "sagemaker-notebook-in-vpc",
            NOTEBOOK,
            notebook("n1", json!({})),
            notebook("n2", json!({"SubnetId": null, "SecurityGroupIds": null})),
        ),
        Case::new(
            "sagemaker-notebook-root-access-disabled",
            NOTEBOOK,
            notebook("n1", json!({})),
            notebook("n2", json!({"RootAccess": "Enabled"})),
        ),
        Case::new("sagemaker-notebook-kms-encryption", NOTEBOOK, notebook("n1", json!({})), notebook("n2", json!({"KmsKeyId": null}))),
    ]
}

#[test]
fn compute_checks_pass_fail_and_are_not_assessed_without_evidence() {
    run_cases(cases());
}

#[test]
fn every_compute_check_has_a_case() {
    let ids: std::collections::BTreeSet<&str> = cases().iter().map(|c| c.check).collect();
    for c in auditpack::checks::registry() {
        if c.id.starts_with("ec2-")
            || c.id.starts_with("vpc-")
            || c.id.starts_with("cloudfront-")
            || c.id.starts_with("waf")
            || c.id.starts_with("networkfirewall-")
            || c.id.starts_with("elb-classic")
            || c.id.starts_with("elbv2-")
            || c.id.starts_with("dms-")
            || c.id.starts_with("sagemaker-")
            || c.id.starts_with("shield-")
            || c.id.starts_with("autoscaling-")
        {
            assert!(ids.contains(c.id) || c.id.starts_with("ec2-sg-"), "{} has no case", c.id);
        }
    }
}

fn one(check: &str, t: &str, items: Vec<Value>, with: &[(&str, Vec<Value>)]) -> auditpack::checks::Outcome {
    eval(check, &resources_bundle_with(t, items, with))
}

// Wrong shapes and edges: a field of the wrong JSON type, a field missing, out-of-scope resources.

#[test]
fn a_field_of_the_wrong_type_is_not_assessed() {
    let wrong: Vec<(&str, &str, Value)> = vec![
        ("ec2-instance-imdsv2", INSTANCE, instance("i-1", json!({"metadataOptions": "required"}))),
        ("ec2-instance-no-public-ip", INSTANCE, instance("i-1", json!({"networkInterfaces": {"association": {}}}))),
        ("ec2-instance-not-older-than-180-days", INSTANCE, instance("i-1", json!({"launchTime": 1_700_000_000}))),
        (
            "ec2-nacl-no-open-admin-ports",
            NACL,
            nacl("acl-1", json!([{"ruleNumber": "100", "protocol": "6", "ruleAction": "allow", "egress": false}]), json!([]), false),
        ),
        ("vpc-vpn-tunnels-up", VPN, ci(VPN, "vpn-1", json!({"vpnConnectionId": "vpn-1", "vgwTelemetry": {"status": "UP"}}), json!({}))),
        ("cloudfront-viewer-https", DIST, dist("E1", json!({"defaultCacheBehavior": ["redirect-to-https"]}))),
        ("wafv2-web-acl-has-rules", WAFV2, wafv2("edge", json!({"name": "core"}))),
        ("dms-instance-not-public", DMS_INSTANCE, ci(DMS_INSTANCE, "r1", json!({"PubliclyAccessible": "maybe"}), json!({}))),
        ("sagemaker-notebook-root-access-disabled", NOTEBOOK, notebook("n1", json!({"RootAccess": false}))),
        (
            "elbv2-deletion-protection",
            ALB,
            ci(ALB, "a", json!({"scheme": "internal", "type": "application"}), json!({"LoadBalancerAttributes": s(json!({"key": "x"}))})),
        ),
        (
            "elb-classic-access-logging",
            CLB,
            ci(
                CLB,
                "a",
                json!({"loadBalancerName": "a", "listenerDescriptions": []}),
                json!({"LoadBalancerAttributes": s(json!({"accessLog": {"enabled": "sometimes"}}))}),
            ),
        ),
    ];
    for (check, t, item) in wrong {
        let o = one(check, t, vec![item], &[]);
        assert_eq!(o.status, CheckStatus::NotAssessed, "{check}: {o:#?}");
    }
}

type Joined = Vec<(&'static str, Vec<Value>)>;

#[test]
fn a_field_the_check_needs_missing_is_not_assessed() {
    let missing: Vec<(&str, &str, Value, Joined)> = vec![
        (
            "ec2-instance-imdsv2",
            INSTANCE,
            ci(INSTANCE, "i-1", json!({"instanceId": "i-1", "state": {"name": "running"}}), json!({})),
            vec![],
        ),
        ("ec2-instance-no-public-ip", INSTANCE, ci(INSTANCE, "i-1", json!({"state": {"name": "running"}}), json!({})), vec![]),
        ("ec2-instance-profile-attached", INSTANCE, ci(INSTANCE, "i-1", json!({"instanceId": "i-1"}), json!({})), vec![]),
        (
            "ec2-instance-detailed-monitoring",
            INSTANCE,
            ci(INSTANCE, "i-1", json!({"instanceId": "i-1", "state": {"name": "running"}}), json!({})),
            vec![],
        ),
        ("ec2-launch-template-imdsv2", TEMPLATE, template("t", json!({"ImageId": "ami-1"})), vec![]),
        ("autoscaling-launch-configuration-imdsv2", ASG, asg("web", "gone-lc"), vec![(LAUNCH_CONFIG, vec![])]),
        ("vpc-default-security-group-closed", SG, ci(SG, "sg-1", json!({"groupName": "default", "ipPermissions": []}), json!({})), vec![]),
        ("ec2-nacl-unused", NACL, ci(NACL, "acl-1", json!({"networkAclId": "acl-1", "entries": []}), json!({})), vec![]),
        ("vpc-vpn-tunnels-up", VPN, ci(VPN, "vpn-1", json!({"vpnConnectionId": "vpn-1"}), json!({})), vec![]),
        (
            "cloudfront-waf",
            DIST,
            ci(DIST, "E1", json!({"domainName": "d.cloudfront.net", "distributionConfig": {"enabled": true}}), json!({})),
            vec![],
        ),
        ("cloudfront-logging", DIST, ci(DIST, "E1", json!({"domainName": "d.cloudfront.net"}), json!({})), vec![]),
        ("wafv2-web-acl-has-rules", WAFV2, ci(WAFV2, "acl", json!({"name": "acl"}), json!({})), vec![]),
        ("wafv2-rules-cloudwatch-metrics", WAFV2, wafv2("acl", json!([{"name": "r", "priority": 0}])), vec![]),
        ("waf-global-web-acl-has-rules", WAF_ACL, ci(WAF_ACL, "a", json!({"name": "a"}), json!({})), vec![]),
        ("elb-classic-access-logging", CLB, ci(CLB, "a", json!({"loadBalancerName": "a", "listenerDescriptions": []}), json!({})), vec![]),
        (
            "elb-classic-desync-mitigation",
            CLB,
            ci(CLB, "a", json!({"loadBalancerName": "a"}), json!({"LoadBalancerAttributes": s(json!({"accessLog": {"enabled": true}}))})),
            vec![],
        ),
        ("elbv2-deletion-protection", ALB, ci(ALB, "a", json!({"scheme": "internal", "type": "application"}), json!({})), vec![]),
        ("elbv2-access-logging", ALB, alb("a", "internal", json!([{"key": "deletion_protection.enabled", "value": "true"}])), vec![]),
        ("elbv2-listener-tls", LISTENER, ci(LISTENER, "l", json!({"Port": 443, "Protocol": "HTTPS"}), json!({})), vec![]),
        (
            "dms-endpoint-ssl",
            DMS_ENDPOINT,
            ci(DMS_ENDPOINT, "e", json!({"EndpointIdentifier": "e", "EngineName": "postgres"}), json!({})),
            vec![],
        ),
        ("dms-endpoint-redis-tls", DMS_ENDPOINT, dms_endpoint("e", "redis", "none", None), vec![]),
        ("dms-task-target-logging", DMS_TASK, ci(DMS_TASK, "t", json!({"ReplicationTaskIdentifier": "t"}), json!({})), vec![]),
        ("dms-task-target-logging", DMS_TASK, dms_task("t", "not json".into()), vec![]),
        (
            "networkfirewall-policy-fragment-default-action",
            NFW_POLICY,
            ci(NFW_POLICY, "p", json!({"firewallPolicy": {"statelessDefaultActions": ["aws:drop"]}}), json!({})),
            vec![],
        ),
        (
            "networkfirewall-policy-rule-group",
            NFW_POLICY,
            ci(NFW_POLICY, "p", json!({"firewallPolicyResponse": {"numberOfAssociations": 1}}), json!({})),
            vec![],
        ),
        ("ec2-transit-gateway-no-auto-accept", TGW, ci(TGW, "tgw", json!({"Id": "tgw"}), json!({})), vec![]),
        ("ec2-client-vpn-connection-logging", CLIENT_VPN, ci(CLIENT_VPN, "c", json!({"Id": "c"}), json!({})), vec![]),
        ("sagemaker-notebook-no-direct-internet", NOTEBOOK, notebook("n", json!({"DirectInternetAccess": null})), vec![]),
        ("sagemaker-notebook-in-vpc", NOTEBOOK, ci(NOTEBOOK, "n", json!({"SubnetId": "subnet-1"}), json!({})), vec![]),
    ];
    for (check, t, item, with) in missing {
        let o = one(check, t, vec![item], &with);
        assert_eq!(o.status, CheckStatus::NotAssessed, "{check}: {o:#?}");
    }
}

#[test]
fn out_of_scope_resources_are_not_applicable_not_passed() {
    let skipped: Vec<(&str, &str, Value)> = vec![
        ("ec2-instance-managed-by-ssm", INSTANCE, instance("i-1", json!({"state": {"code": 80, "name": "stopped"}}))),
        (
            "ec2-instance-not-older-than-180-days",
            INSTANCE,
            instance("i-1", json!({"state": {"code": 80, "name": "stopped"}, "launchTime": "2020-01-01T00:00:00Z"})),
        ),
        (
            "ec2-instance-imdsv2",
            INSTANCE,
            instance("i-1", json!({"state": {"code": 48, "name": "terminated"}, "metadataOptions": {"httpTokens": "optional"}})),
        ),
        (
            "autoscaling-launch-configuration-imdsv2",
            ASG,
            ci(
                ASG,
                "g",
                json!({"autoScalingGroupName": "g", "launchTemplate": {"launchTemplateId": "lt-1", "version": "$Default"}}),
                json!({}),
            ),
        ),
        (
            "vpc-default-security-group-closed",
            SG,
            ci(SG, "sg-1", json!({"groupName": "web", "ipPermissions": [], "ipPermissionsEgress": []}), json!({})),
        ),
        ("ec2-nacl-unused", NACL, nacl("acl-1", closed_entries(), json!([]), true)),
        (
            "cloudfront-sni",
            DIST,
            dist("E1", json!({"viewerCertificate": {"cloudFrontDefaultCertificate": true, "certificateSource": "cloudfront"}})),
        ),
        (
            "cloudfront-s3-origin-access-control",
            DIST,
            dist("E1", custom_origin_only("https-only", json!({"quantity": 1, "items": ["TLSv1.2"]}))),
        ),
        (
            "cloudfront-no-deprecated-ssl-protocols",
            DIST,
            dist(
                "E1",
                json!({"origins": {"quantity": 1, "items": [{"id": "s", "domainName": "b.s3.amazonaws.com", "s3OriginConfig": {"originAccessIdentity": ""}, "originAccessControlId": "E2"}]}}),
            ),
        ),
        ("wafv2-rules-cloudwatch-metrics", WAFV2, wafv2("empty", json!([]))),
        ("networkfirewall-policy-rule-group", NFW_POLICY, nfw_policy("spare", json!(["aws:pass"]), json!(["aws:pass"]), json!([]), 0)),
        ("elb-classic-acm-certificate", CLB, clb("a", json!([clb_listener("HTTP", 80, None)]), true, "defensive")),
        ("elbv2-access-logging", ALB, ci(ALB, "gw", json!({"scheme": "internal", "type": "gateway"}), json!({}))),
        ("elbv2-listener-tls", LISTENER, listener("l", "TCP", 5432, None, forward())),
        ("dms-endpoint-redis-tls", DMS_ENDPOINT, dms_endpoint("e", "postgres", "none", None)),
        ("shield-advanced-internet-facing-albs", ALB, alb("internal", "internal", lb_attrs("true", "true"))),
    ];
    for (check, t, item) in skipped {
        let o = one(check, t, vec![item], &[(SHIELD, vec![]), (INVENTORY, vec![]), (LAUNCH_CONFIG, vec![])]);
        assert_eq!(o.status, CheckStatus::NotApplicable, "{check}: {o:#?}");
    }
}

#[test]
fn shield_is_not_applicable_where_the_account_has_no_protection_at_all() {
    let o = one(
        "shield-advanced-internet-facing-albs",
        ALB,
        vec![alb("web", "internet-facing", lb_attrs("true", "true"))],
        &[(SHIELD, vec![])],
    );
    assert_eq!(o.status, CheckStatus::NotApplicable, "{o:#?}");
    assert!(o.findings.iter().any(|f| f.detail.contains("does not subscribe to Shield Advanced")), "{o:#?}");
}

#[test]
fn an_http_listener_passes_only_when_it_redirects_to_https() {
    let o = one("elbv2-listener-tls", LISTENER, vec![listener("l", "HTTP", 80, None, redirect())], &[]);
    assert_eq!(o.status, CheckStatus::Pass, "{o:#?}");
    let o = one("elbv2-listener-tls", LISTENER, vec![listener("l", "HTTP", 80, None, forward())], &[]);
    assert_eq!(o.status, CheckStatus::Fail, "{o:#?}");
    let o = one("elbv2-listener-tls", LISTENER, vec![listener("l", "TLS", 443, Some("ELBSecurityPolicy-TLS-1-1-2017-01"), forward())], &[]);
    assert_eq!(o.status, CheckStatus::Fail, "{o:#?}");
}

#[test]
fn a_nacl_deny_numbered_before_the_allow_closes_the_port() {
    let entries = json!([
        entry(90, "6", "deny", "0.0.0.0/0", Some((22, 22))),
        entry(95, "6", "deny", "0.0.0.0/0", Some((3389, 3389))),
        entry(100, "-1", "allow", "0.0.0.0/0", None),
        entry(32767, "-1", "deny", "0.0.0.0/0", None)
    ]);
    let o = one("ec2-nacl-no-open-admin-ports", NACL, vec![nacl("acl-1", entries.clone(), json!([]), false)], &[]);
    assert_eq!(o.status, CheckStatus::Pass, "{o:#?}");
    // The allow-all entry still lets everything else in.
    let o = one("ec2-nacl-no-open-all-ports", NACL, vec![nacl("acl-1", entries, json!([]), false)], &[]);
    assert_eq!(o.status, CheckStatus::Fail, "{o:#?}");
    // A port range taking in 3389 is open to RDP.
    let o = one(
        "ec2-nacl-no-open-admin-ports",
        NACL,
        vec![nacl(
            "acl-2",
            json!([entry(100, "6", "allow", "0.0.0.0/0", Some((1024, 65535))), entry(110, "6", "allow", "0.0.0.0/0", Some((3000, 4000)))]),
            json!([]),
            false,
        )],
        &[],
    );
    assert_eq!(o.status, CheckStatus::Fail, "{o:#?}");
}

#[test]
fn ssm_and_flow_logs_need_their_joined_items() {
    // Instances present, the inventory never collected: not assessed, not a failure.
    let o = one("ec2-instance-managed-by-ssm", INSTANCE, vec![instance("i-1", json!({}))], &[]);
    assert_eq!(o.status, CheckStatus::NotAssessed, "{o:#?}");
    let o = one("vpc-flow-logs-enabled", VPC, vec![vpc("vpc-1")], &[]);
    assert_eq!(o.status, CheckStatus::NotAssessed, "{o:#?}");
    // A flow log on a subnet does not cover its VPC.
    let o = one("vpc-flow-logs-enabled", VPC, vec![vpc("vpc-1")], &[(FLOW_LOG, vec![flow_log("fl-1", "subnet-1", "ACTIVE")])]);
    assert_eq!(o.status, CheckStatus::Fail, "{o:#?}");
    // However many flow logs a VPC has, its finding names ten and counts the rest.
    let logs: Vec<Value> = (0..25).map(|i| flow_log(&format!("fl-{i:02}"), "vpc-1", "ACTIVE")).collect();
    let o = one("vpc-flow-logs-enabled", VPC, vec![vpc("vpc-1")], &[(FLOW_LOG, logs)]);
    assert_eq!(o.status, CheckStatus::Pass, "{o:#?}");
    assert_eq!(
        o.findings[0].detail,
        "vpc-1: active flow log fl-00, fl-01, fl-02, fl-03, fl-04, fl-05, fl-06, fl-07, fl-08, fl-09 and 15 more"
    );
    // The PatchCompliance-style id (AWS::SSM::ManagedInstanceInventory/i-1) is the same instance.
    let mut inv = inventory("i-1");
    inv["resourceId"] = json!("AWS::SSM::ManagedInstanceInventory/i-1");
    let o = one("ec2-instance-managed-by-ssm", INSTANCE, vec![instance("i-1", json!({}))], &[(INVENTORY, vec![inv])]);
    assert_eq!(o.status, CheckStatus::Pass, "{o:#?}");
}

#[test]
fn cloudfront_origin_encryption_follows_the_viewer_policy_for_match_viewer() {
    let mut over = custom_origin_only("match-viewer", json!({"quantity": 1, "items": ["TLSv1.2"]}));
    let o = one("cloudfront-origin-traffic-encrypted", DIST, vec![dist("E1", over.clone())], &[]);
    assert_eq!(o.status, CheckStatus::Pass, "{o:#?}");
    merge(&mut over, json!({"defaultCacheBehavior": {"targetOriginId": "api", "viewerProtocolPolicy": "allow-all"}}));
    let o = one("cloudfront-origin-traffic-encrypted", DIST, vec![dist("E1", over)], &[]);
    assert_eq!(o.status, CheckStatus::Fail, "{o:#?}");
}
