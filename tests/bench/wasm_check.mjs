// Loads the app from the worker in workerd into headless Chromium and times a check in the
// browser's wasm (the app's bench_check hook) on the same input as the native benchmark.
//   node tests/bench/wasm_check.mjs taskdef|workflow
// Prints one line of JSON ({"median_us": ..., "min_us": ..., "cold_us": ..., "iterations": ...}):
// the median and the fastest batch once warm (a busy machine only ever adds time, so the fastest
// is the steadier figure), and the first 10 checks before the engine's optimizing tier is in.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startWorker, launchBrowser } from '../e2e/harness.mjs';

const rounds = 210; // 21 batches of 10
// Checks run untimed first, so the engine's optimizing tier is in.
const warmUpMs = 2000;
const kind = process.argv[2] ?? 'taskdef';
const input = { taskdef: 'taskdef-50-containers.json', workflow: 'workflow-500-lines.yml' }[kind];
if (!input) throw new Error(`unknown kind ${kind}: expected taskdef or workflow`);
const text = fs.readFileSync(path.join(ROOT, 'tests/fixtures/bench', input), 'utf8');
const worker = await startWorker();
const browser = await launchBrowser();
try {
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  await page.goto(`${worker.url}/#/deployments`);
  await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 20000 });
  const module = `/${JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/assets.json'), 'utf8'))['pkg/hatoba.js']}`;
  const [median, fastest, cold] = await page.evaluate(async ({ kind, text, rounds, warmUpMs, module }) => {
    const app = await import(module);
    // Browsers round performance.now() to 0.1 ms without cross-origin isolation: checks are
    // timed in batches of 10 (one call each) and the batch means ranked.
    const BATCH = 10;
    const batch = () => {
      const t0 = performance.now();
      app.bench_check(kind, text, BATCH);
      return (performance.now() - t0) / BATCH;
    };
    const cold = batch();
    // The engine first runs wasm through its baseline compiler and swaps in optimized code from
    // background threads after a while (on a busy two-core machine, a second or so); an editor
    // that checks on every keystroke runs the latter.
    const start = performance.now();
    while (performance.now() - start < warmUpMs) app.bench_check(kind, text, BATCH);
    const samples = Array.from({ length: Math.max(1, Math.floor(rounds / BATCH)) }, batch).sort((a, b) => a - b);
    return [samples[Math.floor(samples.length / 2)], samples[0], cold];
  }, { kind, text, rounds, warmUpMs, module });
  const us = (ms) => Math.round(ms * 1000 * 10) / 10;
  console.log(JSON.stringify({ median_us: us(median), min_us: us(fastest), cold_us: us(cold), iterations: rounds }));
} finally {
  await browser.close();
  await worker.stop();
}
