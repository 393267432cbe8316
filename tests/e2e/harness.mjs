// Starts the built worker in workerd (the Cloudflare Workers runtime) on a free loopback port,
// with the configuration scripts/workerd-config.py derives from worker/wrangler.toml, and
// launches headless Chromium. Shared by the end-to-end test files.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORKERD = process.env.WORKERD_BIN ?? path.join(ROOT, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The `hatoba` binary `cargo test` built (or $HATOBA_BIN). */
export function hatobaBin() {
  return process.env.HATOBA_BIN ?? path.join(ROOT, 'target/debug/hatoba');
}

/** The version Cargo.toml gives the workspace, read independently of the worker. */
export function workspaceVersion() {
  const toml = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const section = toml.split('[workspace.package]')[1];
  return section.match(/^version\s*=\s*"([^"]+)"/m)[1];
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url, child, log, deadlineMs = 20000, healthy = true) {
  const t0 = Date.now();
  while (Date.now() - t0 < deadlineMs) {
    if (child().exitCode !== null) throw new Error(`workerd exited with ${child().exitCode}:\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok || (!healthy && r.status === 503)) return Date.now() - t0;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`workerd did not answer ${url} within ${deadlineMs} ms:\n${log()}`);
}

/** Secrets every test worker gets unless the test gives its own: all obviously fake. */
export const FAKE_SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'fake-webhook-secret',
  AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-aws-secret-key',
  HATOBA_READ_TOKEN: 'fake-read-token',
  HATOBA_ADMIN_TOKEN: 'fake-admin-token',
};

/**
 * Starts workerd serving the built worker and UI. Returns { url, stop, restart, startupMs }.
 * `vars` are plain-text worker variables added to those of wrangler.toml (and to FAKE_SECRETS);
 * `wrangler` another wrangler.toml, `state` where Durable Objects keep their storage, `healthy`
 * false to accept a 503 from /healthz (a configuration that does not check).
 */
export async function startWorker(vars = {}, { wrangler = path.join(ROOT, 'worker/wrangler.toml'), state, port, healthy = true } = {}) {
  for (const f of ['worker/build/index.js', 'worker/build/index_bg.wasm', 'worker/checks/build/index_bg.wasm', 'dist/index.html']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run scripts/build first`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-e2e-'));
  const config = path.join(dir, 'workerd.capnp');
  const stateDir = state ?? path.join(dir, 'state');
  const varArgs = Object.entries({ ...FAKE_SECRETS, ...vars }).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
  execFileSync('python3', [path.join(ROOT, 'scripts/workerd-config.py'), wrangler, config, '--state', stateDir, ...varArgs]);
  port ??= await freePort();
  let output = '';
  let child;
  const start = () => {
    child = spawn(WORKERD, ['serve', config, '--experimental', '-I', '/', `--socket-addr=http=127.0.0.1:${port}`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
  };
  const stopChild = async (signal = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    }
  };
  start();
  const url = `http://127.0.0.1:${port}`;
  const startupMs = await waitFor(`${url}/healthz`, () => child, () => output, 20000, healthy);
  return {
    url,
    startupMs,
    output: () => output,
    /** Kills workerd (SIGKILL: nothing is flushed) and starts it again on the same state. */
    async restart() {
      await stopChild('SIGKILL');
      start();
      await waitFor(`${url}/healthz`, () => child, () => output, 20000, healthy);
    },
    async stop() {
      await stopChild();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium with a fresh profile. Returns { context, close }. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium keeps dialing out on a closed network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the app at `hash` (e.g. '#/taskdef') in a page of `browser`, waits for the heading,
 * and collects what a person would not want to see: console errors and warnings, page errors,
 * failed requests and HTTP errors. Returns { page, problems }.
 */
export async function openApp(worker, browser, hash, heading) {
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  const problems = [];
  page.on('console', (m) => { if (['error', 'warning'].includes(m.type())) problems.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(`${worker.url}/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 20000 });
  return { page, problems };
}

/**
 * An editor of the page, by its source's accessible name: `source()` its text box, `text()` its
 * whole text (CodeMirror draws only the lines in view), and `fill(value)`, which replaces the text
 * as a person would: select all, then paste (text typed into the page in one piece would arrive
 * with its runs of spaces made non-breaking, as in any editable element).
 */
export function editorOf(page, name) {
  const source = () => page.getByRole('textbox', { name });
  return {
    source,
    text: () => page.evaluate(() => document.querySelector('.editor-body').editorView.state.doc.toString()),
    async fill(value) {
      await source().click();
      await page.keyboard.press('Control+A');
      await source().evaluate((el, value) => {
        const data = new DataTransfer();
        data.setData('text/plain', value);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, value);
    },
    /** Rests the pointer on the middle of `needle`'s first occurrence; the tooltip that shows. */
    async hover(needle) {
      const at = await page.evaluate((needle) => {
        const view = document.querySelector('.editor-body').editorView;
        const from = view.state.doc.toString().indexOf(needle);
        if (from < 0) return null;
        view.dispatch({ effects: view.constructor.scrollIntoView(from, { y: 'center' }) });
        const box = view.coordsAtPos(from + Math.floor(needle.length / 2));
        return box && { x: box.left + 1, y: (box.top + box.bottom) / 2 };
      }, needle);
      if (!at) throw new Error(`${JSON.stringify(needle)} is not on screen in the editor`);
      // Off the text first, so resting on it again starts a new hover.
      await page.mouse.move(0, 0);
      await page.mouse.move(at.x, at.y);
      const tip = page.locator('.cm-tooltip-hover .cm-hatoba-hover');
      await tip.waitFor();
      return tip;
    },
  };
}
