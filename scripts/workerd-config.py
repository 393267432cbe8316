#!/usr/bin/env python3
"""Writes the configuration `workerd serve` reads, derived from worker/wrangler.toml.

workerd reads wrangler's configuration keys itself, but only as JSON, so wrangler.toml stays the
one source of truth and this converts it: paths become absolute (workerd resolves them against
the config file's folder), the already-bundled worker is not bundled again, `[build]` is dropped
(scripts/build has built it), and `--var NAME=VALUE` adds or overrides plain-text variables.

"""
import argparse
import json
import tomllib
from pathlib import Path


def convert(wrangler_toml: Path, overrides: dict[str, str]) -> dict:
    config = tomllib.loads(wrangler_toml.read_text())
    base = wrangler_toml.parent.resolve()
    config.pop("build", None)
    config["main"] = str(base / config["main"])
    config["no_bundle"] = True
    if "assets" in config:
        config["assets"]["directory"] = str((base / config["assets"]["directory"]).resolve())
    config["vars"] = {**config.get("vars", {}), **overrides}
    return config


def var(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description="Convert wrangler.toml for `workerd serve`.")
    parser.add_argument("wrangler_toml", type=Path)
    parser.add_argument("out_json", type=Path)
    parser.add_argument("--var", type=var, action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    args.out_json.parent.mkdir(parents=True, exist_ok=True)
    config = convert(args.wrangler_toml, dict(args.var))
    args.out_json.write_text(json.dumps(config, indent=2) + "\n")


if __name__ == "__main__":
    main()

