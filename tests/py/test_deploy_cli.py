"""`hatoba deploy` against real servers: a moto server with signature and IAM checks on, the
deploy user holding only the least-privilege policy, and the stand-ins for what moto lacks
(ECS finishing or rolling back a rollout) and for GitHub (every request checked against
GitHub's OpenAPI description). One moto and one set of stand-ins serve every scenario; each
scenario deploys to a service of its own.
"""

import json
import re
import subprocess
import time

import pytest

from deploy_world import OTHER_SHA, REPO, SHA, control, deploy, ecs, local_aws, service, statuses


def test_a_repository_base_deploys_reports_pending_then_success_and_aws_ends_on_the_new_revision(world, hatoba):
    run = deploy(world, hatoba, "repo")
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["state"] == "success"
    steps = [s["name"] for s in record["steps"]]
    assert steps == ["pending_status", "find_image", "load_task_definition", "render", "check",
                     "register_task_definition", "update_service", "wait_rollout", "final_status"], steps
    # Each step on the terminal as it ended, and the rollout's progress while it ran.
    for step in steps:
        assert step in run.stderr
    assert "tasks running" in run.stderr
    assert run.stderr.rstrip().endswith(f"success: Deployed 0123456 to stg/repo as web:{record['taskDefinitionArn'].rsplit(':', 1)[1]}")
    # What AWS ends with: a new revision carrying the commit's image, tagged, and the service on it.
    arn = record["taskDefinitionArn"]
    described = ecs(world).describe_task_definition(taskDefinition=arn, include=["TAGS"])
    assert described["taskDefinition"]["containerDefinitions"][0]["image"] == \
        f"{local_aws.ACCOUNT}.dkr.ecr.{local_aws.REGION}.amazonaws.com/shop/web:{SHA}"
    assert {"key": "hatoba:commit", "value": SHA} in described["tags"]
    assert {"key": "hatoba:deployment", "value": record["id"]} in described["tags"]
    assert service(world, "repo")["taskDefinition"] == arn
    # pending, then success, on the commit, each fitting GitHub's description.
    sent = statuses(world, context="hatoba/repo")
    assert [s["state"] for s in sent] == ["pending", "success"]
    assert sent[0]["description"] == "Deploying 0123456 to stg/repo"
    assert sent[1]["target_url"] == f"https://hatoba.example.com/#/deployments/{record['id']}"
    # Every AWS call's request id is on its step.
    assert all(s.get("requestIds") for s in record["steps"] if s["name"] in ("find_image", "register_task_definition"))


@pytest.mark.parametrize("name", ["s3", "current"])
def test_s3_and_current_bases_deploy_the_commits_image(world, hatoba, name):
    run = deploy(world, hatoba, name)
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    image = ecs(world).describe_task_definition(taskDefinition=record["taskDefinitionArn"])["taskDefinition"]["containerDefinitions"][0]["image"]
    assert image.endswith(f"shop/web:{SHA}")
    assert service(world, name)["taskDefinition"] == record["taskDefinitionArn"]
    assert [s["state"] for s in statuses(world, context=f"hatoba/{name}")] == ["pending", "success"]


def test_the_circuit_breakers_rollback_fails_the_deploy_and_the_commit(world, hatoba):
    before = service(world, "rollback")["taskDefinition"]
    run = deploy(world, hatoba, "rollback")
    assert run.returncode == 1, run.stderr
    record = json.loads(run.stdout)
    assert record["state"] == "failure"
    assert record["description"] == f"Rolled back by the circuit breaker: tasks failed to start (back on {before.rsplit('/', 1)[1]})"
    assert service(world, "rollback")["taskDefinition"] == before
    sent = statuses(world, context="hatoba/rollback")
    assert [s["state"] for s in sent] == ["pending", "failure"]
    assert sent[1]["description"] == record["description"]


def test_a_rollout_that_never_ends_is_an_error_after_rollout_wait_seconds(world, hatoba):
    started = time.monotonic()
    run = deploy(world, hatoba, "stall")
    assert run.returncode == 1, run.stderr
    record = json.loads(run.stdout)
    assert (record["state"], record["description"]) == ("error", "Still rolling out after 4 s: 1/2 tasks running")
    assert time.monotonic() - started >= 4
    assert [s["state"] for s in statuses(world, context="hatoba/stall")] == ["pending", "error"]


def test_an_image_that_never_appears_is_an_error_and_nothing_is_registered(world, hatoba):
    families_before = ecs(world).list_task_definitions()["taskDefinitionArns"]
    run = deploy(world, hatoba, "noimage", sha=OTHER_SHA)
    assert run.returncode == 1, run.stderr
    record = json.loads(run.stdout)
    assert record["description"] == f"Image shop/web:{OTHER_SHA} not found in ECR after 2 s"
    assert "waiting for shop/web:" in run.stderr
    assert ecs(world).list_task_definitions()["taskDefinitionArns"] == families_before


def test_a_task_definition_that_breaks_a_rule_stops_before_aws_sees_it(world, hatoba):
    families_before = ecs(world).list_task_definitions()["taskDefinitionArns"]
    run = deploy(world, hatoba, "broken")
    assert run.returncode == 1, run.stderr
    record = json.loads(run.stdout)
    assert record["state"] == "failure"
    assert record["description"].startswith("Task definition breaks fargate-cpu-memory: memory: "), record["description"]
    assert ecs(world).list_task_definitions()["taskDefinitionArns"] == families_before
    assert [s["state"] for s in statuses(world, context="hatoba/broken")] == ["pending", "failure"]


def test_no_wait_stops_after_update_service_and_no_token_sends_no_status(world, hatoba):
    run = deploy(world, hatoba, "nowait", "--no-wait", github=False)
    # The base is read from the repository, which needs GitHub: said, and nothing registered.
    assert run.returncode == 1
    assert "set GITHUB_TOKEN" in json.loads(run.stdout)["description"]
    run = deploy(world, hatoba, "s3", "--no-wait", github=False)
    assert run.returncode == 0, run.stderr
    assert "GITHUB_TOKEN is not set" in run.stderr
    assert "not following the rollout" in run.stderr
    record = json.loads(run.stdout)
    assert record["next"] == "wait_rollout"
    assert record["steps"][0]["detail"] == "no GitHub token: no status sent"


def test_redeploying_an_earlier_revision_rolls_the_service_back(world, hatoba):
    first = json.loads(deploy(world, hatoba, "redeploy").stdout)
    assert first["state"] == "success"
    previous = first["previousTaskDefinitionArn"]
    run = deploy(world, hatoba, "redeploy", "--task-definition", previous)
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert [s["name"] for s in record["steps"]] == ["pending_status", "update_service", "wait_rollout", "final_status"]
    assert service(world, "redeploy")["taskDefinition"] == previous


def test_a_revision_of_another_family_is_refused_before_the_service_is_updated(world, hatoba):
    admin = local_aws.client("ecs", world["urls"]["aws"], world["admin"])
    other = admin.register_task_definition(**local_aws.task_definition("other-team-admin"))["taskDefinition"]
    before = service(world, "redeploy")["taskDefinition"]
    run = deploy(world, hatoba, "redeploy", "--task-definition", other["taskDefinitionArn"])
    assert run.returncode == 1, run.stderr
    record = json.loads(run.stdout)
    why = (f"other-team-admin:{other['revision']} is of family other-team-admin: target redeploy redeploys only "
           "revisions of web, the family its service stg/redeploy runs")
    assert (record["state"], record["description"]) == ("failure", why)
    assert [s["name"] for s in record["steps"]] == ["pending_status", "update_service", "final_status"]
    assert service(world, "redeploy")["taskDefinition"] == before
    assert statuses(world, context="hatoba/redeploy")[-1]["state"] == "failure"
    # What the configuration alone refuses is a usage error, before any AWS call.
    run = deploy(world, hatoba, "redeploy", "--task-definition", "web:latest")
    assert run.returncode == 2
    assert run.stderr.startswith('hatoba deploy: --task-definition "web:latest" has revision "latest"'), run.stderr


def test_what_the_policy_does_not_allow_is_denied_and_named(world, hatoba):
    # s3:GetObject is granted on one object only: another one is denied by moto's IAM.
    run = deploy(world, hatoba, "denied")
    assert run.returncode == 1, run.stderr
    record = json.loads(run.stdout)
    assert record["state"] == "error"
    assert record["description"].startswith("load_task_definition: S3 GetObject: AccessDenied"), record["description"]
    # A wrong secret is refused by the signature check before anything runs.
    env_world = dict(world, deployer={"aws_access_key_id": world["deployer"]["aws_access_key_id"], "aws_secret_access_key": "fake-wrong"})
    run = deploy(env_world, hatoba, "s3", github=False)
    assert run.returncode == 1
    assert "find_image: ECR DescribeImages: " in json.loads(run.stdout)["description"]


def test_usage_and_configuration_errors_exit_2(world, hatoba, tmp_path):
    run = deploy(world, hatoba, "nope")
    assert run.returncode == 2 and 'no target named "nope"' in run.stderr
    run = deploy(world, hatoba, "repo", sha="main")
    assert run.returncode == 2 and "is not a commit sha" in run.stderr
    bad = tmp_path / "wrangler.toml"
    bad.write_text(world["config"].read_text().replace('cluster = "stg"\n', "", 1))
    run = subprocess.run([str(hatoba), "config", "check", "--config", str(bad)], capture_output=True, text=True)
    assert run.returncode == 1
    assert f"{bad}: HATOBA_TARGETS[0].cluster: missing" in run.stdout
    # A pre-deploy task's bad fields are named with their path in the inline table.
    bad.write_text(world["config"].read_text().replace(
        'timeoutSeconds = 60 }', 'timeoutSeconds = 0 }').replace('command = ["bin/migrate", "--all"]', 'command = "bin/migrate"'))
    run = subprocess.run([str(hatoba), "config", "check", "--config", str(bad)], capture_output=True, text=True)
    assert run.returncode == 1
    pre = next(i for i, name in enumerate(re.findall(r'^name = "(.*)"$', bad.read_text(), re.M)[1:]) if name == "proof-pre")
    assert f'{bad}: HATOBA_TARGETS[{pre}].preDeploy.command: "bin/migrate" is not a command' in run.stdout, run.stdout
    assert f"{bad}: HATOBA_TARGETS[{pre}].preDeploy.timeoutSeconds: 0 is not a whole number of seconds from 1 to 86400" in run.stdout
