"""Stand-ins for the parts of a deploy that cannot run here for real.

Two servers in one process, used by the deploy tests, the worker's tests and the demo:

* **ECS rollouts** (``--aws-port``): a proxy in front of the moto server that passes every
  request through unchanged (the Host header too, so SigV4 signatures still verify and IAM is
  still enforced by moto) and shows rollouts the way ECS does, which moto never finishes
  (rollouts.py): ``UpdateService`` starts a new PRIMARY deployment beside the old one, and each
  ``DescribeServices`` of the service (a poll) moves it on; ``ListTasks``/``DescribeTasks``
  answers gain the rollout's stopped tasks and the service's ``events`` what happened. ECS's
  service deployments, which moto lacks (``ListServiceDeployments``,
  ``DescribeServiceDeployments``, ``StopServiceDeployment``, ``ContinueServiceDeployment``), go
  to moto first, which checks the signature and IAM before it finds it has no such operation;
  the stand-in then checks the request against botocore's input shape and answers it. The log
  keeps, per operation, the ``problems`` of what the stand-in wrote against botocore's output
  shapes (none expected). A failing container's log lines are written into moto's CloudWatch
  Logs (its awslogs group, stream ``PREFIX/CONTAINER/TASK_ID``), so ``GetLogEvents`` is moto's.
* **GitHub's REST API** (``--github-port``): serves repository files at a commit, a pull
  request's changed files (``GET /repos/O/R/pulls/N/files``, ``per_page`` default 30 and at most
  100, ``page`` from 1, a ``Link`` header with ``rel="next"`` while pages remain; 404 for a pull
  request it was not told of) and a collaborator's permission, and takes commit and deployment
  statuses and check runs (``POST /repos/O/R/check-runs`` 201, ``PATCH .../check-runs/ID`` 200,
  404 for an unknown id: a conclusion completes the run, the output's title, summary and text
  replace the old ones and its annotations are added to the run's, as GitHub appends them). It
  checks every request against GitHub's published OpenAPI description (path, method,
  parameters, body schema, no fields the operation does not have) and GitHub's own limit of 50
  annotations per request, and answers 422 with the problems when it does not fit. It records
  every request; the answers it makes itself (files, check runs, permissions) are checked
  against the operation's response schema, what does not fit kept as ``answerProblems`` (none
  expected).

Control and inspection, on either port, under ``/_standin/``:

* ``POST /_standin/rollout`` ``{"cluster", "service", ...}`` how the next rollouts of that
  service go (settings with ``"image"`` apply only to revisions whose image contains it, and
  win over the service's own); 400 with the reason when a setting is wrong:

  - ``"ending"``: ``"complete"`` (default, after ``polls`` polls, default 2), ``"stall"`` (never
    ends), ``"rollback"`` (the circuit breaker rolls back after ``polls`` polls, no task
    stopped), or a failing one where one task of the new revision stops per poll, and the
    circuit breaker rolls back after ``polls`` polls (default 8): ``"crash"`` (the essential
    container exits ``exitCode``, default 1, after logging ``logs``), ``"oom"`` (exit 137,
    OutOfMemoryError), ``"pull"`` (CannotPullContainerError: the image is not found),
    ``"secret"`` (ResourceInitializationError: a Secrets Manager secret cannot be read),
    ``"health"`` (ELB health checks fail; the container exits 143 after logging ``logs``);
  - ``"container"``: the failing container (default the first essential one); ``"logs"``: the
    lines it logs (a default per ending, e.g. ``DATABASE_URL is not set`` for crash);
  - ``"strategy"``: ``"ROLLING"`` (default; no lifecycle stages), ``"BLUE_GREEN"``, ``"LINEAR"``
    (production traffic 50 %, then all), ``"CANARY"`` (10 %, then all): the service deployment
    goes through ECS's lifecycle stages in order, RECONCILE_SERVICE to CLEAN_UP, ``stagePolls``
    polls each (default 1; ``"bakeMinutes"`` is reported as the bake time, BAKE_TIME lasts its
    polls all the same); failing endings never get past SCALE_UP;
  - ``"pause"``: a lifecycle stage where a PAUSE hook waits (``AWAITING_ACTION``, its ``hookId``,
    ``expiresAt`` ``pauseMinutes`` later, default 60, then ROLLBACK) until
    ``ContinueServiceDeployment``: CONTINUE goes on to the next stage, ROLLBACK rolls back;
  - ``"serviceDeployments"``: ``"available"`` (default), ``"denied"`` (the four service-deployment
    operations answer AccessDeniedException) or ``"absent"`` (UnknownOperationException).

  ``StopServiceDeployment`` with ROLLBACK makes the deployment ROLLBACK_REQUESTED, and at the
  next poll ROLLBACK_SUCCESSFUL with the old revision PRIMARY again (a rolled-back rollout's
  deployment is FAILED); ABORT makes it STOP_REQUESTED, then STOPPED;
* ``POST /_standin/task`` ``{"cluster", "startedBy", "ending", "exitCode", "polls", "logs",
  "container"}`` how the tasks ``RunTask`` starts in the cluster with a ``startedBy`` that begins
  with ``startedBy`` end (moto's run forever): once described ``polls`` times (default 2),
  ``"exit"`` (default; ``container``, default the first, exits ``exitCode``, default 0, after
  logging ``logs``, the others 0), ``"pull"`` (CannotPullContainerError, no exit code) or
  ``"never"`` (it runs until ``StopTask``); ``ListTasks`` and ``DescribeTasks`` show it stopped;
* ``POST /_standin/admin`` ``{"aws_access_key_id", "aws_secret_access_key"}`` the moto
  administrator the log lines are written as (local_aws.py sends it);
* ``PUT /_standin/files`` ``{"repository", "ref", "path", "content"}`` a file GitHub serves;
* ``PUT /_standin/pulls`` ``{"repository", "number", "files": [{"filename", "status":
  "added"|"modified"|"removed"|"renamed", "previous_filename" (renamed only), "additions"?,
  "deletions"?, "patch"?}], "head"?, "head_ref"?, "base"?}`` a pull request's changed files
  (their contents are files put at its ``head`` sha; additions default to the lines there); a
  check run of that head lists the pull request in ``pull_requests``;
* ``PUT /_standin/permissions`` ``{"repository", "username", "permission"}`` a collaborator's
  permission: ``admin``, ``write``, ``read`` or ``none``; ``null`` makes the login one GitHub
  does not know (404). A user never named is no collaborator: ``none``, as GitHub answers for a
  private repository;
* ``POST /_standin/github-fail`` ``{"times": N, "status": 502, "echo": false, "method": null}`` the
  next N GitHub calls (of that method only, when given: a deploy reads and writes at once) fail
  (with ``echo``, the answer's message repeats the request's ``Authorization``, as a careless
  server might);
* ``POST /_standin/app`` ``{"appId", "publicKey", "repository"}`` a GitHub App installed on the
  repository: its JWTs (RS256, checked with the public key, ``iss`` and times) buy installation
  tokens, and then only those tokens are taken for that repository;
* ``GET /_standin/requests`` what GitHub received, each with its ``problems``;
* ``GET /_standin/check-runs`` every check run as it stands, in creation order: ``{id,
  repository, name, head_sha, external_id, details_url, status, conclusion, output: {title,
  summary, text}, annotations
  (all of them, across requests), actions, requests}``;
* ``GET /_standin/check-runs.html`` the same as a page like GitHub's checks tab (one
  self-contained HTML page: inline style, no script);
* ``GET /_standin/aws-log`` the AWS operations that passed, with their time, status and
  ``problems``; for the service-deployment operations, ListTasks, DescribeTasks, RunTask and
  StopTask also the ``request``, and ``answeredBy: "stand-in"`` for those moto lacks;
* ``POST /_standin/reset`` forget requests, logs and check runs (files, pull requests,
  permissions and rollout settings stay).

Prints one JSON line ``{"aws": URL, "github": URL}`` when ready.
"""

import argparse
import base64
import hashlib
import html
import http.client
import itertools
import json
import re
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import rollouts

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "node_modules/@octokit/openapi/generated/api.github.com.deref.json"

LOCK = threading.Lock()
AWS_LOG = []
GITHUB_REQUESTS = []
FILES = {}  # (repository, ref, path) -> text
GITHUB_FAILURES = {"times": 0, "status": 502}
APP = {}  # appId, publicKey (PEM) once a GitHub App is registered
ISSUED_TOKENS = set()
STATUS_IDS = itertools.count(1)
PULLS = {}  # (repository, number) -> {"head", "head_ref", "base", "files"}
PERMISSIONS = {}  # (repository, username) -> admin, write, read or none
CHECK_RUNS = []  # in creation order, as GET /_standin/check-runs shows them
CHECK_RUN_IDS = itertools.count(1)
CHECK_SUITES = {}  # (repository, head_sha) -> check suite id
MAX_ANNOTATIONS = 50  # per request; more are added with further updates


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


# ---- GitHub's description ---------------------------------------------------------------------

class OpenApi:
    """The operations of GitHub's REST description, matched by method and path."""

    def __init__(self, path):
        spec = json.loads(path.read_text())
        self.operations = []
        for template, item in spec["paths"].items():
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                params = op.get("parameters", []) + item.get("parameters", [])
                multi = {p["name"] for p in params if p.get("x-multi-segment")}
                pattern = "^" + re.sub(
                    r"\\\{(\w+)\\\}",
                    lambda m: "(?P<%s>%s)" % (m.group(1), ".+" if m.group(1) in multi else "[^/]+"),
                    re.escape(template),
                ) + "$"
                self.operations.append((method.upper(), re.compile(pattern), template, op, params))
        # Literal paths before templated ones, as routers do.
        self.operations.sort(key=lambda o: o[2].count("{"))

    def problems(self, method, path, query, headers, body):
        """What does not fit the description: a list of sentences (empty when it fits)."""
        matches = [o for o in self.operations if o[1].match(path)]
        if not matches:
            return [f"no operation of GitHub's REST API has the path {path}"]
        op = next((o for o in matches if o[0] == method), None)
        if op is None:
            return [f"{method} is not an operation on {matches[0][2]} (it has {', '.join(sorted({o[0] for o in matches}))})"]
        _, _, template, operation, params = op
        problems = []
        for p in params:
            if p["in"] == "query" and p.get("required") and p["name"] not in query:
                problems.append(f"query parameter {p['name']} is required")
        known_query = {p["name"] for p in params if p["in"] == "query"}
        for name in query:
            if name not in known_query:
                problems.append(f"{template} has no query parameter {name}")
        if not headers.get("authorization", "").startswith(("Bearer ", "token ")):
            problems.append("no Authorization: Bearer header")
        if headers.get("x-github-api-version") not in (None, "2022-11-28"):
            problems.append(f"unknown X-GitHub-Api-Version {headers['x-github-api-version']}")
        schema = (operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))
        if schema is not None:
            try:
                value = json.loads(body or b"null")
            except ValueError as e:
                return problems + [f"body is not JSON: {e}"]
            from openapi_schema_validator import OAS30Validator

            for error in OAS30Validator(schema).iter_errors(value):
                where = "/".join(str(p) for p in error.absolute_path) or "body"
                problems.append(f"{where}: {error.message}")
            if isinstance(value, dict) and "properties" in schema:
                for key in value:
                    if key not in schema["properties"]:
                        problems.append(f"{key}: {operation['operationId']} has no such field (GitHub ignores it)")
        elif body:
            problems.append(f"{operation['operationId']} takes no body")
        return problems

    def answer_problems(self, method, path, status, value):
        """What the stand-in's own answer gets wrong against the operation's response schema."""
        op = next((o for o in self.operations if o[0] == method and o[1].match(path)), None)
        response = op and op[3].get("responses", {}).get(str(status))
        schema = (response or {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return [] if op else [f"no operation {method} {path}"]
        from openapi_schema_validator import OAS30Validator

        # A nullable enum whose values leave out null (a check run's conclusion) takes null, as
        # GitHub sends it; the validator reads the enum strictly.
        return [f"{'/'.join(str(p) for p in e.absolute_path) or 'answer'}: {e.message}"
                for e in OAS30Validator(schema).iter_errors(value)
                if not (e.validator == "enum" and e.instance is None and e.schema.get("nullable"))]


OPENAPI_SPEC = None


# ---- ECS rollouts -----------------------------------------------------------------------------

# Operations moto does not have: once moto has checked the request's signature and IAM (it does
# before it finds it has no such operation), the stand-in answers them itself.
OWN_OPERATIONS = ("ListServiceDeployments", "DescribeServiceDeployments", "StopServiceDeployment",
                  "ContinueServiceDeployment")
ADMIN = {"aws_access_key_id": "AKIDFAKEADMIN", "aws_secret_access_key": "fake-admin-secret"}
LOGS_CLIENT = []


def seed_logs(td_arn, container, task_id, lines):
    """The lines a container of a stopped task logged, put into moto's CloudWatch Logs where its
    awslogs configuration sends them (``PREFIX/CONTAINER/TASK_ID``), as the administrator."""
    config = container.get("logConfiguration") or {}
    options = config.get("options") or {}
    if config.get("logDriver") != "awslogs" or "awslogs-group" not in options or "awslogs-stream-prefix" not in options:
        return
    import boto3

    if not LOGS_CLIENT:
        LOGS_CLIENT.append(boto3.client("logs", endpoint_url=Handler.moto.geturl(),
                                        region_name=options.get("awslogs-region") or td_arn.split(":")[3], **ADMIN))
    logs = LOGS_CLIENT[0]
    group = options["awslogs-group"]
    stream = f"{options['awslogs-stream-prefix']}/{container['name']}/{task_id}"
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000) - 100 * len(lines)
    logs.put_log_events(logGroupName=group, logStreamName=stream,
                        logEvents=[{"timestamp": now + 100 * n, "message": line} for n, line in enumerate(lines)])


def rewrite(operation, request, answer):
    """Shows the rollouts in a moto answer (after moto checked the request). Returns the
    problems of what the stand-in added, against botocore's shapes."""
    problems = []
    cluster = rollouts.short(request.get("cluster"))
    if operation == "RegisterTaskDefinition":
        rollouts.remember_revision(answer)
    elif operation in ("UpdateService", "DescribeServices"):
        services = [answer["service"]] if operation == "UpdateService" else answer.get("services", [])
        for service in services:
            key = (cluster, service["serviceName"])
            if operation == "UpdateService":
                rollouts.started(key, service, seed_logs)
            rollout = rollouts.ROLLOUTS.get(key)
            if rollout is None:
                continue
            if operation == "DescribeServices":
                rollout.poll()
            rollout.show(service)
            for n, d in enumerate(service["deployments"]):
                problems += rollouts.part_problems("Deployment", d, f"deployments[{n}]")
            for n, e in enumerate(service["events"]):
                problems += rollouts.part_problems("ServiceEvent", e, f"events[{n}]")
    elif operation == "RunTask":
        rollouts.ran(request, answer)
    elif operation == "StopTask":
        rollouts.stop_asked(request, answer)
    elif operation == "ListTasks":
        arns = [t["taskArn"] for t in rollouts.stopped_tasks(request)]
        answer["taskArns"] = arns + [a for a in rollouts.listed(request, answer.get("taskArns", [])) if a not in arns]
    elif operation == "DescribeTasks":
        ours = [t for t in map(rollouts.task, request.get("tasks", [])) if t is not None]
        ids = {t["taskArn"] for t in ours} | {t["taskArn"].rsplit("/", 1)[-1] for t in ours}
        for n, t in enumerate(answer.get("tasks", [])):
            if rollouts.follow(t, seed_logs):
                problems += rollouts.part_problems("Task", t, f"tasks[{len(ours) + n}]")
        answer["tasks"] = ours + answer.get("tasks", [])
        answer["failures"] = [f for f in answer.get("failures", []) if f.get("arn") not in ids
                              and f.get("arn", "").rsplit("/", 1)[-1] not in ids]
        for n, t in enumerate(ours):
            problems += rollouts.part_problems("Task", t, f"tasks[{n}]")
    return problems


# ---- the servers --------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    moto = None

    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        sent = set()
        for name, value in headers:
            if name.lower() in ("content-length", "transfer-encoding", "connection", "server", "date"):
                continue
            self.send_header(name, value)
            sent.add(name.lower())
        if "content-type" not in sent:
            self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def control(self, method, path, body):
        global GITHUB_REQUESTS, AWS_LOG
        data = json.loads(body or b"{}")
        with LOCK:
            if path == "/_standin/rollout" and method == "POST":
                try:
                    rollouts.configure(data)
                except (KeyError, ValueError) as e:
                    return self.answer(400, {"error": str(e)})
                return self.answer(200, {"ok": True})
            if path == "/_standin/task" and method == "POST":
                try:
                    rollouts.configure_task(data)
                except (KeyError, ValueError) as e:
                    return self.answer(400, {"error": str(e)})
                return self.answer(200, {"ok": True})
            if path == "/_standin/admin" and method == "POST":
                ADMIN.update(aws_access_key_id=data["aws_access_key_id"], aws_secret_access_key=data["aws_secret_access_key"])
                LOGS_CLIENT.clear()
                return self.answer(200, {"ok": True})
            if path == "/_standin/files" and method == "PUT":
                FILES[(data["repository"], data["ref"], data["path"])] = data["content"]
                return self.answer(200, {"ok": True})
            if path == "/_standin/pulls" and method == "PUT":
                try:
                    register_pull(data)
                except ValueError as e:
                    return self.answer(400, {"error": str(e)})
                return self.answer(200, {"ok": True})
            if path == "/_standin/permissions" and method == "PUT":
                if data.get("permission") not in ("admin", "write", "read", "none", None):
                    return self.answer(400, {"error": "permission: admin, write, read, none or null (no such user)"})
                PERMISSIONS[(data["repository"], data["username"])] = data["permission"]
                return self.answer(200, {"ok": True})
            if path == "/_standin/check-runs" and method == "GET":
                return self.answer(200, standin_runs())
            if path == "/_standin/check-runs.html" and method == "GET":
                return self.answer(200, runs_page().encode(), [("content-type", "text/html; charset=utf-8")])
            if path == "/_standin/github-fail" and method == "POST":
                GITHUB_FAILURES.update(times=int(data.get("times", 1)), status=int(data.get("status", 502)),
                                       echo=bool(data.get("echo", False)), method=data.get("method"))
                return self.answer(200, {"ok": True})
            if path == "/_standin/app" and method == "POST":
                APP.update(appId=str(data["appId"]), publicKey=data["publicKey"], repository=data["repository"])
                return self.answer(200, {"ok": True})
            if path == "/_standin/requests" and method == "GET":
                return self.answer(200, GITHUB_REQUESTS)
            if path == "/_standin/aws-log" and method == "GET":
                return self.answer(200, AWS_LOG)
            if path == "/_standin/reset" and method == "POST":
                GITHUB_REQUESTS, AWS_LOG = [], []
                CHECK_RUNS.clear()
                return self.answer(200, {"ok": True})
        return self.answer(404, {"error": f"no stand-in control {method} {path}"})

    def handle_any(self):
        body = self.body()
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/_standin/"):
            return self.control(self.command, url.path, body)
        return self.serve(url, body)


class AwsProxy(Handler):
    def serve(self, url, body):
        conn = http.client.HTTPConnection(self.moto.hostname, self.moto.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
        conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)  # Host as the client signed it
        conn.putheader("content-length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        data = response.read()
        status, answer_headers = response.status, response.getheaders()
        conn.close()
        target = self.headers.get("x-amz-target", "")
        operation = target.rsplit(".", 1)[-1] if target else f"{self.command} {url.path}"
        ecs = target.startswith("AmazonEC2ContainerServiceV20141113.")
        entry = {"operation": operation, "status": status, "at": time.time(),
                 "requestId": response.getheader("x-amzn-requestid") or str(uuid.uuid4())}
        with LOCK:
            AWS_LOG.append(entry)
            if not ecs:
                return self.answer(status, data, answer_headers)
            request = json.loads(body or b"{}")
            if operation in OWN_OPERATIONS or operation in ("ListTasks", "DescribeTasks", "RunTask", "StopTask"):
                entry["request"] = request
            if operation in OWN_OPERATIONS and (status < 300 or status >= 500):
                # moto passed the signature and IAM and has no such operation.
                entry["answeredBy"] = "stand-in"
                try:
                    out = rollouts.answer(operation, request)
                except rollouts.Refusal as e:
                    entry["status"] = e.status
                    error = {"__type": e.code} if e.message is None else {"__type": e.code, "message": e.message}
                    entry["error"] = e.code
                    return self.answer(e.status, error, [("x-amzn-requestid", entry["requestId"] or "")])
                entry["status"] = 200
                entry["problems"] = rollouts.output_problems(operation, out)
                return self.answer(200, out, [("content-type", "application/x-amz-json-1.1"),
                                              ("x-amzn-requestid", entry["requestId"] or "")])
            if status == 200:
                answer = json.loads(data)
                entry["problems"] = rewrite(operation, request, answer)
                data = json.dumps(answer).encode()
        self.answer(status, data, answer_headers)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = Handler.handle_any


def jwt_problem(token):
    """Why ``token`` is not a valid JWT of the registered app (None when it is)."""
    import base64
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    def b64(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    try:
        header, claims, signature = token.split(".")
        key = serialization.load_pem_public_key(APP["publicKey"].encode())
        key.verify(b64(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception as e:  # noqa: BLE001 - any failure is a refusal
        return f"the JWT does not verify: {e or type(e).__name__}"
    h, c = json.loads(b64(header)), json.loads(b64(claims))
    now = time.time()
    if h.get("alg") != "RS256":
        return f"alg {h.get('alg')}: GitHub takes RS256"
    if str(c.get("iss")) != APP["appId"]:
        return f"iss {c.get('iss')} is not the app {APP['appId']}"
    if not (c["iat"] <= now + 60 and c["exp"] > now and c["exp"] - c["iat"] <= 600):
        return "iat/exp: the JWT must be current and live at most 10 minutes"
    return None


# ---- pull requests and check runs ----------------------------------------------------------------

WEB = "https://github.com"
API = "https://api.github.com"
FAKE_HEAD = "f" * 40  # a pull request's head when the control route names none


def node_id(kind, number):
    return base64.b64encode(f"0:{kind}{number}".encode()).decode()


def user(login, number=583231, kind="User"):
    """A user as GitHub's answers show one (simple-user, collaborator)."""
    u = f"{API}/users/{login}"
    return {"login": login, "id": number, "node_id": node_id(kind, number),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{number}?v=4", "gravatar_id": "",
            "url": u, "html_url": f"{WEB}/{login}", "followers_url": f"{u}/followers",
            "following_url": f"{u}/following{{/other_user}}", "gists_url": f"{u}/gists{{/gist_id}}",
            "starred_url": f"{u}/starred{{/owner}}{{/repo}}", "subscriptions_url": f"{u}/subscriptions",
            "organizations_url": f"{u}/orgs", "repos_url": f"{u}/repos", "events_url": f"{u}/events{{/privacy}}",
            "received_events_url": f"{u}/received_events", "type": kind, "site_admin": False}


def blob_sha(text):
    """Git's object name of a file with this content, as GitHub gives a diff entry's ``sha``."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def diff_entry(repository, pull, f):
    """One file of a pull request as ``pulls/list-files`` shows it (the ``diff-entry`` schema):
    its additions and deletions are the lines of its content at the head (removed files: none
    known) unless the control route gave them."""
    head, name = pull["head"], f["filename"]
    text = FILES.get((repository, head, name))
    lines = len(text.splitlines()) if text is not None else 0
    additions = int(f.get("additions", lines if f["status"] in ("added", "modified") else 0))
    deletions = int(f.get("deletions", 0))
    quoted = urllib.parse.quote(name)
    entry = {"sha": blob_sha(text if text is not None else f"{head}:{name}"), "filename": name, "status": f["status"],
             "additions": additions, "deletions": deletions, "changes": additions + deletions,
             "blob_url": f"{WEB}/{repository}/blob/{head}/{quoted}", "raw_url": f"{WEB}/{repository}/raw/{head}/{quoted}",
             "contents_url": f"{API}/repos/{repository}/contents/{quoted}?ref={head}"}
    if "patch" in f:
        entry["patch"] = f["patch"]
    elif text is not None and f["status"] == "added" and lines:
        entry["patch"] = f"@@ -0,0 +1,{lines} @@\n" + "\n".join("+" + line for line in text.splitlines())
    if f["status"] == "renamed":
        entry["previous_filename"] = f["previous_filename"]
    return entry


def register_pull(data):
    """``PUT /_standin/pulls``: the pull request's files, checked as GitHub would list them."""
    files = data.get("files")
    if not isinstance(data.get("repository"), str) or "/" not in data["repository"]:
        raise ValueError("repository: OWNER/NAME")
    if not isinstance(data.get("number"), int) or data["number"] < 1:
        raise ValueError("number: a pull request's number, from 1")
    if not isinstance(files, list):
        raise ValueError("files: a list of {filename, status, previous_filename?}")
    for n, f in enumerate(files):
        if not isinstance(f, dict) or not isinstance(f.get("filename"), str):
            raise ValueError(f"files[{n}]: no filename")
        if f.get("status") not in ("added", "removed", "modified", "renamed"):
            raise ValueError(f"files[{n}].status: added, removed, modified or renamed, not {f.get('status')!r}")
        if (f["status"] == "renamed") != ("previous_filename" in f):
            raise ValueError(f"files[{n}]: previous_filename goes with status renamed, and only with it")
    PULLS[(data["repository"], data["number"])] = {
        "head": data.get("head", FAKE_HEAD), "head_ref": data.get("head_ref", f"pr-{data['number']}"),
        "base": data.get("base", "main"), "files": [dict(f) for f in files]}


def page_of(entries, query, link):
    """``per_page`` (default 30, at most 100) and ``page`` (from 1) as GitHub reads them, and the
    ``Link`` header of the other pages (none when everything fits on one)."""
    def number(name, default):
        try:
            return max(1, int(query.get(name, default)))
        except ValueError:
            return default

    per_page, page = min(number("per_page", 30), 100), number("page", 1)
    last = max(1, -(-len(entries) // per_page))
    rels = []
    if page < last:
        rels += [("next", page + 1), ("last", last)]
    if page > 1:
        rels += [("first", 1), ("prev", min(page - 1, last))]
    header = ", ".join(f'<{link}?per_page={per_page}&page={n}>; rel="{rel}"' for rel, n in rels)
    return entries[(page - 1) * per_page:page * per_page], ([("link", header)] if header else [])


def app_answer():
    """The GitHub App that makes the check runs: the registered one, else a stand-in app."""
    number = int(APP.get("appId", "1"))
    return {"id": number, "slug": "hatoba", "node_id": node_id("Integration", number), "client_id": "Iv1.fakeclientid",
            "owner": user("hatoba", 1, "Organization"), "name": "Hatoba", "description": "Deploys from GitHub to Amazon ECS",
            "external_url": "https://hatoba.example.com", "html_url": f"{WEB}/apps/hatoba",
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "permissions": {"checks": "write", "contents": "read", "deployments": "write", "metadata": "read",
                            "pull_requests": "read", "statuses": "write"},
            "events": ["check_run", "check_suite", "pull_request", "push", "workflow_run"]}


def check_run_answer(run):
    """A check run as ``checks/create`` and ``checks/update`` answer it (the ``check-run`` schema)."""
    repository, number = run["repository"], run["id"]
    pulls = [{"id": 1000 + n, "number": n, "url": f"{API}/repos/{repository}/pulls/{n}",
              "head": {"ref": p["head_ref"], "sha": p["head"], "repo": {"id": 1, "url": f"{API}/repos/{repository}",
                                                                       "name": repository.split("/")[1]}},
              "base": {"ref": p["base"], "sha": "0" * 40, "repo": {"id": 1, "url": f"{API}/repos/{repository}",
                                                                  "name": repository.split("/")[1]}}}
             for (r, n), p in sorted(PULLS.items()) if r == repository and p["head"] == run["head_sha"]]
    return {"id": number, "node_id": node_id("CheckRun", number), "head_sha": run["head_sha"],
            "external_id": run["external_id"], "url": f"{API}/repos/{repository}/check-runs/{number}",
            "html_url": f"{WEB}/{repository}/runs/{number}", "details_url": run["details_url"],
            "status": run["status"], "conclusion": run["conclusion"], "started_at": run["started_at"],
            "completed_at": run["completed_at"], "name": run["name"],
            "output": {**{k: run["output"][k] for k in ("title", "summary", "text")},
                       "annotations_count": len(run["annotations"]),
                       "annotations_url": f"{API}/repos/{repository}/check-runs/{number}/annotations"},
            "check_suite": {"id": run["check_suite"]}, "app": app_answer(), "pull_requests": pulls}


def apply_to_run(run, data):
    """A create or update body, as GitHub applies it: a conclusion completes the run; output's
    title, summary and text replace the old ones, its annotations are added to the run's."""
    for key in ("name", "details_url", "external_id", "started_at", "status", "conclusion", "completed_at"):
        if key in data:
            run[key] = data[key]
    if data.get("conclusion") is not None:
        run["status"] = "completed"
    if run["status"] == "completed" and run["completed_at"] is None:
        run["completed_at"] = now_iso().replace(".000Z", "Z")
    output = data.get("output") or {}
    for key in ("title", "summary", "text"):
        if key in output:
            run["output"][key] = output[key]
    run["annotations"] += output.get("annotations", [])
    if "actions" in data:
        run["actions"] = data["actions"]


def annotation_problems(body):
    """GitHub's own limit, beyond the description's: at most 50 annotations in one request."""
    try:
        output = (json.loads(body or b"null") or {}).get("output") or {}
        count = len(output.get("annotations") or [])
    except (ValueError, AttributeError, TypeError):
        return []
    if count > MAX_ANNOTATIONS:
        return [f"output/annotations: at most {MAX_ANNOTATIONS} annotations per request ({count} given); "
                "add more with further updates of the check run"]
    return []


def standin_runs():
    """``GET /_standin/check-runs``: every check run as it stands, in creation order."""
    return [{"id": r["id"], "repository": r["repository"], "name": r["name"], "head_sha": r["head_sha"],
             "external_id": r["external_id"], "details_url": r["details_url"],
             "status": r["status"], "conclusion": r["conclusion"], "output": dict(r["output"]),
             "annotations": list(r["annotations"]), "actions": list(r["actions"]), "requests": r["requests"]}
            for r in CHECK_RUNS]


BADGE = {"success": "#1a7f37", "failure": "#cf222e", "action_required": "#cf222e", "timed_out": "#cf222e",
         "cancelled": "#59636e", "neutral": "#59636e", "skipped": "#59636e", "stale": "#59636e"}


def runs_page():
    """``GET /_standin/check-runs.html``: the check runs as GitHub's checks tab shows them, one
    self-contained page (inline style, no script, nothing fetched); every text is escaped."""
    e = html.escape
    parts = []
    for r in standin_runs():
        state = r["conclusion"] or r["status"]
        out = r["output"]
        rows = "".join(
            "<tr><td><code>%s</code></td><td class=\"%s\">%s</td><td>%s</td><td><pre>%s</pre></td></tr>" % (
                e(":".join(str(a[k]) for k in ("path", "start_line", "start_column") if a.get(k) is not None)),
                e(str(a.get("annotation_level", ""))), e(str(a.get("annotation_level", ""))),
                e(str(a.get("title", ""))), e(str(a.get("message", ""))))
            for a in r["annotations"])
        table = ("<table><tr><th>Where</th><th>Level</th><th>Title</th><th>Message</th></tr>%s</table>" % rows
                 if rows else "<p class=\"none\">No annotations.</p>")
        actions = "".join("<span class=\"action\" title=\"%s\">%s</span>" % (e(str(a.get("description", ""))),
                                                                            e(str(a.get("label", ""))))
                          for a in r["actions"])
        text = "<details><summary>Details</summary><pre>%s</pre></details>" % e(out["text"]) if out.get("text") else ""
        parts.append(
            "<section id=\"run-%d\"><h2>%s <span class=\"badge\" style=\"background:%s\">%s</span></h2>"
            "<p class=\"meta\">%s at <code>%s</code> &middot; %d request(s)</p><h3>%s</h3><pre>%s</pre>%s%s%s</section>" % (
                r["id"], e(r["name"]), BADGE.get(state, "#9a6700"), e(str(state)), e(r["repository"]),
                e(r["head_sha"][:12]), r["requests"], e(out.get("title") or ""), e(out.get("summary") or ""),
                text, ("<p>%s</p>" % actions) if actions else "", table))
    body = "".join(parts) or "<p class=\"none\">No check runs yet.</p>"
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Check runs</title><style>"
            "body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1f2328}"
            "section{border:1px solid #d1d9e0;border-radius:6px;padding:0 1rem 1rem;margin-bottom:1.5rem}"
            "h2{font-size:1.1rem}.badge{color:#fff;border-radius:2em;padding:0 .6em;font-size:.8rem;font-weight:500}"
            ".meta,.none{color:#59636e}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;border-radius:6px}"
            "table{border-collapse:collapse;width:100%%}th,td{text-align:left;border-top:1px solid #d1d9e0;"
            "padding:.3rem;vertical-align:top}td pre{margin:0;padding:0;background:none}.failure{color:#cf222e}"
            ".warning{color:#9a6700}.notice{color:#0969da}.action{border:1px solid #d1d9e0;border-radius:6px;"
            "padding:.2rem .6rem;margin-right:.5rem}</style></head><body><h1>Check runs</h1>%s</body></html>" % body)


class GitHub(Handler):
    def serve(self, url, body):
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = urllib.parse.unquote(url.path)
        problems = OPENAPI_SPEC.problems(self.command, path, query, headers, body)
        if re.match(r"^/repos/[^/]+/[^/]+/check-runs(/\d+)?$", path) and self.command in ("POST", "PATCH"):
            problems = problems + annotation_problems(body)
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        if APP and (path.startswith("/app/") or path.startswith(f"/repos/{APP['repository']}/")):
            if re.match(r"^/(app/installations/\d+/access_tokens|repos/[^/]+/[^/]+/installation)$", path):
                problem = jwt_problem(bearer)
                if problem:
                    problems = problems + [problem]
            elif bearer not in ISSUED_TOKENS:
                problems = problems + ["not an installation token this app was given"]
        record = {"method": self.command, "path": path, "query": query, "token": bearer,
                  "accept": headers.get("accept"), "userAgent": headers.get("user-agent"),
                  "body": json.loads(body) if body.strip().startswith(b"{") else None,
                  "problems": problems, "at": time.time()}
        with LOCK:
            GITHUB_REQUESTS.append(record)
            if GITHUB_FAILURES["times"] > 0 and GITHUB_FAILURES.get("method") in (None, self.command):
                GITHUB_FAILURES["times"] -= 1
                record["answered"] = GITHUB_FAILURES["status"]
                message = "stand-in failure"
                if GITHUB_FAILURES.get("echo"):
                    message = f"Bad credentials: {headers.get('authorization')}"
                return self.answer(GITHUB_FAILURES["status"], {"message": message})
        if problems:
            record["answered"] = 422
            return self.answer(422, {"message": "Validation Failed", "errors": problems})
        m = re.match(r"^/repos/([^/]+/[^/]+)/contents/(.+)$", path)
        if m and self.command == "GET":
            text = FILES.get((m.group(1), query.get("ref", "main"), m.group(2)))
            if text is None:
                record["answered"] = 404
                return self.answer(404, {"message": "Not Found"})
            record["answered"] = 200
            return self.answer(200, text.encode(), [("content-type", "application/vnd.github.raw+json")])
        if re.match(r"^/repos/[^/]+/[^/]+/(statuses/\w+|deployments/\d+/statuses)$", path):
            record["answered"] = 201
            data = json.loads(body)
            return self.answer(201, {"id": next(STATUS_IDS), "state": data["state"], "description": data.get("description"),
                                     "context": data.get("context", "default"), "created_at": now_iso()})
        m = re.match(r"^/repos/([^/]+/[^/]+)/pulls/(\d+)/files$", path)
        if m and self.command == "GET":
            pull = PULLS.get((m.group(1), int(m.group(2))))
            if pull is None:
                return self.github_answer(record, 404, {"message": "Not Found"})
            entries = [diff_entry(m.group(1), pull, f) for f in pull["files"]]
            shown, link = page_of(entries, query, f"http://{headers.get('host', 'localhost')}{path}")
            return self.github_answer(record, 200, shown, link)
        m = re.match(r"^/repos/([^/]+/[^/]+)/check-runs(?:/(\d+))?$", path)
        if m and self.command in ("POST", "PATCH"):
            data = json.loads(body)
            with LOCK:
                if self.command == "POST":
                    repository, sha = m.group(1), data["head_sha"]
                    suite = CHECK_SUITES.setdefault((repository, sha), len(CHECK_SUITES) + 1)
                    run = {"id": next(CHECK_RUN_IDS), "repository": repository, "name": data["name"], "head_sha": sha,
                           "status": "queued", "conclusion": None, "started_at": now_iso().replace(".000Z", "Z"),
                           "completed_at": None, "details_url": None, "external_id": None, "check_suite": suite,
                           "output": {"title": None, "summary": None, "text": None}, "annotations": [],
                           "actions": [], "requests": 0}
                    CHECK_RUNS.append(run)
                else:
                    run = next((r for r in CHECK_RUNS if r["id"] == int(m.group(2)) and r["repository"] == m.group(1)), None)
                    if run is None:
                        return self.github_answer(record, 404, {"message": "Not Found"})
                apply_to_run(run, data)
                run["requests"] += 1
                answer = check_run_answer(run)
            return self.github_answer(record, 201 if self.command == "POST" else 200, answer)
        m = re.match(r"^/repos/([^/]+/[^/]+)/collaborators/([^/]+)/permission$", path)
        if m and self.command == "GET":
            # GitHub answers a user who is no collaborator of a private repository with "none"
            # (with "read" on a public one), and 404 for a login that is no GitHub user: a
            # permission of null. A caller must take both as "may not".
            permission = PERMISSIONS.get((m.group(1), m.group(2)), "none")
            if permission is None:
                return self.github_answer(record, 404, {"message": "Not Found",
                                                        "documentation_url": "https://docs.github.com/rest"})
            role = permission  # no custom roles here: the base role is the role
            return self.github_answer(record, 200, {"permission": permission, "role_name": role,
                                                    "user": {**user(m.group(2)), "role_name": role}})
        m = re.match(r"^/app/installations/(\d+)/access_tokens$", path)
        if m:
            record["answered"] = 201
            expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
            token = "ghs_fakeinstallationtoken%s%d" % (m.group(1), len(ISSUED_TOKENS))
            ISSUED_TOKENS.add(token)
            return self.answer(201, {"token": token, "expires_at": expires})
        if re.match(r"^/repos/[^/]+/[^/]+/installation$", path):
            record["answered"] = 200
            return self.answer(200, {"id": 4242, "app_id": int(APP.get("appId", "1")), "target_type": "Organization"})
        record["answered"] = 404
        return self.answer(404, {"message": "Not Found (no stand-in for this call)"})

    def github_answer(self, record, status, value, headers=()):
        """Answers as GitHub, recording the status and what in the answer does not fit the
        operation's response schema (``answerProblems``, none expected)."""
        record["answered"] = status
        record["answerProblems"] = OPENAPI_SPEC.answer_problems(self.command, record["path"], status, value)
        return self.answer(status, value, headers)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = Handler.handle_any


def main():
    global OPENAPI_SPEC
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moto", required=True, help="the moto server's URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--aws-port", type=int, default=0)
    parser.add_argument("--github-port", type=int, default=0)
    args = parser.parse_args()
    OPENAPI_SPEC = OpenApi(OPENAPI)
    Handler.moto = urllib.parse.urlsplit(args.moto)
    aws = ThreadingHTTPServer((args.host, args.aws_port), AwsProxy)
    github = ThreadingHTTPServer((args.host, args.github_port), GitHub)
    for server in (aws, github):
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"aws": "http://%s:%d" % (args.host, aws.server_port),
                      "github": "http://%s:%d" % (args.host, github.server_port)}), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
