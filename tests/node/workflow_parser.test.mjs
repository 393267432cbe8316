// Differential test against GitHub's own workflow loader (npm @actions/workflow-parser, the parser
// and schema of GitHub's Actions language services): every file it refuses to load, Hatoba's
// workflow check reports an error for, at each line it names (within a line: the two sometimes
// mark a job's key and the key inside it); and where it loads a file, none of Hatoba's rules that
// stand for the loader (syntax, types, keys, ids) refuses it. The corpus: every workflow fixture, and
// tests/fixtures/workflow/loader, a file per mistake people make in the places where GitHub's
// loader is stricter than YAML (types, keys per step kind, matrix, inputs, containers, `on`).
// And every `ok` fixture loads in GitHub's parser as it is clean in Hatoba.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, hatobaBin } from '../e2e/harness.mjs';
import './json_import_hook.mjs';

const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');

const dir = path.join(ROOT, 'tests/fixtures/workflow');
const filesOf = (kind) => fs.readdirSync(path.join(dir, kind)).filter((f) => f.endsWith('.yml')).sort().map((f) => path.join(dir, kind, f));

/** The lines GitHub's loader names in its errors for `file` (empty: it loads). */
async function githubErrorLines(file) {
  const result = parseWorkflow({ name: path.basename(file), content: fs.readFileSync(file, 'utf8') }, new NoOperationTraceWriter());
  if (result.value) await convertWorkflowTemplate(result.context, result.value);
  return [...new Set(result.context.errors.getErrors().map((e) => {
    const m = e.message.match(/\(Line: (\d+)/) ?? e.message.match(/at line (\d+)/);
    assert.ok(m, `GitHub's error names no line: ${e.message}`);
    return Number(m[1]);
  }))];
}

/** Hatoba's error findings per file: line → messages. */
function hatobaErrors(files) {
  const out = spawnSync(hatobaBin(), ['workflow', 'check', '--format', 'json', ...files], { encoding: 'utf8' });
  assert.ok([0, 1].includes(out.status), out.stderr);
  const errors = new Map(files.map((f) => [f, new Map()]));
  for (const f of JSON.parse(out.stdout)) {
    if (f.severity !== 'error') continue;
    const lines = errors.get(f.file);
    lines.set(f.line, [...(lines.get(f.line) ?? []), `${f.message} [${f.rule}]`]);
  }
  return errors;
}

/** Each file of the corpus with the lines GitHub's loader refuses and Hatoba's errors: worked
 * out once for all the tests below. */
let corpus;
async function verdicts() {
  if (!corpus) {
    const files = [...filesOf('loader'), ...filesOf('ok'), ...filesOf('err')];
    const ours = hatobaErrors(files);
    corpus = [];
    for (const file of files) {
      corpus.push({ name: path.relative(dir, file), github: await githubErrorLines(file), ours: ours.get(file) });
    }
  }
  return corpus;
}

test('every workflow GitHub refuses to load, Hatoba reports at the lines GitHub names', async () => {
  const missed = [];
  let refused = 0;
  for (const { name, github, ours } of await verdicts()) {
    if (github.length) refused += 1;
    for (const line of github) {
      if (![line - 1, line, line + 1].some((l) => ours.has(l))) {
        missed.push(`${name}:${line}: GitHub refuses it; Hatoba has errors only at ${[...ours.keys()].join(', ') || 'no line'}`);
      }
    }
  }
  assert.deepEqual(missed, []);
  // The loader cases are mistakes GitHub refuses, bar a few it only refuses at run time.
  assert.ok(refused >= 60, `GitHub's loader refused only ${refused} files: is it running?`);
});

// Rules that stand for GitHub's loader: where it loads a file, none of them may fire.
const LOADER_RULES = new Set(['syntax', 'wrong-type', 'unknown-key', 'duplicate-key', 'id-format']);

test('where GitHub\'s loader takes a file, no rule that stands for the loader refuses it', async () => {
  const falseAlarms = [];
  let loaded = 0;
  for (const { name, github, ours } of await verdicts()) {
    if (github.length) continue;
    loaded += 1;
    for (const [line, messages] of ours) {
      for (const m of messages) {
        if (LOADER_RULES.has(m.match(/\[([a-z-]+)\]$/)[1])) falseAlarms.push(`${name}:${line}: ${m}`);
      }
    }
  }
  assert.deepEqual(falseAlarms, []);
  assert.ok(loaded >= 20, `only ${loaded} files load in GitHub's parser`);
});

test('every ok fixture loads in GitHub\'s parser', async () => {
  const ok = (await verdicts()).filter(({ name }) => name.startsWith('ok/'));
  assert.ok(ok.length >= 5);
  for (const { name, github } of ok) assert.deepEqual(github, [], name);
});
