// Pull requests answered in workerd: a signed pull_request delivery makes the worker (as a GitHub
// App) list the pull request's files at the GitHub stand-in, read them at the head commit, ask
// the checks worker over its service binding, and write the check run "Hatoba checks", each
// request checked against GitHub's OpenAPI description. One local AWS and one workerd serve
// every scenario; each scenario has a pull request (and a head commit) of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, startWorker, FAKE_SECRETS } from './harness.mjs';

const REPO = 'octo/shop';
const SECRET = FAKE_SECRETS.GITHUB_WEBHOOK_SECRET;
const sha = (n) => crypto.createHash('sha1').update(`pull ${n}`).digest('hex');

const examples = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'));
const example = (name, action) => structuredClone(examples.find((e) => e.name === name).examples.find((x) => !action || x.action === action));

// A task definition with one error on line 6 (4 GB is no Fargate size for 0.25 vCPU).
const BROKEN_TD = `{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "4096",
  "executionRoleArn": "arn:aws:iam::123456789012:role/web-exec",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "essential": true}]
}
`;
const CLEAN_TD = BROKEN_TD.replace('"4096"', '"512"');
// What the service runs (as the local AWS seeds it) with twice the CPU and memory and a new secret.
const PLANNED_TD = JSON.stringify({
  family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '1024',
  executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec', taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
  containerDefinitions: [{ name: 'web', image: 'placeholder', essential: true, portMappings: [{ containerPort: 8080 }],
    secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf' }],
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' } } }],
}, null, 2);
// A workflow with an error on line 8 (a job's `needs` names no job) and a render step (line 13)
// naming a container the task definition does not have.
const BROKEN_WORKFLOW = `name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    needs: build
    steps:
      - uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: .aws/task-definition.json
          container-name: api
          image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:\${{ github.sha }}
`;
const CLEAN_WORKFLOW = `name: test
on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
`;

// Commits pushed (their images in ECR, their bases in the repository) for the deploy scenarios.
const DEPLOYS = ['deploy-1', 'deploy-2', 'deploy-api'];
let aws; let awsProcess; let worker; let tmp;
before(async () => {
  const python = process.env.HATOBA_PYTHON ?? 'python3';
  const spec = { cluster: 'stg', services: ['web', 'api'], repository: 'shop/web', shas: DEPLOYS.map(sha),
    files: DEPLOYS.flatMap((n) => ['.aws/task-definition.json', '.aws/api.json'].map((p) => ({ repository: REPO, ref: sha(n), path: p, content: CLEAN_TD }))),
    rollouts: [{ service: 'api', ending: 'crash' }] };
  awsProcess = spawn(python, [path.join(ROOT, 'tests/standins/local_aws.py'), '--spec', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
  aws = await new Promise((resolve, reject) => {
    let out = '';
    awsProcess.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0])); });
    awsProcess.on('exit', (code) => reject(new Error(`the local AWS exited with ${code}`)));
  });
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  await github('POST', '/_standin/app', { appId: '123456', repository: REPO, publicKey: publicKey.export({ type: 'spki', format: 'pem' }) });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-pulls-'));
  const wrangler = path.join(tmp, 'wrangler.toml');
  const shipped = fs.readFileSync(path.join(ROOT, 'worker/wrangler.toml'), 'utf8').split('[[vars.HATOBA_TARGETS]]')[0];
  fs.writeFileSync(wrangler, shipped.replace('directory = "../dist"', `directory = ${JSON.stringify(path.join(ROOT, 'dist'))}`)
    .replace('main = "build/index.js"', `main = ${JSON.stringify(path.join(ROOT, 'worker/build/index.js'))}`) + `
[[vars.HATOBA_TARGETS]]
name = "web"
repository = "${REPO}"
branch = "main"
region = "us-east-1"
cluster = "stg"
service = "web"
container = "web"
ecrRepository = "shop/web"
taskDefinition = ".aws/task-definition.json"
pollSeconds = 1

[[vars.HATOBA_TARGETS]]
name = "api"
repository = "${REPO}"
branch = "deploy-api"
region = "us-east-1"
cluster = "stg"
service = "api"
container = "web"
ecrRepository = "shop/web"
taskDefinition = ".aws/api.json"
pollSeconds = 1
failFastTasks = 1
`);
  worker = await startWorker({
    AWS_ENDPOINT_URL: aws.aws, GITHUB_API_URL: aws.github, GITHUB_APP_ID: '123456',
    GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }),
    AWS_ACCESS_KEY_ID: aws.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: aws.AWS_SECRET_ACCESS_KEY,
  }, { wrangler });
});

after(async () => {
  await worker?.stop();
  awsProcess?.kill('SIGTERM');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function github(method, route, body) {
  const r = await fetch(`${aws.github}${route}`, { method, body: body && JSON.stringify(body) });
  return r.headers.get('content-type')?.includes('json') ? r.json() : r.text();
}

/** A pull request: its files put at its head, and the delivery GitHub sends when it opens. */
async function openPull(number, files, { action = 'opened', repository = REPO } = {}) {
  const head = sha(number);
  for (const [p, content] of Object.entries(files)) await github('PUT', '/_standin/files', { repository: REPO, ref: head, path: p, content });
  await github('PUT', '/_standin/pulls', { repository: REPO, number, head, files: Object.keys(files).map((filename) => ({ filename, status: 'modified' })) });
  return deliver('pull_request', pullRequest(number, head, action, repository));
}

function pullRequest(number, head, action, repository = REPO, from = repository) {
  const p = example('pull_request', 'opened');
  p.action = action; p.number = number;
  p.pull_request.number = number; p.pull_request.head.sha = head;
  p.pull_request.head.repo = { ...p.pull_request.head.repo, full_name: from, name: from.split('/')[1] };
  p.pull_request.base.repo = { ...p.pull_request.base.repo, full_name: repository, name: repository.split('/')[1] };
  p.repository.full_name = repository; p.repository.name = repository.split('/')[1];
  return p;
}

async function deliver(event, payload, to = worker) {
  const body = JSON.stringify(payload);
  const r = await fetch(`${to.url}/webhooks/github`, { method: 'POST', body, headers: {
    'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': crypto.randomUUID(),
    'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex') } });
  return { status: r.status, body: await r.json() };
}

async function checkRuns(head, name = 'Hatoba checks') {
  return (await github('GET', '/_standin/check-runs')).filter((c) => c.head_sha === head && c.name === name);
}

async function requestsFor(head) {
  const all = await github('GET', '/_standin/requests');
  for (const r of all) assert.deepEqual(r.problems, [], `${r.method} ${r.path} does not fit GitHub's description`);
  return all;
}

test('a pull request with a broken workflow and a broken task definition: annotations at their lines, conclusion failure', async () => {
  const r = await openPull(1, { '.github/workflows/deploy.yml': BROKEN_WORKFLOW, '.aws/task-definition.json': BROKEN_TD, 'README.md': '# shop\n' });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.review.conclusion, 'failure');
  assert.equal(r.body.review.files, 2);
  const [run] = await checkRuns(sha(1));
  assert.equal(run.name, 'Hatoba checks');
  assert.equal(run.status, 'completed');
  assert.equal(run.conclusion, 'failure');
  assert.equal(run.id, r.body.review.checkRunId);
  assert.match(run.output.summary, /\| `\.github\/workflows\/deploy\.yml` \| workflow \| 2 \| \d+ \|/);
  assert.match(run.output.summary, /\| `\.aws\/task-definition\.json` \| taskDefinition \| 1 \| 0 \|/);
  const at = (file, title) => run.annotations.find((a) => a.path === file && a.title === title);
  const memory = at('.aws/task-definition.json', 'fargate-cpu-memory');
  assert.ok(memory, JSON.stringify(run.annotations, null, 1));
  assert.deepEqual([memory.start_line, memory.end_line, memory.start_column, memory.end_column, memory.annotation_level], [6, 6, 13, 19, 'failure']);
  const needs = run.annotations.find((a) => a.path === '.github/workflows/deploy.yml' && a.start_line === 8);
  assert.ok(needs, JSON.stringify(run.annotations, null, 1));
  assert.equal(needs.annotation_level, 'failure');
  const render = at('.github/workflows/deploy.yml', 'render-container');
  assert.deepEqual([render.start_line, render.start_column], [13, 27]);
  assert.match(render.message, /`api` is not a container of \.aws\/task-definition\.json, so the render step fails: its containers are web/);
  // README.md was not read; each checked file was read once, the base once more by the target's
  // plan (the deploy's own read of it), and the repository's .hatoba.toml (there is none).
  const requests = (await requestsFor(sha(1))).filter((q) => q.path.startsWith(`/repos/${REPO}/`) && (q.query.ref === sha(1) || q.path.includes('/pulls/1/')));
  assert.deepEqual(requests.filter((q) => q.path.includes('/contents/')).map((q) => q.path).sort(),
    [`/repos/${REPO}/contents/.aws/task-definition.json`, `/repos/${REPO}/contents/.aws/task-definition.json`, `/repos/${REPO}/contents/.github/workflows/deploy.yml`,
      `/repos/${REPO}/contents/.hatoba.toml`]);
  assert.equal(requests.filter((q) => q.path === `/repos/${REPO}/pulls/1/files`).length, 1);
});

test('a clean pull request: success; the same head delivered again is not checked twice, a re-run is', async () => {
  const r = await openPull(2, { '.github/workflows/test.yml': CLEAN_WORKFLOW, '.aws/task-definition.json': CLEAN_TD });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.review.conclusion, 'success');
  let runs = await checkRuns(sha(2));
  assert.equal(runs.length, 1);
  assert.equal(runs[0].conclusion, 'success');
  assert.equal(runs[0].output.title, '0 errors, 0 warnings in 2 files');
  assert.deepEqual(runs[0].annotations, []);
  // GitHub sends check_suite requested for the same push: one check run per head.
  const suite = example('check_suite', 'requested');
  suite.repository.full_name = REPO; suite.repository.name = 'shop';
  suite.check_suite.head_sha = sha(2); suite.check_suite.pull_requests = [{ number: 2, head: { sha: sha(2) }, base: { ref: 'main' } }];
  const again = await deliver('check_suite', suite);
  assert.equal(again.status, 202);
  assert.equal(again.body.ignored, `${sha(2).slice(0, 7)} of pull request #2 is already checked`);
  assert.equal((await checkRuns(sha(2))).length, 1);
  // "Re-run" on GitHub: check_run rerequested.
  const rerun = example('check_run', 'rerequested') ?? example('check_run');
  rerun.action = 'rerequested';
  rerun.repository.full_name = REPO; rerun.repository.name = 'shop';
  Object.assign(rerun.check_run, { name: 'Hatoba checks', head_sha: sha(2), pull_requests: [{ number: 2, head: { sha: sha(2) }, base: { ref: 'main' } }] });
  const rerunAnswer = await deliver('check_run', rerun);
  assert.equal(rerunAnswer.status, 202, JSON.stringify(rerunAnswer.body));
  assert.equal(rerunAnswer.body.review.conclusion, 'success');
  runs = await checkRuns(sha(2));
  assert.equal(runs.length, 2);
});

test('the repository\'s .hatoba.toml, read at the head, holds for the pull request\'s checks', async () => {
  const head = sha(9);
  await github('PUT', '/_standin/files', { repository: REPO, ref: head, path: '.hatoba.toml', content: '[rules]\nunknown-key = "off"\n' });
  const workflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    colour: blue\n    steps:\n      - run: make\n';
  const r = await openPull(9, { '.github/workflows/ci.yml': workflow });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.deepEqual([r.body.review.conclusion, r.body.review.annotations], ['success', 0]);
  // The same pull request with the rule left on gets its warning.
  const head2 = sha(10);
  await github('PUT', '/_standin/files', { repository: REPO, ref: head2, path: '.hatoba.toml', content: '[rules]\nno-such-rule = "off"\n' });
  const r2 = await openPull(10, { '.github/workflows/ci.yml': workflow, '.hatoba.toml': '[rules]\nno-such-rule = "off"\n' });
  const [run] = await checkRuns(sha(10));
  assert.deepEqual(run.annotations.map((a) => [a.path, a.title]).sort(), [['.github/workflows/ci.yml', 'unknown-key'], ['.hatoba.toml', 'config']]);
  assert.equal(r2.body.review.conclusion, 'failure'); // GitHub refuses a job's unknown key: an error
});

test('120 findings are written in three requests of at most 50 annotations', async () => {
  // Each workflow has 12 jobs with a key GitHub does not know: 10 files, 120 findings.
  const jobs = Array.from({ length: 12 }, (_, i) => `  job${i}:\n    runs-on: ubuntu-latest\n    colour: blue\n    steps:\n      - run: make\n`).join('');
  const files = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`.github/workflows/w${i}.yml`, `on: push\njobs:\n${jobs}`]));
  const r = await openPull(3, files);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.review.annotations, 120);
  assert.equal(r.body.review.requests, 3);
  const [run] = await checkRuns(sha(3));
  assert.equal(run.annotations.length, 120);
  assert.equal(run.requests, 3);
  const writes = (await requestsFor(sha(3))).filter((q) => q.path.startsWith(`/repos/${REPO}/check-runs`) && (q.body?.head_sha === sha(3) || q.path.endsWith(`/${run.id}`)));
  assert.deepEqual(writes.map((q) => [q.method, q.body.output.annotations.length, q.body.status ?? null]),
    [['POST', 50, 'in_progress'], ['PATCH', 50, null], ['PATCH', 20, 'completed']]);
});

test('a repository with no target is ignored, and with a token instead of an App no check run is written', async () => {
  const none = await deliver('pull_request', pullRequest(4, sha(4), 'opened', 'octo/elsewhere'));
  assert.equal(none.status, 202);
  assert.equal(none.body.ignored, 'no target deploys from octo/elsewhere: its pull requests are not checked');
  const closed = await deliver('pull_request', pullRequest(4, sha(4), 'closed'));
  assert.equal(closed.status, 202);
  assert.match(closed.body.ignored, /^pull_request closed: /);
  const tokenWorker = await startWorker({ GITHUB_API_URL: aws.github, GITHUB_TOKEN: 'ghs_fakefakefakefakefakefake',
    AWS_ENDPOINT_URL: aws.aws, AWS_ACCESS_KEY_ID: aws.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: aws.AWS_SECRET_ACCESS_KEY },
  { wrangler: path.join(tmp, 'wrangler.toml') });
  try {
    await github('PUT', '/_standin/files', { repository: REPO, ref: sha(5), path: '.aws/task-definition.json', content: BROKEN_TD });
    await github('PUT', '/_standin/pulls', { repository: REPO, number: 5, head: sha(5), files: [{ filename: '.aws/task-definition.json', status: 'modified' }] });
    const r = await deliver('pull_request', pullRequest(5, sha(5), 'opened'), tokenWorker);
    assert.equal(r.status, 202);
    assert.match(r.body.ignored, /only a GitHub App may write: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/);
    assert.deepEqual(await checkRuns(sha(5)), []);
  } finally {
    await tokenWorker.stop();
  }
});

test('a plan: the base at the head rendered with its image, against what the service runs, in words and as a diff', async () => {
  const r = await openPull(6, { '.aws/task-definition.json': PLANNED_TD });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.deepEqual(r.body.review.plans.map((p) => [p.target, p.conclusion]), [['web', 'neutral']]);
  const [plan] = await checkRuns(sha(6), 'Hatoba plan: web');
  assert.ok(plan, JSON.stringify(await github('GET', '/_standin/check-runs'), null, 1));
  assert.equal(plan.status, 'completed');
  assert.equal(plan.conclusion, 'neutral');
  assert.equal(plan.id, r.body.review.plans[0].checkRunId);
  assert.match(plan.output.title, /^Against web:\d+: /);
  for (const words of ['image tag', 'new secret DB_PASSWORD', 'cpu 256 → 512', 'memory 512 → 1024']) assert.ok(plan.output.title.includes(words), plan.output.title);
  assert.match(plan.output.summary, new RegExp(`rendered with \`123456789012\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/shop/web:${sha(6)}\``));
  assert.match(plan.output.summary, /```diff\n[^]*^- cpu: "256"\n\+ cpu: "512"$/m);
  assert.match(plan.output.summary, /^\+ containerDefinitions\[web\]\.secrets: \[\{"name":"DB_PASSWORD"/m);
  // Read only: the plan registered nothing and moved nothing.
  const log = await (await fetch(`${aws.aws}/_standin/aws-log`)).json();
  const ops = new Set(log.map((e) => e.operation));
  assert.ok(ops.has('DescribeServices') && ops.has('DescribeTaskDefinition'), [...ops].join(', '));
  assert.ok(!ops.has('RegisterTaskDefinition') && !ops.has('UpdateService'), [...ops].join(', '));
  // From a fork: checked, never planned (the plan would show what runs to whoever opened it).
  const head = sha(8);
  await github('PUT', '/_standin/files', { repository: REPO, ref: head, path: '.aws/task-definition.json', content: PLANNED_TD });
  await github('PUT', '/_standin/pulls', { repository: REPO, number: 8, head, files: [{ filename: '.aws/task-definition.json', status: 'modified' }] });
  const fork = await deliver('pull_request', pullRequest(8, head, 'opened', REPO, 'mallory/shop'));
  assert.equal(fork.status, 202, JSON.stringify(fork.body));
  assert.equal(fork.body.review.conclusion, 'success');
  assert.equal(fork.body.review.plans, undefined);
  assert.deepEqual(await checkRuns(head, 'Hatoba plan: web'), []);
  // A pull request that touches neither the base nor the target's workflow gets no plan.
  await openPull(7, { '.github/workflows/test.yml': CLEAN_WORKFLOW });
  assert.deepEqual(await checkRuns(sha(7), 'Hatoba plan: web'), []);
});

const auth = { authorization: `Bearer ${FAKE_SECRETS.HATOBA_READ_TOKEN}` };
async function deployments(target) {
  return (await (await fetch(`${worker.url}/api/deployments?target=${target}`, { headers: auth })).json()).deployments;
}
async function until(target, done, what, ms = 40000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < ms) {
    last = await deployments(target);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.fail(`${target}: ${what} did not happen in ${ms} ms: ${JSON.stringify(last, null, 1)}`);
}
function push(branch, commit) {
  const p = example('push');
  p.ref = `refs/heads/${branch}`; p.after = commit; p.deleted = false; p.created = false;
  p.repository.full_name = REPO; p.repository.name = 'shop'; p.repository.owner = { name: 'octo', email: null };
  p.head_commit = { ...(p.head_commit ?? {}), id: commit, timestamp: new Date().toISOString() };
  return p;
}
function press(run, identifier, login) {
  const e = example('check_run', 'requested_action');
  e.repository.full_name = REPO; e.repository.name = 'shop';
  Object.assign(e.check_run, { id: run.id, name: run.name, head_sha: run.head_sha, external_id: run.external_id, pull_requests: [] });
  e.requested_action = { identifier };
  e.sender = { ...e.sender, login };
  return deliver('check_run', e);
}
const deployRun = async (commit, target = 'web') => (await checkRuns(commit, `Hatoba deploy: ${target}`))[0];

test('a deploy keeps a check run on its commit: in progress with its steps, then success with Roll back and Redeploy', async () => {
  const r = await deliver('push', push('main', sha('deploy-1')));
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const [d] = await until('web', (l) => l.length > 0 && l[0].next === 'done', 'the deploy');
  assert.equal(d.state, 'success', JSON.stringify(d, null, 1));
  const run = await deployRun(sha('deploy-1'));
  assert.ok(run, 'a check run "Hatoba deploy: web"');
  assert.equal(run.external_id, d.id);
  assert.deepEqual([run.status, run.conclusion], ['completed', 'success']);
  assert.ok(run.requests >= 3, `created, written as steps ended, completed: ${run.requests} requests`);
  assert.match(run.output.summary, /^\| update_service \| ok \|/m);
  assert.match(run.output.summary, /^\| wait_rollout \| ok \|/m);
  assert.deepEqual(run.actions.map((a) => a.identifier), ['rollback', 'redeploy']);
  // The statuses are written as before, beside the run.
  const statuses = (await requestsFor()).filter((q) => q.path === `/repos/${REPO}/statuses/${sha('deploy-1')}`).map((q) => q.body.state);
  assert.deepEqual(statuses, ['pending', 'success']);
});

test('a deploy that fails ends its check run in failure with the evidence', async () => {
  const r = await deliver('push', push('deploy-api', sha('deploy-api')));
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const [d] = await until('api', (l) => l.length > 0 && l[0].next === 'done', 'the deploy');
  assert.equal(d.state, 'failure', JSON.stringify(d, null, 1));
  const run = await deployRun(sha('deploy-api'), 'api');
  assert.deepEqual([run.status, run.conclusion], ['completed', 'failure'], JSON.stringify((await github('GET', '/_standin/requests')).filter((q) => q.path.includes('check-runs')).map((q) => [q.method, q.answered, q.problems]), null, 1));
  assert.equal(run.output.title, d.description.slice(0, 140));
  assert.match(run.output.summary, /Stopped tasks, newest first \(UTC\):/);
  assert.match(run.output.summary, /exit 1/);
});

test('Roll back pressed by a person who may write redeploys the revision before; by one who may not, it is refused on the run', async () => {
  const before = (await deployments('web'))[0];
  const r = await deliver('push', push('main', sha('deploy-2')));
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const [second] = await until('web', (l) => l.length > 1 && l[0].next === 'done', 'the second deploy');
  assert.equal(second.state, 'success', JSON.stringify(second, null, 1));
  assert.equal(second.previousTaskDefinitionArn, before.taskDefinitionArn);
  const run = await deployRun(sha('deploy-2'));

  await github('PUT', '/_standin/permissions', { repository: REPO, username: 'visitor', permission: 'read' });
  const refused = await press(run, 'rollback', 'visitor');
  assert.equal(refused.status, 202, JSON.stringify(refused.body));
  assert.equal(refused.body.refused, `@visitor asked to roll back, and may not: it takes write access to ${REPO}`);
  const told = await deployRun(sha('deploy-2'));
  assert.match(told.output.summary, /\*\*@visitor asked to roll back, and may not: it takes write access to octo\/shop\.\*\*/);
  assert.equal((await deployments('web')).length, 2);

  await github('PUT', '/_standin/permissions', { repository: REPO, username: 'maintainer', permission: 'write' });
  const pressed = await press(run, 'rollback', 'maintainer');
  assert.equal(pressed.status, 202, JSON.stringify(pressed.body));
  assert.match(pressed.body.queued, /^web\./);
  const [back] = await until('web', (l) => l.length > 2 && l[0].next === 'done', 'the rollback');
  assert.equal(back.id, pressed.body.queued);
  assert.equal(back.state, 'success', JSON.stringify(back, null, 1));
  assert.equal(back.taskDefinitionArn, before.taskDefinitionArn);
  assert.equal(back.sha, sha('deploy-1'));
  assert.match(back.trigger.by, /^rollback from its check run \(@maintainer\)$/);
});

test('re-running a deploy\'s check run from GitHub redeploys its commit, its revision as it was', async () => {
  const run = await deployRun(sha('deploy-2'));
  const first = (await deployments('web')).find((d) => d.sha === sha('deploy-2'));
  const e = example('check_run', 'rerequested') ?? example('check_run');
  e.action = 'rerequested';
  e.repository.full_name = REPO; e.repository.name = 'shop';
  Object.assign(e.check_run, { id: run.id, name: run.name, head_sha: run.head_sha, external_id: run.external_id, pull_requests: [] });
  e.sender = { ...e.sender, login: 'maintainer' };
  delete e.requested_action;
  const r = await deliver('check_run', e);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.action, 'redeploy');
  const [again] = await until('web', (l) => l[0].id === r.body.queued && l[0].next === 'done', 'the redeploy');
  assert.equal(again.state, 'success', JSON.stringify(again, null, 1));
  assert.equal(again.sha, sha('deploy-2'));
  assert.equal(again.taskDefinitionArn, first.taskDefinitionArn);
  assert.ok(!again.steps.some((s) => s.name === 'register_task_definition'), 'no new revision');
});
