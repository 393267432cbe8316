"""Differential test: botocore's own ECS model against `hatoba taskdef check`.

botocore's ParamValidator (what the AWS CLI and SDK check before sending) runs on every task
definition fixture, as RegisterTaskDefinition input. Whatever it rejects, Hatoba must reject
too; every `ok` fixture must pass both. Hatoba may reject more: it knows ECS's rules beyond the
model's shapes (Fargate sizes, awsvpc ports, ...).
"""
import json
import subprocess
import sys
from pathlib import Path

import botocore.session
import pytest
import yaml
from botocore.validate import ParamValidator

from conftest import ROOT

FIXTURES = sorted(p for p in (ROOT / "tests/fixtures/taskdef").glob("*/*") if p.suffix in (".json", ".yaml"))
READ_ONLY = {"compatibilities", "taskDefinitionArn", "revision", "status", "requiresAttributes",
             "registeredAt", "registeredBy", "deregisteredAt"}
INPUT_SHAPE = botocore.session.get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape


def as_register_input(document: dict) -> dict:
    """What Hatoba registers from a file: describe-task-definition output unwrapped (tags kept),
    read-only fields removed (each with a warning)."""
    if isinstance(document.get("taskDefinition"), dict) and "containerDefinitions" not in document:
        tags = document.get("tags") or []
        document = dict(document["taskDefinition"])
        if tags and "tags" not in document:
            document["tags"] = tags
    return {k: v for k, v in document.items() if k not in READ_ONLY}


def botocore_errors(path: Path) -> str:
    try:
        text = path.read_text()
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        return f"not {path.suffix[1:].upper()}: {e}"
    report = ParamValidator().validate(as_register_input(document), INPUT_SHAPE)
    return report.generate_report() if report.has_errors() else ""


def hatoba_null_warnings(hatoba) -> dict:
    """The explicit-null warnings of each fixture."""
    out = subprocess.run([str(hatoba), "taskdef", "check", "--format", "json", *map(str, FIXTURES)],
                         capture_output=True, text=True)
    warned: dict = {str(f): 0 for f in FIXTURES}
    for finding in json.loads(out.stdout):
        if finding["rule"] == "explicit-null":
            warned[finding["file"]] += 1
    return warned


@pytest.fixture(scope="module")
def hatoba_errors(hatoba) -> dict:
    out = subprocess.run([str(hatoba), "taskdef", "check", "--format", "json", *map(str, FIXTURES)],
                         capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    errors: dict = {str(f): [] for f in FIXTURES}
    for finding in json.loads(out.stdout):
        if finding["severity"] == "error":
            errors[finding["file"]].append(f"{finding['line']}:{finding['column']} {finding['message']} [{finding['rule']}]")
    return errors


def test_there_are_fixtures_of_both_kinds():
    kinds = {f.parent.name for f in FIXTURES}
    assert kinds == {"ok", "err"} and len(FIXTURES) >= 12


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_whatever_botocore_rejects_hatoba_rejects(fixture, hatoba_errors, hatoba):
    theirs = botocore_errors(fixture)
    ours = hatoba_errors[str(fixture)]
    # The one refusal of botocore's that Hatoba makes a warning: explicit nulls, which
    # RegisterTaskDefinition itself and the deploy action take as absent; each must be warned of.
    reasons = [line for line in theirs.splitlines() if line.strip()]
    if reasons and all("value: None" in line for line in reasons):
        assert not ours, ours
        assert hatoba_null_warnings(hatoba)[str(fixture)] == len(reasons), theirs
        return
    if theirs:
        assert ours, f"botocore rejects {fixture.name} but Hatoba finds no error:\n{theirs}"
    if fixture.parent.name == "ok":
        assert not theirs, f"an ok fixture botocore rejects:\n{theirs}"
        assert not ours, f"an ok fixture Hatoba rejects: {ours}"


def test_the_generated_shapes_are_current():
    """core/src/taskdef/shapes.rs is what scripts/gen-ecs-shapes.py makes from this botocore."""
    generated = subprocess.run([sys.executable, str(ROOT / "scripts/gen-ecs-shapes.py")], capture_output=True, text=True, check=True).stdout
    formatted = subprocess.run(["rustfmt", "--edition", "2024", "--emit", "stdout"], input=generated,
                               capture_output=True, text=True, check=True).stdout
    assert formatted == (ROOT / "core/src/taskdef/shapes.rs").read_text()
