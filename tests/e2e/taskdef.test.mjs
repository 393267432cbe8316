// The "Task definition" page in headless Chromium, served by the worker in workerd: paste a
// broken task definition and its findings appear with their paths and lines; fix it and they
// go; render an image and the output shows it; the work survives a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startWorker, launchBrowser, openApp, editorOf } from './harness.mjs';

let worker, browser, page, problems;

before(async () => {
  worker = await startWorker();
  browser = await launchBrowser();
  ({ page, problems } = await openApp(worker, browser, '#/taskdef', 'Task definition'));
});

after(async () => {
  if (page) {
    const dir = path.join(ROOT, 'target/e2e');
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, 'taskdef.png'), fullPage: true }).catch(() => {});
  }
  await browser?.close();
  await worker?.stop();
});

const editor = () => editorOf(page, 'Task definition source');
const source = () => editor().source();
const findings = () => page.getByRole('region', { name: 'Findings' });
const editorText = () => editor().text();
const fill = (value) => editor().fill(value);

const BROKEN = `{
  "family": "web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256",
  "memory": "4096",
  "containerDefinitions": [
    {"name": "web", "image": "nginx", "portMappings": [{"containerPort": 80, "hostPort": 8080}]}
  ]
}`;

test('the sample task definition loads clean', async () => {
  await findings().getByText('No problems found.').waitFor();
});

test('a broken task definition shows each finding with its path, marked at its line', async () => {
  await fill(BROKEN);
  const items = findings().locator('li');
  await page.waitForFunction(() => document.querySelectorAll('.findings li').length === 2);
  const texts = await items.allInnerTexts();
  assert.match(texts[0], /6:13[\s\S]*memory "4096" is not offered with cpu 256 on Fargate[\s\S]*memory[\s\S]*\[fargate-cpu-memory\]/);
  assert.match(texts[1], /8:90[\s\S]*hostPort 8080 differs from containerPort 80[\s\S]*containerDefinitions\[0\]\.portMappings\[0\]\.hostPort/);
  // Each finding is marked over exactly its value, and in the gutter.
  assert.deepEqual(await page.locator('.cm-lintRange-error').allInnerTexts(), ['"4096"', '8080']);
  assert.equal(await page.locator('.cm-gutter-lint .cm-lint-marker-error').count(), 2);
  // Clicking a finding selects its value.
  await items.nth(0).getByRole('button').click();
  const selected = await page.evaluate(() => {
    const { state } = document.querySelector('.editor-body').editorView;
    const { from, to } = state.selection.main;
    return { text: state.sliceDoc(from, to), line: state.doc.lineAt(from).number, focused: document.activeElement.classList.contains('cm-content') };
  });
  assert.deepEqual(selected, { text: '"4096"', line: 6, focused: true });
});

test('typing in the editor updates the findings', async () => {
  // The selection is on "4096": replace it with a size that pairs with 256 CPU units (the closing
  // quote typed steps over the one the editor closed).
  await page.keyboard.press('Delete');
  await page.keyboard.type('"512"');
  await page.waitForFunction(() => document.querySelectorAll('.findings li').length === 1);
  assert.match(await findings().locator('li').first().innerText(), /hostPort 8080 differs/);
  assert.match(await editorText(), /"memory": "512",/);
  // Undo brings the finding back.
  await page.keyboard.press('Control+Z');
  await page.waitForFunction(() => document.querySelectorAll('.findings li').length === 2);
  assert.match(await editorText(), /"memory": "4096",/);
});

test('fixing it through the form removes the findings', async () => {
  await page.locator('select[name=memory]').selectOption('1024');
  await fill((await editorText()).replace('"hostPort": 8080', '"hostPort": 80'));
  await findings().getByText('No problems found.').waitFor();
  assert.match(await editorText(), /"memory": "1024"/);
});

test('the form offers only the memory sizes Fargate pairs with the CPU', async () => {
  await page.locator('select[name=cpu]').selectOption('8192');
  // The form follows the source once the edit's frame is painted.
  await page.locator('select[name=memory] option[value="61440"]').waitFor({ state: 'attached' });
  const offered = await page.locator('select[name=memory] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(offered, ['16384', '20480', '24576', '28672', '32768', '36864', '40960', '45056', '49152', '53248', '57344', '61440']);
  assert.match(await editorText(), /"memory": "16384"/);
});

test('rendering an image shows it in the output and the change', async () => {
  await page.locator('input[name=render-image]').fill('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:5779607b');
  await page.getByRole('button', { name: 'Render' }).click();
  const output = page.locator('[data-output=rendered]');
  await output.waitFor();
  assert.match(await output.innerText(), /"image": "123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/web:5779607b"/);
  assert.match(await page.locator('.diff').innerText(), /~ containerDefinitions\[web\]\.image: "nginx" → "123456789012/);
});

test('imagedefinitions.json downloads with the rendered image', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download imagedefinitions.json' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'imagedefinitions.json');
  const body = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(body, [{ name: 'web', imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:5779607b' }]);
});

const DROPPED_YAML = `family: dropped
networkMode: awsvpc
requiresCompatibilities: [FARGATE]
cpu: "256"
memory: "4096"
containerDefinitions:
  - name: web
    image: nginx
`;

test('a YAML file dropped on the editor replaces the source and is checked', async () => {
  const transfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'task-definition.yaml', { type: 'application/yaml' }));
    return dt;
  }, DROPPED_YAML);
  await page.dispatchEvent('.editor-body', 'drop', { dataTransfer: transfer });
  await page.waitForFunction(() => document.querySelector('.editor-body').editorView.state.doc.toString().startsWith('family: dropped'));
  const item = findings().locator('li').first();
  await item.waitFor();
  assert.match(await item.innerText(), /5:9[\s\S]*memory "4096" is not offered with cpu 256 on Fargate[\s\S]*\[fargate-cpu-memory\]/);
});

test('a file opened with the picker replaces the source', async () => {
  await page.locator('input[type=file]').setInputFiles({
    name: 'task-definition.json',
    mimeType: 'application/json',
    buffer: Buffer.from(BROKEN.replace('"4096"', '"512"').replace('"hostPort": 8080', '"hostPort": 80')),
  });
  await findings().getByText('No problems found.').waitFor();
  assert.match(await editorText(), /"memory": "512"/);
});

test('the Fargate memory finding offers a quick fix that sets a size the CPU allows', async () => {
  await fill(BROKEN.replace('"hostPort": 8080', '"hostPort": 80'));
  const item = findings().locator('li');
  await page.waitForFunction(() => document.querySelectorAll('.findings li').length === 1);
  assert.match(await item.innerText(), /\[fargate-cpu-memory\]/);
  // The lint panel (Ctrl-Shift-M) lists the diagnostic with its action as a button.
  await source().click();
  await page.keyboard.press('Control+Shift+M');
  const action = page.locator('.cm-panel-lint .cm-diagnosticAction');
  await action.waitFor();
  assert.deepEqual(await action.allInnerTexts(), ['Set memory to "2048"']);
  await action.click();
  await findings().getByText('No problems found.').waitFor();
  assert.match(await editorText(), /"cpu": "256",\n  "memory": "2048",\n/);
  // One undo step takes it back, finding and all.
  await source().click();
  await page.keyboard.press('Control+Z');
  await page.waitForFunction(() => document.querySelectorAll('.findings li').length === 1);
  assert.match(await editorText(), /"memory": "4096"/);
});

test('resting the pointer on a key shows its type, whether it is required, a sentence and its reference', async () => {
  await fill(BROKEN);
  const tip = await editor().hover('containerDefinitions');
  const lines = (await tip.innerText()).split('\n').filter(Boolean);
  assert.deepEqual(lines.slice(0, 3), ['containerDefinitions', 'list of ContainerDefinition object', 'required']);
  assert.match(lines[3], /containers the task runs/);
  const link = tip.getByRole('link', { name: 'Reference: docs.aws.amazon.com', exact: true });
  assert.equal(await link.getAttribute('href'),
    'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-containerDefinitions');
  // An enum's values and its default, on a key in the middle of the file.
  const mode = await editor().hover('networkMode');
  assert.match(await mode.innerText(), /^networkMode\nstring \(an enum\)\none of: bridge, host, awsvpc, none\ndefault: bridge/);
  await page.mouse.move(0, 0);
  await mode.waitFor({ state: 'detached' });
});

test('the keyboard asks for the same: Ctrl-K Ctrl-I at the cursor, Escape takes it away', async () => {
  await source().click();
  await page.evaluate(() => {
    const view = document.querySelector('.editor-body').editorView;
    view.dispatch({ selection: { anchor: view.state.doc.toString().indexOf('family') + 2 } });
  });
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  // Shown as a tooltip of its own (the pointer's are sections of CodeMirror's hover tooltip).
  const tip = page.locator('.cm-tooltip.cm-hatoba-hover');
  await tip.waitFor();
  assert.match(await tip.innerText(), /^family\nstring\nrequired/);
  // And read out: a polite live region beside the editor says the same.
  const said = page.locator('.editor-body > .hover-said[aria-live=polite]');
  assert.match(await said.textContent(), /^family\. string\. required\. The name every revision of this task definition shares/);
  await page.keyboard.press('Escape');
  await tip.waitFor({ state: 'detached' });
  // The text is as it was: the keys typed nothing.
  assert.match(await editorText(), /^\{\n  "family": "web",/);
});

test('the work is kept across a reload', async () => {
  await fill(BROKEN.replace('"web"', '"kept-across-reload"'));
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Task definition' }).waitFor();
  assert.match(await editorText(), /kept-across-reload/);
});

test('the browser reported no console error, page error or failed request', () => {
  assert.deepEqual(problems, []);
});

test('a YAML alias bomb pasted into the editor is one syntax finding, at once, and the tab lives on', async () => {
  // Nine-fold aliasing at eight levels: ~350 bytes standing for 9^9 nodes.
  const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
  for (let n = 1; n < levels.length; n++) bomb += `${levels[n]}: &${levels[n]} [${Array(9).fill(`*${levels[n - 1]}`).join(', ')}]\n`;
  const t0 = Date.now();
  await fill(bomb);
  await page.waitForFunction(() => [...document.querySelectorAll('.findings li')].some((li) => li.innerText.includes('alias bomb')), null, { timeout: 10000 });
  assert.ok(Date.now() - t0 < 10000);
  const texts = await findings().locator('li').allInnerTexts();
  assert.equal(texts.length, 1, texts.join('\n'));
  assert.match(texts[0], /\[syntax\]/);
  // The page still answers: a fixed text checks as before.
  await fill(BROKEN);
  await page.waitForFunction(() => document.querySelectorAll('.findings li').length === 2);
});
