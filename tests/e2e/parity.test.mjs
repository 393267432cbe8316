// The editor and the CLI give the same findings on every fixture: each task definition and
// workflow of tests/fixtures is pasted into its page's editor in headless Chromium (served by the
// worker in workerd) and checked by `hatoba taskdef check` / `hatoba workflow check --format
// json`; the place, severity, rule and message of every finding agree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startWorker, launchBrowser, openApp, editorOf, hatobaBin } from './harness.mjs';

let worker, browser, page;

before(async () => {
  worker = await startWorker();
  browser = await launchBrowser();
  ({ page } = await openApp(worker, browser, '#/taskdef', 'Task definition'));
});

after(async () => {
  await browser?.close();
  await worker?.stop();
});

/** The fixture files under `dirs` whose names end in one of `extensions`. */
function fixtures(dirs, extensions) {
  return dirs.flatMap((dir) => {
    const full = path.join(ROOT, 'tests/fixtures', dir);
    if (!fs.existsSync(full)) return [];
    return fs.readdirSync(full).filter((f) => extensions.some((e) => f.endsWith(e))).sort().map((f) => path.join(full, f));
  });
}

/** What the CLI finds in `file`, as `LINE:COL severity rule message` lines. */
function cli(kind, file) {
  const run = spawnSync(hatobaBin(), [kind, 'check', '--format', 'json', file], { encoding: 'utf8' });
  assert.ok([0, 1].includes(run.status), `hatoba ${kind} check ${file}: exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout).map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}`);
}

/** Pastes `text` into the page's editor and gives its findings once the text is checked. */
async function editor(name, text) {
  const before = await page.evaluate(() => Number(document.querySelector('.findings').dataset.checked ?? 0));
  await editorOf(page, name).fill(text);
  await page.waitForFunction(
    ([n, text]) => Number(document.querySelector('.findings').dataset.checked ?? 0) > n
      && document.querySelector('.editor-body').editorView.state.doc.toString() === text,
    [before, text],
  );
  return page.evaluate(() => [...document.querySelectorAll('.findings li')].map((li) => {
    const part = (c) => li.querySelector(c).textContent;
    return `${part('.where')} ${part('.severity')} ${part('.rule').slice(1, -1)} ${part('.message')}`;
  }));
}

const PAGES = [
  // Workflows first: the workflow page also checks render steps against a task definition
  // written on the task-definition page, which the CLI's workflow check has no part of.
  { kind: 'workflow', page: '#/workflow', heading: 'Workflow', name: 'Workflow source', files: fixtures(['workflow/ok', 'workflow/err', 'workflow/loader'], ['.yml', '.yaml']) },
  { kind: 'taskdef', page: '#/taskdef', heading: 'Task definition', name: 'Task definition source', files: fixtures(['taskdef/ok', 'taskdef/err'], ['.json', '.yaml', '.yml']) },
];

for (const { kind, page: hash, heading, name, files } of PAGES) {
  test(`every ${kind} fixture: the editor's findings are the CLI's (${files.length} files)`, async () => {
    assert.ok(files.length >= 10, `${files.length} fixtures`);
    await page.goto(`${worker.url}/${hash}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    let findings = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const shown = await editor(name, text);
      const expected = cli(kind, file);
      assert.deepEqual(shown, expected, path.relative(ROOT, file));
      findings += expected.length;
    }
    assert.ok(findings > files.length / 2, `the fixtures hold findings to compare (${findings})`);
  });
}
