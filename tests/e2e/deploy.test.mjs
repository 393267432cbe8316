// The worker deploying for real in workerd: GitHub deliveries in (built from GitHub's published
// examples and signed as GitHub signs), the Durable Object per target running the pipeline on
// alarms, moto (IAM and signatures on) behind the ECS rollout stand-in, and the GitHub stand-in
// checking every request against GitHub's OpenAPI description. One moto, one set of stand-ins
// and one workerd serve every scenario; each scenario deploys to a service of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { ROOT, startWorker, FAKE_SECRETS, launchBrowser, openApp, hatobaBin } from './harness.mjs';

const REPO = 'octo/shop';
const SECRET = FAKE_SECRETS.GITHUB_WEBHOOK_SECRET;
const sha = (n) => crypto.createHash('sha1').update(`commit ${n}`).digest('hex');
const SERVICES = ['push', 'run', 'env', 'refused', 'dup', 'race', 'crash', 'api', 'old', 'ui', 'app', 'bomb', 'role', 'leak', 'future', 'rules'];
const SHAS = Object.fromEntries(['push', 'run', 'run-failed', 'env', 'dup', 'race-1', 'race-2', 'crash', 'api', 'old-new', 'old-old', 'refused', 'ui', 'app', 'bomb', 'role', 'leak', 'future', 'rules'].map((k) => [k, sha(k)]));

const examples = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'));
const example = (name) => structuredClone(examples.find((e) => e.name === name).examples[0]);

function target(name, extra = {}) {
  const t = { name, repository: REPO, region: 'us-east-1', cluster: 'stg', service: name, container: 'web',
    ecrRepository: 'shop/web', taskDefinition: '.aws/task-definition.json', pollSeconds: 1, ...extra };
  if (!t.workflow && !t.environment) t.branch ??= `deploy-${name}`;
  return '[[vars.HATOBA_TARGETS]]\n' + Object.entries(t).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n';
}

let aws; let awsProcess; let worker; let tmp; let wrangler;
before(async () => {
  const python = process.env.HATOBA_PYTHON ?? 'python3';
  const base = JSON.stringify({ family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec', taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
    containerDefinitions: [{ name: 'web', image: 'placeholder', essential: true, portMappings: [{ containerPort: 8080 }] }] });
  const spec = { cluster: 'stg', services: SERVICES, repository: 'shop/web', shas: Object.values(SHAS),
    files: [...Object.values(SHAS).flatMap((s) => [REPO, 'octo/app-shop'].map((repository) => ({ repository, ref: s, path: '.aws/task-definition.json', content: base }))),
      // 4 GB is not a memory Fargate offers with 0.25 vCPU: AWS registers it, ECS never places it.
      { repository: REPO, ref: SHAS.rules, path: '.aws/big.json', content: base.replace('"memory":"512"', '"memory":"4096"') }],
    rollouts: [{ service: 'crash', ending: 'complete', polls: 6 }, { service: 'race', ending: 'complete', polls: 2 }] };
  awsProcess = spawn(python, [path.join(ROOT, 'tests/standins/local_aws.py'), '--spec', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
  aws = await new Promise((resolve, reject) => {
    let out = '';
    awsProcess.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0])); });
    awsProcess.on('exit', (code) => reject(new Error(`the local AWS exited with ${code}`)));
  });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-deploy-'));
  wrangler = path.join(tmp, 'wrangler.toml');
  const shipped = fs.readFileSync(path.join(ROOT, 'worker/wrangler.toml'), 'utf8').split('[[vars.HATOBA_TARGETS]]')[0];
  fs.writeFileSync(wrangler, shipped.replace('directory = "../dist"', `directory = ${JSON.stringify(path.join(ROOT, 'dist'))}`)
    .replace('main = "build/index.js"', `main = ${JSON.stringify(path.join(ROOT, 'worker/build/index.js'))}`) + [
    target('push'), target('run', { workflow: 'build.yml' }), target('env', { environment: 'staging' }),
    target('refused'), target('dup'), target('race'), target('crash'), target('api'), target('old'), target('ui'), target('bomb', { taskDefinition: '.aws/bomb.yaml' }), target('role'), target('leak'), target('future'), target('rules', { taskDefinition: '.aws/big.json' }),
  ].join(''));
  worker = await startWorker({
    AWS_ENDPOINT_URL: aws.aws, GITHUB_API_URL: aws.github, GITHUB_TOKEN: 'ghs_fakefakefakefakefakefake',
    AWS_ACCESS_KEY_ID: aws.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: aws.AWS_SECRET_ACCESS_KEY,
    HATOBA_PUBLIC_URL: 'https://hatoba.example.com', HATOBA_MAX_BODY_BYTES: '200000',
  }, { wrangler });
});
after(async () => {
  await worker?.stop();
  awsProcess?.kill('SIGTERM');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Posts a delivery as GitHub does; `sign: false` leaves the signature off, a string forges it. */
async function deliver(event, payload, { delivery = crypto.randomUUID(), sign = true, contentType = 'application/json', raw, from, to = worker } = {}) {
  const body = raw ?? JSON.stringify(payload);
  const headers = { 'content-type': contentType, 'x-github-event': event, 'x-github-delivery': delivery, 'user-agent': 'GitHub-Hookshot/test' };
  if (from) headers['cf-connecting-ip'] = from;
  if (sign === true) headers['x-hub-signature-256'] = 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex');
  else if (typeof sign === 'string') headers['x-hub-signature-256'] = sign;
  const r = await fetch(`${to.url}/webhooks/github`, { method: 'POST', headers, body });
  return { status: r.status, body: await r.json(), delivery, retryAfter: r.headers.get('retry-after') };
}

function push(service, commit, { time = new Date().toISOString(), pushedAt } = {}) {
  const p = example('push');
  p.ref = `refs/heads/deploy-${service}`; p.after = commit; p.deleted = false; p.created = false;
  p.repository.full_name = REPO; p.repository.name = 'shop';
  p.repository.owner = { name: 'octo', email: null }; // as GitHub's push format has it
  p.head_commit = { ...(p.head_commit ?? {}), id: commit, timestamp: time };
  if (pushedAt !== undefined) p.repository.pushed_at = pushedAt; // GitHub's clock, seconds
  return p;
}

const auth = (token = FAKE_SECRETS.HATOBA_READ_TOKEN) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
async function deployments(name, from = worker) {
  const r = await fetch(`${from.url}/api/deployments?target=${name}`, { headers: auth() });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  return (await r.json()).deployments;
}
async function until(name, done, what, ms = 40000, from = worker) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < ms) {
    last = await deployments(name, from);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.fail(`${name}: ${what} did not happen in ${ms} ms: ${JSON.stringify(last, null, 1)}`);
}
const finished = (list) => list.length > 0 && list.every((d) => d.next === 'done');
async function githubRequests() {
  const all = await (await fetch(`${aws.github}/_standin/requests`)).json();
  for (const r of all) assert.deepEqual(r.problems, [], `${r.method} ${r.path} does not fit GitHub's description`);
  return all;
}
const commitStatuses = async (commit, context) => (await githubRequests())
  .filter((r) => r.method === 'POST' && r.path === `/repos/${REPO}/statuses/${commit}` && r.body.context === context)
  .map((r) => r.body);
// What AWS ends with, asked through the rollout stand-in by the read-only auditor (botocore signs).
const ecs = (op, input) => boto(`
c = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1", **json.loads(sys.argv[2]))
print(json.dumps(getattr(c, sys.argv[3])(**json.loads(sys.argv[4])), default=str))`, JSON.stringify(aws.auditor), op, JSON.stringify(input));

test('a push deploys: 202 with the id, pending then success on the commit, a new revision with its image, the service on it', async () => {
  const t0 = Date.now();
  const r = await deliver('push', push('push', SHAS.push));
  const answeredMs = Date.now() - t0;
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.deployments.length, 1);
  assert.equal(r.body.deployments[0].target, 'push');
  assert.ok(answeredMs < 1000, `answered in ${answeredMs} ms`);
  const [d] = await until('push', finished, 'the deploy');
  assert.equal(d.id, r.body.deployments[0].id);
  assert.equal(d.state, 'success', JSON.stringify(d, null, 1));
  assert.deepEqual(d.trigger, { event: 'push', delivery: r.delivery });
  assert.deepEqual(d.steps.map((s) => s.name), ['pending_status', 'find_image', 'load_task_definition', 'render', 'check',
    'register_task_definition', 'update_service', 'wait_rollout', 'final_status']);
  // The checks worker answered (over the CHECKS binding): the step is not a "not checked".
  const check = d.steps.find((s) => s.name === 'check');
  assert.equal(check.outcome, 'ok', JSON.stringify(check));
  assert.equal(check.detail, 'no findings');
  const statuses = await commitStatuses(SHAS.push, 'hatoba/push');
  assert.deepEqual(statuses.map((s) => s.state), ['pending', 'success']);
  assert.equal(statuses[1].target_url, `https://hatoba.example.com/#/deployments/${d.id}`);
  // With a token, statuses only: check runs are an App's (tests/e2e/pulls.test.mjs).
  assert.deepEqual((await githubRequests()).filter((q) => q.path.includes('/check-runs')), []);
  const td = await ecs('describe_task_definition', { taskDefinition: d.taskDefinitionArn, include: ['TAGS'] });
  assert.equal(td.taskDefinition.containerDefinitions[0].image, `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:${SHAS.push}`);
  assert.ok(td.tags.some((t) => t.key === 'hatoba:deployment' && t.value === d.id));
  const svc = await ecs('describe_services', { cluster: 'stg', services: ['push'] });
  assert.equal(svc.services[0].taskDefinition, d.taskDefinitionArn);
});

test('a successful workflow_run deploys its head_sha; a failed one is acknowledged and does nothing', async () => {
  const run = (commit, conclusion) => {
    const p = example('workflow_run');
    p.action = 'completed';
    Object.assign(p.workflow_run, { head_sha: commit, conclusion, status: 'completed', path: '.github/workflows/build.yml' });
    p.repository.full_name = REPO;
    return p;
  };
  const failed = await deliver('workflow_run', run(SHAS['run-failed'], 'failure'));
  assert.equal(failed.status, 202);
  assert.match(failed.body.ignored, /concluded failure/);
  const ok = await deliver('workflow_run', run(SHAS.run, 'success'));
  assert.equal(ok.status, 202);
  const list = await until('run', finished, 'the deploy');
  assert.equal(list.length, 1);
  assert.equal(list[0].sha, SHAS.run);
  assert.equal(list[0].state, 'success');
  assert.deepEqual(await commitStatuses(SHAS['run-failed'], 'hatoba/run'), []);
});

test('a deployment event reports deployment statuses, in_progress then success', async () => {
  const p = example('deployment');
  Object.assign(p.deployment, { sha: SHAS.env, environment: 'staging', id: 4242 });
  p.repository.full_name = REPO;
  const r = await deliver('deployment', p);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const [d] = await until('env', finished, 'the deploy');
  assert.equal(d.state, 'success');
  const sent = (await githubRequests()).filter((q) => q.path === `/repos/${REPO}/deployments/4242/statuses`).map((q) => q.body);
  assert.deepEqual(sent.map((s) => s.state), ['in_progress', 'success']);
  assert.equal(sent[1].log_url, `https://hatoba.example.com/#/deployments/${d.id}`);
});

test('forged, unsigned, oversized and form-encoded deliveries are refused and nothing is done', async () => {
  const before = (await githubRequests()).length;
  const p = push('refused', SHAS.refused);
  const forged = await deliver('push', p, { sign: 'sha256=' + '0'.repeat(64) });
  assert.equal(forged.status, 401);
  assert.equal(forged.body.error, 'unauthorized');
  const unsigned = await deliver('push', p, { sign: false });
  assert.equal(unsigned.status, 401);
  assert.match(unsigned.body.message, /missing X-Hub-Signature-256/);
  const big = await deliver('push', null, { raw: JSON.stringify({ ...p, padding: 'x'.repeat(250000) }) });
  assert.equal(big.status, 413);
  const form = await deliver('push', null, { raw: `payload=${encodeURIComponent(JSON.stringify(p))}`, contentType: 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 415);
  assert.match(form.body.message, /set the webhook's content type to application\/json/);
  assert.deepEqual(await deployments('refused'), []);
  assert.equal((await githubRequests()).length, before);
});

test('one delivery sent three times and a second delivery of the same commit deploy once', async () => {
  const p = push('dup', SHAS.dup);
  const first = await deliver('push', p);
  assert.equal(first.status, 202);
  for (let i = 0; i < 2; i++) {
    const again = await deliver('push', p, { delivery: first.delivery });
    assert.equal(again.status, 202);
    assert.match(again.body.ignored, /seen before/);
  }
  const second = await deliver('push', p);
  assert.match(second.body.ignored, /seen before|already deploying|already deployed/);
  const list = await until('dup', finished, 'the deploy');
  assert.equal(list.length, 1);
  assert.equal(list[0].state, 'success');
  assert.deepEqual((await commitStatuses(SHAS.dup, 'hatoba/dup')).map((s) => s.state), ['pending', 'success']);
});

test('two pushes 50 ms apart, the first still waiting for its image: the second is deployed, the first superseded', async () => {
  // Sent 50 ms apart, as two quick merges are, the second without waiting for the first's answer.
  // The first commit's image is not built yet (a deploy that already registered its revision is
  // not superseded: it runs to its end, and the core tests hold that).
  const unbuilt = sha('race-unbuilt');
  const first = deliver('push', push('race', unbuilt));
  await new Promise((r) => setTimeout(r, 50));
  const [a, b] = await Promise.all([first, deliver('push', push('race', SHAS['race-2']))]);
  assert.equal(a.status, 202); assert.equal(b.status, 202);
  const list = await until('race', (l) => l.length === 2 && finished(l), 'both');
  const [newer, older] = list;
  assert.equal(newer.sha, SHAS['race-2']);
  assert.equal(newer.state, 'success');
  assert.equal(older.state, 'superseded', JSON.stringify(older.steps.map((s) => s.name)));
  assert.equal(older.description, `Superseded by ${SHAS['race-2'].slice(0, 7)}`);
  assert.equal(older.taskDefinitionArn, null);
  const olderStatuses = await commitStatuses(unbuilt, 'hatoba/race');
  assert.equal(olderStatuses.at(-1).state, 'error');
  assert.equal(olderStatuses.at(-1).description, older.description);
  const svc = await ecs('describe_services', { cluster: 'stg', services: ['race'] });
  assert.equal(svc.services[0].taskDefinition, newer.taskDefinitionArn);
});

test('a webhook never rolls a target back: an older commit is acknowledged and ignored', async () => {
  const now = Date.now();
  const newer = await deliver('push', push('old', SHAS['old-new'], { time: new Date(now).toISOString() }));
  assert.equal(newer.status, 202);
  const older = await deliver('push', push('old', SHAS['old-old'], { time: new Date(now - 3600_000).toISOString() }));
  assert.equal(older.status, 202);
  assert.match(older.body.ignored, /older than the last commit a webhook deployed/);
  const list = await until('old', finished, 'the deploy');
  assert.deepEqual(list.map((d) => d.sha), [SHAS['old-new']]);
});

test('a commit dated in the year 9999 blocks no later push; an upper-case redelivery of a deployed commit does nothing', async () => {
  const pushedAt = Math.floor(Date.now() / 1000);
  // Signed, admitted, its image never built: it must not become the mark every later push is
  // "older" than.
  const bogus = await deliver('push', push('future', sha('future-bogus'), { time: '9999-12-31T23:59:59Z', pushedAt }));
  assert.equal(bogus.status, 202);
  assert.equal(bogus.body.deployments?.length, 1, JSON.stringify(bogus.body));
  const real = await deliver('push', push('future', SHAS.future, { pushedAt: pushedAt + 1 }));
  assert.equal(real.status, 202);
  assert.equal(real.body.deployments?.length, 1, JSON.stringify(real.body));
  const list = await until('future', (l) => l.length === 2 && finished(l), 'the real push');
  assert.equal(list[0].sha, SHAS.future);
  assert.equal(list[0].state, 'success', JSON.stringify(list[0].steps));
  assert.equal(list[1].state, 'superseded');
  const again = await deliver('push', push('future', SHAS.future.toUpperCase(), { pushedAt: pushedAt + 2 }));
  assert.equal(again.status, 202);
  assert.match(again.body.ignored, /already deployed/);
  assert.equal((await deployments('future')).length, 2);
});

test('a base that breaks a rule is stopped by the checks worker before anything is registered', async () => {
  const r = await deliver('push', push('rules', SHAS.rules));
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const [d] = await until('rules', finished, 'the deploy');
  assert.equal(d.state, 'failure', JSON.stringify(d, null, 1));
  assert.deepEqual(d.steps.map((s) => s.name), ['pending_status', 'find_image', 'load_task_definition', 'render', 'check', 'final_status']);
  const check = d.steps.find((s) => s.name === 'check');
  assert.equal(check.outcome, 'failed');
  assert.match(check.detail, /^memory: .*\[fargate-cpu-memory\]$/m);
  const statuses = await commitStatuses(SHAS.rules, 'hatoba/rules');
  assert.deepEqual(statuses.map((s) => s.state), ['pending', 'failure']);
  assert.match(statuses[1].description, /^Task definition breaks fargate-cpu-memory: memory: /);
  const svc = await ecs('describe_services', { cluster: 'stg', services: ['rules'] });
  assert.doesNotMatch(svc.services[0].taskDefinition, /web:[2-9]/);
});

test('workerd killed mid-rollout and started again: the deploy resumes from its record and finishes', async () => {
  const r = await deliver('push', push('crash', SHAS.crash));
  assert.equal(r.status, 202);
  await until('crash', (l) => l[0]?.steps.some((s) => s.name === 'wait_rollout'), 'the rollout to start');
  await worker.restart();
  const [d] = await until('crash', finished, 'the deploy after the restart');
  assert.equal(d.state, 'success', JSON.stringify(d, null, 1));
  assert.equal(d.steps.filter((s) => s.name === 'register_task_definition').length, 1);
  const revisions = await ecs('list_task_definitions', { familyPrefix: 'web' });
  const ours = [];
  for (const arn of revisions.taskDefinitionArns) {
    const td = await ecs('describe_task_definition', { taskDefinition: arn, include: ['TAGS'] });
    if ((td.tags ?? []).some((t) => t.key === 'hatoba:deployment' && t.value === d.id)) ours.push(arn);
  }
  assert.deepEqual(ours, [d.taskDefinitionArn]);
});

test('the API needs its tokens: none or a wrong one is 401 without saying which; the admin token deploys and rolls back', async () => {
  for (const headers of [{}, auth('wrong-token'), { authorization: 'Basic abc' }]) {
    const r = await fetch(`${worker.url}/api/targets`, { headers });
    assert.equal(r.status, 401);
    const body = await r.json();
    assert.equal(body.error, 'unauthorized');
    assert.doesNotMatch(body.message, /read|admin/i);
  }
  const readOnPost = await fetch(`${worker.url}/api/targets/api/deploy`, { method: 'POST', headers: auth(), body: JSON.stringify({ sha: SHAS.api }) });
  assert.equal(readOnPost.status, 401);
  const targets = await (await fetch(`${worker.url}/api/targets`, { headers: auth() })).json();
  assert.ok(targets.targets.some((t) => t.name === 'push' && t.lastDeployment?.state === 'success'));
  const queued = await fetch(`${worker.url}/api/targets/api/deploy`, { method: 'POST', headers: auth(FAKE_SECRETS.HATOBA_ADMIN_TOKEN), body: JSON.stringify({ sha: SHAS.api }) });
  assert.equal(queued.status, 202);
  const { id } = await queued.json();
  const [deployed] = await until('api', finished, 'the API deploy');
  assert.equal(deployed.id, id);
  assert.equal(deployed.state, 'success');
  assert.deepEqual(deployed.trigger, { event: 'manual', by: 'api' });
  const one = await fetch(`${worker.url}/api/deployments/${encodeURIComponent(id)}`, { headers: auth() });
  assert.equal(one.status, 200);
  assert.equal((await one.json()).id, id);
  // Roll back to the revision the service ran before.
  const back = await fetch(`${worker.url}/api/targets/api/deploy`, { method: 'POST', headers: auth(FAKE_SECRETS.HATOBA_ADMIN_TOKEN),
    body: JSON.stringify({ sha: SHAS.api, taskDefinitionArn: deployed.previousTaskDefinitionArn }) });
  assert.equal(back.status, 202);
  const list = await until('api', (l) => l.length === 2 && finished(l), 'the rollback');
  assert.equal(list[0].state, 'success');
  assert.equal(list[0].taskDefinitionArn, deployed.previousTaskDefinitionArn);
  const svc = await ecs('describe_services', { cluster: 'stg', services: ['api'] });
  assert.equal(svc.services[0].taskDefinition, deployed.previousTaskDefinitionArn);
  const missing = await fetch(`${worker.url}/api/deployments/api.1.nope`, { headers: auth() });
  assert.equal(missing.status, 404);
});

test('the Deployments page in Chromium: a deploy appears and finishes while it is open; Redeploy asks for the admin token once', async () => {
  const browser = await launchBrowser();
  try {
    const { page, problems } = await openApp(worker, browser, '#/deployments?target=ui', 'Deployments');
    // The read token is asked for, and kept in session storage only.
    await page.getByLabel(/Read token/).fill(FAKE_SECRETS.HATOBA_READ_TOKEN);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('No deployment yet.').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('hatoba.readToken')), null);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('hatoba.readToken')), FAKE_SECRETS.HATOBA_READ_TOKEN);
    // A push arrives while the page is open: its row appears and reaches success.
    const r = await deliver('push', push('ui', SHAS.ui));
    const id = r.body.deployments[0].id;
    const row = page.locator(`tr[data-id="${id}"]`);
    await row.waitFor({ timeout: 15000 });
    await row.locator('.badge.success').waitFor({ timeout: 40000 });
    // Its page: every step with its outcome, the statuses sent, the links.
    await row.getByRole('link').click();
    await page.locator('article.deployment[data-state="success"]').waitFor();
    const steps = await page.locator('li.step').evaluateAll((els) => els.map((e) => [e.dataset.step, e.querySelector('.outcome').textContent]));
    assert.deepEqual(steps.map(([s]) => s), ['pending_status', 'find_image', 'load_task_definition', 'render', 'check',
      'register_task_definition', 'update_service', 'wait_rollout', 'final_status']);
    assert.ok(steps.every(([, o]) => o === 'ok'), JSON.stringify(steps));
    assert.deepEqual(await page.locator('ul.statuses li').evaluateAll((els) => els.map((e) => e.dataset.state)), ['pending', 'success']);
    assert.equal(await page.getByRole('link', { name: 'Commit on GitHub' }).getAttribute('href'), `https://github.com/${REPO}/commit/${SHAS.ui}`);
    // Redeploy: the admin token is asked once, then the new deployment is queued and shown.
    await page.getByRole('button', { name: 'Redeploy this commit' }).click();
    await page.getByLabel(/Admin token/).fill(FAKE_SECRETS.HATOBA_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction((old) => location.hash.startsWith('#/deployments/') && !location.hash.endsWith(old), encodeURIComponent(id));
    await page.locator('article.deployment[data-state="success"]').waitFor({ timeout: 40000 });
    assert.equal(await page.evaluate(() => localStorage.getItem('hatoba.adminToken')), null);
    const list = await deployments('ui');
    assert.equal(list.length, 2);
    assert.deepEqual(list[0].trigger, { event: 'manual', by: 'api' });
    await page.screenshot({ path: path.join(ROOT, 'target/e2e/deployments.png'), fullPage: true });
    assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  } finally {
    await browser.close();
  }
});

test('a GitHub App instead of a token: the JWT signed with WebCrypto buys an installation token that reads the base and writes the statuses', async () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }); // as GitHub hands it out
  await fetch(`${aws.github}/_standin/app`, { method: 'POST', body: JSON.stringify({
    appId: '123456', repository: 'octo/app-shop', publicKey: publicKey.export({ type: 'spki', format: 'pem' }) }) });
  const wrangler = path.join(tmp, 'wrangler-app.toml');
  fs.writeFileSync(wrangler, fs.readFileSync(path.join(tmp, 'wrangler.toml'), 'utf8').split('[[vars.HATOBA_TARGETS]]')[0]
    + target('app').replace(`repository = "${REPO}"`, 'repository = "octo/app-shop"'));
  const appWorker = await startWorker({
    AWS_ENDPOINT_URL: aws.aws, GITHUB_API_URL: aws.github, GITHUB_APP_ID: '123456', GITHUB_APP_PRIVATE_KEY: pem,
    AWS_ACCESS_KEY_ID: aws.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: aws.AWS_SECRET_ACCESS_KEY,
  }, { wrangler });
  try {
    const p = push('app', SHAS.app);
    p.repository.full_name = 'octo/app-shop';
    const body = JSON.stringify(p);
    const r = await fetch(`${appWorker.url}/webhooks/github`, { method: 'POST', body, headers: {
      'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex') } });
    assert.equal(r.status, 202);
    let d;
    for (let i = 0; i < 40 && d?.next !== 'done'; i++) {
      await new Promise((res) => setTimeout(res, 1000));
      const list = await (await fetch(`${appWorker.url}/api/deployments?target=app`, { headers: auth() })).json();
      d = list.deployments[0];
    }
    assert.equal(d?.state, 'success', JSON.stringify(d, null, 1));
    const requests = (await githubRequests()).filter((q) => q.path.startsWith('/repos/octo/app-shop/') || q.path.startsWith('/app/'));
    const token = requests.find((q) => q.path.endsWith('/access_tokens'));
    assert.ok(token, 'an installation token was bought');
    const used = requests.filter((q) => q.path.includes('/statuses/') || q.path.includes('/contents/'));
    assert.ok(used.length >= 3, JSON.stringify(requests.map((q) => q.path)));
    assert.ok(used.every((q) => q.token.startsWith('ghs_fakeinstallationtoken4242')), JSON.stringify(used.map((q) => q.token)));
    // Bought once and cached: every step of the deploy used the same token.
    assert.equal(requests.filter((q) => q.path.endsWith('/access_tokens')).length, 1);
    assert.equal(new Set(used.map((q) => q.token)).size, 1);
    assert.doesNotMatch(appWorker.output(), /PRIVATE KEY/);
  } finally {
    await appWorker.stop();
  }
});

test('an address that keeps failing the signature check is answered 429 before its body is read; others are not', async () => {
  const p = push('refused', SHAS.refused);
  for (let i = 0; i < 9; i++) {
    assert.equal((await deliver('push', p, { sign: 'sha256=' + 'f'.repeat(64), from: '203.0.113.7' })).status, 401);
  }
  // The tenth failure is counted and refused in one call to the guard: 429 from there on.
  const tenth = await deliver('push', p, { sign: 'sha256=' + 'f'.repeat(64), from: '203.0.113.7' });
  assert.equal(tenth.status, 429);
  // Blocked now, even with a valid signature, and even with a body over the cap (never read).
  const blocked = await deliver('push', p, { from: '203.0.113.7' });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.body.error, 'too_many_requests');
  assert.ok(Number(blocked.retryAfter) > 500 && Number(blocked.retryAfter) <= 600, blocked.retryAfter);
  const huge = await deliver('push', null, { raw: 'x'.repeat(300000), from: '203.0.113.7' });
  assert.equal(huge.status, 429);
  // Another address is not affected: its (valid) delivery is routed (here: a push to no target).
  const other = await deliver('push', push('nobody', SHAS.refused), { from: '198.51.100.20' });
  assert.equal(other.status, 202);
  assert.match(other.body.ignored, /no target deploys pushes/);
  assert.deepEqual(await deployments('refused'), []);
});

test('a YAML base (here an alias bomb) fails the deploy at once, read as JSON only, and the worker lives on', async () => {
  const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
  for (let n = 1; n < levels.length; n++) bomb += `${levels[n]}: &${levels[n]} [${Array(9).fill(`*${levels[n - 1]}`).join(', ')}]\n`;
  await fetch(`${aws.github}/_standin/files`, { method: 'PUT', body: JSON.stringify({ repository: REPO, ref: SHAS.bomb, path: '.aws/bomb.yaml', content: bomb }) });
  const r = await deliver('push', push('bomb', SHAS.bomb));
  assert.equal(r.status, 202);
  const [d] = await until('bomb', finished, 'the deploy');
  assert.equal(d.state, 'failure');
  // The worker reads bases as JSON (its size budget leaves YAML to the CLI and the editor):
  // the bomb is never expanded, and the status says what to do.
  assert.match(d.description, /not JSON: .*keep this one as JSON/);
  assert.equal(d.taskDefinitionArn, null);
  assert.deepEqual((await commitStatuses(SHAS.bomb, 'hatoba/bomb')).map((s) => s.state), ['pending', 'failure']);
  assert.equal((await fetch(`${worker.url}/healthz`)).status, 200);
});

/** Runs Python with boto3 against the local AWS (its URL is `sys.argv[1]`); the script prints JSON. */
function boto(script, ...args) {
  return new Promise((resolve, reject) => {
    const py = spawn(process.env.HATOBA_PYTHON ?? 'python3', ['-c', `import json, sys, boto3\n${script}`, aws.aws, ...args]);
    let text = ''; py.stdout.on('data', (d) => { text += d; }); py.stderr.on('data', (d) => { text += d; });
    py.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(text))));
  });
}

test('with AWS_ROLE_ARN the worker deploys through the role, its own key able only to assume it', async () => {
  const policy = (kind) => JSON.parse(execFileSync(hatobaBin(), ['iam', 'policy', '--target', 'role', '--config', wrangler,
    '--account', '123456789012', '--family', 'web', '--pass-role', 'arn:aws:iam::123456789012:role/web-exec',
    'arn:aws:iam::123456789012:role/web-task', '--kind', kind, '--worker-user', 'hatoba-worker-e2e', '--deploy-role', 'hatoba-deploy-e2e'], { encoding: 'utf8' }));
  const assume = policy('assume');
  const rights = policy('deploy');
  // moto evaluates ECS and ECR against "*" only: those statements are widened for it.
  for (const st of rights.Statement) if ([st.Action].flat().every((a) => /^(ecs|ecr):/.test(a))) st.Resource = '*';
  const keys = await boto(`
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", **json.loads(sys.argv[2]))
assume, rights = json.loads(sys.argv[3]), json.loads(sys.argv[4])
iam.create_role(RoleName="hatoba-deploy-e2e", AssumeRolePolicyDocument=json.dumps(assume["trustPolicy"]))
iam.put_role_policy(RoleName="hatoba-deploy-e2e", PolicyName="deploy", PolicyDocument=json.dumps(rights))
iam.create_user(UserName="hatoba-worker-e2e")
iam.put_user_policy(UserName="hatoba-worker-e2e", PolicyName="assume", PolicyDocument=json.dumps(assume["workerUserPolicy"]))
k = iam.create_access_key(UserName="hatoba-worker-e2e")["AccessKey"]
print(json.dumps({"id": k["AccessKeyId"], "secret": k["SecretAccessKey"]}))`, JSON.stringify(aws.admin), JSON.stringify(assume), JSON.stringify(rights));
  const roled = await startWorker({
    AWS_ENDPOINT_URL: aws.aws, GITHUB_API_URL: aws.github, GITHUB_TOKEN: 'ghs_fakefakefakefakefakefake',
    AWS_ACCESS_KEY_ID: keys.id, AWS_SECRET_ACCESS_KEY: keys.secret, AWS_ROLE_ARN: assume.deployRoleArn,
  }, { wrangler });
  try {
    const r = await deliver('push', push('role', SHAS.role), { to: roled });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const [d] = await until('role', finished, 'the deploy through the role', 40000, roled);
    assert.equal(d.state, 'success', JSON.stringify(d, null, 1));
    const steps = d.steps.map((s) => s.name);
    // The session first: the first steps, run at once, already call AWS.
    assert.deepEqual(steps.slice(0, 3), ['assume_role', 'pending_status', 'find_image']);
    assert.equal(d.steps[0].detail, `session hatoba-role-${SHAS.role.slice(0, 7)} of ${assume.deployRoleArn}, 15 min`);
    // The worker's own key can do nothing a deploy needs.
    const denied = await boto(`
from botocore.exceptions import ClientError
ecs = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
try:
    ecs.describe_services(cluster="stg", services=["role"]); print(json.dumps("allowed"))
except ClientError as e:
    print(json.dumps(e.response["ResponseMetadata"]["HTTPStatusCode"]))`, keys.id, keys.secret);
    assert.equal(denied, 403);
    assert.ok(!roled.output().includes(keys.secret), 'the worker never prints its key');
  } finally {
    await roled.stop();
  }
});

test('no secret leaves the worker: every route and outcome answered, logged and reported without one', async () => {
  const secrets = [...Object.values(FAKE_SECRETS), SECRET, 'ghs_fakefakefakefakefakefake', aws.AWS_SECRET_ACCESS_KEY, aws.AWS_ACCESS_KEY_ID];
  // GitHub answering the pending status with the token it was sent, as a careless server might
  // (the status is the first POST; the base is read with a GET at the same time).
  await fetch(`${aws.github}/_standin/github-fail`, { method: 'POST', body: JSON.stringify({ times: 1, status: 401, echo: true, method: 'POST' }) });
  const texts = [];
  const answer = async (url, init) => {
    const r = await fetch(url, init);
    const text = await r.text();
    texts.push(`${init?.method ?? 'GET'} ${url} → ${r.status} ${[...r.headers].join(' ')} ${text}`);
    return text;
  };
  const r = await deliver('push', push('leak', SHAS.leak));
  texts.push(JSON.stringify(r.body));
  const [d] = await until('leak', finished, 'the deploy whose pending status GitHub refused');
  assert.equal(d.state, 'success');
  assert.match(d.steps[0].detail, /GitHub answered 401: Bad credentials: Bearer \[redacted\]/);
  // Every route, with good and bad credentials, and every deployment of every target.
  await answer(`${worker.url}/healthz`);
  await answer(`${worker.url}/api/targets`, { headers: auth() });
  await answer(`${worker.url}/api/targets`, { headers: auth('wrong') });
  await answer(`${worker.url}/api/nope`, { headers: auth() });
  await answer(`${worker.url}/webhooks/github`, { method: 'GET' });
  await answer(`${worker.url}/webhooks/github`, { method: 'POST', headers: { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'cf-connecting-ip': '192.0.2.77' }, body: '{}' });
  texts.push(JSON.stringify((await deliver('push', { after: 'not a sha' })).body));
  texts.push(JSON.stringify((await deliver('ping', example('ping'))).body));
  await answer(`${worker.url}/api/targets/nope/deploy`, { method: 'POST', headers: { ...auth(FAKE_SECRETS.HATOBA_ADMIN_TOKEN), 'content-type': 'application/json' }, body: '{"target":"nope"}' });
  for (const name of SERVICES) {
    const list = await answer(`${worker.url}/api/deployments?target=${name}`, { headers: auth() });
    for (const one of JSON.parse(list).deployments ?? []) {
      await answer(`${worker.url}/api/deployments/${encodeURIComponent(one.id)}`, { headers: auth() });
    }
  }
  texts.push(worker.output());
  texts.push(...(await githubRequests()).map((q) => JSON.stringify(q.body)));
  const all = texts.join('\n');
  const hits = secrets.filter((s) => all.includes(s));
  assert.deepEqual(hits, [], `secrets found in what left the worker`);
  assert.ok(all.includes('[redacted]'), 'the echoed token was cut, not lost');
});
