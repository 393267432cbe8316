// The built worker in workerd: its own routes, the UI's files, and the JSON 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startWorker, workspaceVersion } from './harness.mjs';

let worker;
before(async () => { worker = await startWorker(); });
after(async () => { await worker?.stop(); });

test('GET /healthz answers 200 JSON with status ok and the workspace version', async () => {
  const r = await fetch(`${worker.url}/healthz`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(await r.json(), { status: 'ok', version: workspaceVersion() });
});

test('HEAD /healthz answers 200 with no body', async () => {
  const r = await fetch(`${worker.url}/healthz`, { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(await r.text(), '');
});

test('POST /healthz is 405 with an Allow header and a JSON error', async () => {
  const r = await fetch(`${worker.url}/healthz`, { method: 'POST', body: '{}' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  assert.equal((await r.json()).error, 'method_not_allowed');
});

test('GET / serves the UI page, byte for byte the built index.html', async () => {
  const r = await fetch(`${worker.url}/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.equal(await r.text(), fs.readFileSync(path.join(ROOT, 'dist/index.html'), 'utf8'));
});

// The build names the UI's files with their content hash (dist/assets.json maps them).
const assets = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/assets.json'), 'utf8'));

test('the built files are named with their content hash, and index.html and boot.js name those', async () => {
  for (const [plain, hashed] of Object.entries(assets)) {
    const hash = hashed.match(/\.([0-9a-f]{10})\.[a-z]+$/)?.[1];
    assert.ok(hash, `${hashed} carries no hash`);
    const bytes = fs.readFileSync(path.join(ROOT, 'dist', hashed));
    assert.equal(crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 10), hash, hashed);
    assert.ok(!fs.existsSync(path.join(ROOT, 'dist', plain)), `${plain} is left unhashed`);
  }
  const html = await (await fetch(`${worker.url}/`)).text();
  for (const name of ['boot.js', 'style.css', 'pkg/hatoba.js', 'pkg/hatoba_bg.wasm']) assert.ok(html.includes(`./${assets[name]}`), name);
  const boot = await (await fetch(`${worker.url}/${assets['boot.js']}`)).text();
  assert.ok(boot.includes(`./${assets['pkg/hatoba.js']}`) && boot.includes(`./${assets['pkg/hatoba_bg.wasm']}`));
});

test('the app module and its wasm are served with the types browsers require', async () => {
  const js = await fetch(`${worker.url}/${assets['pkg/hatoba.js']}`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /^(text|application)\/javascript/);
  const wasm = await fetch(`${worker.url}/${assets['pkg/hatoba_bg.wasm']}`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const bytes = new Uint8Array(await wasm.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic number');
});

for (const p of ['/nope', '/webhooks/nope', '/pkg/missing.js']) {
  test(`GET ${p} is a JSON 404 that quotes nothing of the request`, async () => {
    const r = await fetch(`${worker.url}${p}`);
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(await r.json(), { error: 'not_found', message: 'nothing is here' });
  });
}

test('GET /api/nope without a token is 401: no API path is revealed before the token', async () => {
  const r = await fetch(`${worker.url}/api/nope`);
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error, 'unauthorized');
});

test('POST to a UI path is 405, not a file', async () => {
  const r = await fetch(`${worker.url}/`, { method: 'POST', body: 'x' });
  assert.equal(r.status, 405);
  assert.equal((await r.json()).error, 'method_not_allowed');
});

test('every answer carries the security headers: the UI its content security policy, the API no-store', async () => {
  for (const p of ['/', '/favicon.svg', `/${assets['pkg/hatoba.js']}`, `/${assets['boot.js']}`, `/${assets['pkg/hatoba_bg.wasm']}`]) {
    const r = await fetch(`${worker.url}${p}`);
    assert.equal(r.status, 200, p);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/, p);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/, p);
    assert.match(csp, /frame-ancestors 'none'/, p);
    assert.doesNotMatch(csp, /unsafe-inline/, p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer', p);
    assert.match(r.headers.get('strict-transport-security'), /max-age=\d+/, p);
    // Files named by their hash are kept for a year; the page and the icon are revalidated.
    const hashed = /\.[0-9a-f]{10}\.[a-z]+$/.test(p);
    assert.equal(r.headers.get('cache-control'), hashed ? 'public, max-age=31536000, immutable' : 'no-cache', p);
  }
  // No inline script is left for the policy to block.
  const html = await (await fetch(`${worker.url}/`)).text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  for (const p of ['/healthz', '/api/targets', '/nope']) {
    const r = await fetch(`${worker.url}${p}`);
    assert.equal(r.headers.get('cache-control'), 'no-store', p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(r.headers.get('content-security-policy'), null, p);
  }
});
