// Workflows the installed node packages publish, read from node_modules at test time (nothing is
// copied into the tree): every workflow a package ships in its own .github/workflows, and the
// workflows in @actions/workflow-parser's README examples. GitHub's own loader accepts each, so
// Hatoba may report no error on any (warnings are allowed: they say "works, probably not meant").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, hatobaBin } from '../e2e/harness.mjs';
import './json_import_hook.mjs';

const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');
const MODULES = path.join(ROOT, 'node_modules');

/** Every package directory in node_modules (scoped ones too, nested node_modules included). */
function packages(dir = MODULES, depth = 0) {
  if (depth > 3 || !fs.existsSync(dir)) return [];
  const found = [];
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (!fs.statSync(full).isDirectory()) continue;
    if (name.startsWith('@')) { found.push(...packages(full, depth)); continue; }
    found.push(full, ...packages(path.join(full, 'node_modules'), depth + 1));
  }
  return found;
}

/** [name, text] of every published workflow. */
function published() {
  const found = [];
  for (const pkg of packages()) {
    const dir = path.join(pkg, '.github', 'workflows');
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
      found.push([path.relative(MODULES, path.join(dir, f)), fs.readFileSync(path.join(dir, f), 'utf8')]);
    }
  }
  const readme = fs.readFileSync(path.join(MODULES, '@actions/workflow-parser/README.md'), 'utf8');
  // The examples pass a workflow to parseWorkflow as a template literal: `content: \`...\``.
  for (const [i, m] of [...readme.matchAll(/content: `([^`]*)`/g)].entries()) {
    found.push([`@actions/workflow-parser/README.md example ${i + 1}`, m[1]]);
  }
  return found;
}

const workflows = published();

test('the packages still publish workflows (else this test checks nothing)', () => {
  assert.ok(workflows.some(([n]) => n.includes('.github/workflows')), workflows.map(([n]) => n).join(', '));
  assert.ok(workflows.some(([n]) => n.includes('README')), workflows.map(([n]) => n).join(', '));
});

test('every workflow a package publishes: GitHub\'s loader accepts it, and Hatoba finds no error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-published-'));
  const problems = [];
  for (const [i, [name, text]] of workflows.entries()) {
    const result = parseWorkflow({ name: 'published.yml', content: text }, new NoOperationTraceWriter());
    if (result.value) await convertWorkflowTemplate(result.context, result.value);
    const github = result.context.errors.getErrors().map((e) => e.message);
    assert.deepEqual(github, [], `${name}: GitHub's loader refuses it`);
    const file = path.join(dir, `published-${i}.yml`);
    fs.writeFileSync(file, text);
    const out = spawnSync(hatobaBin(), ['workflow', 'check', '--format', 'json', file], { encoding: 'utf8' });
    assert.ok([0, 1].includes(out.status), out.stderr);
    const errors = JSON.parse(out.stdout).filter((f) => f.severity === 'error');
    if (errors.length) problems.push(`${name}: ${errors.map((f) => `${f.line}:${f.column} ${f.message} [${f.rule}]`).join('; ')}`);
  }
  fs.rmSync(dir, { recursive: true });
  console.log(`published workflows checked: ${workflows.length}`);
  assert.deepEqual(problems, []);
});
