"""Differential test: `hatoba aws sign` against botocore's SigV4 signers on generated requests.

Requests are generated from a fixed seed: ECS and ECR JSON POSTs with X-Amz-Target, STS query
POSTs, and S3 GETs whose keys hold spaces, unicode, '+', '=' and whose query strings have
repeated and empty values, with and without session tokens, at random times. botocore's
SigV4Auth / S3SigV4Auth sign each one at the same time; every Authorization header must match.
"""
import json
import random
import subprocess
import types
from datetime import datetime, timezone
from unittest import mock
from urllib.parse import quote

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

COUNT = 1200
REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1", "sa-east-1", "us-gov-west-1"]
ECS_TARGETS = [
    "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition",
    "AmazonEC2ContainerServiceV20141113.UpdateService",
    "AmazonEC2ContainerServiceV20141113.DescribeServices",
]
ECR_TARGETS = [
    "AmazonEC2ContainerRegistry_V20150921.DescribeImages",
    "AmazonEC2ContainerRegistry_V20150921.BatchGetImage",
]
KEY_PIECES = ["app", "my file", "ünïcødé", "a+b", "x=y", "~tilde", "100%", "dir/", "日本", "semi;colon", "q?"]


def aws_quote(text: str, safe: str) -> str:
    return quote(text, safe=safe)


def fake_credentials(rng: random.Random) -> dict:
    creds = {
        "access_key": "AKIDFAKE" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(12)),
        "secret_key": "fake/" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(35)),
    }
    if rng.random() < 0.4:
        creds["session_token"] = "FAKE-TOKEN/" + "".join(rng.choice("abcdefABCDEF0123456789+/=") for _ in range(60))
    return creds


def generate(rng: random.Random) -> dict:
    region = rng.choice(REGIONS)
    when = datetime.fromtimestamp(rng.randint(1_300_000_000, 2_100_000_000), tz=timezone.utc)
    base = {"region": region, "amz_date": when.strftime("%Y%m%dT%H%M%SZ"), **fake_credentials(rng)}
    kind = rng.choice(["ecs", "ecr", "sts", "s3", "s3"])
    if kind in ("ecs", "ecr"):
        target = rng.choice(ECS_TARGETS if kind == "ecs" else ECR_TARGETS)
        body = json.dumps({"family": "web-" + str(rng.randint(0, 999)), "note": rng.choice(["", "é", "a  b", "x=1&y"])})
        return {**base, "service": kind, "method": "POST", "url": f"https://{kind}.{region}.amazonaws.com/",
                "headers": [["Content-Type", "application/x-amz-json-1.1"], ["X-Amz-Target", target]], "body": body}
    if kind == "sts":
        body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy&RoleSessionName=hatoba"
        return {**base, "service": "sts", "method": "POST", "url": f"https://sts.{region}.amazonaws.com/",
                "headers": [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]], "body": body}
    key = "/".join(rng.choice(KEY_PIECES) for _ in range(rng.randint(1, 3)))
    params = []
    for _ in range(rng.randint(0, 4)):
        name = rng.choice(["prefix", "list-type", "marker", "empty", "x-id", "a b", "ü"])
        value = rng.choice(["", "2", "a b", "c+d", "e=f", "日本", "~x", "/"])
        params.append(aws_quote(name, "-_.~") + ("" if value == "" and rng.random() < 0.3 else "=" + aws_quote(value, "-_.~")))
    if params and rng.random() < 0.3:
        params.append(params[0])  # a repeated pair
    query = "&".join(params)
    url = f"https://hatoba-fixtures.s3.{region}.amazonaws.com/{aws_quote(key, '/~')}" + (f"?{query}" if query else "")
    return {**base, "service": "s3", "method": "GET", "url": url, "headers": [], "body": "",
            "unsigned_payload": rng.random() < 0.5}


def botocore_authorization(req: dict) -> str:
    creds = Credentials(req["access_key"], req["secret_key"], req.get("session_token"))
    request = AWSRequest(method=req["method"], url=req["url"], data=req["body"].encode())
    for name, value in req["headers"]:
        request.headers[name] = value
    if req["service"] == "s3":
        signer = S3SigV4Auth(creds, "s3", req["region"])
        request.context["client_config"] = types.SimpleNamespace(
            s3={"payload_signing_enabled": not req.get("unsigned_payload", False)})
    else:
        signer = SigV4Auth(creds, req["service"], req["region"])
    when = datetime.strptime(req["amz_date"], "%Y%m%dT%H%M%SZ")
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        signer.add_auth(request)
    return request.headers["Authorization"]


def test_hatoba_signs_every_generated_request_as_botocore_does(hatoba):
    rng = random.Random(20150830)
    requests = [generate(rng) for _ in range(COUNT)]
    out = subprocess.run([str(hatoba), "aws", "sign"], input="\n".join(json.dumps(r) for r in requests),
                         capture_output=True, text=True, check=True)
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(results) == COUNT
    mismatches = []
    for req, ours in zip(requests, results):
        expected = botocore_authorization(req)
        if ours.get("authorization") != expected:
            mismatches.append(f"{req['method']} {req['url']}\n  botocore: {expected}\n  hatoba:   {ours}")
    kinds = {s: sum(r["service"] == s for r in requests) for s in ("ecs", "ecr", "sts", "s3")}
    assert not mismatches, f"{len(mismatches)} of {COUNT} differ ({kinds}):\n" + "\n".join(mismatches[:5])
    assert all(kinds.values()), kinds


def test_s3_reports_the_payload_hash_botocore_sends(hatoba):
    req = {"method": "GET", "url": "https://b.s3.us-east-1.amazonaws.com/my%20key", "headers": [], "body": "",
           "region": "us-east-1", "service": "s3", "access_key": "AKIDFAKE", "secret_key": "fake",
           "amz_date": "20150830T123600Z", "unsigned_payload": True}
    out = subprocess.run([str(hatoba), "aws", "sign"], input=json.dumps(req), capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["x_amz_content_sha256"] == "UNSIGNED-PAYLOAD"
    assert json.loads(out.stdout)["authorization"] == botocore_authorization(req)
