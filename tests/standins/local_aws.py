"""A local AWS for deploys: a moto server with signature and IAM checks on, seeded with what a
deploy target needs, and the stand-ins of server.py in front of it.

Used by the deploy tests (tests/py/test_deploy_cli.py), the benchmark and ``scripts/run``'s
demo. Run as a program it starts everything, seeds the demo target of worker/wrangler.toml and
prints one JSON line with the URLs and the deploy user's (fake, local) credentials.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
REGION = "us-east-1"
ADMIN = {"aws_access_key_id": "AKIDFAKEADMIN", "aws_secret_access_key": "fake-admin-secret"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def moto_bin():
    explicit = os.environ.get("MOTO_SERVER_BIN")
    if explicit:
        return explicit
    return str(Path(sys.executable).parent / "moto_server")


def wait_for(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def start_moto(port=None):
    port = port or free_port()
    process = subprocess.Popen([moto_bin(), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/moto-api/")
    return process, url


def start_standins(moto_url, aws_port=0, github_port=0):
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/standins/server.py"), "--moto", moto_url,
         "--aws-port", str(aws_port), "--github-port", str(github_port)],
        stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line:
        raise RuntimeError("the stand-ins did not start")
    return process, json.loads(line)


def client(service, url, credentials=None):
    return boto3.client(service, endpoint_url=url, region_name=REGION, **(credentials or ADMIN))


def deploy_policy(bucket, key, roles):
    """What a deploy needs and nothing more. moto checks ECS, ECR and CloudWatch Logs
    permissions against resource "*" only, so those statements name "*" here; S3 and PassRole
    name their ARNs."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "FindTheImage", "Effect": "Allow", "Action": ["ecr:DescribeImages", "ecr:BatchGetImage"], "Resource": "*"},
        {"Sid": "RegisterAndDeploy", "Effect": "Allow", "Resource": "*", "Action": [
            "ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:DescribeTaskDefinition",
            "ecs:DescribeServices", "ecs:UpdateService", "ecs:RunTask", "ecs:StopTask"]},
        {"Sid": "ReadWhyTasksStoppedAndActOnTheDeployments", "Effect": "Allow", "Resource": "*", "Action": [
            "ecs:ListTasks", "ecs:DescribeTasks", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments",
            "ecs:StopServiceDeployment", "ecs:ContinueServiceDeployment"]},
        {"Sid": "ReadTheTasksLogStreams", "Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "*"},
        {"Sid": "PassTheTaskRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": roles,
         "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
        {"Sid": "ReadTheBase", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{key}"},
    ]}


def task_definition(family="web", image="placeholder", container="web"):
    return {"family": family, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
            "cpu": "256", "memory": "512",
            "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/{family}-exec",
            "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/{family}-task",
            "containerDefinitions": [{"name": container, "image": image, "essential": True,
                                      "portMappings": [{"containerPort": 8080}],
                                      "logConfiguration": {"logDriver": "awslogs", "options": {
                                          "awslogs-group": f"/ecs/{family}", "awslogs-region": REGION,
                                          "awslogs-stream-prefix": "ecs"}}}]}


def create_user(iam, name, policy):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def seed(moto_url, cluster, services, repository, shas, bucket="hatoba-config", key="deploy/web.json", family="web",
         fargate=()):
    """Seeds moto (checks still off) and turns checks on. Returns the deploy user's, an
    auditor's (read-only, for tests to look with) and an administrator's credentials. The
    services named in ``fargate`` run on Fargate in a VPC (where a task RunTask starts can run
    without container instances); the others as moto creates them."""
    iam = client("iam", moto_url)
    roles = []
    for suffix in ("exec", "task"):
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        roles.append(iam.create_role(RoleName=f"{family}-{suffix}", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])
    deployer = create_user(iam, "deployer", deploy_policy(bucket, key, roles))
    # The tests' own administrator, for setting up principals after checks are on.
    admin = create_user(iam, "admin", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    auditor = create_user(iam, "auditor", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
        "ecs:Describe*", "ecs:List*", "ecr:Describe*", "ecr:List*", "ecr:PutImage", "iam:Get*"]}]})
    ecs = client("ecs", moto_url)
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(**task_definition(family, f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repository}:previous"))
    where = {}
    if fargate:
        # Where the Fargate services run their tasks: moto checks the subnet and group exist.
        ec2 = client("ec2", moto_url)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(VpcId=vpc, GroupName="web", Description="web")["GroupId"]
        where = {"launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}}}
    for service in services:
        ecs.create_service(cluster=cluster, serviceName=service, taskDefinition=f"{family}:1", desiredCount=2,
                           deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
                           **(where if service in fargate else {}))
    ecr = client("ecr", moto_url)
    ecr.create_repository(repositoryName=repository)
    for sha in shas:
        push_image(ecr, repository, sha)
    s3 = client("s3", moto_url)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(task_definition(family)).encode())
    # From here on every request is authenticated and authorized.
    request = urllib.request.Request(moto_url + "/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"content-type": "application/octet-stream"})
    answer = urllib.request.urlopen(request).read().decode()
    assert '"status": "ok"' in answer, answer
    return deployer, auditor, admin


def push_image(ecr, repository, tag):
    """An image in ECR tagged ``tag``, as a build would push it (its manifest only)."""
    config = "sha256:" + (tag * 64)[:64] if all(c in "0123456789abcdef" for c in tag) else "sha256:" + "b" * 64
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023, "digest": config},
                "layers": []}
    ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)


def tell_admin(aws_url, admin):
    """Gives the rollout stand-in the administrator's credentials: it writes the log lines of the
    containers its rollouts stop into moto's CloudWatch Logs with them."""
    body = json.dumps(admin).encode()
    urllib.request.urlopen(urllib.request.Request(aws_url + "/_standin/admin", data=body, method="POST")).read()


def put_file(github_url, repository, ref, path, content):
    body = json.dumps({"repository": repository, "ref": ref, "path": path, "content": content}).encode()
    urllib.request.urlopen(urllib.request.Request(github_url + "/_standin/files", data=body, method="PUT")).read()


DEMO_SHA = "0d3e5c8a9b1f2e4d6c7a8b9c0d1e2f3a4b5c6d7e"
# Two more commits of the demo, whose rollouts the stand-in fails: the container of the first
# exits 1 after logging that DATABASE_URL is not set; the image of the second cannot be pulled.
DEMO_CRASH_SHA = "c4a5b1e0d2f3a6b7c8d9e0f1a2b3c4d5e6f7a8b9"
DEMO_PULL_SHA = "9f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"
DEMO = {"cluster": "demo", "services": ["web"], "repository": "demo/web", "shas": [DEMO_SHA, DEMO_CRASH_SHA, DEMO_PULL_SHA],
        "files": [{"repository": "hatoba-demo/shop", "ref": sha, "path": ".aws/task-definition.json",
                   "content": json.dumps(task_definition("web"), indent=2)} for sha in (DEMO_SHA, DEMO_CRASH_SHA, DEMO_PULL_SHA)],
        "rollouts": [{"service": "web", "image": DEMO_CRASH_SHA, "ending": "crash"},
                     {"service": "web", "image": DEMO_PULL_SHA, "ending": "pull"}]}


def serve(spec, moto_port=0, aws_port=0, github_port=0):
    """Starts moto and the stand-ins, seeds them as ``spec`` says ({cluster, services, repository,
    shas, files: [{repository, ref, path, content}], rollouts: [settings of POST /_standin/rollout],
    fargate: [services on Fargate], tasks: [settings of POST /_standin/task]}),
    prints one JSON line (the URLs, the deploy user's, the auditor's and the administrator's fake
    credentials) and
    keeps them up until SIGTERM or SIGINT."""
    moto, moto_url = start_moto(moto_port or None)
    standins, urls = start_standins(moto_url, aws_port, github_port)
    deployer, auditor, admin = seed(moto_url, spec["cluster"], spec["services"], spec["repository"], spec["shas"],
                                    fargate=spec.get("fargate", ()))
    tell_admin(urls["aws"], admin)
    for f in spec.get("files", []):
        put_file(urls["github"], f["repository"], f["ref"], f["path"], f["content"])
    for r in spec.get("rollouts", []):
        body = json.dumps({"cluster": spec["cluster"], **r}).encode()
        urllib.request.urlopen(urllib.request.Request(urls["aws"] + "/_standin/rollout", data=body, method="POST")).read()
    for t in spec.get("tasks", []):
        body = json.dumps({"cluster": spec["cluster"], **t}).encode()
        urllib.request.urlopen(urllib.request.Request(urls["aws"] + "/_standin/task", data=body, method="POST")).read()
    print(json.dumps({"moto": moto_url, **urls,
                      "AWS_ACCESS_KEY_ID": deployer["aws_access_key_id"],
                      "AWS_SECRET_ACCESS_KEY": deployer["aws_secret_access_key"],
                      "auditor": auditor, "admin": admin}), flush=True)

    def stop(*_):
        for p in (standins, moto):
            p.terminate()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while moto.poll() is None and standins.poll() is None:
        time.sleep(0.5)
    stop()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Start a seeded local AWS and GitHub stand-in.")
    parser.add_argument("--spec", help="what to seed, as JSON (default: the demo target of worker/wrangler.toml)")
    parser.add_argument("--moto-port", type=int, default=0)
    parser.add_argument("--aws-port", type=int, default=0)
    parser.add_argument("--github-port", type=int, default=0)
    args = parser.parse_args()
    serve(json.loads(args.spec) if args.spec else DEMO, args.moto_port, args.aws_port, args.github_port)
