"""The world the deploy tests share: one moto server with signature and IAM checks on, one set
of stand-ins (ECS rollouts, GitHub), the targets of every scenario in one wrangler.toml, and the
helpers to deploy and to look at what AWS and GitHub ended with. Each scenario deploys to a
service of its own."""
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/standins"))
import local_aws  # noqa: E402

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER_SHA = "89abcdef0123456789abcdef0123456789abcdef"
REPO = "octo/shop"
SERVICES = ["repo", "s3", "current", "rollback", "stall", "noimage", "broken", "nowait", "redeploy", "denied",
            "proof-repo", "proof-s3", "proof-current", "proof-role", "proof-pre"]
# The services that run a pre-deploy task: on Fargate, as RunTask in moto needs.
FARGATE = ["proof-pre"]
# What the pre-deploy task runs, as the target writes it.
PRE_DEPLOY = '{ container = "web", command = ["bin/migrate", "--all"], timeoutSeconds = 60 }'


def target(name, service, base, **extra):
    lines = [f'name = "{name}"', f'repository = "{REPO}"', 'branch = "main"', f'region = "{local_aws.REGION}"',
             'cluster = "stg"', f'service = "{service}"', 'container = "web"', 'ecrRepository = "shop/web"',
             f'taskDefinition = "{base}"', "pollSeconds = 1"]
    lines += [f"{k} = {v if k == 'preDeploy' else json.dumps(v)}" for k, v in extra.items()]
    return "[[vars.HATOBA_TARGETS]]\n" + "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    moto, moto_url = local_aws.start_moto()
    standins, urls = local_aws.start_standins(moto_url)
    try:
        deployer, auditor, admin = local_aws.seed(moto_url, "stg", SERVICES, "shop/web", [SHA], fargate=FARGATE)
        base = json.dumps(local_aws.task_definition("web"))
        local_aws.put_file(urls["github"], REPO, SHA, ".aws/task-definition.json", base)
        broken = local_aws.task_definition("web")
        broken["memory"] = "300"
        local_aws.put_file(urls["github"], REPO, SHA, ".aws/broken.json", json.dumps(broken))
        # moto runs a task only when its containers say how much memory they want.
        runnable = local_aws.task_definition("web")
        runnable["containerDefinitions"][0]["memoryReservation"] = 256
        local_aws.put_file(urls["github"], REPO, SHA, ".aws/runnable.json", json.dumps(runnable))
        config = tmp_path_factory.mktemp("config") / "wrangler.toml"
        config.write_text('name = "hatoba"\n[vars]\n' + "".join([
            target("repo", "repo", ".aws/task-definition.json"),
            target("s3", "s3", "s3://hatoba-config/deploy/web.json"),
            target("current", "current", "current"),
            target("rollback", "rollback", ".aws/task-definition.json"),
            target("stall", "stall", ".aws/task-definition.json", rolloutWaitSeconds=4),
            target("noimage", "noimage", ".aws/task-definition.json", imageWaitSeconds=2),
            target("broken", "broken", ".aws/broken.json"),
            target("nowait", "nowait", ".aws/task-definition.json"),
            target("redeploy", "redeploy", "current"),
            target("denied", "denied", "s3://hatoba-config/other.json"),
            target("proof-repo", "proof-repo", ".aws/task-definition.json"),
            target("proof-s3", "proof-s3", "s3://hatoba-config/deploy/web.json"),
            target("proof-current", "proof-current", "current"),
            target("proof-role", "proof-role", "s3://hatoba-config/deploy/web.json"),
            target("proof-pre", "proof-pre", ".aws/runnable.json", preDeploy=PRE_DEPLOY),
        ]))
        control(urls["aws"], "/_standin/rollout", {"cluster": "stg", "service": "rollback", "ending": "rollback", "polls": 2})
        control(urls["aws"], "/_standin/rollout", {"cluster": "stg", "service": "stall", "ending": "stall"})
        control(urls["aws"], "/_standin/task", {"cluster": "stg", "startedBy": "hatoba/proof-pre/"})
        yield {"urls": urls, "moto": moto_url, "deployer": deployer, "auditor": auditor, "admin": admin,
               "config": config}
    finally:
        standins.terminate()
        moto.terminate()


def control(base, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method="POST" if data else "GET")
    return json.loads(urllib.request.urlopen(request).read())


def deploy(world, hatoba, target, *args, github=True, sha=SHA, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GITHUB_"))}
    env.update(AWS_ACCESS_KEY_ID=world["deployer"]["aws_access_key_id"],
               AWS_SECRET_ACCESS_KEY=world["deployer"]["aws_secret_access_key"],
               AWS_ENDPOINT_URL=world["urls"]["aws"], HATOBA_PUBLIC_URL="https://hatoba.example.com")
    if github:
        env.update(GITHUB_TOKEN="ghp_fake-token-for-tests", GITHUB_API_URL=world["urls"]["github"])
    env.update(env_extra or {})
    return subprocess.run([str(hatoba), "deploy", "--target", target, "--sha", sha, "--config", str(world["config"]),
                           "--format", "json", *args], env=env, capture_output=True, text=True, timeout=120)


def statuses(world, sha=SHA, context=None):
    """The commit statuses GitHub received, each checked against GitHub's description."""
    out = []
    for r in control(world["urls"]["github"], "/_standin/requests"):
        assert r["problems"] == [], r
        if r["method"] == "POST" and r["path"] == f"/repos/{REPO}/statuses/{sha}":
            if context is None or r["body"]["context"] == context:
                out.append(r["body"])
    return out


def ecs(world):
    return local_aws.client("ecs", world["urls"]["aws"], world["auditor"])


def service(world, name):
    return ecs(world).describe_services(cluster="stg", services=[name])["services"][0]
