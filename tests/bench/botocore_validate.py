"""botocore's ParamValidator (what the AWS CLI and boto3 check a request with before sending it)
on the task definition core/benches/taskdef.rs checks: JSON parse + validate against
RegisterTaskDefinition's input shape, median time per check.

Prints one line of JSON ({"median_us": ..., "min_us": ..., "iterations": ...}) for scripts/bench.
"""
import json
import time
from pathlib import Path

import botocore.session
from botocore.validate import ParamValidator

TEXT = (Path(__file__).resolve().parents[1] / "fixtures/bench/taskdef-50-containers.json").read_text()
SHAPE = botocore.session.get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
VALIDATOR = ParamValidator()


def check_once() -> int:
    report = VALIDATOR.validate(json.loads(TEXT), SHAPE)
    return len(report.generate_report().splitlines()) if report.has_errors() else 0


def main() -> None:
    assert check_once() == 0, "the bench task definition is valid for botocore"
    rounds = 51
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        check_once()
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    print(json.dumps({"median_us": round(samples[rounds // 2], 1), "min_us": round(samples[0], 1), "iterations": rounds}))


if __name__ == "__main__":
    main()
