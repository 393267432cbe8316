"""The rollout stand-in against botocore: its answers fit the ECS model's output shapes, the
service-deployment operations moto lacks still pass moto's signature and IAM checks first, and
the stand-in's own shape check finds what does not fit. A world of its own (one moto, one set of
stand-ins), driven with boto3 as the deploy user, so botocore parses every answer."""
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/standins"))
import local_aws  # noqa: E402
import rollouts  # noqa: E402

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:abc123"


@pytest.fixture(scope="module")
def aws():
    moto, moto_url = local_aws.start_moto()
    standins, urls = local_aws.start_standins(moto_url)
    try:
        deployer, auditor, admin = local_aws.seed(moto_url, "stg", ["crash", "bg", "denied", "pre"], "shop/web", [],
                                                  fargate=["pre"])
        local_aws.tell_admin(urls["aws"], admin)
        for body in ({"startedBy": "hatoba/ok/"}, {"startedBy": "hatoba/bad/", "exitCode": 3, "polls": 1,
                                                    "logs": ["Applying migration 0042", "migration 0042 failed"]},
                     {"startedBy": "hatoba/pull/", "ending": "pull"}, {"startedBy": "hatoba/slow/", "ending": "never"}):
            control(urls["aws"], "/_standin/task", {"cluster": "stg", **body})
        for body in ({"service": "crash", "ending": "crash", "polls": 3},
                     {"service": "bg", "strategy": "LINEAR", "pause": "TEST_TRAFFIC_SHIFT", "bakeMinutes": 2},
                     {"service": "denied", "serviceDeployments": "denied"}):
            control(urls["aws"], "/_standin/rollout", {"cluster": "stg", **body})
        ecs = local_aws.client("ecs", urls["aws"], deployer)
        arn = ecs.register_task_definition(**local_aws.task_definition("web", IMAGE))["taskDefinition"]["taskDefinitionArn"]
        # moto runs a task only when its containers say how much memory they want.
        runnable = local_aws.task_definition("web", IMAGE)
        runnable["containerDefinitions"][0]["memoryReservation"] = 256
        runnable_arn = ecs.register_task_definition(**runnable)["taskDefinition"]["taskDefinitionArn"]
        yield {"urls": urls, "moto": moto_url, "ecs": ecs, "arn": arn, "runnable": runnable_arn, "deployer": deployer,
               "admin": admin}
    finally:
        standins.terminate()
        moto.terminate()


def control(base, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method="POST" if data else "GET")
    return json.loads(urllib.request.urlopen(request).read())


def aws_log(aws):
    return control(aws["urls"]["aws"], "/_standin/aws-log")


def test_a_crashing_rollout_as_ecs_shows_it_every_answer_fitting_botocore(aws):
    ecs = aws["ecs"]
    ecs.update_service(cluster="stg", service="crash", taskDefinition=aws["arn"])
    ours = None
    for _ in range(2):
        service = ecs.describe_services(cluster="stg", services=["crash"])["services"][0]
        ours = ours or service["deployments"][0]["id"]
    arns = ecs.list_tasks(cluster="stg", startedBy=ours, desiredStatus="STOPPED")["taskArns"]
    assert len(arns) == 2
    described = ecs.describe_tasks(cluster="stg", tasks=arns)
    assert described["failures"] == []
    task = described["tasks"][0]
    assert (task["stopCode"], task["containers"][0]["exitCode"]) == ("EssentialContainerExited", 1)
    logs = local_aws.client("logs", aws["urls"]["aws"], aws["deployer"])
    stream = "ecs/web/" + task["taskArn"].rsplit("/", 1)[1]
    lines = [e["message"] for e in logs.get_log_events(logGroupName="/ecs/web", logStreamName=stream, limit=20,
                                                        startFromHead=False)["events"]]
    assert lines[-1] == "DATABASE_URL is not set"
    [brief] = ecs.list_service_deployments(cluster="stg", service="crash")["serviceDeployments"]
    arn = brief["serviceDeploymentArn"]
    ecs.describe_services(cluster="stg", services=["crash"])  # the third poll: the circuit breaker
    [sd] = ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"]
    assert sd["status"] == "ROLLBACK_SUCCESSFUL"
    assert sd["deploymentCircuitBreaker"] == {"status": "TRIGGERED", "failureCount": 3, "threshold": 3}
    service = ecs.describe_services(cluster="stg", services=["crash"])["services"][0]
    assert service["taskDefinition"].endswith("/web:1")
    assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED", "FAILED"]
    with pytest.raises(ClientError) as stop:
        ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    assert stop.value.response["Error"]["Code"] == "ConflictException"
    log = aws_log(aws)
    assert [e["problems"] for e in log if e.get("problems")] == []
    assert {e["operation"] for e in log if "problems" in e} >= {"DescribeServices", "DescribeTasks", "ListServiceDeployments",
                                                               "DescribeServiceDeployments"}


def test_a_linear_rollout_pauses_at_its_hook_and_goes_on_when_continued(aws):
    ecs = aws["ecs"]
    ecs.update_service(cluster="stg", service="bg", taskDefinition=aws["arn"])
    stages = []
    for _ in range(6):
        ecs.describe_services(cluster="stg", services=["bg"])
        arn = ecs.list_service_deployments(cluster="stg", service="bg")["serviceDeployments"][0]["serviceDeploymentArn"]
        sd = ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]
        stages.append(sd["lifecycleStage"])
    assert stages == ["RECONCILE_SERVICE", "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "TEST_TRAFFIC_SHIFT"]
    [hook] = sd["lifecycleHookDetails"]
    assert (hook["targetType"], hook["status"], hook["timeoutAction"]) == ("PAUSE", "AWAITING_ACTION", "ROLLBACK")
    assert sd["deploymentConfiguration"]["strategy"] == "LINEAR"
    with pytest.raises(ClientError):
        ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId="0" * 32, action="CONTINUE")
    ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook["hookId"], action="CONTINUE")
    seen = []
    for _ in range(8):
        ecs.describe_services(cluster="stg", services=["bg"])
        sd = ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]
        seen.append((sd["status"], sd["lifecycleStage"]))
    assert seen[0] == ("IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT")
    assert ("IN_PROGRESS", "BAKE_TIME") in seen
    assert seen[-1] == ("SUCCESSFUL", "CLEAN_UP")
    assert [e["problems"] for e in aws_log(aws) if e.get("problems")] == []


def test_a_task_run_task_starts_stops_as_its_settings_say_every_answer_fitting_botocore(aws):
    ecs = aws["ecs"]
    service = ecs.describe_services(cluster="stg", services=["pre"])["services"][0]
    assert service["launchType"] == "FARGATE"

    def run(started_by):
        return ecs.run_task(cluster="stg", taskDefinition=aws["runnable"], count=1, startedBy=started_by, launchType="FARGATE",
                            networkConfiguration=service["networkConfiguration"],
                            overrides={"containerOverrides": [{"name": "web", "command": ["bin/migrate"]}]})["tasks"][0]["taskArn"]

    def describe(arn):
        return ecs.describe_tasks(cluster="stg", tasks=[arn])["tasks"][0]

    def listed(started_by, status="RUNNING"):
        return ecs.list_tasks(cluster="stg", startedBy=started_by, desiredStatus=status)["taskArns"]

    ok, bad, pull, slow = (run(f"hatoba/{name}/1795766400000/abc1234") for name in ("ok", "bad", "pull", "slow"))
    # Running at the first look, stopped with exit 0 at the second (polls 2, the default).
    assert describe(ok)["lastStatus"] != "STOPPED"
    assert listed("hatoba/ok/1795766400000/abc1234") == [ok]
    done = describe(ok)
    assert (done["lastStatus"], done["stopCode"], done["containers"][0]["exitCode"]) == ("STOPPED", "EssentialContainerExited", 0)
    assert listed("hatoba/ok/1795766400000/abc1234") == []
    assert listed("hatoba/ok/1795766400000/abc1234", "STOPPED") == [ok]
    assert describe(ok)["stoppedAt"] == done["stoppedAt"]
    # Exit 3 at the first look, its lines in moto's CloudWatch Logs under the awslogs stream.
    failed = describe(bad)
    assert (failed["lastStatus"], failed["containers"][0]["exitCode"]) == ("STOPPED", 3)
    logs = local_aws.client("logs", aws["urls"]["aws"], aws["deployer"])
    stream = "ecs/web/" + bad.rsplit("/", 1)[1]
    lines = [e["message"] for e in logs.get_log_events(logGroupName="/ecs/web", logStreamName=stream)["events"]]
    assert lines == ["Applying migration 0042", "migration 0042 failed"]
    # The image cannot be pulled: no exit code, ECS's reason.
    describe(pull)
    pulled = describe(pull)
    assert pulled["stopCode"] == "TaskFailedToStart"
    assert pulled["stoppedReason"].startswith("CannotPullContainerError: ")
    assert "exitCode" not in pulled["containers"][0]
    # Never ends until StopTask, which moto answers itself.
    for _ in range(3):
        assert describe(slow)["lastStatus"] != "STOPPED"
    assert listed("hatoba/slow/1795766400000/abc1234") == [slow]
    ecs.stop_task(cluster="stg", task=slow, reason="Hatoba: the pre-deploy task timed out")
    stopped = describe(slow)
    assert (stopped["lastStatus"], stopped["stopCode"], stopped["stoppedReason"]) == (
        "STOPPED", "UserInitiated", "Hatoba: the pre-deploy task timed out")
    assert listed("hatoba/slow/1795766400000/abc1234", "STOPPED") == [slow]
    log = aws_log(aws)
    assert [e["problems"] for e in log if e.get("problems")] == []
    assert [e["request"]["startedBy"] for e in log if e["operation"] == "RunTask"][:4] == [
        f"hatoba/{name}/1795766400000/abc1234" for name in ("ok", "bad", "pull", "slow")]
    with pytest.raises(urllib.error.HTTPError) as wrong:
        control(aws["urls"]["aws"], "/_standin/task", {"cluster": "stg", "ending": "crash"})
    assert wrong.value.code == 400


def test_service_deployments_denied_by_a_setting_and_by_iam(aws):
    ecs = aws["ecs"]
    with pytest.raises(ClientError) as denied:
        ecs.list_service_deployments(cluster="stg", service="denied")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    # A user without the right is refused by moto's IAM before the stand-in is asked.
    iam = local_aws.client("iam", aws["moto"], aws["admin"])
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeServices", "Resource": "*"}]}
    other = local_aws.client("ecs", aws["urls"]["aws"], local_aws.create_user(iam, "looker", policy))
    with pytest.raises(ClientError) as refused:
        other.list_service_deployments(cluster="stg", service="crash")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    last = aws_log(aws)[-1]
    assert (last["operation"], last["status"], last.get("answeredBy")) == ("ListServiceDeployments", 403, None)


def test_the_stand_ins_requests_are_checked_against_botocore(aws):
    url = aws["urls"]["aws"]
    with pytest.raises(urllib.error.HTTPError) as wrong:
        control(url, "/_standin/rollout", {"service": "x", "strategy": "ROLLING", "pause": "SCALE_UP"})
    assert wrong.value.code == 400
    assert rollouts.input_problems("ListServiceDeployments", {"cluster": "stg", "services": "crash"}) == [
        "request.service: required", "request.services: ListServiceDeploymentsRequest has no such member"]
    assert rollouts.output_problems("DescribeServiceDeployments", {"serviceDeployments": [{"status": "DONE", "createdAt": "x"}]}) == [
        "answer.serviceDeployments[0].status: 'DONE' is not one of ['PENDING', 'SUCCESSFUL', 'STOPPED', 'STOP_REQUESTED', "
        "'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']",
        "answer.serviceDeployments[0].createdAt: not a number"]
