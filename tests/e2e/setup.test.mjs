// The "Set up" page in headless Chromium, served by the worker in workerd: answers are checked
// as they are typed (each problem under its answer), every output follows them live, and the
// files it shows are byte for byte what `hatoba init` writes for the same answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWorker, launchBrowser, openApp, hatobaBin } from './harness.mjs';

let worker, browser, page, problems;

before(async () => {
  worker = await startWorker();
  browser = await launchBrowser();
  ({ page, problems } = await openApp(worker, browser, '#/setup', 'Set up'));
});

after(async () => {
  await browser?.close();
  await worker?.stop();
});

const answer = (name) => page.locator(`form[aria-label="Set-up answers"] [name="${name}"]`);
const error = (name) => page.locator(`[data-error="${name}"]`);
const file = (p) => page.locator(`[data-file="${p}"] pre`);

const ANSWERS = {
  name: 'api-prod', repository: 'octo/shop', branch: 'release', region: 'eu-west-1', account: '210987654321',
  cluster: 'prod', service: 'api', container: 'api', 'ecr-repository': 'shop/api', family: 'api',
  'pass-role': 'arn:aws:iam::210987654321:role/api-exec arn:aws:iam::210987654321:role/api-task',
  'worker-url': 'https://deploys.example.com',
};

test('the default answers already give every file, the webhook and the steps', async () => {
  await file('iam/deploy-role-policy.json').waitFor();
  assert.match(await file('iam/deploy-role-policy.json').innerText(), /arn:aws:ecs:us-east-1:123456789012:service\/default\/web/);
  assert.equal(await page.locator('[data-output="steps"] li input[type="checkbox"]').count(), 7);
  assert.match(await page.locator('[data-output="webhook"]').innerText(), /\/webhooks\/github[\s\S]*application\/json[\s\S]*workflow_run/);
});

test('a placeholder account is named under its answer, and the outputs wait for a fix', async () => {
  await answer('account').fill('XXXXXXXXXXXX');
  await page.locator('[data-output="blocked"]').waitFor();
  assert.match(await error('account').innerText(), /is not an AWS account id: expected 12 digits \(this looks like a placeholder\)/);
  assert.equal(await answer('account').getAttribute('aria-invalid'), 'true');
  assert.equal(await file('iam/deploy-role-policy.json').count(), 0);
  await answer('ecr-repository').fill('Shop/API');
  await page.waitForFunction(() => document.querySelector('[data-error="ecr-repository"]')?.textContent.includes('is not an ECR repository name'));
  assert.match(await page.locator('[data-output="blocked"]').innerText(), /2 answers to fix/);
});

test('the files shown are what `hatoba init` writes for the same answers', async () => {
  for (const [name, value] of Object.entries(ANSWERS)) await answer(name).fill(value);
  await file('iam/deploy-role-policy.json').waitFor();
  assert.equal(await error('account').innerText(), '');
  assert.equal(await answer('account').getAttribute('aria-invalid'), null);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-setup-'));
  const args = Object.entries(ANSWERS).flatMap(([k, v]) => (k === 'pass-role' ? ['--pass-role', ...v.split(' ')] : [`--${k}`, v]));
  const printed = execFileSync(hatobaBin(), ['init', '--dir', dir, '--wrangler', path.join(dir, 'none.toml'), ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const shown = await page.locator('[data-file]').evaluateAll((els) => els.map((e) => [e.dataset.file, e.querySelector('pre').textContent]));
  assert.deepEqual(shown.map(([p]) => p), ['iam/deploy-role-policy.json', 'iam/deploy-role-trust-policy.json',
    'iam/worker-user-policy.json', 'iam/build-role-trust-policy.json', 'iam/build-role-policy.json',
    'hatoba.tf', '.github/workflows/build.yml', '.aws/task-definition.json', 'worker/wrangler.toml']);
  for (const [p, text] of shown) {
    if (p === 'worker/wrangler.toml') {
      // Without a wrangler.toml, init prints the table to add.
      assert.ok(printed.includes(text), `${p}:\n${text}\nnot in:\n${printed}`);
    } else {
      assert.equal(text, fs.readFileSync(path.join(dir, p), 'utf8'), p);
    }
  }
  assert.match(shown[0][1], /arn:aws:ecs:eu-west-1:210987654321:service\/prod\/api/);
  assert.match(shown[2][1], /"Action": "sts:AssumeRole"/);
  assert.match(shown[3][1], /repo:octo\/shop:ref:refs\/heads\/release/);
  assert.match(await page.locator('[data-output="webhook"]').innerText(), /https:\/\/deploys\.example\.com\/webhooks\/github/);
});

test('each file downloads under its name with the text shown', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-file="hatoba.tf"] button', { hasText: 'Download' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'hatoba.tf');
  assert.equal(fs.readFileSync(await download.path(), 'utf8'), await file('hatoba.tf').textContent());
});

test('the answers survive a reload', async () => {
  await page.reload();
  await file('iam/deploy-role-policy.json').waitFor();
  assert.equal(await answer('service').inputValue(), 'api');
  assert.match(await file('iam/deploy-role-policy.json').innerText(), /service\/prod\/api/);
});

test('the browser reported no console error, page error or failed request', () => {
  assert.deepEqual(problems, []);
});
