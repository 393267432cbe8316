// The UI, loaded from the worker in workerd, in headless Chromium: the shell renders, the
// navigation changes the page (and follows the URL fragment), and nothing goes wrong quietly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startWorker, launchBrowser, openApp, workspaceVersion } from './harness.mjs';

const NAV = [
  { title: 'Task definition', hash: '#/taskdef' },
  { title: 'Workflow', hash: '#/workflow' },
  { title: 'Deployments', hash: '#/deployments' },
  { title: 'Set up', hash: '#/setup' },
];

let worker, browser, page, problems;

before(async () => {
  worker = await startWorker();
  browser = await launchBrowser();
  ({ page, problems } = await openApp(worker, browser, '', 'Task definition'));
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
});

after(async () => {
  if (page) {
    const dir = path.join(ROOT, 'target/e2e');
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, 'shell.png'), fullPage: true }).catch(() => {});
  }
  await browser?.close();
  await worker?.stop();
});

const heading = () => page.getByRole('heading', { level: 1 });
const navLink = (title) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: title, exact: true });

test('the shell shows every navigation entry, visible, in order', async () => {
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  assert.deepEqual(await links.allInnerTexts(), NAV.map((n) => n.title));
  for (const { title } of NAV) assert.ok(await navLink(title).isVisible(), `${title} is visible`);
});

test('with no fragment the first page is shown and marked current', async () => {
  assert.equal(await heading().innerText(), 'Task definition');
  assert.equal(await navLink('Task definition').getAttribute('aria-current'), 'page');
});

test('the footer shows the workspace version', async () => {
  assert.match(await page.locator('footer').innerText(), new RegExp(`Hatoba ${workspaceVersion().replaceAll('.', '\\.')}`));
});

test('clicking each navigation entry changes the page, the fragment and the current entry', async () => {
  for (const { title, hash } of [...NAV.slice(1), NAV[0]]) {
    await navLink(title).click();
    await page.waitForFunction((t) => document.querySelector('h1')?.textContent === t, title);
    assert.equal(new URL(page.url()).hash, hash);
    assert.equal(await navLink(title).getAttribute('aria-current'), 'page');
    const current = await page.locator('nav a[aria-current="page"]').count();
    assert.equal(current, 1, 'exactly one entry is current');
    assert.ok((await page.locator('.intro').innerText()).length > 40, `${title} says what it will do`);
  }
});

test('a deep link opens its page, and Back returns to the previous one', async () => {
  await page.goto(`${worker.url}/#/setup`);
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Set up');
  await navLink('Deployments').click();
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Deployments');
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Set up');
  assert.equal(await heading().innerText(), 'Set up');
});

test('the browser reported no console error, page error or failed request', () => {
  assert.deepEqual(problems, []);
});
