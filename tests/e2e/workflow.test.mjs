// The "Workflow" page in headless Chromium, served by the worker in workerd: a workflow with
// `::set-output` gets its finding at the right line, a wrong `steps.X` its place inside the
// expression; the generator's preview follows the form
// and passes the checks when used in the editor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, launchBrowser, openApp } from './harness.mjs';

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

const source = () => page.getByRole('textbox', { name: 'Workflow source' });
const findings = () => page.getByRole('region', { name: 'Findings' });

test('the generated deploy workflow it starts with is clean', async () => {
  await findings().getByText('No problems found.').waitFor();
  assert.match(await source().inputValue(), /aws-actions\/amazon-ecs-deploy-task-definition@v2/);
});

test('::set-output is found at its line', async () => {
  await source().fill([
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
  assert.deepEqual(await page.locator('.gutter .line.error').evaluateAll((els) => els.map((e) => e.dataset.line)), ['9']);
});

test('an output read from a step that has no such id is found inside the expression', async () => {
  await source().fill([
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

test('the preview follows the form, and used in the editor it is clean', async () => {
  await page.locator('input[name=branch]').fill('release');
  await page.locator('input[name=environment]').fill('staging');
  const preview = page.locator('[data-output=generated]');
  await page.waitForFunction(() => document.querySelector('[data-output=generated]').textContent.includes('group: deploy-staging'));
  assert.match(await preview.innerText(), /branches: \[release\]/);
  await page.getByRole('button', { name: 'Use in editor' }).click();
  assert.equal(await source().inputValue(), await preview.innerText());
  await findings().getByText('No problems found.').waitFor();
  await page.getByRole('radio', { name: 'Build only; Hatoba deploys' }).check();
  assert.match(await preview.innerText(), /^# Builds the image and pushes it to ECR/);
});

test('the browser reported no console error, page error or failed request', () => {
  assert.deepEqual(problems, []);
});
