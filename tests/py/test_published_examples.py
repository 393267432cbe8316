"""Task definitions AWS publishes, as AWS published them: the ECS examples that ship with botocore
(`examples-1.json`, the examples of the ECS API reference), read from the installed package at
test time. AWS registered each of them, so `hatoba taskdef check` must find no error in any:
a RegisterTaskDefinition input as it is, a DescribeTaskDefinition output as the CLI prints it
(`{"taskDefinition": ...}`, whose read-only fields Hatoba removes with a warning).
"""
import json
import subprocess
from pathlib import Path

import botocore
import pytest

EXAMPLES = Path(botocore.__file__).parent / "data" / "ecs" / "2014-11-13" / "examples-1.json"


def published() -> list:
    """(name, document) of every example that holds a task definition."""
    found = []
    for operation, examples in json.loads(EXAMPLES.read_text())["examples"].items():
        for example in examples:
            if operation == "RegisterTaskDefinition":
                found.append((f"{operation}-input-{example['id']}", example["input"]))
            elif operation == "DescribeTaskDefinition":
                found.append((f"{operation}-output-{example['id']}", example["output"]))
    return found


def test_the_package_still_publishes_them():
    # An update of botocore that drops the examples would leave the test below checking nothing.
    names = [name for name, _ in published()]
    assert any(n.startswith("RegisterTaskDefinition-input") for n in names), names
    assert any(n.startswith("DescribeTaskDefinition-output") for n in names), names


@pytest.mark.parametrize("name,document", published(), ids=[n for n, _ in published()])
def test_every_task_definition_aws_publishes_checks_without_error(hatoba, tmp_path, name, document):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document, indent=2))
    out = subprocess.run([str(hatoba), "taskdef", "check", "--format", "json", str(path)],
                         capture_output=True, text=True)
    findings = json.loads(out.stdout)
    errors = [f"{f['line']}:{f['column']} {f['message']} [{f['rule']}]" for f in findings if f["severity"] == "error"]
    assert errors == [], f"{name}:\n" + json.dumps(document, indent=2)
    assert out.returncode == 0, out.stderr
