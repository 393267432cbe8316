"""botocore's SigV4 signer on the request core/benches/sign.rs signs: median time per signature.

Prints one line of JSON ({"median_ns": ..., "iterations": ...}) for scripts/bench.
"""
import json
import time
from datetime import datetime
from pathlib import Path
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BODY = (Path(__file__).resolve().parents[1] / "fixtures/bench/register-task-definition.json").read_bytes()
CREDENTIALS = Credentials("AKIDFAKEBENCH", "fake-bench-secret", "FAKE-SESSION-TOKEN")
SIGNER = SigV4Auth(CREDENTIALS, "ecs", "eu-west-1")


def sign_once() -> None:
    request = AWSRequest(method="POST", url="https://ecs.eu-west-1.amazonaws.com/", data=BODY)
    request.headers["Content-Type"] = "application/x-amz-json-1.1"
    request.headers["X-Amz-Target"] = "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition"
    SIGNER.add_auth(request)


def main() -> None:
    rounds, per_round = 31, 100
    samples = []
    with mock.patch("botocore.auth.get_current_datetime", return_value=datetime(2026, 11, 27, 8, 0, 0)):
        for _ in range(rounds):
            start = time.perf_counter_ns()
            for _ in range(per_round):
                sign_once()
            samples.append((time.perf_counter_ns() - start) / per_round)
    samples.sort()
    print(json.dumps({"median_ns": round(samples[rounds // 2]), "iterations": rounds * per_round}))


if __name__ == "__main__":
    main()
