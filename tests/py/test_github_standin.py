"""The GitHub stand-in's pull requests, check runs and permissions, against GitHub's REST
description: what it answers fits the operations' response schemas, GitHub's paging and its
limit of 50 annotations per request hold, and its request check finds a body that does not
fit. The stand-ins alone (GitHub never reaches moto, so no moto runs here)."""
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30Validator

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/standins"))
import local_aws  # noqa: E402
import server  # noqa: E402

REPO = "octo/shop"
HEAD = "5" * 40
TOKEN = "ghs_fakestandintesttoken"


@pytest.fixture(scope="module")
def github():
    standins, urls = local_aws.start_standins("http://127.0.0.1:9")
    try:
        yield urls["github"]
    finally:
        standins.terminate()
        standins.wait()


@pytest.fixture(scope="module")
def spec():
    return json.loads(server.OPENAPI.read_text())


def call(base, method, path, body=None, token=TOKEN):
    """(status, headers, JSON answer) of one request, as a GitHub client makes it."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"accept": "application/vnd.github+json", "x-github-api-version": "2022-11-28",
               "content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as r:
            raw = r.read()
            return r.status, r.headers, json.loads(raw) if raw.startswith((b"{", b"[")) else raw.decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read() or b"null")


def control(base, method, path, body=None):
    return call(base, method, path, body, token=None)


def last_request(base):
    return control(base, "GET", "/_standin/requests")[2][-1]


def run_body(**extra):
    return {"name": "Hatoba checks", "head_sha": HEAD, "status": "in_progress", **extra}


def annotation(n, **extra):
    return {"path": ".aws/task-definition.json", "start_line": n, "end_line": n, "annotation_level": "warning",
            "message": f"finding {n}", **extra}


def test_a_pull_requests_files_come_in_pages_with_githubs_link_header(github, spec):
    files = [{"filename": f"src/f{n:03}.rs", "status": "modified"} for n in range(118)]
    files += [{"filename": ".aws/task-definition.json", "status": "added"},
              {"filename": "deploy/new.json", "status": "renamed", "previous_filename": "deploy/old.json"}]
    control(github, "PUT", "/_standin/files", {"repository": REPO, "ref": HEAD, "path": ".aws/task-definition.json",
                                               "content": '{\n  "family": "web"\n}\n'})
    assert control(github, "PUT", "/_standin/pulls", {"repository": REPO, "number": 7, "head": HEAD, "files": files})[0] == 200

    status, headers, first = call(github, "GET", f"/repos/{REPO}/pulls/7/files?per_page=100")
    assert status == 200 and len(first) == 100
    link = headers["link"]
    assert f"/repos/{REPO}/pulls/7/files?per_page=100&page=2>; rel=\"next\"" in link
    assert 'rel="last"' in link
    assert last_request(github)["problems"] == [] and last_request(github)["answerProblems"] == []

    status, headers, second = call(github, "GET", f"/repos/{REPO}/pulls/7/files?per_page=100&page=2")
    assert status == 200 and len(second) == 20
    assert 'rel="next"' not in (headers["link"] or "") and 'rel="prev"' in headers["link"]
    assert [f["filename"] for f in first + second] == [f["filename"] for f in files]

    # Every entry is GitHub's diff-entry, validated as the stand-in validates requests.
    schema = spec["paths"]["/repos/{owner}/{repo}/pulls/{pull_number}/files"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert schema["items"]["title"] == "Diff Entry"
    assert list(OAS30Validator(schema).iter_errors(first + second)) == []
    added, renamed = second[-2], second[-1]
    assert (added["additions"], added["deletions"], added["changes"]) == (3, 0, 3)
    assert added["contents_url"].endswith(f"/contents/.aws/task-definition.json?ref={HEAD}")
    assert added["patch"].startswith("@@ -0,0 +1,3 @@\n+{")
    assert renamed["previous_filename"] == "deploy/old.json" and "previous_filename" not in added
    # And the check itself finds an entry that is not one.
    assert list(OAS30Validator(schema).iter_errors([{**added, "status": "moved"}]))

    status, headers, default = call(github, "GET", f"/repos/{REPO}/pulls/7/files")
    assert len(default) == 30 and "page=2>; rel=\"next\"" in headers["link"]
    assert call(github, "GET", f"/repos/{REPO}/pulls/8/files")[0] == 404


def test_a_pull_request_with_a_wrong_file_is_refused_by_the_control_route(github):
    status, _, answer = control(github, "PUT", "/_standin/pulls", {"repository": REPO, "number": 9, "files": [
        {"filename": "a", "status": "renamed"}]})
    assert status == 400 and "previous_filename" in answer["error"]


def test_annotations_add_up_across_updates_and_51_in_one_request_are_refused(github):
    status, _, run = call(github, "POST", f"/repos/{REPO}/check-runs",
                          run_body(external_id="delivery-1", output={"title": "Checking", "summary": "1 of 2",
                                                                     "annotations": [annotation(n) for n in range(1, 51)]}))
    assert status == 201, run
    assert (run["status"], run["conclusion"], run["output"]["annotations_count"]) == ("in_progress", None, 50)
    assert last_request(github)["problems"] == [] and last_request(github)["answerProblems"] == []
    number = run["id"]

    status, _, refused = call(github, "PATCH", f"/repos/{REPO}/check-runs/{number}",
                              {"output": {"title": "t", "summary": "s", "annotations": [annotation(n) for n in range(51)]}})
    assert status == 422
    assert any("at most 50 annotations per request" in e for e in refused["errors"])

    status, _, done = call(github, "PATCH", f"/repos/{REPO}/check-runs/{number}",
                           {"conclusion": "failure",
                            "output": {"title": "2 findings", "summary": "Done", "text": "details",
                                       "annotations": [annotation(51, title="last")]},
                            "actions": [{"label": "Redeploy", "identifier": "redeploy", "description": "Deploy again"}]})
    assert status == 200, done
    assert (done["status"], done["conclusion"], done["output"]["annotations_count"]) == ("completed", "failure", 51)
    assert done["completed_at"] and done["output"]["title"] == "2 findings"
    assert last_request(github)["answerProblems"] == []

    [seen] = [r for r in control(github, "GET", "/_standin/check-runs")[2] if r["id"] == number]
    assert [a["start_line"] for a in seen["annotations"]] == list(range(1, 52))
    assert seen["requests"] == 2  # the refused one changed nothing
    assert seen["output"] == {"title": "2 findings", "summary": "Done", "text": "details"}
    assert [a["identifier"] for a in seen["actions"]] == ["redeploy"]
    assert call(github, "PATCH", f"/repos/{REPO}/check-runs/999999", {"status": "in_progress"})[0] == 404


def test_a_check_run_of_a_pull_requests_head_lists_the_pull_request(github):
    control(github, "PUT", "/_standin/pulls", {"repository": REPO, "number": 12, "head": "c" * 40, "base": "main",
                                               "head_ref": "feature", "files": []})
    status, _, run = call(github, "POST", f"/repos/{REPO}/check-runs", run_body(head_sha="c" * 40))
    assert status == 201
    assert [(p["number"], p["head"]["ref"], p["base"]["ref"]) for p in run["pull_requests"]] == [(12, "feature", "main")]


def test_a_body_that_does_not_fit_is_recorded_with_its_problems_and_refused(github):
    status, _, answer = call(github, "POST", f"/repos/{REPO}/check-runs", run_body(colour="green"))
    assert status == 422
    assert any("colour" in p for p in last_request(github)["problems"])
    status, _, answer = call(github, "POST", f"/repos/{REPO}/check-runs", run_body(name=7))
    assert status == 422
    assert any(p.startswith("name:") for p in last_request(github)["problems"])
    status, _, answer = call(github, "PATCH", f"/repos/{REPO}/check-runs/1", {"status": "completed"})
    assert status == 422  # completed needs a conclusion


def test_a_collaborators_permission_is_what_it_was_set_to(github):
    control(github, "PUT", "/_standin/permissions", {"repository": REPO, "username": "mona", "permission": "write"})
    control(github, "PUT", "/_standin/permissions", {"repository": REPO, "username": "ghost", "permission": None})
    status, _, answer = call(github, "GET", f"/repos/{REPO}/collaborators/mona/permission")
    assert (status, answer["permission"], answer["user"]["login"]) == (200, "write", "mona")
    assert last_request(github)["problems"] == [] and last_request(github)["answerProblems"] == []
    assert call(github, "GET", f"/repos/{REPO}/collaborators/stranger/permission")[2]["permission"] == "none"
    assert call(github, "GET", f"/repos/{REPO}/collaborators/ghost/permission")[0] == 404
    assert control(github, "PUT", "/_standin/permissions",
                   {"repository": REPO, "username": "x", "permission": "maintain"})[0] == 400


def test_the_checks_page_escapes_what_it_shows(github):
    call(github, "POST", f"/repos/{REPO}/check-runs",
         run_body(name="<b>name</b>", conclusion="success",
                  output={"title": "Escaped", "summary": "<script>alert(1)</script> & done",
                          "annotations": [annotation(3, start_column=5, end_column=9, message="<img src=x>")]}))
    request = urllib.request.Request(github + "/_standin/check-runs.html")
    with urllib.request.urlopen(request) as r:
        assert r.headers["content-type"].startswith("text/html")
        page = r.read().decode()
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; done" in page
    assert "&lt;img src=x&gt;" in page and "&lt;b&gt;name&lt;/b&gt;" in page
    assert ".aws/task-definition.json:3:5" in page
    assert "src=\"" not in page and "href=" not in page  # nothing fetched


def test_reset_forgets_check_runs_but_not_pull_requests_or_permissions(github):
    call(github, "POST", f"/repos/{REPO}/check-runs", run_body())
    assert control(github, "GET", "/_standin/check-runs")[2]
    control(github, "POST", "/_standin/reset", {})
    assert control(github, "GET", "/_standin/check-runs")[2] == []
    assert call(github, "GET", f"/repos/{REPO}/pulls/7/files")[0] == 200
    assert call(github, "GET", f"/repos/{REPO}/collaborators/mona/permission")[2]["permission"] == "write"
