#!/usr/bin/env python3
"""A stand-in AWS Config aggregator in front of moto, for scripts/bench-collect.

moto emulates IAM, STS (assume-role into any account id) and each account's Config settings,
but not the aggregate APIs. This proxy answers those itself, shaped as the AWS Config API
reference documents them (JSON 1.1, epoch-second times, NextToken paging honouring Limit), and
forwards every other request to moto unchanged. Its aggregator covers ACCOUNTS accounts (from a
file, one id per line) in two regions, each holding BUCKETS encrypted S3 buckets per region and
one rule, COMPLIANT everywhere.

    python3 scripts/bench-aggregator.py PORT MOTO_URL ACCOUNTS_FILE BUCKETS [COUNTS_FILE]

On SIGTERM it writes how many requests it answered per operation to COUNTS_FILE (JSON).
"""
import http.client
import json
import signal
import sys
import threading
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, moto_url, accounts_file, buckets = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
counts_file = sys.argv[5] if len(sys.argv) > 5 else None
accounts = [line.split()[0] for line in open(accounts_file) if line.strip() and not line.startswith("#")]
REGIONS = ["us-east-1", "eu-west-1"]
NAME = "org-all"
RULE = "s3-bucket-server-side-encryption-enabled"
AT = 1_795_161_600.0  # 2026-11-20T08:00:00Z
moto = urllib.parse.urlsplit(moto_url)
seen = Counter()
lock = threading.Lock()

places = [(a, r) for a in accounts for r in REGIONS]


def bucket(account, region, k):
    return f"bench-{account}-{region}-{k:04d}"


def identifiers():
    return [
        {"SourceAccountId": a, "SourceRegion": r, "ResourceId": bucket(a, r, k),
         "ResourceType": "AWS::S3::Bucket", "ResourceName": bucket(a, r, k)}
        for a, r in places for k in range(buckets)
    ]


def item(account, region, name):
    sse = {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}
    return {
        "version": "1.3", "accountId": account, "configurationItemCaptureTime": AT,
        "configurationItemStatus": "OK", "configurationStateId": "1795161600000",
        "arn": f"arn:aws:s3:::{name}", "resourceType": "AWS::S3::Bucket", "resourceId": name,
        "resourceName": name, "awsRegion": region, "availabilityZone": "Not Applicable",
        "resourceCreationTime": AT - 86_400.0, "configuration": json.dumps({"name": name}),
        "supplementaryConfiguration": {"ServerSideEncryptionConfiguration": json.dumps(sse)},
    }


def page(body, everything, key, most):
    start = int(body.get("NextToken") or 0)
    limit = min(int(body.get("Limit") or most), most)
    end = min(start + limit, len(everything))
    out = {key: everything[start:end]}
    if end < len(everything):
        out["NextToken"] = str(end)
    return out


def error(code, message):
    return 400, {"__type": code, "message": message}


def answer(op, body):
    """(status, JSON) for an operation this proxy answers, or None to forward it to moto."""
    if op == "DescribeConformancePacks":
        return 200, {"ConformancePackDetails": []}
    if "Aggregat" not in op:
        return None
    if body.get("ConfigurationAggregatorName") != NAME:
        return error("NoSuchConfigurationAggregatorException", "The configuration aggregator does not exist.")
    if op == "DescribeConfigurationAggregatorSourcesStatus":
        status = [{"SourceId": a, "SourceType": "ACCOUNT", "AwsRegion": r, "LastUpdateStatus": "SUCCEEDED",
                   "LastUpdateTime": AT} for a, r in places]
        return 200, page(body, status, "AggregatedSourceStatusList", 100)
    if op == "GetAggregateDiscoveredResourceCounts":
        filters = body.get("Filters") or {}
        if body.get("GroupByKey") == "ACCOUNT_ID":
            groups = [{"GroupName": a, "ResourceCount": buckets * len(REGIONS)} for a in accounts]
        else:
            groups = [{"GroupName": "AWS::S3::Bucket", "ResourceCount": buckets}] if filters.get("AccountId") else []
        total = sum(g["ResourceCount"] for g in groups)
        return 200, {"TotalDiscoveredResources": total, "GroupByKey": body.get("GroupByKey"), "GroupedResourceCounts": groups}
    if op == "DescribeAggregateComplianceByConfigRules":
        rules = [{"ConfigRuleName": RULE, "AccountId": a, "AwsRegion": r, "Compliance": {"ComplianceType": "COMPLIANT"}}
                 for a, r in places]
        return 200, page(body, rules, "AggregateComplianceByConfigRules", 1000)
    if op == "GetAggregateComplianceDetailsByConfigRule":
        a, r = body["AccountId"], body["AwsRegion"]
        results = [{
            "EvaluationResultIdentifier": {"EvaluationResultQualifier": {
                "ConfigRuleName": RULE, "ResourceType": "AWS::S3::Bucket", "ResourceId": bucket(a, r, k)},
                "OrderingTimestamp": AT},
            "ComplianceType": "COMPLIANT", "ResultRecordedTime": AT, "ConfigRuleInvokedTime": AT,
            "AccountId": a, "AwsRegion": r,
        } for k in range(buckets)]
        return 200, page(body, results, "AggregateEvaluationResults", 100)
    if op == "ListAggregateDiscoveredResources":
        ids = identifiers() if body.get("ResourceType") == "AWS::S3::Bucket" else []
        return 200, page(body, ids, "ResourceIdentifiers", 100)
    if op == "BatchGetAggregateResourceConfig":
        keys = body.get("ResourceIdentifiers") or []
        if len(keys) > 100:
            return error("ValidationException", "at most 100 resource identifiers")
        items = [item(k["SourceAccountId"], k["SourceRegion"], k["ResourceId"]) for k in keys]
        return 200, {"BaseConfigurationItems": items, "UnprocessedResourceIdentifiers": []}
    return error("InvalidAction", f"{op} is not answered by this stand-in aggregator")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.handle_any()

    def do_GET(self):
        self.handle_any()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target") or ""
        op = target.rsplit(".", 1)[-1] if target else urllib.parse.parse_qs(data.decode(errors="replace")).get("Action", ["?"])[0]
        with lock:
            seen[op] += 1
        mine = answer(op, json.loads(data or b"{}")) if target.startswith("StarlingDoveService.") else None
        if mine is not None:
            status, body = mine
            self.reply(status, json.dumps(body).encode(), [("Content-Type", "application/x-amz-json-1.1")])
            return
        conn = http.client.HTTPConnection(moto.hostname, moto.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(self.command, self.path, body=data, headers=headers)
        r = conn.getresponse()
        payload = r.read()
        skip = ("transfer-encoding", "connection", "content-length", "keep-alive")
        self.reply(r.status, payload, [(k, v) for k, v in r.getheaders() if k.lower() not in skip])
        conn.close()

    def reply(self, status, payload, headers):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)


def stop(*_):
    if counts_file:
        with open(counts_file, "w") as f:
            json.dump(dict(sorted(seen.items())), f, indent=1)
    threading.Thread(target=server.shutdown).start()


signal.signal(signal.SIGTERM, stop)
server.serve_forever()
