#!/usr/bin/env python3
"""Writes the configuration `workerd serve` runs Hatoba with, derived from worker/wrangler.toml.

wrangler.toml stays the one source of truth; this translates it into workerd's own Cap'n Proto
configuration, which says what wrangler's form cannot: that the worker may reach the local AWS
emulator and GitHub stand-in on loopback (workerd lets a worker reach public addresses only,
unless its network service allows private ones), and where Durable Object storage lives.

  - the built worker (worker/build: index.js and index_bg.wasm) is the service the socket serves,
    as `run_worker_first = true` asks; the UI's files are its ASSETS binding, served as Cloudflare
    serves a Worker's assets;
  - [vars] (and those of `--vars-from FILE`, another wrangler.toml) become text (strings) or JSON (tables and lists) bindings, `--var NAME=VALUE` adds or
    overrides one, and `--env-file FILE` (`.dev.vars` form: KEY="value" lines) adds secrets;
  - [[durable_objects.bindings]] become Durable Object namespaces stored under `--state DIR`;
  - [[services]] bindings name another worker of this repository (worker/checks): it is served
    beside the worker, reachable only through the binding.
"""
import argparse
import json
import re
import tomllib
from pathlib import Path


def capnp_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Cap'n Proto text literal


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, values optionally in double or single quotes; # comments."""
    values = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$', line)
        if not m:
            raise SystemExit(f"{path}:{number}: expected KEY=value")
        key, value = m.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
            if line.split("=", 1)[1].strip().startswith('"'):
                value = value.replace('\\n', '\n').replace('\\"', '"').replace('\\\\', '\\')
        values[key] = value
    return values


def find_worker(name: str) -> Path:
    """The wrangler.toml of this repository's worker called `name` (a service binding's target)."""
    for candidate in sorted((Path(__file__).resolve().parent.parent / "worker").glob("**/wrangler.toml")):
        if "node_modules" not in candidate.parts and tomllib.loads(candidate.read_text()).get("name") == name:
            return candidate
    raise SystemExit(f"no worker named {name!r} in this repository (a [[services]] binding names it)")


def convert(wrangler_toml: Path, overrides: dict, state: Path, vars_from: Path | None = None) -> str:
    config = tomllib.loads(wrangler_toml.read_text())
    if vars_from:
        # Another wrangler.toml's [vars] (its targets) over this one's, the worker staying ours.
        config["vars"] = {**config.get("vars", {}), **tomllib.loads(vars_from.read_text()).get("vars", {})}
    base = wrangler_toml.parent.resolve()
    build = (base / config["main"]).resolve().parent
    name = config.get("name", "worker")
    date = config["compatibility_date"]
    flags = config.get("compatibility_flags", [])
    bindings = []
    for key, value in {**config.get("vars", {}), **overrides}.items():
        if isinstance(value, str):
            bindings.append(f"(name = {capnp_string(key)}, text = {capnp_string(value)})")
        else:
            bindings.append(f"(name = {capnp_string(key)}, json = {capnp_string(json.dumps(value))})")
    services = []
    assets = config.get("assets")
    if assets:
        directory = (base / assets["directory"]).resolve()
        asset_config = {k: v for k, v in assets.items() if k in ("html_handling", "not_found_handling")}
        services.append(f"""(name = "assets", assets = (path = {capnp_string(str(directory))},
      config = {capnp_string(json.dumps(asset_config))}, compatibilityDate = {capnp_string(date)}))""")
        bindings.append(f'(name = {capnp_string(assets.get("binding", "ASSETS"))}, service = (name = "assets", entrypoint = "AssetWorker"))')
    namespaces = []
    for binding in config.get("durable_objects", {}).get("bindings", []):
        cls = binding["class_name"]
        sql = any(cls in m.get("new_sqlite_classes", []) for m in config.get("migrations", []))
        namespaces.append(f"(className = {capnp_string(cls)}, uniqueKey = {capnp_string(f'{name}-{cls}')}, enableSql = {str(sql).lower()})")
        bindings.append(f"(name = {capnp_string(binding['name'])}, durableObjectNamespace = (className = {capnp_string(cls)}))")
    storage = ""
    if namespaces:
        state.mkdir(parents=True, exist_ok=True)
        services.append(f'(name = "do-storage", disk = (path = {capnp_string(str(state.resolve()))}, writable = true))')
        storage = 'durableObjectStorage = (localDisk = "do-storage"),'
    services.append('(name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true)))')
    services.insert(0, '(name = "main", worker = .worker)')
    for binding in config.get("services", []):
        other_toml = find_worker(binding["service"])
        other = tomllib.loads(other_toml.read_text())
        other_build = (other_toml.parent / other["main"]).resolve().parent
        services.append(f"""(name = {capnp_string(binding["service"])}, worker = (
      modules = [
        (name = "index.js", esModule = embed {capnp_string(str(other_build / "index.js"))}),
        (name = "index_bg.wasm", wasm = embed {capnp_string(str(other_build / "index_bg.wasm"))}),
      ],
      compatibilityDate = {capnp_string(other["compatibility_date"])},
      compatibilityFlags = {json.dumps(other.get("compatibility_flags", []))},
    ))""")
        bindings.append(f"(name = {capnp_string(binding['binding'])}, service = {capnp_string(binding['service'])})")
    sep = ",\n    "
    services_text, bindings_text = sep.join(services), sep.join(bindings)
    return f"""# Generated by scripts/workerd-config.py from {wrangler_toml.name}: edit that file instead.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    {services_text}
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed {capnp_string(str(build / "index.js"))}),
    (name = "index_bg.wasm", wasm = embed {capnp_string(str(build / "index_bg.wasm"))}),
  ],
  compatibilityDate = {capnp_string(date)},
  compatibilityFlags = {json.dumps(flags)},
  bindings = [
    {bindings_text}
  ],
  durableObjectNamespaces = [{", ".join(namespaces)}],
  {storage}
  globalOutbound = "internet",
);
"""


def var(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description="Convert wrangler.toml for `workerd serve`.")
    parser.add_argument("wrangler_toml", type=Path)
    parser.add_argument("out_capnp", type=Path)
    parser.add_argument("--var", type=var, action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--env-file", type=Path, help="secrets and variables, .dev.vars form")
    parser.add_argument("--vars-from", type=Path, help="take [vars] (the targets) from this wrangler.toml too")
    parser.add_argument("--state", type=Path, help="where Durable Object storage is kept (default: beside the output)")
    args = parser.parse_args()
    args.out_capnp.parent.mkdir(parents=True, exist_ok=True)
    overrides = read_env_file(args.env_file) if args.env_file else {}
    overrides.update(dict(args.var))
    state = args.state or args.out_capnp.parent / "state"
    args.out_capnp.write_text(convert(args.wrangler_toml, overrides, state, args.vars_from))


if __name__ == "__main__":
    main()
