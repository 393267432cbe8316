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
* **GitHub's REST API** (``--github-port``): serves repository files at a commit and takes
  commit and deployment statuses, checking every request against GitHub's published OpenAPI
  description (path, method, parameters, body schema, no fields the operation does not have)
  and answering 422 with the problems when it does not fit. It records every request.

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
* ``POST /_standin/github-fail`` ``{"times": N, "status": 502, "echo": false, "method": null}`` the
  next N GitHub calls (of that method only, when given: a deploy reads and writes at once) fail
  (with ``echo``, the answer's message repeats the request's ``Authorization``, as a careless
  server might);
* ``POST /_standin/app`` ``{"appId", "publicKey", "repository"}`` a GitHub App installed on the
  repository: its JWTs (RS256, checked with the public key, ``iss`` and times) buy installation
  tokens, and then only those tokens are taken for that repository;
* ``GET /_standin/requests`` what GitHub received, each with its ``problems``;
* ``GET /_standin/aws-log`` the AWS operations that passed, with their time, status and
  ``problems``; for the service-deployment operations, ListTasks, DescribeTasks, RunTask and
  StopTask also the ``request``, and ``answeredBy: "stand-in"`` for those moto lacks;
* ``POST /_standin/reset`` forget requests and logs (files and rollout settings stay).

Prints one JSON line ``{"aws": URL, "github": URL}`` when ready.
"""

import argparse
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


class GitHub(Handler):
    def serve(self, url, body):
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = urllib.parse.unquote(url.path)
        problems = OPENAPI_SPEC.problems(self.command, path, query, headers, body)
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
