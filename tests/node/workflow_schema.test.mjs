// core/src/workflow/shapes.rs (the workflow schema completion and hover walk) is what
// scripts/gen-workflow-schema.mjs makes from the installed @actions/workflow-parser: a new
// version of GitHub's loader that changes the schema fails here until the file is regenerated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the committed workflow shapes are what the generator makes from the installed schema', () => {
  const generated = execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-workflow-schema.mjs')], { encoding: 'utf8' });
  const committed = fs.readFileSync(path.join(ROOT, 'core/src/workflow/shapes.rs'), 'utf8');
  assert.equal(committed, generated, 'regenerate: node scripts/gen-workflow-schema.mjs > core/src/workflow/shapes.rs');
});

test('every definition line is one the Rust reader knows, and every reference is a line', () => {
  const committed = fs.readFileSync(path.join(ROOT, 'core/src/workflow/shapes.rs'), 'utf8');
  const body = committed.split('pub(crate) const DEFS: &str = "\\\n')[1].split('";')[0];
  const lines = body.split('\\n\\\n').filter((l) => l !== '');
  assert.ok(lines.length > 250, `${lines.length} definitions`);
  for (const [i, line] of lines.entries()) {
    const [kind, ctx, ...fields] = line.split('|');
    assert.match(kind, /^[MOSTBNZA]$/, `line ${i}: ${line}`);
    assert.match(ctx, /^\d*$/, `line ${i}: ${line}`);
    const refs = kind === 'M'
      ? [...fields[0].split(' ').filter(Boolean).map((p) => p.split('=')[1]), fields[2]].filter(Boolean)
      : kind === 'O' || kind === 'S' ? fields[0].split(' ') : [];
    for (const r of refs) assert.ok(Number(r) < lines.length, `line ${i} refers to ${r}: ${line}`);
  }
});
