// The red team's attacks on the edge, replayed against the built worker in workerd, each with
// what SECURITY.md promises instead: no secret oracle in error answers, a body cap that holds
// while the body streams in, a guard that cannot be raced or reset, IPv6 counted by its /64,
// no path past the routes, and the API's token before anything else. (The attacks that need a
// deploy, such as a revision of another family or a commit dated in the future, are replayed in
// deploy.test.mjs, where the local AWS runs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { startWorker, FAKE_SECRETS } from './harness.mjs';

const CAP = 200000;
let worker;
before(async () => { worker = await startWorker({ HATOBA_MAX_BODY_BYTES: String(CAP) }); });
after(async () => { await worker?.stop(); });

const port = () => Number(new URL(worker.url).port);

/**
 * Sends raw bytes on one connection and reads the answer's status line and body: fetch would
 * fix what these attacks break (raw paths, lengths, chunks). `stream` keeps writing `chunk`
 * until the answer comes, and says how many bytes were sent by then.
 */
function raw(head, { body = '', stream, end = true } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port(), '127.0.0.1');
    let answer = '';
    let sent = 0;
    let answered = false;
    socket.setTimeout(20000, () => { socket.destroy(); reject(new Error('no answer within 20 s')); });
    socket.on('data', (d) => {
      answer += d;
      // The answer is in once its head is: the server may keep a connection open whose
      // request it stopped reading, so close it from here shortly after.
      if (!answered && answer.includes('\r\n\r\n')) {
        answered = true;
        setTimeout(() => socket.destroy(), 300);
      }
    });
    const done = () => {
      const [headText, ...rest] = answer.split('\r\n\r\n');
      const status = Number(headText.split(' ')[1]);
      resolve({ status, head: headText.toLowerCase(), body: rest.join('\r\n\r\n'), sent });
    };
    socket.on('close', done);
    socket.on('error', () => { if (answered) done(); else reject(new Error('connection failed before an answer')); });
    socket.on('connect', () => {
      socket.write(head);
      if (stream) {
        // One chunk a turn of the event loop, so the answer is read as soon as it comes (a
        // server that stops reading may reset the connection, and a reset drops unread data).
        const pump = () => {
          if (answered || sent >= stream.limit || socket.destroyed) return;
          sent += stream.chunk.length;
          if (socket.write(stream.frame(stream.chunk))) setImmediate(pump);
          else socket.once('drain', pump);
        };
        pump();
      } else {
        socket.write(body);
        if (end) socket.end();
      }
    });
  });
}

const signed = (body, secret = FAKE_SECRETS.GITHUB_WEBHOOK_SECRET) =>
  'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');

async function forged(from, body = '{}') {
  const r = await fetch(`${worker.url}/webhooks/github`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signed(body, 'a wrong secret'), 'cf-connecting-ip': from },
  });
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() };
}

test('error answers are no oracle: a right guess of a secret reads exactly as a wrong one', async () => {
  for (const secret of Object.values(FAKE_SECRETS)) {
    const guesses = [secret, secret.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x'))];
    const answers = [];
    for (const guess of guesses) {
      for (const p of [`/api/${guess}`, `/webhooks/${guess}`, `/api/deployments?target=${guess}`]) {
        const r = await fetch(`${worker.url}${p}`);
        const text = await r.text();
        assert.doesNotMatch(text, /redacted/, p);
        assert.ok(!text.includes(guess), p);
        answers.push(`${r.status} ${text}`);
      }
    }
    assert.deepEqual(answers.slice(0, 3), answers.slice(3));
  }
});

test('a chunked body is cut off at the cap while it streams in, answered 413 and counted', async () => {
  // Chunks past the cap, and the body never ends: the answer can only come from a worker that
  // stopped reading at the cap. (The sender then stops too: a server closing a connection with
  // bytes it never read resets it, and a reset drops the answer on the way.)
  const chunk = 'x'.repeat(64 * 1024);
  const r = await raw(
    'POST /webhooks/github HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nX-GitHub-Event: push\r\n' +
    'CF-Connecting-IP: 198.51.100.1\r\nTransfer-Encoding: chunked\r\n\r\n',
    { stream: { chunk, limit: CAP + 2 * chunk.length, frame: (c) => `${c.length.toString(16)}\r\n${c}\r\n` } },
  );
  assert.equal(r.status, 413, r.head);
  assert.match(r.head, /x-content-type-options: nosniff/);
  // And it counted against the address: nine more failures reach the limit.
  let last;
  for (let n = 0; n < 9; n++) last = await forged('198.51.100.1');
  assert.equal(last.status, 429);
});

test('a Content-Length past 32 bits is 413 before the body is read, not a wrapped small number', async () => {
  const r = await raw(
    'POST /webhooks/github HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nCF-Connecting-IP: 198.51.100.2\r\n' +
    'Content-Length: 4294967296\r\n\r\n', { body: '{}', end: false },
  );
  assert.equal(r.status, 413);
  assert.equal(JSON.parse(r.body).error, 'payload_too_large');
});

test('a body shorter than its Content-Length is a 400 with the security headers, not a 500', async () => {
  const r = await raw(
    'POST /webhooks/github HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nCF-Connecting-IP: 198.51.100.3\r\n' +
    'Content-Length: 1000\r\nConnection: close\r\n\r\n', { body: '{"short": true}' },
  );
  assert.equal(r.status, 400, r.head);
  assert.match(r.head, /x-content-type-options: nosniff/);
});

test('200 concurrent forged deliveries from one address: the guard counts them all, 429 from the tenth', async () => {
  const answers = await Promise.all(Array.from({ length: 200 }, () => forged('203.0.113.50')));
  const statuses = answers.map((a) => a.status);
  assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join(','));
  assert.ok(statuses.filter((s) => s === 401).length <= 9, `${statuses.filter((s) => s === 401).length} × 401`);
  assert.ok(answers.filter((a) => a.status === 429).every((a) => Number(a.retryAfter) > 0));
});

test('IPv6 addresses count by their /64, and a blocked address stays blocked after workerd restarts', async () => {
  for (let n = 1; n <= 10; n++) await forged(`2001:db8:7:7::${n.toString(16)}`);
  const sibling = await forged('2001:db8:7:7:ffff::1');
  assert.equal(sibling.status, 429);
  const neighbour = await forged('2001:db8:7:8::1');
  assert.equal(neighbour.status, 401);
  await worker.restart();
  assert.equal((await forged('2001:db8:7:7::abc')).status, 429);
  assert.equal((await forged('203.0.113.50')).status, 429);
});

test('the path that once crashed the worker is a JSON 404 with the security headers, and it serves on', async () => {
  const admin = { authorization: `Bearer ${FAKE_SECRETS.HATOBA_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  for (const p of ['/api/targets/deploy', '/api/targets//deploy', `/api/targets/${'a'.repeat(50000)}/deploy`]) {
    const r = await fetch(`${worker.url}${p}`, { method: 'POST', headers: admin, body: '{"sha": "1a2b3c4"}' });
    assert.equal(r.status, 404, p.slice(0, 40));
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(await r.json(), { error: 'not_found', message: 'nothing is here' });
  }
  // The same isolate still answers, and remembers what it counted before.
  assert.equal((await forged('203.0.113.50')).status, 429);
  assert.equal((await fetch(`${worker.url}/healthz`)).status, 200);
});

test('raw dot segments never reach a Durable Object route', async () => {
  const r = await raw(
    `GET /api/deployments/x/../../last HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer ${FAKE_SECRETS.HATOBA_READ_TOKEN}\r\nConnection: close\r\n\r\n`,
  );
  assert.ok([400, 404].includes(r.status), `${r.status}`);
  assert.doesNotMatch(r.body, /"deployment"/);
  // The runtime's URL parser reads `%2e%2e` as `..` too: whichever of the two refuses it, no
  // deployment comes back.
  const encoded = await fetch(`${worker.url}/api/deployments/%2e%2e`, { headers: { authorization: `Bearer ${FAKE_SECRETS.HATOBA_READ_TOKEN}` } });
  assert.ok([400, 404].includes(encoded.status), `${encoded.status}`);
  assert.doesNotMatch(await encoded.text(), /"deployment"/);
});

test('the API takes its token first, then only capped JSON', async () => {
  for (const p of ['/api/nope', '/api/targets/x/deploy', '/api/deployments/x']) {
    const r = await fetch(`${worker.url}${p}`, { method: p.endsWith('deploy') ? 'POST' : 'GET' });
    assert.equal(r.status, 401, p);
  }
  const admin = { authorization: `Bearer ${FAKE_SECRETS.HATOBA_ADMIN_TOKEN}` };
  const form = await fetch(`${worker.url}/api/targets/demo/deploy`, { method: 'POST', headers: { ...admin, 'content-type': 'text/plain' }, body: '{"sha":"1a2b3c4"}' });
  assert.equal(form.status, 415);
  const big = await fetch(`${worker.url}/api/targets/demo/deploy`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ sha: '1a2b3c4', pad: 'x'.repeat(100000) }) });
  assert.equal(big.status, 413);
  const otherRegion = await fetch(`${worker.url}/api/targets/demo/deploy`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ sha: '1a2b3c4', taskDefinitionArn: 'arn:aws:ecs:ap-south-1:123456789012:task-definition/other-team-admin:1' }) });
  assert.equal(otherRegion.status, 400);
  assert.doesNotMatch(await otherRegion.text(), /other-team-admin/);
});
