"""How ECS shows a rollout, for the rollout stand-in of server.py: its deployments in
``DescribeServices``, its stopped tasks in ``ListTasks``/``DescribeTasks``, its service deployment
(``ListServiceDeployments``, ``DescribeServiceDeployments``, ``StopServiceDeployment``,
``ContinueServiceDeployment``, which moto does not have) and the service's events.

A rollout starts when ``UpdateService`` changes a service's task definition and moves one step at
each ``DescribeServices`` of the service (a *poll*). What it does is set per service with
``POST /_standin/rollout`` (see server.py); every answer built here has the shape botocore's ECS
model gives the operation (``shape_problems`` checks it, and the log of the stand-in keeps what
does not fit).
"""

import itertools
import json
import math
import secrets
import time

import botocore.session

ECS_MODEL = botocore.session.get_session().get_service_model("ecs")

# ECS's lifecycle stages, in the order a blue/green, linear or canary deployment goes through them.
STAGES = ["RECONCILE_SERVICE", "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT",
          "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT",
          "BAKE_TIME", "CLEAN_UP"]
STRATEGIES = ("ROLLING", "BLUE_GREEN", "LINEAR", "CANARY")
FAILING = ("crash", "oom", "pull", "secret", "health")
ENDINGS = ("complete", "rollback", "stall") + FAILING
BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start."
DEFAULT_LOGS = {
    "crash": ["Starting shop-web 2.4.1", "Reading configuration from the environment", "DATABASE_URL is not set"],
    "oom": ["Starting shop-web 2.4.1", "Warming the product cache", "Loaded 1900000 products into memory"],
    "health": ["Starting shop-web 2.4.1", "Listening on :8080", "GET /healthz 503: the database does not answer"],
}

DEPLOYMENT_IDS = itertools.count(7_000_000_000_000_000_001)
REVISION_IDS = itertools.count(3_000_000_000_000_000_001)
REVISIONS = {}  # task definition ARN -> its containerDefinitions, from RegisterTaskDefinition answers
SERVICE_REVISIONS = {}  # (cluster, service, task definition ARN) -> service revision ARN
SETTINGS = {}  # (cluster, service) -> [settings], those naming an image first
ROLLOUTS = {}  # (cluster, service) -> the rollout UpdateService started last
BY_ARN = {}  # service deployment ARN -> Rollout
HISTORY = {}  # (cluster, service) -> [Rollout], oldest first


class Refusal(Exception):
    """An error ECS answers with: HTTP status, ``__type`` and message."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


# ---- shapes ------------------------------------------------------------------------------------

def shape_problems(value, shape, where="answer"):
    """Where ``value`` does not fit botocore's ``shape`` (JSON as the AWS JSON protocol writes it):
    members it does not have, missing required members, wrong types, values outside an enum."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        problems = [f"{where}.{m}: required" for m in shape.required_members if m not in value]
        for key, item in value.items():
            if key not in shape.members:
                problems.append(f"{where}.{key}: {shape.name} has no such member")
            else:
                problems += shape_problems(item, shape.members[key], f"{where}.{key}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for i, item in enumerate(value) for p in shape_problems(item, shape.member, f"{where}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        return [p for k, item in value.items() for p in shape_problems(item, shape.value, f"{where}.{k}")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: not a string"]
        enum = shape.enum
        return [f"{where}: {value!r} is not one of {enum}"] if enum and value not in enum else []
    if kind in ("integer", "long"):
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{where}: not a whole number"]
    if kind in ("double", "float", "timestamp"):
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{where}: not a number"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: not true or false"]
    return []


def input_problems(operation, request):
    return shape_problems(request, ECS_MODEL.operation_model(operation).input_shape, "request")


def output_problems(operation, answer):
    return shape_problems(answer, ECS_MODEL.operation_model(operation).output_shape, "answer")


def part_problems(shape_name, value, where):
    return shape_problems(value, ECS_MODEL.shape_for(shape_name), where)


# ---- settings ----------------------------------------------------------------------------------

def configure(data):
    """Takes the settings of ``POST /_standin/rollout``; raises ValueError when they are wrong."""
    key = (data.get("cluster", "default"), data["service"])
    ending = data.get("ending", "complete")
    if ending not in ENDINGS:
        raise ValueError(f"ending {ending!r} is not one of {ENDINGS}")
    strategy = data.get("strategy", "ROLLING")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy {strategy!r} is not one of {STRATEGIES}")
    pause = data.get("pause")
    if pause is not None and (strategy == "ROLLING" or pause not in STAGES):
        raise ValueError("pause names a lifecycle stage of a BLUE_GREEN, LINEAR or CANARY rollout")
    api = data.get("serviceDeployments", "available")
    if api not in ("available", "denied", "absent"):
        raise ValueError("serviceDeployments is available, denied or absent")
    default_polls = 8 if ending in FAILING else 2
    settings = {
        "image": data.get("image"), "ending": ending, "polls": int(data.get("polls", default_polls)),
        "strategy": strategy, "stagePolls": int(data.get("stagePolls", 1)),
        "bakeMinutes": data.get("bakeMinutes"), "pause": pause, "pauseMinutes": int(data.get("pauseMinutes", 60)),
        "serviceDeployments": api, "container": data.get("container"),
        "exitCode": int(data.get("exitCode", 137 if ending == "oom" else 1)),
        "logs": list(data.get("logs", DEFAULT_LOGS.get(ending, []))),
    }
    kept = [s for s in SETTINGS.get(key, []) if s["image"] != settings["image"]]
    SETTINGS[key] = sorted(kept + [settings], key=lambda s: s["image"] is None)


def settings_for(key, td_arn=None):
    images = [c.get("image", "") for c in REVISIONS.get(td_arn, [])]
    for s in SETTINGS.get(key, []):
        if s["image"] is None or any(s["image"] in image for image in images):
            return s
    return {"image": None, "ending": "complete", "polls": 2, "strategy": "ROLLING", "stagePolls": 1,
            "bakeMinutes": None, "pause": None, "pauseMinutes": 60, "serviceDeployments": "available",
            "container": None, "exitCode": 1, "logs": []}


def remember_revision(answer):
    """A RegisterTaskDefinition answer: its containers, for the tasks of rollouts to it."""
    td = answer.get("taskDefinition") or {}
    if td.get("taskDefinitionArn"):
        REVISIONS[td["taskDefinitionArn"]] = td.get("containerDefinitions", [])


# ---- one rollout -------------------------------------------------------------------------------

def deployment(td, desired, running, state, reason, status="PRIMARY"):
    """An entry of a service's ``deployments``."""
    now = time.time()
    return {
        "id": "ecs-svc/%d" % next(DEPLOYMENT_IDS), "status": status, "taskDefinition": td,
        "desiredCount": desired, "pendingCount": desired - running, "runningCount": running,
        "failedTasks": 0, "createdAt": now, "updatedAt": now, "launchType": "FARGATE",
        "rolloutState": state, "rolloutStateReason": reason,
    }


def service_revision(key, td):
    arn = SERVICE_REVISIONS.get((*key, td))
    if arn is None:
        region, account = td.split(":")[3:5]
        arn = f"arn:aws:ecs:{region}:{account}:service-revision/{key[0]}/{key[1]}/{next(REVISION_IDS)}"
        SERVICE_REVISIONS[(*key, td)] = arn
    return arn


class Rollout:
    def __init__(self, key, service, previous, settings, logs):
        self.key, self.settings, self.logs = key, settings, logs
        self.cluster, self.name = key
        self.service_arn = service["serviceArn"]
        self.region, self.account = self.service_arn.split(":")[3:5]
        self.cluster_arn = service.get("clusterArn") or f"arn:aws:ecs:{self.region}:{self.account}:cluster/{self.cluster}"
        self.desired = max(service.get("desiredCount", 1), 1)
        self.polls = 0
        self.ending = settings["ending"]
        self.new = deployment(service["taskDefinition"], self.desired, 0, "IN_PROGRESS", "")
        self.new["rolloutStateReason"] = "ECS deployment %s in progress." % self.new["id"]
        self.old = previous
        if previous:
            previous.update(status="ACTIVE", rolloutState="COMPLETED", runningCount=previous.get("desiredCount", self.desired),
                            pendingCount=0)
        self.deployments = [self.new] + ([previous] if previous else [])
        self.tasks = []  # stopped tasks, newest first
        self.events = []  # newest first
        now = time.time()
        self.stages = [] if settings["strategy"] == "ROLLING" else list(STAGES)
        self.stage = -1  # index into stages
        self.stage_polls = 0
        self.hook = None
        self.paused_once = False
        self.stop_requested = None  # why a rollback was asked for
        arn = f"arn:aws:ecs:{self.region}:{self.account}:service-deployment/{self.cluster}/{self.name}/{secrets.token_hex(11)}"
        config = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200,
                  "minimumHealthyPercent": 100, "strategy": settings["strategy"]}
        if settings["bakeMinutes"] is not None:
            config["bakeTimeInMinutes"] = int(settings["bakeMinutes"])
        if settings["strategy"] == "LINEAR":
            config["linearConfiguration"] = {"stepPercent": 50.0, "stepBakeTimeInMinutes": 0}
        if settings["strategy"] == "CANARY":
            config["canaryConfiguration"] = {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 0}
        if settings["pause"]:
            config["lifecycleHooks"] = [{"targetType": "PAUSE", "lifecycleStages": [settings["pause"]],
                                         "timeoutConfiguration": {"timeoutInMinutes": settings["pauseMinutes"],
                                                                  "action": "ROLLBACK"}}]
        self.sd = {
            "serviceDeploymentArn": arn, "serviceArn": self.service_arn, "clusterArn": self.cluster_arn,
            "createdAt": now, "updatedAt": now,
            "sourceServiceRevisions": [{"arn": service_revision(key, previous["taskDefinition"]),
                                        "requestedTaskCount": self.desired, "runningTaskCount": self.desired,
                                        "pendingTaskCount": 0}] if previous else [],
            "targetServiceRevision": {"arn": service_revision(key, self.new["taskDefinition"]),
                                      "requestedTaskCount": self.desired, "runningTaskCount": 0, "pendingTaskCount": 0},
            "status": "PENDING",
            "deploymentConfiguration": config,
            "deploymentCircuitBreaker": {"status": "MONITORING", "failureCount": 0,
                                         "threshold": max(3, min(200, math.ceil(self.desired / 2)))},
        }
        if self.stages:
            for revision in self.sd["sourceServiceRevisions"]:
                revision.update(requestedTestTrafficWeight=0.0, requestedProductionTrafficWeight=100.0)
            self.sd["targetServiceRevision"].update(requestedTestTrafficWeight=0.0, requestedProductionTrafficWeight=0.0)
        BY_ARN[arn] = self
        HISTORY.setdefault(key, []).append(self)

    # -- what ECS shows

    def event(self, message):
        self.events.insert(0, {"id": secrets.token_hex(16)[:8] + "-" + secrets.token_hex(2) + "-" + secrets.token_hex(2)
                               + "-" + secrets.token_hex(2) + "-" + secrets.token_hex(6),
                               "createdAt": time.time(), "message": message})

    def show(self, service):
        """Writes the rollout into a DescribeServices/UpdateService ``service`` entry."""
        service["deployments"] = [dict(d) for d in self.deployments]
        service["taskDefinition"] = self.deployments[0]["taskDefinition"]
        service["runningCount"] = sum(d["runningCount"] for d in self.deployments)
        service["pendingCount"] = sum(d.get("pendingCount", 0) for d in self.deployments)
        service["events"] = [dict(e) for e in self.events] + [e for e in service.get("events", [])
                                                               if e.get("createdAt", 0) < self.sd["createdAt"]]

    def brief(self):
        """Its entry in ListServiceDeployments."""
        keys = ("serviceDeploymentArn", "serviceArn", "clusterArn", "startedAt", "createdAt", "finishedAt", "status",
                "statusReason")
        out = {k: self.sd[k] for k in keys if k in self.sd}
        out["targetServiceRevisionArn"] = self.sd["targetServiceRevision"]["arn"]
        return out

    @property
    def over(self):
        return self.sd["status"] in ("SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")

    def set_running(self, running):
        running = max(0, min(self.desired, running))
        self.new.update(runningCount=running, pendingCount=self.desired - running, updatedAt=time.time())
        self.sd["targetServiceRevision"].update(runningTaskCount=running, pendingTaskCount=self.desired - running)

    # -- one poll

    def poll(self):
        if self.over:
            return
        self.polls += 1
        now = time.time()
        self.sd["updatedAt"] = now
        if self.sd["status"] == "PENDING":
            self.sd.update(status="IN_PROGRESS", startedAt=now)
        if self.sd["status"] == "STOP_REQUESTED":
            return self.stopped()
        if self.stop_requested is not None:
            return self.roll_back(self.stop_requested)
        if self.hook and self.hook["status"] == "AWAITING_ACTION":
            if now >= self.hook["expiresAt"]:
                self.hook["status"] = "TIMED_OUT"
                return self.roll_back("The lifecycle hook timed out and its timeout action is ROLLBACK.")
            return
        if self.ending in FAILING:
            self.enter_stage(min(self.stage + 1, 2))  # the new tasks never get past SCALE_UP
            self.stop_task()
            if self.polls >= self.settings["polls"]:
                self.roll_back(BREAKER_REASON, breaker=True)
            return
        if self.ending == "rollback":
            self.enter_stage(min(self.stage + 1, 2))
            if self.polls >= self.settings["polls"] and self.old:
                self.new["failedTasks"] = 3
                self.roll_back(BREAKER_REASON, breaker=True)
            else:
                self.set_running(min(self.desired - 1, self.polls) if self.desired > 1 else 0)
            return
        if self.ending == "stall":
            self.enter_stage(min(self.stage + 1, 2))
            self.set_running(min(self.desired - 1, self.polls) if self.desired > 1 else 0)
            return
        # complete: through the stages, then done once enough polls have passed.
        if self.stages:
            self.stage_polls += 1
            if self.stage < 0 or self.stage_polls >= self.settings["stagePolls"]:
                if self.stage + 1 < len(self.stages):
                    self.enter_stage(self.stage + 1)
                    return
            else:
                return
        if self.polls >= self.settings["polls"] and (not self.stages or self.stage == len(self.stages) - 1):
            self.succeed()
        else:
            self.set_running(min(self.desired - 1, self.polls) if self.desired > 1 else 0)

    def enter_stage(self, index):
        if not self.stages or index == self.stage:
            return
        self.stage, self.stage_polls = index, 0
        stage = self.stages[index]
        self.sd["lifecycleStage"] = stage
        if index >= 2:
            self.set_running(self.desired if self.ending == "complete" else 0)
        target = self.sd["targetServiceRevision"]
        if stage == "TEST_TRAFFIC_SHIFT":
            target["requestedTestTrafficWeight"] = 100.0
        if stage == "PRODUCTION_TRAFFIC_SHIFT":
            weight = {"LINEAR": 50.0, "CANARY": 10.0}.get(self.settings["strategy"], 100.0)
            target["requestedProductionTrafficWeight"] = weight
            for revision in self.sd["sourceServiceRevisions"]:
                revision["requestedProductionTrafficWeight"] = 100.0 - weight
        if stage == "POST_PRODUCTION_TRAFFIC_SHIFT":
            target["requestedProductionTrafficWeight"] = 100.0
            for revision in self.sd["sourceServiceRevisions"]:
                revision["requestedProductionTrafficWeight"] = 0.0
        if stage == self.settings["pause"] and not self.paused_once:
            self.paused_once = True
            self.hook = {"hookId": secrets.token_hex(16), "targetType": "PAUSE", "status": "AWAITING_ACTION",
                         "expiresAt": time.time() + 60 * self.settings["pauseMinutes"], "timeoutAction": "ROLLBACK"}
            self.sd["lifecycleHookDetails"] = [self.hook]

    def succeed(self):
        now = time.time()
        self.set_running(self.desired)
        self.new.update(rolloutState="COMPLETED", rolloutStateReason="ECS deployment %s completed." % self.new["id"])
        self.deployments = [self.new]
        self.sd.update(status="SUCCESSFUL", finishedAt=now, statusReason="Service deployment completed.")
        self.sd["deploymentCircuitBreaker"]["status"] = "MONITORING_COMPLETE"
        self.event("(service %s) (deployment %s) deployment completed." % (self.name, self.new["id"]))
        self.event("(service %s) has reached a steady state." % self.name)

    def roll_back(self, reason, breaker=False):
        """The old revision runs again (a new PRIMARY deployment of it), this one failed."""
        now = time.time()
        self.stop_requested = None
        self.new.update(status="ACTIVE", rolloutState="FAILED", runningCount=0, pendingCount=0,
                        rolloutStateReason=reason if breaker else "ECS deployment rolled back: " + reason)
        self.new["failedTasks"] = max(self.new["failedTasks"], len(self.tasks))
        self.set_running(0)
        if breaker:
            self.sd["deploymentCircuitBreaker"].update(status="TRIGGERED")
            self.event("(service %s) (deployment %s) deployment failed: tasks failed to start." % (self.name, self.new["id"]))
        if self.old:
            back = deployment(self.old["taskDefinition"], self.desired, self.desired, "COMPLETED",
                              "ECS deployment circuit breaker: rolling back to deploymentId %s." % self.old["id"]
                              if breaker else "ECS deployment rolled back to deploymentId %s." % self.old["id"])
            self.deployments = [back, self.new]
            self.event("(service %s) rolling back to deployment %s." % (self.name, self.old["id"]))
            self.sd.update(status="ROLLBACK_SUCCESSFUL", finishedAt=now, statusReason=reason,
                           rollback={"reason": reason, "startedAt": now,
                                     "serviceRevisionArn": self.sd["sourceServiceRevisions"][0]["arn"]})
        else:
            self.sd.update(status="ROLLBACK_FAILED", finishedAt=now, statusReason=reason + " No revision to roll back to.")

    def stopped(self):
        now = time.time()
        self.new.update(rolloutState="FAILED", rolloutStateReason="ECS deployment stopped.")
        self.sd.update(status="STOPPED", finishedAt=now, stoppedAt=now, statusReason="Service deployment stopped.")

    # -- the tasks

    def containers(self):
        defined = REVISIONS.get(self.new["taskDefinition"]) or [{"name": "app", "image": "app", "essential": True}]
        return defined

    def failing_container(self):
        defined = self.containers()
        named = [c for c in defined if c.get("name") == self.settings["container"]]
        return (named or [c for c in defined if c.get("essential", True)] or defined)[0]

    def stop_task(self):
        now = time.time()
        task_id = secrets.token_hex(16)
        arn = f"arn:aws:ecs:{self.region}:{self.account}:task/{self.cluster}/{task_id}"
        failing = self.failing_container()
        ending = self.ending
        image = failing.get("image", "")
        started = ending in ("crash", "oom", "health")
        if ending == "pull":
            code = "TaskFailedToStart"
            why = (f"CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref "
                   f"{image}: {image}: not found")
        elif ending == "secret":
            code = "TaskFailedToStart"
            secret = f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:{self.cluster}/{self.name}/database-AbCdEf"
            why = ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
                   "failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to "
                   f"fetch secret {secret} from secrets manager: AccessDeniedException: the task's execution role is "
                   "not authorized to perform: secretsmanager:GetSecretValue")
        elif ending == "health":
            code = "ServiceSchedulerInitiated"
            why = (f"Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:{self.region}:"
                   f"{self.account}:targetgroup/{self.name}/0f1e2d3c4b5a6978)")
        else:
            code, why = "EssentialContainerExited", "Essential container in task exited"
        containers = []
        for c in self.containers():
            entry = {"containerArn": f"arn:aws:ecs:{self.region}:{self.account}:container/{self.cluster}/{task_id}/"
                                     f"{secrets.token_hex(18)}",
                     "taskArn": arn, "name": c.get("name", "app"), "image": c.get("image", ""),
                     "lastStatus": "STOPPED", "healthStatus": "UNKNOWN"}
            if c is failing:
                if ending in ("crash", "oom"):
                    entry["exitCode"] = self.settings["exitCode"]
                if ending == "oom":
                    entry["reason"] = "OutOfMemoryError: Container killed due to memory usage"
                if ending == "health":
                    entry.update(exitCode=143, healthStatus="UNHEALTHY")
                if ending in ("pull", "secret"):
                    entry["reason"] = why
            elif started:
                entry["exitCode"] = 0
            containers.append(entry)
        task = {
            "taskArn": arn, "clusterArn": self.cluster_arn, "taskDefinitionArn": self.new["taskDefinition"],
            "startedBy": self.new["id"], "group": f"service:{self.name}", "launchType": "FARGATE",
            "platformVersion": "1.4.0", "platformFamily": "Linux", "cpu": "256", "memory": "512",
            "availabilityZone": f"{self.region}a", "connectivity": "CONNECTED" if started else "DISCONNECTED",
            "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "healthStatus": "UNKNOWN",
            "createdAt": now - 20, "stoppingAt": now - 1, "stoppedAt": now, "executionStoppedAt": now - 1,
            "stopCode": code, "stoppedReason": why, "containers": containers, "version": 4, "tags": [],
        }
        if started:
            task.update(startedAt=now - 12, pullStartedAt=now - 18, pullStoppedAt=now - 14)
        else:
            task["pullStartedAt"] = now - 18
        self.tasks.insert(0, task)
        self.new["failedTasks"] = len(self.tasks)
        self.sd["deploymentCircuitBreaker"]["failureCount"] = len(self.tasks)
        self.event("(service %s) has started 1 tasks: (task %s)." % (self.name, task_id))
        if started and self.settings["logs"]:
            self.logs(self.new["taskDefinition"], failing, task_id, self.settings["logs"])

    # -- asked by a person or a deploy

    def stop(self, stop_type):
        if self.over or self.sd["status"] in ("STOP_REQUESTED", "ROLLBACK_REQUESTED"):
            raise Refusal("ConflictException", f"The service deployment is {self.sd['status']} and cannot be stopped.")
        if stop_type == "ROLLBACK":
            self.sd["status"] = "ROLLBACK_REQUESTED"
            self.stop_requested = "Service deployment rolled back because StopServiceDeployment was called."
        else:
            self.sd["status"] = "STOP_REQUESTED"
        self.sd["updatedAt"] = time.time()

    def answer_hook(self, hook_id, action):
        if self.hook is None or self.hook["hookId"] != hook_id:
            raise Refusal("InvalidParameterException", f"The service deployment has no lifecycle hook {hook_id}.")
        if self.hook["status"] != "AWAITING_ACTION" or self.over:
            raise Refusal("InvalidParameterException", f"The lifecycle hook {hook_id} is {self.hook['status']}, not AWAITING_ACTION.")
        self.hook["status"] = "SUCCEEDED"
        if action == "ROLLBACK":
            self.sd["status"] = "ROLLBACK_REQUESTED"
            self.stop_requested = f"Rolled back at the PAUSE lifecycle hook in {self.sd.get('lifecycleStage')}."
        self.sd["updatedAt"] = time.time()


# ---- the operations ----------------------------------------------------------------------------

def short(value):
    return (value or "default").rsplit("/", 1)[-1]


def started(key, service, logs):
    """UpdateService answered: a new PRIMARY deployment starts beside the one before (nothing
    when the task definition did not change)."""
    current = ROLLOUTS.get(key)
    before = current.deployments if current else (service.get("deployments") or [])
    previous = dict(before[0]) if before else None
    if previous and previous["taskDefinition"] == service["taskDefinition"]:
        return
    if current and not current.over:
        current.sd.update(status="STOPPED", finishedAt=time.time(), statusReason="Replaced by a newer service deployment.")
    ROLLOUTS[key] = Rollout(key, service, previous, settings_for(key, service["taskDefinition"]), logs)


def api_refusal(key, operation):
    rollout = ROLLOUTS.get(key)
    api = (rollout.settings if rollout else settings_for(key))["serviceDeployments"]
    if api == "denied":
        return Refusal("AccessDeniedException", f"You are not authorized to perform ecs:{operation} on this service.")
    if api == "absent":
        return Refusal("UnknownOperationException", None)
    return None


def answer(operation, request):
    """The stand-in's own answer to a service-deployment operation (moto has none)."""
    problems = input_problems(operation, request)
    if problems:
        raise Refusal("InvalidParameterException", "; ".join(problems))
    if operation == "ListServiceDeployments":
        key = (short(request.get("cluster")), short(request["service"]))
        refusal = api_refusal(key, operation)
        if refusal:
            raise refusal
        after = (request.get("createdAt") or {}).get("after")
        before = (request.get("createdAt") or {}).get("before")
        wanted = request.get("status")
        listed = [r.brief() for r in reversed(HISTORY.get(key, []))
                  if (after is None or r.sd["createdAt"] >= after) and (before is None or r.sd["createdAt"] <= before)
                  and (not wanted or r.sd["status"] in wanted)]
        return {"serviceDeployments": listed[: request.get("maxResults", 20)]}
    if operation == "DescribeServiceDeployments":
        found, failures = [], []
        for arn in request["serviceDeploymentArns"]:
            rollout = BY_ARN.get(arn)
            if rollout is None:
                failures.append({"arn": arn, "reason": "MISSING"})
                continue
            refusal = api_refusal(rollout.key, operation)
            if refusal:
                raise refusal
            found.append(json.loads(json.dumps(rollout.sd)))
        return {"serviceDeployments": found, "failures": failures}
    rollout = BY_ARN.get(request["serviceDeploymentArn"])
    if rollout is None:
        raise Refusal("ServiceDeploymentNotFoundException", "The service deployment does not exist.")
    refusal = api_refusal(rollout.key, operation)
    if refusal:
        raise refusal
    if operation == "StopServiceDeployment":
        rollout.stop(request.get("stopType", "ROLLBACK"))
    else:
        rollout.answer_hook(request["hookId"], request["action"])
    return {"serviceDeploymentArn": rollout.sd["serviceDeploymentArn"]}


def stopped_tasks(request):
    """The stopped tasks of rollouts a ListTasks request asks for."""
    if request.get("desiredStatus") != "STOPPED":
        return []
    cluster = short(request.get("cluster"))
    out = []
    for key, rollouts in HISTORY.items():
        if key[0] != cluster or (request.get("serviceName") and short(request["serviceName"]) != key[1]):
            continue
        for r in rollouts:
            out += [t for t in r.tasks if request.get("startedBy") in (None, t["startedBy"])
                    and request.get("family") in (None, t["taskDefinitionArn"].rsplit("/", 1)[-1].split(":")[0])]
    return out


# ---- tasks RunTask starts ----------------------------------------------------------------------

TASK_ENDINGS = ("exit", "pull", "never")
TASK_SETTINGS = {}  # (cluster, startedBy prefix) -> how the tasks RunTask starts there end
RUN_TASKS = {}  # task ARN -> {"settings", "polls", "stopped": the fields of its stop, once stopped}


def configure_task(data):
    """Takes the settings of ``POST /_standin/task``; raises ValueError when they are wrong."""
    ending = data.get("ending", "exit")
    if ending not in TASK_ENDINGS:
        raise ValueError(f"ending {ending!r} is not one of {TASK_ENDINGS}")
    TASK_SETTINGS[(data.get("cluster", "default"), data.get("startedBy", ""))] = {
        "ending": ending, "exitCode": int(data.get("exitCode", 0)), "polls": int(data.get("polls", 2)),
        "logs": list(data.get("logs", [])), "container": data.get("container"),
    }


def task_settings(cluster, started_by):
    """The settings of the longest startedBy prefix configured in the cluster that ``started_by``
    starts with, or None (moto's task then runs forever, as moto's do)."""
    found = [(len(prefix), s) for (c, prefix), s in TASK_SETTINGS.items()
             if c == cluster and (started_by or "").startswith(prefix)]
    return max(found, key=lambda f: f[0])[1] if found else None


def ran(request, answer):
    """A RunTask answer: its tasks follow the settings of their cluster and startedBy."""
    settings = task_settings(short(request.get("cluster")), request.get("startedBy"))
    if settings is None:
        return
    for t in answer.get("tasks", []):
        RUN_TASKS[t["taskArn"]] = {"settings": settings, "polls": 0, "stopped": None,
                                   "startedBy": request.get("startedBy")}


def follow(t, logs):
    """A task of a DescribeTasks answer (moto's, running): one of RunTask's stops once it was
    described ``polls`` times, as its settings say; the answer then shows it stopped."""
    run = RUN_TASKS.get(t["taskArn"])
    if run is None:
        return False
    run["polls"] += 1
    s = run["settings"]
    if run["stopped"] is None and run.get("stopTask") is not None:
        now = time.time()
        run["stopped"] = {"lastStatus": "STOPPED", "desiredStatus": "STOPPED", "stopCode": "UserInitiated",
                          "stoppedReason": run["stopTask"], "stoppingAt": now - 1, "stoppedAt": now,
                          "containers": [dict(keep(c), lastStatus="STOPPED", exitCode=137) for c in t.get("containers", [])]}
    if run["stopped"] is None and s["ending"] != "never" and run["polls"] >= s["polls"]:
        now = time.time()
        containers = t.get("containers") or []
        named = [c for c in containers if c.get("name") == s["container"]]
        failing = (named or containers or [None])[0]
        stop = {"lastStatus": "STOPPED", "desiredStatus": "STOPPED", "stoppingAt": now - 1, "stoppedAt": now,
                "executionStoppedAt": now - 1, "containers": []}
        if s["ending"] == "pull":
            image = (failing or {}).get("image", "")
            why = (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
                   f"{image}: {image}: not found")
            stop.update(stopCode="TaskFailedToStart", stoppedReason=why)
        else:
            stop.update(stopCode="EssentialContainerExited", stoppedReason="Essential container in task exited",
                        startedAt=now - 5)
        for c in containers:
            c = dict(keep(c), lastStatus="STOPPED")
            if s["ending"] == "pull":
                if failing is not None and c.get("name") == failing.get("name"):
                    c["reason"] = stop["stoppedReason"]
            else:
                c["exitCode"] = s["exitCode"] if failing is not None and c.get("name") == failing.get("name") else 0
            stop["containers"].append(c)
        run["stopped"] = stop
        if s["ending"] == "exit" and s["logs"] and failing is not None:
            td = REVISIONS.get(t.get("taskDefinitionArn")) or []
            defined = next((c for c in td if c.get("name") == failing.get("name")), None)
            if defined is not None:
                logs(t["taskDefinitionArn"], defined, t["taskArn"].rsplit("/", 1)[1], s["logs"])
    if run["stopped"] is not None:
        t.update(json.loads(json.dumps(run["stopped"])))
    else:
        # moto moves its task on to STOPPED at each look, its containers "exited 0" from the start:
        # one of these runs until it stops as set.
        t.update(lastStatus="RUNNING", desiredStatus="RUNNING",
                 containers=[dict(keep(c), lastStatus="RUNNING") for c in t.get("containers", [])])
    return True


def keep(container):
    """A container of moto's task without its state: its identity."""
    return {k: v for k, v in container.items() if k in ("containerArn", "taskArn", "name", "image", "runtimeId")}


def stop_asked(request, answer):
    """A StopTask answer: the task stops at the next look, as ECS stops it, with the reason."""
    run = RUN_TASKS.get((answer.get("task") or {}).get("taskArn"))
    if run is not None and run["stopped"] is None:
        run["stopTask"] = request.get("reason") or "Task stopped by user"


def listed(request, arns):
    """A ListTasks answer's ARNs with RunTask's tasks where their stand-in status puts them."""
    wanted = request.get("desiredStatus", "RUNNING")
    ours = [arn for arn, run in RUN_TASKS.items() if run["stopped"] is not None or run.get("stopTask")]
    arns = [a for a in arns if wanted != "RUNNING" or a not in ours]
    if wanted == "STOPPED":
        cluster = short(request.get("cluster"))
        for arn in ours:
            run = RUN_TASKS[arn]
            if arn.split("/")[-2] == cluster and arn not in arns and request.get("startedBy") in (None, run.get("startedBy")):
                arns.append(arn)
    return arns


def task(arn):
    for rollouts in HISTORY.values():
        for r in rollouts:
            for t in r.tasks:
                if arn in (t["taskArn"], t["taskArn"].rsplit("/", 1)[-1]):
                    return t
    return None
