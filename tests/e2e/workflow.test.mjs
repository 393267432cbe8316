// The "Workflow" page in headless Chromium, served by the worker in workerd: a workflow with
// `::set-output` gets its finding at the right line, a wrong `steps.X` its place inside the
// expression; the generator's preview follows the form
// and passes the checks when used in the editor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, launchBrowser, openApp, editorOf } from './harness.mjs';

let worker, browser, page, problems;

before(async () => {
  worker = await startWorker();
  browser = await launchBrowser();
  ({ page, problems } = await openApp(worker, browser, '#/workflow', 'Workflow'));
});

after(async () => {
  await browser?.close();
  await worker?.stop();
});

const editor = () => editorOf(page, 'Workflow source');
const source = () => editor().source();
const findings = () => page.getByRole('region', { name: 'Findings' });
const editorText = () => editor().text();
const fill = (value) => editor().fill(value);

test('the generated deploy workflow it starts with is clean', async () => {
  await findings().getByText('No problems found.').waitFor();
  assert.match(await editorText(), /aws-actions\/amazon-ecs-deploy-task-definition@v2/);
});

test('::set-output is found at its line, as a warning (GitHub still runs it)', async () => {
  await fill([
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - id: tag',
    '        run: |',
    '          echo "building"',
    '          echo "::set-output name=tag::v1"',
  ].join('\n'));
  await page.waitForFunction(() => document.querySelectorAll('.findings li').length === 1);
  const text = await findings().locator('li').first().innerText();
  assert.match(text, /^9:17[\s\S]*`::set-output` is deprecated and announced to fail on GitHub Actions: use echo "NAME=value" >> "\$GITHUB_OUTPUT"[\s\S]*\[deprecated-command\]/);
  assert.equal(await page.locator('.cm-gutter-lint .cm-lint-marker-warning').count(), 1);
  assert.equal(await page.locator('.cm-gutter-lint .cm-lint-marker-error').count(), 0);
});

test('an output read from a step that has no such id is found inside the expression', async () => {
  await fill([
    'on: push',
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - id: login-ecr',
    '        uses: aws-actions/amazon-ecr-login@v2',
    '      - run: docker push ${{ steps.login.outputs.registry }}/web:${{ github.sha }}',
  ].join('\n'));
  // Findings follow the text once the keystroke's frame is painted: wait for the new one.
  await findings().getByText('no step of job `deploy` has `id: login`', { exact: false }).waitFor();
  assert.equal(await findings().locator('li').count(), 1);
  const text = await findings().locator('li').first().innerText();
  assert.match(text, /^8:36[\s\S]*no step of job `deploy` has `id: login`[\s\S]*\[step-ref\]/);
});

const RETIRED = [
  'on: push',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v2',
];

test('a retired action version is marked over exactly its value', async () => {
  await fill(RETIRED.join('\n'));
  await findings().getByText('[outdated-action]').waitFor();
  assert.deepEqual(await page.locator('.cm-lintRange-error, .cm-lintRange-warning').allInnerTexts(), ['actions/checkout@v2']);
});

test('the retired version\'s quick fix, in the tooltip over its mark, raises it to the current major', async () => {
  await page.locator('.cm-lintRange-warning, .cm-lintRange-error').first().hover();
  const action = page.locator('.cm-tooltip-lint .cm-diagnosticAction');
  await action.waitFor();
  assert.deepEqual(await action.allInnerTexts(), ['Use actions/checkout@v4']);
  await action.click();
  await findings().getByText('No problems found.').waitFor();
  assert.equal(await editorText(), RETIRED.join('\n').replace('actions/checkout@v2', 'actions/checkout@v4'));
});

test('the quick fix of a step id nobody gave names the one earlier step that sets the output', async () => {
  const text = [
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo "tag=v1" >> "$GITHUB_OUTPUT"',
    '      - run: echo ${{ steps.meta.outputs.tag }}',
  ].join('\n');
  await fill(text);
  await findings().getByText('[step-ref]').waitFor();
  await page.locator('.cm-lintRange-error').first().hover();
  const action = page.locator('.cm-tooltip-lint .cm-diagnosticAction');
  await action.waitFor();
  assert.deepEqual(await action.allInnerTexts(), ['Give the step that sets `tag` `id: meta`']);
  await action.click();
  await findings().getByText('No problems found.').waitFor();
  assert.equal(await editorText(), text.replace('      - run: echo "tag', '      - id: meta\n        run: echo "tag'));
});

test('# hatoba-ignore on the line above removes that finding, and an unknown rule is a warning', async () => {
  await fill([...RETIRED.slice(0, 5), '      # hatoba-ignore: outdated-action', RETIRED[5]].join('\n'));
  await findings().getByText('No problems found.').waitFor();
  assert.equal(await page.locator('.cm-lintRange-error, .cm-lintRange-warning').count(), 0);
  // The same comment typed at the end of the finding's line, with a typo.
  await fill(RETIRED.join('\n'));
  await findings().getByText('[outdated-action]').waitFor();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' # hatoba-ignore: outdated-actoin');
  await findings().getByText('did you mean `outdated-action`?', { exact: false }).waitFor();
  assert.equal(await findings().locator('li').count(), 2);
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('ion');
  await findings().getByText('No problems found.').waitFor();
});

test('resting the pointer on a key, an action or an expression says what it is', async () => {
  await fill([
    'on:',
    '  workflow_dispatch:',
    '    inputs:',
    '      environment:',
    '        type: choice',
    '        options: [staging, production]',
    '        default: staging',
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 15',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - run: echo "${{ inputs.environment }}"',
  ].join('\n'));
  await findings().getByText('No problems found.').waitFor();
  // A key: GitHub's schema says what it takes, and the page of the workflow syntax that says more.
  const key = await editor().hover('timeout-minutes');
  assert.match(await key.innerText(), /^timeout-minutes\n/);
  assert.match(await key.getByRole('link', { name: 'Reference: docs.github.com', exact: true }).getAttribute('href'),
    /^https:\/\/docs\.github\.com\/.*workflow-syntax.*#jobsjob_idtimeout-minutes$/);
  // An input of the workflow, read in an expression: where it is declared, its type and default.
  const input = await editor().hover('environment }}');
  assert.match(await input.innerText(), /choice[\s\S]*staging/);
});

test('the preview follows the form, and used in the editor it is clean', async () => {
  await page.locator('input[name=branch]').fill('release');
  await page.locator('input[name=environment]').fill('staging');
  const preview = page.locator('[data-output=generated]');
  await page.waitForFunction(() => document.querySelector('[data-output=generated]').textContent.includes('group: deploy-staging'));
  assert.match(await preview.innerText(), /branches: \[release\]/);
  await page.getByRole('button', { name: 'Use in editor' }).click();
  assert.equal(await editorText(), await preview.innerText());
  await findings().getByText('No problems found.').waitFor();
  await page.getByRole('radio', { name: 'Build only; Hatoba deploys' }).check();
  assert.match(await preview.innerText(), /^# Builds the image and pushes it to ECR/);
});

test('a render step is checked against the task definition on the Task definition page', async () => {
  await page.getByRole('navigation').getByRole('link', { name: 'Task definition' }).click();
  const td = editorOf(page, 'Task definition source');
  await td.fill(JSON.stringify({
    family: 'shop',
    containerDefinitions: [{ name: 'web', image: 'x', essential: true }, { name: 'log-router', image: 'y' }],
  }, null, 2));
  // Kept once the keystroke's frame has passed; leaving the page keeps it at once too.
  await page.waitForFunction(() => localStorage.getItem('hatoba.taskdef.source')?.includes('log-router'));
  await page.getByRole('navigation').getByRole('link', { name: 'Workflow' }).click();
  const render = (container) => [
    'on: push',
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: aws-actions/amazon-ecs-render-task-definition@v1',
    '        with:',
    '          task-definition: .aws/task-definition.json',
    `          container-name: ${container}`,
    '          image: shop/web:1',
  ].join('\n');
  await fill(render('app'));
  const finding = findings().locator('li', { hasText: '[render-container]' });
  await finding.waitFor();
  assert.match(await finding.innerText(), /^9:27[\s\S]*`app` is not a container of the task definition on the Task definition page, so the render step fails: its containers are web, log-router/);
  await fill(render('log-router'));
  await finding.waitFor({ state: 'detached' });
});

test('the browser reported no console error, page error or failed request', () => {
  assert.deepEqual(problems, []);
});
