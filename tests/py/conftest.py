"""Shared fixtures: where the repository and the built `hatoba` binary are."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def hatoba() -> Path:
    """The `hatoba` binary: $HATOBA_BIN, else target/debug/hatoba, built if missing."""
    explicit = os.environ.get("HATOBA_BIN")
    if explicit:
        return Path(explicit)
    binary = ROOT / "target" / "debug" / "hatoba"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "hatoba-cli"], cwd=ROOT, check=True)
    return binary


# The deploy world (one moto, one set of stand-ins) shared by every module that deploys.
from deploy_world import world  # noqa: E402,F401
