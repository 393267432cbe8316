"""Stand-ins for the parts of a deploy that cannot run here for real.

Two servers in one process, used by the deploy tests, the worker's tests and the demo:

* **ECS rollouts** (``--aws-port``): a proxy in front of the moto server that passes every
  request through unchanged (the Host header too, so SigV4 signatures still verify and IAM is
  still enforced by moto) and rewrites the answers of ``UpdateService`` and ``DescribeServices``
  the way ECS shows a rolling deployment, which moto never finishes: a new PRIMARY deployment
  IN_PROGRESS beside the old one, then, per service, COMPLETED after a few polls, or FAILED with
  the circuit breaker rolling back to the old revision, or never ending.
* **GitHub's REST API** (``--github-port``): serves repository files at a commit and takes
  commit and deployment statuses, checking every request against GitHub's published OpenAPI
  description (path, method, parameters, body schema, no fields the operation does not have)
  and answering 422 with the problems when it does not fit. It records every request.

Control and inspection, on either port, under ``/_standin/``:

* ``POST /_standin/rollout`` ``{"cluster", "service", "ending": "complete"|"rollback"|"stall",
  "polls": N}`` how the next rollouts of that service end (default: complete after 2 polls);
* ``PUT /_standin/files`` ``{"repository", "ref", "path", "content"}`` a file GitHub serves;
* ``POST /_standin/github-fail`` ``{"times": N, "status": 502, "echo": false, "method": null}`` the
  next N GitHub calls (of that method only, when given: a deploy reads and writes at once) fail
  (with ``echo``, the answer's message repeats the request's ``Authorization``, as a careless
  server might);
* ``POST /_standin/app`` ``{"appId", "publicKey", "repository"}`` a GitHub App installed on the
  repository: its JWTs (RS256, checked with the public key, ``iss`` and times) buy installation
  tokens, and then only those tokens are taken for that repository;
* ``GET /_standin/requests`` what GitHub received, each with its ``problems``;
* ``GET /_standin/aws-log`` the AWS operations that passed, with their time and status;
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "node_modules/@octokit/openapi/generated/api.github.com.deref.json"

LOCK = threading.Lock()
ROLLOUT_SETTINGS = {}  # (cluster, service) -> {"ending", "polls"}
ROLLOUTS = {}  # (cluster, service) -> state of the rollout UpdateService started
AWS_LOG = []
GITHUB_REQUESTS = []
FILES = {}  # (repository, ref, path) -> text
GITHUB_FAILURES = {"times": 0, "status": 502}
APP = {}  # appId, publicKey (PEM) once a GitHub App is registered
ISSUED_TOKENS = set()
DEPLOYMENT_IDS = itertools.count(7_000_000_000_000_000_001)
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

def rewrite_service(key, service):
    """Shows the rollout of ``key`` in ``service`` (a DescribeServices/UpdateService entry)."""
    state = ROLLOUTS.get(key)
    if state is None:
        return
    service["deployments"] = [dict(d) for d in state["deployments"]]
    service["taskDefinition"] = state["deployments"][0]["taskDefinition"]
    service["runningCount"] = sum(d["runningCount"] for d in state["deployments"])
    service["pendingCount"] = sum(d.get("pendingCount", 0) for d in state["deployments"])


def deployment(td, desired, running, state, reason, status="PRIMARY"):
    return {
        "id": "ecs-svc/%d" % next(DEPLOYMENT_IDS), "status": status, "taskDefinition": td,
        "desiredCount": desired, "pendingCount": desired - running, "runningCount": running,
        "failedTasks": 0, "createdAt": time.time(), "updatedAt": time.time(), "launchType": "FARGATE",
        "rolloutState": state, "rolloutStateReason": reason,
    }


def started_rollout(key, service):
    """UpdateService answered: a new PRIMARY deployment starts beside the one before."""
    desired = max(service.get("desiredCount", 1), 1)
    before = ROLLOUTS.get(key, {}).get("deployments") or service.get("deployments") or []
    previous = dict(before[0]) if before else None
    new = deployment(service["taskDefinition"], desired, 0, "IN_PROGRESS", "")
    new["rolloutStateReason"] = "ECS deployment %s in progress." % new["id"]
    if previous and previous["taskDefinition"] == new["taskDefinition"]:
        return  # nothing to roll out
    deployments = [new]
    if previous:
        previous.update(status="ACTIVE", rolloutState="COMPLETED", runningCount=previous.get("desiredCount", desired))
        deployments.append(previous)
    settings = ROLLOUT_SETTINGS.get(key, {"ending": "complete", "polls_needed": 2})
    ROLLOUTS[key] = {"deployments": deployments, "polls": 0, **settings}


def polled(key):
    """One DescribeServices later: the rollout moves on as its ending says."""
    state = ROLLOUTS.get(key)
    if state is None:
        return
    primary = state["deployments"][0]
    if primary["rolloutState"] != "IN_PROGRESS":
        return
    state["polls"] += 1
    desired = primary["desiredCount"]
    if state["ending"] == "complete" and state["polls"] >= state["polls_needed"]:
        primary.update(runningCount=desired, pendingCount=0, rolloutState="COMPLETED",
                       rolloutStateReason="ECS deployment %s completed." % primary["id"])
        state["deployments"] = [primary]
    elif state["ending"] == "rollback" and state["polls"] >= state["polls_needed"] and len(state["deployments"]) > 1:
        old = state["deployments"][1]
        primary.update(status="ACTIVE", rolloutState="FAILED", failedTasks=3, runningCount=0, pendingCount=0,
                       rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.")
        back = deployment(old["taskDefinition"], desired, desired, "COMPLETED",
                          "ECS deployment circuit breaker: rolling back to deploymentId %s." % old["id"])
        state["deployments"] = [back, primary]
    else:
        primary.update(runningCount=min(desired - 1, state["polls"]) if desired > 1 else 0)
        primary["pendingCount"] = desired - primary["runningCount"]


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
                key = (data.get("cluster", "default"), data["service"])
                ROLLOUT_SETTINGS[key] = {"ending": data.get("ending", "complete"), "polls_needed": int(data.get("polls", 2))}
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
        answer_headers = response.getheaders()
        conn.close()
        target = self.headers.get("x-amz-target", "")
        operation = target.rsplit(".", 1)[-1] if target else f"{self.command} {url.path}"
        with LOCK:
            AWS_LOG.append({"operation": operation, "status": response.status, "at": time.time(),
                            "requestId": response.getheader("x-amzn-requestid")})
            if response.status == 200 and operation in ("UpdateService", "DescribeServices"):
                request = json.loads(body or b"{}")
                cluster = request.get("cluster", "default").rsplit("/", 1)[-1]
                answer = json.loads(data)
                if operation == "UpdateService":
                    service = answer["service"]
                    key = (cluster, service["serviceName"])
                    started_rollout(key, service)
                    rewrite_service(key, service)
                else:
                    for service in answer.get("services", []):
                        key = (cluster, service["serviceName"])
                        polled(key)
                        rewrite_service(key, service)
                data = json.dumps(answer).encode()
        self.answer(response.status, data, answer_headers)

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
