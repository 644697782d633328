//! Operating-system and network checks over configuration items: EC2 instances and their
//! management, network ACLs, VPCs and their flow logs, load balancer listeners, CloudFront, WAF and
//! Shield. Same rules as `resources`: no recorder, no evidence; nothing in scope is not applicable.

use std::collections::{BTreeMap, BTreeSet};

use super::eval::Live;
use super::items::{each_item, field, needed, verdict, verdict_field_str, Fail, Pass, Skip, Unknown, Verdict};
use super::{Check, Duty, Eval, Need, Severity};
use crate::evidence::docs::items::{
    AutoScalingGroup, ClassicLoadBalancer, ClassicRule, ClassicRuleGroup, ClassicWebAcl, ClientVpnEndpoint, Config, Distribution,
    DistributionConfig, DmsEndpoint, DmsReplicationInstance, DmsReplicationTask, FirewallPolicy, FirewallPolicyBody, FlowLog, Instance,
    KeyValue, LaunchConfiguration, LaunchTemplate, Listener, LoadBalancer, ManagedInstanceInventory, NaclEntry, NetworkAcl,
    NotebookInstance, SecurityGroup, ShieldProtection, TransitGateway, Vpc, VpcEndpoint, VpnConnection, WafRegionalRule,
    WafRegionalRuleGroup, WafRegionalWebAcl, WafRule, WafRuleGroup, WafWebAcl, WebAcl,
};
use crate::evidence::{DocId, ResourceType};

use ResourceType as T;

macro_rules! check {
    ($id:literal, $title:literal, $duty:ident, $sev:ident, $why:literal, $fix:literal, [$($t:ident),+], $run:ident) => {
        Check {
            id: $id,
            title: $title,
            duty: Duty::$duty,
            severity: Severity::$sev,
            rationale: $why,
            remediation: $fix,
            evidence: &[$(Need::Items(T::$t)),+],
            run: $run,
        }
    };
}

pub static CHECKS: &[Check] = &[
    // EC2 instances and how they are launched.
    check!("ec2-instance-imdsv2", "EC2 instances require IMDSv2", OsPatching, High,
        "With IMDSv1 a server-side request forgery in any application on the instance can read the instance role's credentials from the metadata service.",
        "aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required --http-endpoint enabled",
        [Ec2Instance], instance_imdsv2),
    check!("ec2-instance-no-public-ip", "EC2 instances have no public IP address", NetworkSecurity, High,
        "An instance with a public address is reachable from the internet whenever a security group or network ACL rule lets traffic in.",
        "Launch instances in private subnets (turn off auto-assign public IPv4 on the subnet) and reach them through a load balancer, NAT or Session Manager; release attached Elastic IPs.",
        [Ec2Instance], instance_public_ip),
    check!("ec2-instance-managed-by-ssm", "Running EC2 instances are managed by Systems Manager", OsPatching, Medium,
        "Only instances Systems Manager manages can be inventoried, patched with Patch Manager and reached without open SSH or RDP ports.",
        "Install or start the SSM Agent, attach an instance profile with AmazonSSMManagedInstanceCore, and let the instance reach the SSM endpoints (VPC endpoints or NAT).",
        [Ec2Instance, SsmManagedInstanceInventory], instance_managed_by_ssm),
    check!("ec2-instance-detailed-monitoring", "EC2 instances have detailed monitoring on", MonitoringAndLogging, Low,
        "Detailed monitoring sends metrics every minute instead of every five, so alarms on CPU, network or status checks fire sooner.",
        "aws ec2 monitor-instances --instance-ids ID (or Monitoring.Enabled=true in the launch template).",
        [Ec2Instance], instance_detailed_monitoring),
    check!("ec2-instance-not-older-than-180-days", "Running EC2 instances were launched in the last 180 days", OsPatching, Low,
        "A long-running instance keeps the image and configuration it was launched with; replacing instances regularly from a patched image keeps drift and missed patches short-lived.",
        "Rebuild the instance from a current, patched AMI (an Auto Scaling instance refresh or EC2 Image Builder pipeline does it on a schedule).",
        [Ec2Instance], instance_age),
    check!("ec2-instance-profile-attached", "EC2 instances have an IAM instance profile", IdentityAndAccess, Low,
        "An instance profile gives applications short-lived role credentials, instead of access keys stored on the instance.",
        "aws ec2 associate-iam-instance-profile --instance-id ID --iam-instance-profile Name=PROFILE (a role with only what the workload needs).",
        [Ec2Instance], instance_profile),
    check!("ec2-launch-template-no-public-ip", "EC2 launch templates do not assign public IP addresses", NetworkSecurity, Medium,
        "Every instance launched from a template whose network interfaces ask for a public address is reachable from the internet.",
        "aws ec2 create-launch-template-version without AssociatePublicIpAddress=true on its network interfaces, then make it the default version.",
        [Ec2LaunchTemplate], launch_template_public_ip),
    check!("ec2-launch-template-imdsv2", "EC2 launch templates require IMDSv2", OsPatching, Medium,
        "Instances launched from a template that does not require IMDSv2 expose their role credentials to request forgery through IMDSv1.",
        "aws ec2 create-launch-template-version with MetadataOptions HttpTokens=required, then make it the default version.",
        [Ec2LaunchTemplate], launch_template_imdsv2),
    check!("autoscaling-launch-configuration-imdsv2", "Auto Scaling groups launch from configurations that require IMDSv2", OsPatching, Medium,
        "Every instance an Auto Scaling group launches from a launch configuration that allows IMDSv1 exposes its role credentials to request forgery.",
        "Create a launch configuration (better: a launch template) with --metadata-options HttpTokens=required and switch the group to it.",
        [AutoScalingGroup, AutoScalingLaunchConfiguration], asg_imdsv2),
    // VPC networking.
    check!("vpc-default-security-group-closed", "The default security group of every VPC allows no traffic", NetworkSecurity, Medium,
        "Resources launched without a security group land in the default group; with no rules it lets nothing in or out, so nothing is exposed by omission.",
        "Remove every inbound and outbound rule of each VPC's default security group (aws ec2 revoke-security-group-ingress / revoke-security-group-egress) and give resources their own groups.",
        [Ec2SecurityGroup], default_sg_closed),
    check!("ec2-nacl-no-open-admin-ports", "No network ACL lets SSH (22) or RDP (3389) in from the internet", NetworkSecurity, High,
        "A network ACL that admits remote administration ports from anywhere leaves only the security groups between those ports and the internet.",
        "Add inbound deny entries for TCP 22 and 3389 from 0.0.0.0/0 and ::/0 numbered before the allow entries (aws ec2 create-network-acl-entry), or narrow the allow entries.",
        [Ec2NetworkAcl], nacl_admin_ports),
    check!("ec2-nacl-no-open-all-ports", "No network ACL lets all traffic in from the internet", NetworkSecurity, Medium,
        "An inbound entry allowing every protocol and port from anywhere removes the subnet-level layer of defence.",
        "Replace the allow-all inbound entry with entries for the ports the subnet serves (aws ec2 replace-network-acl-entry).",
        [Ec2NetworkAcl], nacl_all_ports),
    check!("ec2-nacl-unused", "Every non-default network ACL is associated with a subnet", NetworkSecurity, Low,
        "Unused network ACLs are clutter that hides which rules really apply, and get attached by mistake.",
        "Delete the network ACL (aws ec2 delete-network-acl) or associate it with the subnets it was meant for.",
        [Ec2NetworkAcl], nacl_unused),
    check!("vpc-flow-logs-enabled", "Every VPC has an active flow log", MonitoringAndLogging, Medium,
        "Flow logs record which addresses talked to which over the network, the evidence needed to investigate an intrusion or exfiltration.",
        "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC --traffic-type ALL with a CloudWatch Logs or S3 destination.",
        [Ec2Vpc, Ec2FlowLog], vpc_flow_logs),
    check!("vpc-endpoint-for-ec2", "Every VPC has an interface endpoint for the EC2 API", NetworkSecurity, Low,
        "With an EC2 interface endpoint, calls to the EC2 API from the VPC stay on the AWS network instead of going out through an internet or NAT gateway.",
        "aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name com.amazonaws.REGION.ec2 --vpc-id VPC --subnet-ids ...",
        [Ec2Vpc, Ec2VpcEndpoint], vpc_endpoint_ec2),
    check!("vpc-vpn-tunnels-up", "Both tunnels of every Site-to-Site VPN connection are up", NetworkSecurity, Medium,
        "A connection running on one tunnel has no redundancy left: the next maintenance or failure on the remaining tunnel cuts the link.",
        "Check the customer gateway configuration of the down tunnel (IKE, pre-shared key, routing) against the downloaded VPN configuration and the tunnel's CloudWatch logs.",
        [Ec2VpnConnection], vpn_tunnels_up),
    check!("ec2-transit-gateway-no-auto-accept", "Transit gateways do not accept shared attachments automatically", NetworkSecurity, High,
        "With auto-accept on, any account the transit gateway is shared with can attach its VPC and route into the network without review.",
        "aws ec2 modify-transit-gateway --transit-gateway-id TGW --options AutoAcceptSharedAttachments=disable",
        [Ec2TransitGateway], tgw_auto_accept),
    check!("ec2-client-vpn-connection-logging", "Client VPN endpoints log connections", MonitoringAndLogging, Medium,
        "Connection logs record who connected to the network from where and when, and failed attempts.",
        "aws ec2 modify-client-vpn-endpoint --client-vpn-endpoint-id ID --connection-log-options Enabled=true,CloudwatchLogGroup=GROUP",
        [Ec2ClientVpnEndpoint], client_vpn_logging),
    check!("shield-advanced-internet-facing-albs", "Internet-facing application load balancers are protected by Shield Advanced (where subscribed)", NetworkSecurity, Medium,
        "Shield Advanced protection adds DDoS detection and response tuned to the load balancer; in a subscribed account an unprotected public ALB is a gap.",
        "aws shield create-protection --name NAME --resource-arn LOAD_BALANCER_ARN",
        [ElbV2LoadBalancer, ShieldRegionalProtection], shield_albs),
    // CloudFront.
    check!("cloudfront-custom-ssl-certificate", "CloudFront distributions use their own TLS certificate", NetworkSecurity, Low,
        "With the default *.cloudfront.net certificate, viewers reach the distribution by a CloudFront name instead of the organisation's own domain under its own certificate.",
        "Request or import an ACM certificate in us-east-1 for the domain and set it as the distribution's viewer certificate (aws cloudfront update-distribution).",
        [CloudFrontDistribution], cloudfront_custom_certificate),
    check!("cloudfront-viewer-https", "CloudFront distributions require HTTPS from viewers", NetworkSecurity, Medium,
        "A cache behaviour with viewer protocol policy allow-all serves content, cookies and tokens over plain HTTP.",
        "Set ViewerProtocolPolicy to redirect-to-https or https-only on the default and every other cache behaviour (aws cloudfront update-distribution).",
        [CloudFrontDistribution], cloudfront_viewer_https),
    check!("cloudfront-sni", "CloudFront distributions with their own certificate serve it by SNI", NetworkSecurity, Low,
        "Dedicated-IP TLS is only needed for clients without SNI, which no longer receive security fixes; SNI is what every current client uses.",
        "Set the viewer certificate's SSLSupportMethod to sni-only (aws cloudfront update-distribution).",
        [CloudFrontDistribution], cloudfront_sni),
    check!("cloudfront-logging", "CloudFront distributions log requests", MonitoringAndLogging, Medium,
        "Standard or real-time logs are the only record of who requested what from the edge.",
        "Turn on standard logging to an S3 bucket (Logging.Enabled=true) or attach a real-time log configuration to the default cache behaviour.",
        [CloudFrontDistribution], cloudfront_logging),
    check!("cloudfront-origin-traffic-encrypted", "CloudFront encrypts traffic to its origins", NetworkSecurity, Medium,
        "Content and credentials forwarded to an origin over HTTP can be read and changed on the way.",
        "Set OriginProtocolPolicy to https-only on custom origins (match-viewer only with viewers forced to HTTPS), and force HTTPS for viewers of S3 origins.",
        [CloudFrontDistribution], cloudfront_origin_encrypted),
    check!("cloudfront-s3-origin-access-control", "CloudFront S3 origins use origin access control", DataProtection, Medium,
        "Origin access control lets only the distribution read the bucket, with signed requests, so the bucket need not be public.",
        "Create an origin access control (aws cloudfront create-origin-access-control), set it on each S3 origin and allow it in the bucket policy.",
        [CloudFrontDistribution], cloudfront_s3_oac),
    check!("cloudfront-no-deprecated-ssl-protocols", "CloudFront does not talk to custom origins with SSLv3, TLS 1.0 or TLS 1.1", NetworkSecurity, Medium,
        "Those protocol versions have known weaknesses; offering them lets the connection to the origin be downgraded.",
        "Set the custom origins' OriginSslProtocols to TLSv1.2 only (aws cloudfront update-distribution).",
        [CloudFrontDistribution], cloudfront_deprecated_ssl),
    check!("cloudfront-waf", "CloudFront distributions have a WAF web ACL", ApplicationSecurity, Medium,
        "A web ACL at the edge filters injection, bad bots and floods before they reach the origin.",
        "Create a global (CLOUDFRONT scope) WAFv2 web ACL and set its ARN as the distribution's WebACLId.",
        [CloudFrontDistribution], cloudfront_waf),
    // WAF.
    check!("wafv2-web-acl-has-rules", "WAFv2 web ACLs contain rules", ApplicationSecurity, Medium,
        "A web ACL without rules applies only its default action: it inspects nothing.",
        "Add rules or managed rule groups to the web ACL (aws wafv2 update-web-acl), starting from the AWS managed core rule set.",
        [Wafv2WebAcl], wafv2_has_rules),
    check!("wafv2-rules-cloudwatch-metrics", "Every rule of a WAFv2 web ACL publishes CloudWatch metrics", MonitoringAndLogging, Low,
        "Without rule metrics nobody sees how often a rule matches, so attacks and false positives go unnoticed.",
        "Set VisibilityConfig.CloudWatchMetricsEnabled=true on each rule (aws wafv2 update-web-acl).",
        [Wafv2WebAcl], wafv2_rule_metrics),
    check!("waf-global-web-acl-has-rules", "WAF Classic global web ACLs contain rules", ApplicationSecurity, Medium,
        "A web ACL without rules inspects nothing and applies only its default action.",
        "aws waf update-web-acl with rules or rule groups (better: migrate to WAFv2).",
        [WafWebAcl], waf_global_acl),
    check!("waf-regional-web-acl-has-rules", "WAF Classic regional web ACLs contain rules", ApplicationSecurity, Medium,
        "A web ACL without rules inspects nothing and applies only its default action.",
        "aws waf-regional update-web-acl with rules or rule groups (better: migrate to WAFv2).",
        [WafRegionalWebAcl], waf_regional_acl),
    check!("waf-global-rule-has-conditions", "WAF Classic global rules have conditions", ApplicationSecurity, Low,
        "A rule without conditions matches nothing, so the protection it stands for does not exist.",
        "aws waf update-rule to add IP, string, SQL injection or other match conditions, or delete the rule.",
        [WafRule], waf_global_rule),
    check!("waf-regional-rule-has-conditions", "WAF Classic regional rules have conditions", ApplicationSecurity, Low,
        "A rule without conditions matches nothing, so the protection it stands for does not exist.",
        "aws waf-regional update-rule to add match conditions, or delete the rule.",
        [WafRegionalRule], waf_regional_rule),
    check!("waf-global-rule-group-not-empty", "WAF Classic global rule groups contain rules", ApplicationSecurity, Low,
        "An empty rule group in a web ACL looks like protection but inspects nothing.",
        "aws waf update-rule-group to add rules, or remove the group from its web ACLs and delete it.",
        [WafRuleGroup], waf_global_group),
    check!("waf-regional-rule-group-not-empty", "WAF Classic regional rule groups contain rules", ApplicationSecurity, Low,
        "An empty rule group in a web ACL looks like protection but inspects nothing.",
        "aws waf-regional update-rule-group to add rules, or remove the group and delete it.",
        [WafRegionalRuleGroup], waf_regional_group),
    // Network Firewall.
    check!("networkfirewall-policy-fragment-default-action", "Network Firewall policies drop or inspect unmatched fragmented packets", NetworkSecurity, Medium,
        "A stateless default of pass for fragments lets traffic that no stateless rule matched bypass stateful inspection.",
        "aws network-firewall update-firewall-policy with StatelessFragmentDefaultActions aws:drop or aws:forward_to_sfe.",
        [NetworkFirewallPolicy], nfw_fragment_default),
    check!("networkfirewall-policy-full-default-action", "Network Firewall policies drop or inspect unmatched packets", NetworkSecurity, Medium,
        "A stateless default of pass lets every packet no stateless rule matched bypass stateful inspection.",
        "aws network-firewall update-firewall-policy with StatelessDefaultActions aws:drop or aws:forward_to_sfe.",
        [NetworkFirewallPolicy], nfw_full_default),
    check!("networkfirewall-policy-rule-group", "Network Firewall policies have rule groups", NetworkSecurity, Medium,
        "A policy without stateless or stateful rule groups only applies its defaults: the firewall filters nothing specific.",
        "aws network-firewall update-firewall-policy with StatefulRuleGroupReferences or StatelessRuleGroupReferences.",
        [NetworkFirewallPolicy], nfw_rule_groups),
    // Load balancers.
    check!("elb-classic-tls-listeners", "Classic Load Balancers listen only with HTTPS or SSL", NetworkSecurity, Medium,
        "An HTTP or TCP listener carries client traffic unencrypted between the client and the load balancer.",
        "aws elb create-load-balancer-listeners with HTTPS/SSL and a certificate, then delete the HTTP/TCP listeners (or migrate to an ALB that redirects HTTP).",
        [ElbClassicLoadBalancer], clb_tls_listeners),
    check!("elb-classic-acm-certificate", "Classic Load Balancer TLS listeners use ACM certificates", DataProtection, Low,
        "IAM-stored server certificates are renewed and rotated by hand; ACM certificates renew automatically.",
        "Request or import the certificate in ACM and set it on the listener (aws elb set-load-balancer-listener-ssl-certificate).",
        [ElbClassicLoadBalancer], clb_acm),
    check!("elb-classic-access-logging", "Classic Load Balancers write access logs", MonitoringAndLogging, Medium,
        "Access logs record every request the load balancer received, with client address and result.",
        "aws elb modify-load-balancer-attributes --load-balancer-attributes AccessLog={Enabled=true,S3BucketName=BUCKET}",
        [ElbClassicLoadBalancer], clb_logging),
    check!("elb-classic-desync-mitigation", "Classic Load Balancers mitigate HTTP desync in defensive or strictest mode", ApplicationSecurity, Medium,
        "In monitor mode the load balancer forwards ambiguous requests that can smuggle one request inside another past the application's controls.",
        "aws elb modify-load-balancer-attributes with AdditionalAttributes Key=elb.http.desyncmitigationmode,Value=defensive (or strictest).",
        [ElbClassicLoadBalancer], clb_desync),
    check!("elbv2-deletion-protection", "Application, network and gateway load balancers have deletion protection", NetworkSecurity, Low,
        "Deletion protection stops a load balancer, and the service behind it, being removed by a mistaken call or script.",
        "aws elbv2 modify-load-balancer-attributes --load-balancer-arn ARN --attributes Key=deletion_protection.enabled,Value=true",
        [ElbV2LoadBalancer], elbv2_deletion_protection),
    check!("elbv2-access-logging", "Application and network load balancers write access logs", MonitoringAndLogging, Medium,
        "Access logs record every request or TLS connection the load balancer handled, with client address and result.",
        "aws elbv2 modify-load-balancer-attributes --load-balancer-arn ARN --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=BUCKET",
        [ElbV2LoadBalancer], elbv2_logging),
    check!("elbv2-listener-tls", "Load balancer HTTP listeners redirect to HTTPS, and HTTPS/TLS listeners use a TLS 1.2+ policy", NetworkSecurity, High,
        "An HTTP listener that serves content, or a TLS policy that still offers TLS 1.0 or 1.1, leaves client traffic readable or downgradable.",
        "Make HTTP listeners' default action a redirect to HTTPS (aws elbv2 modify-listener --default-actions Type=redirect,...) and set HTTPS/TLS listeners to ELBSecurityPolicy-TLS13-1-2-2021-06 or newer.",
        [ElbV2Listener], elbv2_listener_tls),
    // DMS.
    check!("dms-instance-not-public", "DMS replication instances are not publicly accessible", NetworkSecurity, High,
        "A publicly accessible replication instance has a public address, with only its security groups between it and the internet while it holds database credentials and data in transit.",
        "DMS cannot change this in place: create a private replication instance (--no-publicly-accessible) in private subnets and move the tasks to it.",
        [DmsReplicationInstance], dms_instance_public),
    check!("dms-endpoint-ssl", "DMS endpoints connect with SSL", DataProtection, Medium,
        "With SslMode none, data and credentials travel between DMS and the database unencrypted.",
        "aws dms modify-endpoint --endpoint-arn ARN --ssl-mode require (or verify-ca / verify-full with a CA certificate).",
        [DmsEndpoint], dms_endpoint_ssl),
    check!("dms-endpoint-redis-tls", "DMS Redis endpoints connect with TLS", DataProtection, Medium,
        "A Redis target reached in plaintext receives the migrated data unencrypted.",
        "aws dms modify-endpoint --endpoint-arn ARN --redis-settings SslSecurityProtocol=ssl-encryption",
        [DmsEndpoint], dms_redis_tls),
    check!("dms-task-target-logging", "DMS replication tasks log target apply and load", MonitoringAndLogging, Low,
        "Without TARGET_APPLY and TARGET_LOAD logs at default severity or above, failed or partial writes to the target go unrecorded.",
        "aws dms modify-replication-task with ReplicationTaskSettings Logging.EnableLogging=true and TARGET_APPLY and TARGET_LOAD at LOGGER_SEVERITY_DEFAULT.",
        [DmsReplicationTask], dms_target_logging),
    // SageMaker notebooks.
    check!("sagemaker-notebook-no-direct-internet", "SageMaker notebook instances have no direct internet access", NetworkSecurity, High,
        "With direct internet access the notebook talks to the internet outside the VPC's controls, an easy path for data to leave.",
        "Recreate the notebook in a VPC subnet with --direct-internet-access Disabled and reach the internet, if at all, through a NAT gateway.",
        [SageMakerNotebookInstance], notebook_internet),
    check!("sagemaker-notebook-in-vpc", "SageMaker notebook instances run in a VPC", NetworkSecurity, Medium,
        "A notebook in a VPC subnet is reached only as its security groups and routes allow.",
        "Recreate the notebook with --subnet-id and --security-group-ids.",
        [SageMakerNotebookInstance], notebook_vpc),
    check!("sagemaker-notebook-root-access-disabled", "SageMaker notebook instances give users no root access", OsPatching, Medium,
        "Root on the notebook lets any user change its software, its agent and its security settings.",
        "aws sagemaker update-notebook-instance --notebook-instance-name NAME --root-access Disabled (with the instance stopped).",
        [SageMakerNotebookInstance], notebook_root),
    check!("sagemaker-notebook-kms-encryption", "SageMaker notebook storage is encrypted with a KMS key", DataProtection, Medium,
        "A customer managed KMS key for the notebook's volume puts access to its data under a key policy and logs every use.",
        "Create a new notebook with --kms-key-id KEY and move the work to it (the key cannot be added later).",
        [SageMakerNotebookInstance], notebook_kms),
];

// ---------------------------------------------------------------------------------------------
// Helpers

fn named<'a>(name: Option<&'a str>, live_name: &'a str) -> &'a str {
    name.filter(|n| !n.is_empty()).unwrap_or(live_name)
}

/// Whether `s` is non-empty text.
fn given(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// The live items of a joined type, by region (`account/region`), and the regions where they
/// were read.
fn joined<'a, C: Config>(e: &mut Eval<'a>) -> (BTreeMap<String, Vec<Live<'a, C>>>, BTreeSet<String>) {
    let (items, assessed) = e.items::<C>();
    let mut by: BTreeMap<String, Vec<Live<'a, C>>> = BTreeMap::new();
    for live in items {
        by.entry(live.scope()).or_default().push(live);
    }
    (by, assessed.into_iter().collect())
}

fn not_read(t: ResourceType, live_region: &str) -> Verdict {
    Unknown(format!("the {t} items of {live_region} could not be read, so the join cannot be made"))
}

// ---------------------------------------------------------------------------------------------
// EC2 instances

fn instance_name<'a>(i: &'a Live<Instance>) -> &'a str {
    named(i.config.instance_id.as_deref(), i.item.display_name())
}

/// The instance state; `None` when the item does not say.
fn state<'a>(i: &'a Live<Instance>) -> Result<&'a str, Verdict> {
    verdict_field_str(i.config.state.as_ref().and_then(|s| s.name.as_deref()), "the instance state")
}

/// Terminated or terminating instances are no longer in scope.
fn gone(state: &str) -> bool {
    matches!(state, "terminated" | "shutting-down")
}

fn instance_imdsv2(e: &mut Eval) {
    each_item::<Instance>(e, "EC2 instances", |i| {
        if gone(verdict!(state(i))) {
            return Skip;
        }
        let name = instance_name(i);
        let Some(m) = &i.config.metadata_options else {
            return Unknown(format!("{name}: the configuration item does not give its metadataOptions"));
        };
        imds_verdict(name, m.http_endpoint.as_deref(), m.http_tokens.as_deref())
    });
}

/// IMDSv2 required, or the metadata service off: pass; IMDSv1 allowed: fail.
fn imds_verdict(name: &str, endpoint: Option<&str>, tokens: Option<&str>) -> Verdict {
    if endpoint == Some("disabled") {
        return Pass(format!("{name}: instance metadata service disabled"));
    }
    match tokens {
        Some("required") => Pass(format!("{name}: IMDSv2 required")),
        Some("optional") => Fail(format!("{name}: IMDSv1 allowed (HttpTokens optional)")),
        Some(other) => Unknown(format!("{name}: unknown HttpTokens value {other:?}")),
        None => Unknown(format!("{name}: the metadata options do not say HttpTokens")),
    }
}

fn instance_public_ip(e: &mut Eval) {
    each_item::<Instance>(e, "EC2 instances", |i| {
        verdict!(verdict_field_str(i.config.instance_id.as_deref(), "the instance id"));
        if gone(verdict!(state(i))) {
            return Skip;
        }
        let name = instance_name(i);
        let mut ips: Vec<&str> = given(i.config.public_ip_address.as_deref()).into_iter().collect();
        for ni in i.config.network_interfaces.iter().flatten() {
            if let Some(ip) = given(ni.association.as_ref().and_then(|a| a.public_ip.as_deref())) {
                if !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
        }
        if ips.is_empty() {
            Pass(format!("{name}: no public IP address"))
        } else {
            Fail(format!("{name}: public IP {}", ips.join(", ")))
        }
    });
}

fn instance_managed_by_ssm(e: &mut Eval) {
    let (inventory, read) = joined::<ManagedInstanceInventory>(e);
    each_item::<Instance>(e, "running EC2 instances", |i| {
        let id = verdict!(verdict_field_str(i.config.instance_id.as_deref(), "the instance id"));
        if verdict!(state(i)) != "running" {
            return Skip;
        }
        if !read.contains(&i.scope()) {
            return not_read(T::SsmManagedInstanceInventory, &i.region);
        }
        let managed = inventory.get(&i.scope()).into_iter().flatten().any(|m| {
            let rid = m.item.resource_id.as_str();
            rid == id || rid.rsplit('/').next() == Some(id)
        });
        if managed {
            Pass(format!("{id}: Systems Manager inventory recorded"))
        } else {
            Fail(format!("{id}: running, with no Systems Manager managed-instance inventory"))
        }
    });
}

fn instance_detailed_monitoring(e: &mut Eval) {
    each_item::<Instance>(e, "EC2 instances", |i| {
        if gone(verdict!(state(i))) {
            return Skip;
        }
        let name = instance_name(i);
        match verdict!(verdict_field_str(i.config.monitoring.as_ref().and_then(|m| m.state.as_deref()), "the monitoring state")) {
            "enabled" => Pass(format!("{name}: detailed monitoring on")),
            other => Fail(format!("{name}: detailed monitoring {other}")),
        }
    });
}

/// Prowler's default for `max_ec2_instance_age_in_days`.
const MAX_INSTANCE_AGE_DAYS: i64 = 180;

fn instance_age(e: &mut Eval) {
    let now = e.now();
    each_item::<Instance>(e, "running EC2 instances", |i| {
        if verdict!(state(i)) != "running" {
            return Skip;
        }
        let name = instance_name(i);
        let text = match &i.config.launch_time {
            Some(serde_json::Value::String(s)) => s.as_str(),
            Some(other) => return Unknown(format!("{name}: launchTime {other} is not an ISO 8601 time")),
            None => return Unknown(format!("{name}: the configuration item does not give its launchTime")),
        };
        let Some(launched) = crate::evidence::docs::time(text) else {
            return Unknown(format!("{name}: launchTime {text:?} is not an ISO 8601 time"));
        };
        let days = (now - launched).num_days();
        if days > MAX_INSTANCE_AGE_DAYS {
            Fail(format!("{name}: launched {days} days ago ({text}), more than {MAX_INSTANCE_AGE_DAYS}"))
        } else {
            Pass(format!("{name}: launched {days} days ago"))
        }
    });
}

fn instance_profile(e: &mut Eval) {
    each_item::<Instance>(e, "EC2 instances", |i| {
        verdict!(verdict_field_str(i.config.instance_id.as_deref(), "the instance id"));
        if gone(verdict!(state(i))) {
            return Skip;
        }
        let name = instance_name(i);
        match given(i.config.iam_instance_profile.as_ref().and_then(|p| p.arn.as_deref())) {
            Some(arn) => Pass(format!("{name}: instance profile {arn}")),
            None => Fail(format!("{name}: no IAM instance profile")),
        }
    });
}

fn template_name<'a>(t: &'a Live<LaunchTemplate>) -> &'a str {
    named(t.config.launch_template_name.as_deref(), t.item.display_name())
}

fn launch_template_public_ip(e: &mut Eval) {
    each_item::<LaunchTemplate>(e, "EC2 launch templates", |t| {
        let name = template_name(t);
        let Some(data) = &t.config.launch_template_data else {
            return Unknown(format!("{name}: the configuration item does not give its LaunchTemplateData"));
        };
        if data.network_interfaces.iter().flatten().any(|ni| ni.associate_public_ip_address == Some(true)) {
            Fail(format!("{name}: a network interface asks for a public IP address"))
        } else {
            Pass(format!("{name}: no network interface asks for a public IP address"))
        }
    });
}

fn launch_template_imdsv2(e: &mut Eval) {
    each_item::<LaunchTemplate>(e, "EC2 launch templates", |t| {
        let name = template_name(t);
        let Some(data) = &t.config.launch_template_data else {
            return Unknown(format!("{name}: the configuration item does not give its LaunchTemplateData"));
        };
        let Some(m) = &data.metadata_options else {
            return Unknown(format!("{name}: the template sets no MetadataOptions, so IMDSv2 depends on the AMI's default; not assessed"));
        };
        imds_verdict(name, m.http_endpoint.as_deref(), m.http_tokens.as_deref())
    });
}

fn asg_imdsv2(e: &mut Eval) {
    let (configs, read) = joined::<LaunchConfiguration>(e);
    each_item::<AutoScalingGroup>(e, "Auto Scaling groups using launch configurations", |g| {
        let name = named(g.config.auto_scaling_group_name.as_deref(), g.item.display_name());
        let Some(lc_name) = given(g.config.launch_configuration_name.as_deref()) else {
            if g.config.launch_template.is_some() || g.config.mixed_instances_policy.is_some() {
                return Skip;
            }
            return Unknown(format!("{name}: the item names neither a launch configuration nor a launch template"));
        };
        if !read.contains(&g.scope()) {
            return not_read(T::AutoScalingLaunchConfiguration, &g.region);
        }
        let Some(lc) = configs
            .get(&g.scope())
            .into_iter()
            .flatten()
            .find(|c| c.config.launch_configuration_name.as_deref() == Some(lc_name) || c.item.name.as_deref() == Some(lc_name))
        else {
            return Unknown(format!("{name}: its launch configuration {lc_name} is not among the recorded launch configurations"));
        };
        let Some(m) = &lc.config.metadata_options else {
            return Unknown(format!(
                "{name}: launch configuration {lc_name} records no metadataOptions (then IMDSv1 is allowed unless the AMI requires IMDSv2)"
            ));
        };
        imds_verdict(&format!("{name} (launch configuration {lc_name})"), m.http_endpoint.as_deref(), m.http_tokens.as_deref())
    });
}

// ---------------------------------------------------------------------------------------------
// VPC networking

fn default_sg_closed(e: &mut Eval) {
    each_item::<SecurityGroup>(e, "default security groups", |sg| {
        if sg.config.group_name.as_deref() != Some("default") {
            return Skip;
        }
        let vpc = sg.config.vpc_id.as_deref().unwrap_or("its VPC");
        let Some(egress) = &sg.config.ip_permissions_egress else {
            return Unknown(format!("default security group of {vpc}: the item does not give ipPermissionsEgress"));
        };
        let (inbound, outbound) = (sg.config.ip_permissions.len(), egress.len());
        if inbound + outbound == 0 {
            Pass(format!("default security group of {vpc}: no inbound or outbound rule"))
        } else {
            Fail(format!("default security group of {vpc}: {inbound} inbound and {outbound} outbound rule(s)"))
        }
    });
}

fn nacl_name<'a>(n: &'a Live<NetworkAcl>) -> &'a str {
    named(n.config.network_acl_id.as_deref(), n.item.display_name())
}

/// The inbound entries of an ACL for the whole internet of one address family, in evaluation order.
fn world_inbound(entries: &[NaclEntry], v6: bool) -> Vec<&NaclEntry> {
    let mut out: Vec<&NaclEntry> = entries
        .iter()
        .filter(|x| !x.egress)
        .filter(|x| if v6 { x.ipv6_cidr_block.as_deref() == Some("::/0") } else { x.cidr_block.as_deref() == Some("0.0.0.0/0") })
        .collect();
    out.sort_by_key(|x| x.rule_number);
    out
}

/// Whether the first entry `applies` to is an allow.
fn first_allows(entries: &[&NaclEntry], applies: impl Fn(&NaclEntry) -> bool) -> bool {
    entries.iter().find(|x| applies(x)).is_some_and(|x| x.rule_action.eq_ignore_ascii_case("allow"))
}

fn nacl_entries<'a>(n: &'a Live<NetworkAcl>) -> Result<&'a [NaclEntry], Verdict> {
    n.config.entries.as_deref().ok_or_else(|| Unknown(format!("{}: the configuration item does not give its entries", nacl_name(n))))
}

fn nacl_admin_ports(e: &mut Eval) {
    each_item::<NetworkAcl>(e, "network ACLs", |n| {
        let entries = verdict!(nacl_entries(n));
        let mut open = Vec::new();
        for (v6, source) in [(false, "0.0.0.0/0"), (true, "::/0")] {
            let world = world_inbound(entries, v6);
            for (port, svc) in [(22, "SSH"), (3389, "RDP")] {
                let covers = |x: &NaclEntry| match x.protocol.as_str() {
                    "-1" | "all" => true,
                    "6" | "tcp" => match x.port_range.as_ref().map(|r| (r.from, r.to)) {
                        Some((Some(from), Some(to))) => from <= port && port <= to,
                        _ => true,
                    },
                    _ => false,
                };
                if first_allows(&world, covers) {
                    open.push(format!("{svc} ({port}) from {source}"));
                }
            }
        }
        if open.is_empty() {
            Pass(format!("{}: no inbound SSH or RDP from the internet", nacl_name(n)))
        } else {
            Fail(format!("{}: allows {}", nacl_name(n), open.join("; ")))
        }
    });
}

fn nacl_all_ports(e: &mut Eval) {
    each_item::<NetworkAcl>(e, "network ACLs", |n| {
        let entries = verdict!(nacl_entries(n));
        let open: Vec<&str> = [(false, "0.0.0.0/0"), (true, "::/0")]
            .into_iter()
            .filter(|(v6, _)| first_allows(&world_inbound(entries, *v6), |x| matches!(x.protocol.as_str(), "-1" | "all")))
            .map(|(_, s)| s)
            .collect();
        if open.is_empty() {
            Pass(format!("{}: no inbound allow-all entry from the internet", nacl_name(n)))
        } else {
            Fail(format!("{}: allows all traffic in from {}", nacl_name(n), open.join(" and ")))
        }
    });
}

fn nacl_unused(e: &mut Eval) {
    each_item::<NetworkAcl>(e, "non-default network ACLs", |n| {
        if verdict!(field(n.config.is_default, "whether it is the VPC's default network ACL")) {
            return Skip;
        }
        let Some(assoc) = &n.config.associations else {
            return Unknown(format!("{}: the configuration item does not give its associations", nacl_name(n)));
        };
        if assoc.is_empty() {
            Fail(format!("{}: associated with no subnet", nacl_name(n)))
        } else {
            Pass(format!("{}: associated with {} subnet(s)", nacl_name(n), assoc.len()))
        }
    });
}

fn vpc_id<'a>(v: &'a Live<Vpc>) -> Result<&'a str, Verdict> {
    verdict_field_str(v.config.vpc_id.as_deref(), "the VPC id")
}

fn vpc_flow_logs(e: &mut Eval) {
    let (logs, read) = joined::<FlowLog>(e);
    each_item::<Vpc>(e, "VPCs", |v| {
        let id = verdict!(vpc_id(v));
        if !read.contains(&v.scope()) {
            return not_read(T::Ec2FlowLog, &v.region);
        }
        let mine: Vec<&Live<FlowLog>> =
            logs.get(&v.scope()).into_iter().flatten().filter(|l| l.config.resource_id.as_deref() == Some(id)).collect();
        let active: Vec<&str> = mine
            .iter()
            .filter(|l| l.config.flow_log_status.as_deref() == Some("ACTIVE"))
            .map(|l| named(l.config.flow_log_id.as_deref(), l.item.display_name()))
            .collect();
        if !active.is_empty() {
            Pass(format!("{id}: active flow log {}", super::names(&active)))
        } else if mine.is_empty() {
            Fail(format!("{id}: no flow log"))
        } else {
            Fail(format!("{id}: {} flow log(s), none ACTIVE", mine.len()))
        }
    });
}

fn vpc_endpoint_ec2(e: &mut Eval) {
    let (endpoints, read) = joined::<VpcEndpoint>(e);
    each_item::<Vpc>(e, "VPCs", |v| {
        let id = verdict!(vpc_id(v));
        if !read.contains(&v.scope()) {
            return not_read(T::Ec2VpcEndpoint, &v.region);
        }
        let ec2 = endpoints
            .get(&v.scope())
            .into_iter()
            .flatten()
            .find(|x| x.config.vpc_id.as_deref() == Some(id) && x.config.service_name.as_deref().is_some_and(|s| s.ends_with(".ec2")));
        match ec2 {
            Some(x) => Pass(format!("{id}: endpoint {} for {}", x.item.display_name(), x.config.service_name.as_deref().unwrap_or(""))),
            None => Fail(format!("{id}: no VPC endpoint for the EC2 API")),
        }
    });
}

fn vpn_tunnels_up(e: &mut Eval) {
    each_item::<VpnConnection>(e, "Site-to-Site VPN connections", |v| {
        let name = named(v.config.vpn_connection_id.as_deref(), v.item.display_name());
        let tunnels = match v.config.vgw_telemetry.as_deref() {
            Some(t) if !t.is_empty() => t,
            _ => return Unknown(format!("{name}: the configuration item gives no tunnel telemetry (vgwTelemetry)")),
        };
        let not_up: Vec<String> = tunnels
            .iter()
            .filter(|t| t.status.as_deref() != Some("UP"))
            .map(|t| {
                format!("{} {}", t.outside_ip_address.as_deref().unwrap_or("tunnel"), t.status.as_deref().unwrap_or("status not given"))
            })
            .collect();
        if not_up.is_empty() {
            Pass(format!("{name}: {} tunnel(s) UP", tunnels.len()))
        } else {
            Fail(format!("{name}: not up: {}", not_up.join(", ")))
        }
    });
}

fn tgw_auto_accept(e: &mut Eval) {
    each_item::<TransitGateway>(e, "transit gateways", |t| {
        let name = named(t.config.id.as_deref(), t.item.display_name());
        match verdict!(verdict_field_str(t.config.auto_accept_shared_attachments.as_deref(), "AutoAcceptSharedAttachments")) {
            "disable" => Pass(format!("{name}: shared attachments need acceptance")),
            "enable" => Fail(format!("{name}: accepts shared attachments automatically")),
            other => Unknown(format!("{name}: unknown AutoAcceptSharedAttachments value {other:?}")),
        }
    });
}

fn client_vpn_logging(e: &mut Eval) {
    each_item::<ClientVpnEndpoint>(e, "Client VPN endpoints", |c| {
        let name = named(c.config.id.as_deref(), c.item.display_name());
        if verdict!(field(c.config.connection_log_options.as_ref().and_then(|o| o.enabled), "whether connection logging is on")) {
            Pass(format!("{name}: connection logging on"))
        } else {
            Fail(format!("{name}: connection logging off"))
        }
    });
}

/// Public application load balancers in scope (`Ok(false)`: out of scope).
fn public_alb(lb: &LoadBalancer) -> Result<bool, Verdict> {
    match verdict_field_str(lb.scheme.as_deref(), "the load balancer's scheme")? {
        "internet-facing" => {}
        "internal" => return Ok(false),
        other => return Err(Unknown(format!("unknown load balancer scheme {other:?}"))),
    }
    match lb.kind.as_deref() {
        Some("application") => Ok(true),
        Some("network" | "gateway") => Ok(false),
        Some(other) => Err(Unknown(format!("unknown load balancer type {other:?}"))),
        None => Err(Unknown("the configuration item does not say the load balancer type".into())),
    }
}

fn shield_albs(e: &mut Eval) {
    let (protections, read) = joined::<ShieldProtection>(e);
    let (lbs, assessed) = e.items::<LoadBalancer>();
    let regions = e.regions();
    let mut seen = BTreeSet::new();
    for lb in &lbs {
        match public_alb(lb.config) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(v) => {
                seen.insert(lb.scope());
                if let Unknown(why) = v {
                    e.not_assessed(lb.item.id(), format!("{}: {why}", DocId::resources(&lb.account, &lb.region, T::ElbV2LoadBalancer)));
                }
                continue;
            }
        }
        seen.insert(lb.scope());
        let name = lb.item.display_name();
        let arn = lb.item.arn.as_deref().unwrap_or(&lb.item.resource_id);
        let protected = protections.get(&lb.scope()).into_iter().flatten().any(|p| p.config.resource_arn.as_deref() == Some(arn));
        let own = |s: &String| s.starts_with(&format!("{}/", lb.account));
        let subscribed = protections.keys().any(own);
        let all_read = regions.iter().all(|r| read.contains(&format!("{}/{r}", lb.account)));
        if protected {
            e.pass(lb.item.id(), format!("{name}: Shield Advanced protection"));
        } else if !read.contains(&lb.scope()) {
            e.not_assessed(lb.item.id(), format!("the {} items of {} could not be read", T::ShieldRegionalProtection, lb.region));
        } else if subscribed {
            e.fail(lb.item.id(), format!("{name}: internet-facing, with no Shield Advanced protection"));
        } else if all_read {
            e.not_applicable(
                lb.item.id(),
                format!(
                    "{name}: account {} has no Shield Advanced protection in any region, so it does not subscribe to Shield Advanced and the check applies only where subscribed",
                    lb.account
                ),
            );
        } else {
            e.not_assessed(
                lb.item.id(),
                format!("{name}: no protection in {}, and other regions' protections could not be read, so whether the account subscribes is unknown", lb.region),
            );
        }
    }
    for scope in assessed {
        if !seen.contains(&scope) {
            e.not_applicable(&scope, "no internet-facing application load balancers recorded in this region");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CloudFront

fn dist_config<'a>(d: &'a Live<Distribution>) -> Result<(&'a str, &'a DistributionConfig), Verdict> {
    let name = named(d.config.domain_name.as_deref(), d.item.display_name());
    match &d.config.distribution_config {
        Some(c) => Ok((name, c)),
        None => Err(Unknown(format!("{name}: the configuration item does not give its distributionConfig"))),
    }
}

fn default_viewer_policy<'a>(name: &str, c: &'a DistributionConfig) -> Result<&'a str, Verdict> {
    c.default_cache_behavior
        .as_ref()
        .and_then(|b| b.viewer_protocol_policy.as_deref())
        .ok_or_else(|| Unknown(format!("{name}: the default cache behaviour does not give its viewerProtocolPolicy")))
}

/// Whether a distribution uses the default CloudFront certificate.
fn default_certificate(name: &str, c: &DistributionConfig) -> Result<bool, Verdict> {
    let Some(v) = &c.viewer_certificate else {
        return Err(Unknown(format!("{name}: the configuration item does not give its viewerCertificate")));
    };
    if v.cloud_front_default_certificate == Some(true) || v.certificate_source.as_deref() == Some("cloudfront") {
        return Ok(true);
    }
    if given(v.acm_certificate_arn.as_deref()).is_some()
        || given(v.iam_certificate_id.as_deref()).is_some()
        || matches!(v.certificate_source.as_deref(), Some("acm" | "iam"))
    {
        return Ok(false);
    }
    Err(Unknown(format!("{name}: the viewer certificate names neither the CloudFront default nor an ACM or IAM certificate")))
}

fn cloudfront_custom_certificate(e: &mut Eval) {
    each_item::<Distribution>(e, "CloudFront distributions", |d| {
        let (name, c) = verdict!(dist_config(d));
        if verdict!(default_certificate(name, c)) {
            Fail(format!("{name}: the default *.cloudfront.net certificate"))
        } else {
            Pass(format!("{name}: its own certificate"))
        }
    });
}

fn cloudfront_viewer_https(e: &mut Eval) {
    each_item::<Distribution>(e, "CloudFront distributions", |d| {
        let (name, c) = verdict!(dist_config(d));
        let mut plain = Vec::new();
        if verdict!(default_viewer_policy(name, c)) == "allow-all" {
            plain.push("the default behaviour".to_string());
        }
        for b in c.cache_behaviors.iter().flat_map(|l| &l.items) {
            let path = b.path_pattern.as_deref().unwrap_or("a path");
            match b.viewer_protocol_policy.as_deref() {
                Some("allow-all") => plain.push(format!("behaviour {path}")),
                Some(_) => {}
                None => return Unknown(format!("{name}: behaviour {path} does not give its viewerProtocolPolicy")),
            }
        }
        if plain.is_empty() {
            Pass(format!("{name}: every cache behaviour redirects to or requires HTTPS"))
        } else {
            Fail(format!("{name}: plain HTTP allowed by {}", plain.join(", ")))
        }
    });
}

fn cloudfront_sni(e: &mut Eval) {
    each_item::<Distribution>(e, "CloudFront distributions with their own certificate", |d| {
        let (name, c) = verdict!(dist_config(d));
        if verdict!(default_certificate(name, c)) {
            return Skip;
        }
        match c.viewer_certificate.as_ref().and_then(|v| v.ssl_support_method.as_deref()) {
            Some("sni-only") => Pass(format!("{name}: SNI")),
            Some(other) => Fail(format!("{name}: SSL support method {other}")),
            None => Unknown(format!("{name}: the viewer certificate does not give its sslSupportMethod")),
        }
    });
}

fn cloudfront_logging(e: &mut Eval) {
    each_item::<Distribution>(e, "CloudFront distributions", |d| {
        let (name, c) = verdict!(dist_config(d));
        let realtime = given(c.default_cache_behavior.as_ref().and_then(|b| b.realtime_log_config_arn.as_deref()));
        match (c.logging.as_ref().and_then(|l| l.enabled), realtime) {
            (Some(true), _) => {
                Pass(format!("{name}: standard logging to {}", c.logging.as_ref().and_then(|l| l.bucket.as_deref()).unwrap_or("a bucket")))
            }
            (_, Some(arn)) => Pass(format!("{name}: real-time logs {arn}")),
            (Some(false), None) => Fail(format!("{name}: no standard or real-time logging")),
            (None, None) => Unknown(format!("{name}: the configuration item does not say whether logging is on")),
        }
    });
}

fn cloudfront_origin_encrypted(e: &mut Eval) {
    each_item::<Distribution>(e, "CloudFront distributions", |d| {
        let (name, c) = verdict!(dist_config(d));
        let viewer = verdict!(default_viewer_policy(name, c));
        let Some(origins) = &c.origins else {
            return Unknown(format!("{name}: the configuration item does not give its origins"));
        };
        let mut plain = Vec::new();
        for o in &origins.items {
            let id = o.id.as_deref().or(o.domain_name.as_deref()).unwrap_or("an origin");
            if let Some(custom) = &o.custom_origin_config {
                match custom.origin_protocol_policy.as_deref() {
                    Some("https-only") => {}
                    Some("match-viewer") if viewer != "allow-all" => {}
                    Some(p) => plain.push(format!("{id} ({p}, viewers {viewer})")),
                    None => return Unknown(format!("{name}: origin {id} does not give its originProtocolPolicy")),
                }
            } else if o.s3_origin_config.is_some() {
                if viewer == "allow-all" {
                    plain.push(format!("{id} (S3 origin, viewers allow-all)"));
                }
            } else {
                return Unknown(format!("{name}: origin {id} is neither a custom nor an S3 origin"));
            }
        }
        if plain.is_empty() {
            Pass(format!("{name}: traffic to every origin is encrypted"))
        } else {
            Fail(format!("{name}: unencrypted to {}", plain.join(", ")))
        }
    });
}

fn cloudfront_s3_oac(e: &mut Eval) {
    each_item::<Distribution>(e, "CloudFront distributions with S3 origins", |d| {
        let (name, c) = verdict!(dist_config(d));
        let Some(origins) = &c.origins else {
            return Unknown(format!("{name}: the configuration item does not give its origins"));
        };
        let s3: Vec<_> = origins.items.iter().filter(|o| o.s3_origin_config.is_some()).collect();
        if s3.is_empty() {
            return Skip;
        }
        let without: Vec<&str> = s3
            .iter()
            .filter(|o| given(o.origin_access_control_id.as_deref()).is_none())
            .map(|o| o.id.as_deref().unwrap_or("an origin"))
            .collect();
        if without.is_empty() {
            Pass(format!("{name}: every S3 origin uses origin access control"))
        } else {
            Fail(format!("{name}: S3 origin(s) without origin access control: {}", without.join(", ")))
        }
    });
}

const DEPRECATED_ORIGIN_PROTOCOLS: [&str; 3] = ["SSLv3", "TLSv1", "TLSv1.1"];

fn cloudfront_deprecated_ssl(e: &mut Eval) {
    each_item::<Distribution>(e, "CloudFront distributions with custom origins", |d| {
        let (name, c) = verdict!(dist_config(d));
        let Some(origins) = &c.origins else {
            return Unknown(format!("{name}: the configuration item does not give its origins"));
        };
        let custom: Vec<_> = origins.items.iter().filter_map(|o| o.custom_origin_config.as_ref().map(|c| (o, c))).collect();
        if custom.is_empty() {
            return Skip;
        }
        let mut bad = Vec::new();
        for (o, cfg) in custom {
            let id = o.id.as_deref().unwrap_or("an origin");
            let Some(protocols) = &cfg.origin_ssl_protocols else {
                return Unknown(format!("{name}: origin {id} does not give its originSslProtocols"));
            };
            let old: Vec<&str> = protocols.items.iter().map(String::as_str).filter(|p| DEPRECATED_ORIGIN_PROTOCOLS.contains(p)).collect();
            if !old.is_empty() {
                bad.push(format!("{id} offers {}", old.join(", ")));
            }
        }
        if bad.is_empty() {
            Pass(format!("{name}: custom origins offer TLS 1.2 only"))
        } else {
            Fail(format!("{name}: {}", bad.join("; ")))
        }
    });
}

fn cloudfront_waf(e: &mut Eval) {
    each_item::<Distribution>(e, "CloudFront distributions", |d| {
        let (name, c) = verdict!(dist_config(d));
        match c.web_acl_id.as_deref() {
            Some("") => Fail(format!("{name}: no WAF web ACL")),
            Some(acl) => Pass(format!("{name}: web ACL {acl}")),
            None => Unknown(format!("{name}: the configuration item does not give its webACLId")),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// WAF

fn acl_name<'a>(a: &'a Live<WebAcl>) -> &'a str {
    named(a.config.name.as_deref(), a.item.display_name())
}

fn wafv2_has_rules(e: &mut Eval) {
    each_item::<WebAcl>(e, "WAFv2 web ACLs", |a| match &a.config.rules {
        None => Unknown(format!("{}: the configuration item does not list its rules", acl_name(a))),
        Some(r) if r.is_empty() => Fail(format!("{}: no rules", acl_name(a))),
        Some(r) => Pass(format!("{}: {} rule(s)", acl_name(a), r.len())),
    });
}

fn wafv2_rule_metrics(e: &mut Eval) {
    each_item::<WebAcl>(e, "WAFv2 web ACLs with rules", |a| {
        let Some(rules) = &a.config.rules else {
            return Unknown(format!("{}: the configuration item does not list its rules", acl_name(a)));
        };
        if rules.is_empty() {
            return Skip;
        }
        let mut off = Vec::new();
        for r in rules {
            let rule = r.name.as_deref().unwrap_or("a rule");
            match r.visibility_config.as_ref().and_then(|v| v.cloud_watch_metrics_enabled) {
                Some(true) => {}
                Some(false) => off.push(rule),
                None => return Unknown(format!("{}: rule {rule} does not give visibilityConfig.cloudWatchMetricsEnabled", acl_name(a))),
            }
        }
        if off.is_empty() {
            Pass(format!("{}: every rule publishes CloudWatch metrics", acl_name(a)))
        } else {
            Fail(format!("{}: no CloudWatch metrics for {}", acl_name(a), off.join(", ")))
        }
    });
}

/// A WAF Classic object whose list must not be empty.
fn non_empty<C: Config>(e: &mut Eval, noun: &str, what: &'static str, get: fn(&C) -> (Option<&str>, Option<usize>)) {
    each_item::<C>(e, noun, |x| {
        let (name, count) = get(x.config);
        let name = named(name, x.item.display_name());
        match count {
            None => Unknown(format!("{name}: the configuration item does not list its {what}")),
            Some(0) => Fail(format!("{name}: no {what}")),
            Some(n) => Pass(format!("{name}: {n} {what}")),
        }
    });
}

fn classic_acl(a: &ClassicWebAcl) -> (Option<&str>, Option<usize>) {
    (a.name.as_deref(), a.rules_list.as_ref().map(Vec::len))
}

fn classic_rule(r: &ClassicRule) -> (Option<&str>, Option<usize>) {
    (r.name.as_deref(), r.predicate_list.as_ref().map(Vec::len))
}

fn classic_group(g: &ClassicRuleGroup) -> (Option<&str>, Option<usize>) {
    (g.name.as_deref(), g.rules.as_ref().map(Vec::len))
}

fn waf_global_acl(e: &mut Eval) {
    non_empty::<WafWebAcl>(e, "WAF Classic global web ACLs", "rules", |a| classic_acl(&a.0));
}

fn waf_regional_acl(e: &mut Eval) {
    non_empty::<WafRegionalWebAcl>(e, "WAF Classic regional web ACLs", "rules", |a| classic_acl(&a.0));
}

fn waf_global_rule(e: &mut Eval) {
    non_empty::<WafRule>(e, "WAF Classic global rules", "conditions", |r| classic_rule(&r.0));
}

fn waf_regional_rule(e: &mut Eval) {
    non_empty::<WafRegionalRule>(e, "WAF Classic regional rules", "conditions", |r| classic_rule(&r.0));
}

fn waf_global_group(e: &mut Eval) {
    non_empty::<WafRuleGroup>(e, "WAF Classic global rule groups", "rules", |g| classic_group(&g.0));
}

fn waf_regional_group(e: &mut Eval) {
    non_empty::<WafRegionalRuleGroup>(e, "WAF Classic regional rule groups", "rules", |g| classic_group(&g.0));
}

// ---------------------------------------------------------------------------------------------
// Network Firewall

/// A policy in use (policies no firewall uses are out of scope) and its body.
fn policy<'a>(p: &'a Live<FirewallPolicy>) -> Result<(&'a str, &'a FirewallPolicyBody), Verdict> {
    let resp = p.config.firewall_policy_response.as_ref();
    let name = named(resp.and_then(|r| r.firewall_policy_name.as_deref()), p.item.display_name());
    if resp.and_then(|r| r.number_of_associations) == Some(0) {
        return Err(Skip);
    }
    match &p.config.firewall_policy {
        Some(b) => Ok((name, b)),
        None => Err(Unknown(format!("{name}: the configuration item does not give its firewallPolicy"))),
    }
}

fn default_action(name: &str, actions: Option<&Vec<String>>, what: &str) -> Verdict {
    let Some(actions) = actions else {
        return Unknown(format!("{name}: the policy does not give its {what}"));
    };
    if actions.iter().any(|a| a == "aws:drop" || a == "aws:forward_to_sfe") {
        Pass(format!("{name}: {what} {}", actions.join(", ")))
    } else {
        Fail(format!("{name}: {what} {} (neither drop nor forward to stateful inspection)", actions.join(", ")))
    }
}

fn nfw_fragment_default(e: &mut Eval) {
    each_item::<FirewallPolicy>(e, "Network Firewall policies in use", |p| {
        let (name, b) = verdict!(policy(p));
        default_action(name, b.stateless_fragment_default_actions.as_ref(), "statelessFragmentDefaultActions")
    });
}

fn nfw_full_default(e: &mut Eval) {
    each_item::<FirewallPolicy>(e, "Network Firewall policies in use", |p| {
        let (name, b) = verdict!(policy(p));
        default_action(name, b.stateless_default_actions.as_ref(), "statelessDefaultActions")
    });
}

fn nfw_rule_groups(e: &mut Eval) {
    each_item::<FirewallPolicy>(e, "Network Firewall policies in use", |p| {
        let (name, b) = verdict!(policy(p));
        // Shape: statelessDefaultActions is required by the API, so a body without it is not a policy.
        if b.stateless_default_actions.is_none() {
            return Unknown(format!("{name}: the policy does not give statelessDefaultActions, so it is not the shape AWS documents"));
        }
        let n =
            b.stateless_rule_group_references.as_ref().map_or(0, Vec::len) + b.stateful_rule_group_references.as_ref().map_or(0, Vec::len);
        if n > 0 {
            Pass(format!("{name}: {n} rule group(s)"))
        } else {
            Fail(format!("{name}: no rule group"))
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Load balancers

fn clb_name<'a>(lb: &'a Live<ClassicLoadBalancer>) -> &'a str {
    named(lb.config.load_balancer_name.as_deref(), lb.item.display_name())
}

/// A Classic listener: protocol, certificate, port.
type ClassicPort<'a> = (&'a str, Option<&'a str>, i64);

fn clb_listeners<'a>(lb: &'a Live<ClassicLoadBalancer>) -> Result<Vec<ClassicPort<'a>>, Verdict> {
    let Some(list) = &lb.config.listener_descriptions else {
        return Err(Unknown(format!("{}: the configuration item does not give its listenerDescriptions", clb_name(lb))));
    };
    let mut out = Vec::new();
    for d in list {
        let Some(l) = &d.listener else { return Err(Unknown(format!("{}: a listener description without its listener", clb_name(lb)))) };
        let Some(p) = l.protocol.as_deref() else { return Err(Unknown(format!("{}: a listener without its protocol", clb_name(lb)))) };
        out.push((p, l.ssl_certificate_id.as_deref(), l.load_balancer_port.unwrap_or(0)));
    }
    Ok(out)
}

fn tls_protocol(p: &str) -> bool {
    p.eq_ignore_ascii_case("HTTPS") || p.eq_ignore_ascii_case("SSL")
}

fn clb_tls_listeners(e: &mut Eval) {
    each_item::<ClassicLoadBalancer>(e, "Classic Load Balancers", |lb| {
        let listeners = verdict!(clb_listeners(lb));
        if listeners.is_empty() {
            return Skip;
        }
        let plain: Vec<String> = listeners.iter().filter(|(p, _, _)| !tls_protocol(p)).map(|(p, _, port)| format!("{p}:{port}")).collect();
        if plain.is_empty() {
            Pass(format!("{}: every listener is HTTPS or SSL", clb_name(lb)))
        } else {
            Fail(format!("{}: unencrypted listener(s) {}", clb_name(lb), plain.join(", ")))
        }
    });
}

fn clb_acm(e: &mut Eval) {
    each_item::<ClassicLoadBalancer>(e, "Classic Load Balancers with TLS listeners", |lb| {
        let listeners = verdict!(clb_listeners(lb));
        let tls: Vec<_> = listeners.iter().filter(|(p, _, _)| tls_protocol(p)).collect();
        if tls.is_empty() {
            return Skip;
        }
        let mut not_acm = Vec::new();
        for (p, cert, port) in tls {
            match cert {
                Some(c) if c.split(':').nth(2) == Some("acm") => {}
                Some(c) => not_acm.push(format!("{p}:{port} uses {c}")),
                None => return Unknown(format!("{}: listener {p}:{port} does not give its certificate", clb_name(lb))),
            }
        }
        if not_acm.is_empty() {
            Pass(format!("{}: every TLS listener uses an ACM certificate", clb_name(lb)))
        } else {
            Fail(format!("{}: {}", clb_name(lb), not_acm.join("; ")))
        }
    });
}

fn clb_logging(e: &mut Eval) {
    each_item::<ClassicLoadBalancer>(e, "Classic Load Balancers", |lb| {
        let Some(attrs) = verdict!(needed(&lb.config.attributes, "LoadBalancerAttributes")) else {
            return Unknown(format!("{}: the configuration item carries no LoadBalancerAttributes entry", clb_name(lb)));
        };
        match attrs.access_log.as_ref().and_then(|a| a.enabled) {
            Some(true) => Pass(format!(
                "{}: access logs to {}",
                clb_name(lb),
                attrs.access_log.as_ref().and_then(|a| a.s3_bucket_name.as_deref()).unwrap_or("a bucket")
            )),
            Some(false) => Fail(format!("{}: access logging off", clb_name(lb))),
            None => Unknown(format!("{}: the attributes do not say whether access logging is on", clb_name(lb))),
        }
    });
}

fn attribute<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a str> {
    attrs.iter().find(|a| a.key == key).and_then(|a| a.value.as_deref())
}

fn clb_desync(e: &mut Eval) {
    each_item::<ClassicLoadBalancer>(e, "Classic Load Balancers", |lb| {
        let Some(attrs) = verdict!(needed(&lb.config.attributes, "LoadBalancerAttributes")) else {
            return Unknown(format!("{}: the configuration item carries no LoadBalancerAttributes entry", clb_name(lb)));
        };
        match attrs.additional_attributes.as_deref().and_then(|a| attribute(a, "elb.http.desyncmitigationmode")) {
            Some(m @ ("defensive" | "strictest")) => Pass(format!("{}: desync mitigation {m}", clb_name(lb))),
            Some(m) => Fail(format!("{}: desync mitigation {m}", clb_name(lb))),
            None => Unknown(format!("{}: the attributes do not give elb.http.desyncmitigationmode", clb_name(lb))),
        }
    });
}

fn lb_attribute<'a>(lb: &'a Live<LoadBalancer>, key: &str) -> Result<(&'a str, &'a str), Verdict> {
    let name = named(lb.config.load_balancer_name.as_deref(), lb.item.display_name());
    let Some(attrs) = needed(&lb.config.attributes, "LoadBalancerAttributes")? else {
        return Err(Unknown(format!("{name}: the configuration item carries no LoadBalancerAttributes entry")));
    };
    match attribute(attrs, key) {
        Some(v) => Ok((name, v)),
        None => Err(Unknown(format!("{name}: the attributes do not give {key}"))),
    }
}

fn elbv2_deletion_protection(e: &mut Eval) {
    each_item::<LoadBalancer>(e, "load balancers", |lb| {
        let (name, v) = verdict!(lb_attribute(lb, "deletion_protection.enabled"));
        match v {
            "true" => Pass(format!("{name}: deletion protection on")),
            "false" => Fail(format!("{name}: deletion protection off")),
            other => Unknown(format!("{name}: deletion_protection.enabled is {other:?}")),
        }
    });
}

fn elbv2_logging(e: &mut Eval) {
    each_item::<LoadBalancer>(e, "application and network load balancers", |lb| {
        match lb.config.kind.as_deref() {
            Some("gateway") => return Skip,
            Some("application" | "network") => {}
            Some(other) => return Unknown(format!("unknown load balancer type {other:?}")),
            None => return Unknown("the configuration item does not say the load balancer type".into()),
        }
        let (name, v) = verdict!(lb_attribute(lb, "access_logs.s3.enabled"));
        match v {
            "true" => Pass(format!("{name}: access logs on")),
            "false" => Fail(format!("{name}: access logs off")),
            other => Unknown(format!("{name}: access_logs.s3.enabled is {other:?}")),
        }
    });
}

/// A TLS policy that offers neither TLS 1.0 nor TLS 1.1 (the TLS 1.2 and TLS 1.3 families).
fn current_tls_policy(p: &str) -> bool {
    p.contains("TLS13") || p.contains("-1-2-") || p.contains("-1-3-")
}

fn elbv2_listener_tls(e: &mut Eval) {
    each_item::<Listener>(e, "HTTP, HTTPS and TLS listeners", |l| {
        let name = format!("{} port {}", l.item.display_name(), l.config.port.map_or("?".into(), |p| p.to_string()));
        match verdict!(verdict_field_str(l.config.protocol.as_deref(), "the listener protocol")) {
            "HTTPS" | "TLS" => match verdict!(verdict_field_str(l.config.ssl_policy.as_deref(), "the listener's TLS policy")) {
                p if current_tls_policy(p) => Pass(format!("{name}: TLS policy {p}")),
                p => Fail(format!("{name}: TLS policy {p} still offers TLS 1.0 or 1.1")),
            },
            "HTTP" => {
                let Some(actions) = &l.config.default_actions else {
                    return Unknown(format!("{name}: the configuration item does not give its DefaultActions"));
                };
                let redirects = actions.iter().any(|a| {
                    a.kind.as_deref() == Some("redirect") && a.redirect_config.as_ref().and_then(|r| r.protocol.as_deref()) == Some("HTTPS")
                });
                if redirects {
                    Pass(format!("{name}: HTTP redirected to HTTPS"))
                } else {
                    Fail(format!("{name}: serves plain HTTP"))
                }
            }
            "TCP" | "UDP" | "TCP_UDP" | "GENEVE" => Skip,
            other => Unknown(format!("{name}: unknown listener protocol {other:?}")),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// DMS

fn dms_instance_public(e: &mut Eval) {
    each_item::<DmsReplicationInstance>(e, "DMS replication instances", |r| {
        let name = named(r.config.replication_instance_identifier.as_deref(), r.item.display_name());
        if verdict!(field(r.config.publicly_accessible, "whether the instance is publicly accessible")) {
            Fail(format!("{name}: publicly accessible"))
        } else {
            Pass(format!("{name}: not publicly accessible"))
        }
    });
}

fn endpoint_name<'a>(x: &'a Live<DmsEndpoint>) -> &'a str {
    named(x.config.endpoint_identifier.as_deref(), x.item.display_name())
}

fn dms_endpoint_ssl(e: &mut Eval) {
    each_item::<DmsEndpoint>(e, "DMS endpoints", |x| {
        match verdict!(verdict_field_str(x.config.ssl_mode.as_deref(), "the endpoint's SslMode")) {
            "none" => Fail(format!("{}: SslMode none", endpoint_name(x))),
            m => Pass(format!("{}: SslMode {m}", endpoint_name(x))),
        }
    });
}

fn dms_redis_tls(e: &mut Eval) {
    each_item::<DmsEndpoint>(e, "DMS Redis endpoints", |x| {
        if verdict!(verdict_field_str(x.config.engine_name.as_deref(), "the endpoint engine")) != "redis" {
            return Skip;
        }
        match x.config.redis_settings.as_ref().and_then(|r| r.ssl_security_protocol.as_deref()) {
            Some("ssl-encryption") => Pass(format!("{}: TLS to Redis", endpoint_name(x))),
            Some(p) => Fail(format!("{}: Redis SslSecurityProtocol {p}", endpoint_name(x))),
            None => Unknown(format!("{}: the item does not give RedisSettings.SslSecurityProtocol", endpoint_name(x))),
        }
    });
}

const LOG_SEVERITIES: [&str; 3] = ["LOGGER_SEVERITY_DEFAULT", "LOGGER_SEVERITY_DEBUG", "LOGGER_SEVERITY_DETAILED_DEBUG"];

fn dms_target_logging(e: &mut Eval) {
    each_item::<DmsReplicationTask>(e, "DMS replication tasks", |t| {
        let name = named(t.config.replication_task_identifier.as_deref(), t.item.display_name());
        let Some(text) = t.config.replication_task_settings.as_deref() else {
            return Unknown(format!("{name}: the configuration item does not give its ReplicationTaskSettings"));
        };
        let settings: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(err) => return Unknown(format!("{name}: ReplicationTaskSettings is not JSON: {err}")),
        };
        let Some(logging) = settings.get("Logging").and_then(|l| l.as_object()) else {
            return Unknown(format!("{name}: ReplicationTaskSettings has no Logging object"));
        };
        if logging.get("EnableLogging").and_then(|v| v.as_bool()) != Some(true) {
            return Fail(format!("{name}: task logging off"));
        }
        let components = logging.get("LogComponents").and_then(|c| c.as_array()).map(Vec::as_slice).unwrap_or_default();
        let missing: Vec<&str> = ["TARGET_APPLY", "TARGET_LOAD"]
            .into_iter()
            .filter(|want| {
                !components.iter().any(|c| {
                    c.get("Id").and_then(|v| v.as_str()) == Some(want)
                        && c.get("Severity").and_then(|v| v.as_str()).is_some_and(|s| LOG_SEVERITIES.contains(&s))
                })
            })
            .collect();
        if missing.is_empty() {
            Pass(format!("{name}: TARGET_APPLY and TARGET_LOAD logged at default severity or above"))
        } else {
            Fail(format!("{name}: {} not logged at default severity or above", missing.join(" and ")))
        }
    });
}

// ---------------------------------------------------------------------------------------------
// SageMaker notebooks

fn notebook_name<'a>(n: &'a Live<NotebookInstance>) -> Result<&'a str, Verdict> {
    verdict_field_str(n.config.notebook_instance_name.as_deref(), "the notebook instance name")
}

fn enabled_disabled(name: &str, v: Option<&str>, what: &str, good: &str) -> Verdict {
    match v {
        Some(x) if x.eq_ignore_ascii_case(good) => Pass(format!("{name}: {what} {x}")),
        Some(x @ ("Enabled" | "Disabled")) => Fail(format!("{name}: {what} {x}")),
        Some(x) => Unknown(format!("{name}: unknown {what} value {x:?}")),
        None => Unknown(format!("{name}: the configuration item does not give {what}")),
    }
}

fn notebook_internet(e: &mut Eval) {
    each_item::<NotebookInstance>(e, "SageMaker notebook instances", |n| {
        let name = verdict!(notebook_name(n));
        enabled_disabled(name, n.config.direct_internet_access.as_deref(), "DirectInternetAccess", "Disabled")
    });
}

fn notebook_root(e: &mut Eval) {
    each_item::<NotebookInstance>(e, "SageMaker notebook instances", |n| {
        let name = verdict!(notebook_name(n));
        enabled_disabled(name, n.config.root_access.as_deref(), "RootAccess", "Disabled")
    });
}

fn notebook_vpc(e: &mut Eval) {
    each_item::<NotebookInstance>(e, "SageMaker notebook instances", |n| {
        let name = verdict!(notebook_name(n));
        match given(n.config.subnet_id.as_deref()) {
            Some(s) => Pass(format!("{name}: in subnet {s}")),
            None => Fail(format!("{name}: not in a VPC subnet")),
        }
    });
}

fn notebook_kms(e: &mut Eval) {
    each_item::<NotebookInstance>(e, "SageMaker notebook instances", |n| {
        let name = verdict!(notebook_name(n));
        match given(n.config.kms_key_id.as_deref()) {
            Some(k) => Pass(format!("{name}: KMS key {k}")),
            None => Fail(format!("{name}: no KMS key")),
        }
    });
}
