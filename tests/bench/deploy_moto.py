"""Times `hatoba deploy --no-wait` against the local AWS (moto with IAM and SigV4 checks on,
behind the rollout stand-in) and the GitHub stand-in: 20 runs, each a full pipeline up to
UpdateService (pending status, DescribeImages, the base from the repository, render, check,
RegisterTaskDefinition, UpdateService). Prints one JSON line: median and p95 (ms) of the time
from start to RegisterTaskDefinition reaching AWS, and to the end (UpdateService answered).

    python tests/bench/deploy_moto.py HATOBA_BINARY
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/standins"))
import local_aws  # noqa: E402

SHA = "0123456789abcdef0123456789abcdef01234567"
RUNS = 20


def main(binary):
    moto, moto_url = local_aws.start_moto()
    standins, urls = local_aws.start_standins(moto_url)
    try:
        deployer, _, _ = local_aws.seed(moto_url, "bench", ["web"], "bench/web", [SHA])
        local_aws.put_file(urls["github"], "octo/shop", SHA, ".aws/task-definition.json",
                           json.dumps(local_aws.task_definition("web")))
        config = Path(tempfile.mkdtemp()) / "wrangler.toml"
        config.write_text('[vars]\n[[vars.HATOBA_TARGETS]]\nname = "bench"\nrepository = "octo/shop"\nbranch = "main"\n'
                          'region = "us-east-1"\ncluster = "bench"\nservice = "web"\ncontainer = "web"\n'
                          'ecrRepository = "bench/web"\ntaskDefinition = ".aws/task-definition.json"\n')
        env = dict(os.environ, AWS_ACCESS_KEY_ID=deployer["aws_access_key_id"],
                   AWS_SECRET_ACCESS_KEY=deployer["aws_secret_access_key"], AWS_ENDPOINT_URL=urls["aws"],
                   GITHUB_TOKEN="ghp_fake-token-for-tests", GITHUB_API_URL=urls["github"])
        to_register, to_update = [], []
        for _ in range(RUNS + 1):  # the first run warms moto up and is not counted
            started = time.time()
            run = subprocess.run([binary, "deploy", "--target", "bench", "--sha", SHA, "--config", str(config),
                                  "--no-wait"], env=env, capture_output=True, text=True)
            ended = time.time()
            if run.returncode != 0:
                sys.exit(f"hatoba deploy failed: {run.stderr}")
            log = json.loads(urllib.request.urlopen(urls["aws"] + "/_standin/aws-log").read())
            registered = [e["at"] for e in log if e["operation"] == "RegisterTaskDefinition" and e["at"] >= started]
            to_register.append((registered[0] - started) * 1000)
            to_update.append((ended - started) * 1000)
        to_register, to_update = to_register[1:], to_update[1:]

        def p95(xs):
            return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]

        print(json.dumps({"runs": RUNS,
                          "register_median_ms": statistics.median(to_register), "register_p95_ms": p95(to_register),
                          "update_median_ms": statistics.median(to_update), "update_p95_ms": p95(to_update)}))
    finally:
        standins.terminate()
        moto.terminate()


if __name__ == "__main__":
    main(sys.argv[1])
