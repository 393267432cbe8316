// Rollouts that do not simply succeed, deployed for real by the worker in workerd: moto (IAM and
// signatures on) behind the rollout stand-in, which stops tasks, keeps ECS's service deployments
// with their lifecycle stages and PAUSE hooks, and writes the failing container's log lines into
// moto's CloudWatch Logs. What the worker found out is read from its API and from what GitHub
// was told; what AWS ends with is read through botocore. One moto, one set of stand-ins and one
// workerd serve every scenario; each deploys to a service of its own, polled every second.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, startWorker, FAKE_SECRETS, launchBrowser, openApp } from './harness.mjs';

const REPO = 'octo/shop';
const SECRET = FAKE_SECRETS.GITHUB_WEBHOOK_SECRET;
const ADMIN = FAKE_SECRETS.HATOBA_ADMIN_TOKEN;
const sha = (n) => crypto.createHash('sha1').update(`rollout ${n}`).digest('hex');
// Each service, how the stand-in rolls it out.
const ROLLOUTS = {
  crash: { ending: 'crash' },
  pull: { ending: 'pull' },
  secret: { ending: 'secret' },
  oom: { ending: 'oom' },
  health: { ending: 'health', polls: 4 },
  bluegreen: { strategy: 'BLUE_GREEN', bakeMinutes: 5 },
  pausego: { strategy: 'BLUE_GREEN', pause: 'POST_TEST_TRAFFIC_SHIFT' },
  pauseback: { strategy: 'BLUE_GREEN', pause: 'POST_TEST_TRAFFIC_SHIFT' },
  pagego: { strategy: 'BLUE_GREEN', pause: 'POST_TEST_TRAFFIC_SHIFT' },
  pageback: { strategy: 'BLUE_GREEN', pause: 'POST_TEST_TRAFFIC_SHIFT' },
  denied: { ending: 'crash', polls: 4, serviceDeployments: 'denied' },
  preok: {},
  prefail: {},
};
// The services whose targets run a pre-deploy task, and how the stand-in ends the task RunTask starts.
const PRE_TASKS = {
  preok: { exitCode: 0, logs: ['Applying migration 0042 ... done'] },
  prefail: { exitCode: 3, logs: ['Applying migration 0041 ... done', 'Applying migration 0042 ...', 'migration 0042 failed'] },
};
const SERVICES = Object.keys(ROLLOUTS);
const SHAS = Object.fromEntries(SERVICES.map((s) => [s, sha(s)]));
// The base task definition: its container logs with awslogs, as a Fargate service's does.
const BASE = JSON.stringify({ family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec', taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
  containerDefinitions: [{ name: 'web', image: 'placeholder', essential: true, portMappings: [{ containerPort: 8080 }],
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/shop-web', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' } } }] });

// moto runs a task only when its containers say how much memory they want.
const RUNNABLE = JSON.stringify({ ...JSON.parse(BASE), containerDefinitions: JSON.parse(BASE).containerDefinitions.map((c) => ({ ...c, memoryReservation: 256 })) });

function target(name) {
  const t = { name, repository: REPO, branch: `deploy-${name}`, region: 'us-east-1', cluster: 'stg', service: name, container: 'web',
    ecrRepository: 'shop/web', taskDefinition: '.aws/task-definition.json', pollSeconds: 1 };
  const pre = PRE_TASKS[name] ? '\npreDeploy = { container = "web", command = ["bin/migrate", "--all"], timeoutSeconds = 60 }' : '';
  return '[[vars.HATOBA_TARGETS]]\n' + Object.entries(t).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + pre + '\n';
}

let aws; let awsProcess; let worker; let tmp;
before(async () => {
  const python = process.env.HATOBA_PYTHON ?? 'python3';
  const spec = { cluster: 'stg', services: SERVICES, repository: 'shop/web', shas: Object.values(SHAS),
    files: Object.entries(SHAS).map(([service, ref]) => ({ repository: REPO, ref, path: '.aws/task-definition.json',
      content: PRE_TASKS[service] ? RUNNABLE : BASE })),
    rollouts: Object.entries(ROLLOUTS).map(([service, r]) => ({ service, ...r })),
    fargate: Object.keys(PRE_TASKS),
    tasks: Object.entries(PRE_TASKS).map(([service, t]) => ({ startedBy: `hatoba/${service}/`, ...t })) };
  awsProcess = spawn(python, [path.join(ROOT, 'tests/standins/local_aws.py'), '--spec', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
  aws = await new Promise((resolve, reject) => {
    let out = '';
    awsProcess.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0])); });
    awsProcess.on('exit', (code) => reject(new Error(`the local AWS exited with ${code}`)));
  });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-rollout-'));
  const wrangler = path.join(tmp, 'wrangler.toml');
  const shipped = fs.readFileSync(path.join(ROOT, 'worker/wrangler.toml'), 'utf8').split('[[vars.HATOBA_TARGETS]]')[0];
  fs.writeFileSync(wrangler, shipped.replace('directory = "../dist"', `directory = ${JSON.stringify(path.join(ROOT, 'dist'))}`)
    .replace('main = "build/index.js"', `main = ${JSON.stringify(path.join(ROOT, 'worker/build/index.js'))}`) + SERVICES.map(target).join(''));
  worker = await startWorker({
    AWS_ENDPOINT_URL: aws.aws, GITHUB_API_URL: aws.github, GITHUB_TOKEN: 'ghs_fakefakefakefakefakefake',
    AWS_ACCESS_KEY_ID: aws.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: aws.AWS_SECRET_ACCESS_KEY,
    HATOBA_PUBLIC_URL: 'https://hatoba.example.com',
  }, { wrangler });
});
after(async () => {
  await worker?.stop();
  awsProcess?.kill('SIGTERM');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const examples = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'));
async function deploy(service) {
  const p = structuredClone(examples.find((e) => e.name === 'push').examples[0]);
  p.ref = `refs/heads/deploy-${service}`; p.after = SHAS[service]; p.deleted = false; p.created = false;
  p.repository.full_name = REPO; p.repository.name = 'shop';
  p.repository.owner = { name: 'octo', email: null };
  p.head_commit = { ...(p.head_commit ?? {}), id: SHAS[service], timestamp: new Date().toISOString() };
  const body = JSON.stringify(p);
  const r = await fetch(`${worker.url}/webhooks/github`, { method: 'POST', body, headers: {
    'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(),
    'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex') } });
  const answer = await r.json();
  assert.equal(r.status, 202, JSON.stringify(answer));
  return answer.deployments[0].id;
}
const headers = (token = FAKE_SECRETS.HATOBA_READ_TOKEN) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
async function record(id) {
  const r = await fetch(`${worker.url}/api/deployments/${encodeURIComponent(id)}`, { headers: headers() });
  assert.equal(r.status, 200);
  return r.json();
}
async function until(id, done, what, ms = 45000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < ms) {
    last = await record(id);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.fail(`${id}: ${what} did not happen in ${ms} ms: ${JSON.stringify(last, null, 1)}`);
}
const finished = (d) => d.next === 'done';
async function commitStatuses(service) {
  const all = await (await fetch(`${aws.github}/_standin/requests`)).json();
  for (const r of all) assert.deepEqual(r.problems, [], `${r.method} ${r.path} does not fit GitHub's description`);
  return all.filter((r) => r.method === 'POST' && r.path === `/repos/${REPO}/statuses/${SHAS[service]}`).map((r) => r.body);
}
/** What reached AWS through the stand-in; every answer it wrote fits botocore's shapes. */
async function awsLog() {
  const log = await (await fetch(`${aws.aws}/_standin/aws-log`)).json();
  for (const e of log) assert.deepEqual(e.problems ?? [], [], `${e.operation}: the stand-in's answer does not fit botocore's shape`);
  return log;
}
// Asked through the rollout stand-in by the read-only auditor: botocore signs and parses.
function ecs(op, input) {
  return new Promise((resolve, reject) => {
    const script = `import json, sys, boto3
c = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1", **json.loads(sys.argv[2]))
print(json.dumps(getattr(c, sys.argv[3])(**json.loads(sys.argv[4])), default=str))`;
    const py = spawn(process.env.HATOBA_PYTHON ?? 'python3', ['-c', script, aws.aws, JSON.stringify(aws.auditor), op, JSON.stringify(input)]);
    let text = ''; py.stdout.on('data', (d) => { text += d; }); py.stderr.on('data', (d) => { text += d; });
    py.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(text))));
  });
}
const revision = (arn) => arn.split('/').at(-1);

/** Deploys `service` and waits for the end; checks what every failed deploy shares. */
async function failedDeploy(service) {
  const id = await deploy(service);
  const d = await until(id, finished, 'the deploy');
  assert.equal(d.state, 'failure', JSON.stringify(d, null, 1));
  assert.deepEqual(d.steps.map((s) => s.name).slice(-3), ['wait_rollout', 'collect_evidence', 'final_status']);
  assert.ok(d.failure?.summary, JSON.stringify(d.failure));
  assert.equal(d.description, d.failure.summary);
  assert.ok(d.failure.summary.length <= 140, d.failure.summary);
  const statuses = await commitStatuses(service);
  assert.equal(statuses[0].state, 'pending');
  assert.equal(statuses.at(-1).state, 'failure');
  assert.equal(statuses.at(-1).description, d.failure.summary);
  // ECS's service runs the revision from before again.
  const svc = await ecs('describe_services', { cluster: 'stg', services: [service] });
  assert.equal(svc.services[0].taskDefinition, d.previousTaskDefinitionArn);
  return d;
}
const stops = async (d) => (await awsLog()).filter((e) => e.operation === 'StopServiceDeployment'
  && e.request?.serviceDeploymentArn === d.serviceDeploymentArn);

// The scenarios run at once (each on a service of its own), as a worker's targets do.
describe('rollouts', { concurrency: true }, () => {
test('an essential container exits 1: stopped early, its last log lines kept, the summary quotes the line and is the commit status', async () => {
  const d = await failedDeploy('crash');
  const f = d.failure;
  assert.equal(f.summary, 'Stopped early after 2 tasks failed: web exited 1: "DATABASE_URL is not set"');
  assert.equal(f.ending, 'stopped early after 2 tasks failed');
  assert.ok(f.stoppedTasks.length >= 2, JSON.stringify(f.stoppedTasks));
  const [task] = f.stoppedTasks;
  assert.equal(task.stopCode, 'EssentialContainerExited');
  assert.deepEqual(task.containers.map((c) => [c.name, c.exitCode]), [['web', 1]]);
  // The lines moto's CloudWatch Logs holds for that task's container, read with the deploy user's rights.
  assert.equal(f.logs.group, '/ecs/shop-web');
  assert.equal(f.logs.stream, `ecs/web/${task.taskArn.split('/').at(-1)}`);
  assert.deepEqual(f.logs.lines, ['Starting shop-web 2.4.1', 'Reading configuration from the environment', 'DATABASE_URL is not set']);
  assert.deepEqual(f.missing ?? [], []);
  assert.ok(f.events.some((e) => /has started 1 tasks/.test(e.message)), JSON.stringify(f.events));
  const log = await awsLog();
  assert.ok(log.some((e) => e.operation === 'GetLogEvents' && e.status === 200 && !e.answeredBy));
  const [stop] = await stops(d);
  assert.equal(stop.request.stopType, 'ROLLBACK');
  assert.equal(stop.status, 200);
});

test('an image that cannot be pulled: stopped early with StopServiceDeployment, and ECS rolls the service deployment back', async () => {
  const d = await failedDeploy('pull');
  assert.match(d.failure.summary, /^Stopped early after 2 tasks failed: CannotPullContainerError: /);
  assert.match(d.failure.summary, /not found$/);
  assert.equal(d.failure.stoppedTasks[0].stopCode, 'TaskFailedToStart');
  const stopped = await stops(d);
  assert.equal(stopped.length, 1);
  assert.deepEqual(stopped[0].request, { serviceDeploymentArn: d.serviceDeploymentArn, stopType: 'ROLLBACK' });
  // What ECS says of the service deployment now (botocore parses the stand-in's answer).
  const sd = await ecs('describe_service_deployments', { serviceDeploymentArns: [d.serviceDeploymentArn] });
  assert.equal(sd.serviceDeployments[0].status, 'ROLLBACK_SUCCESSFUL');
  // The container never started: it has no log stream, and the record says what it could not read.
  assert.equal(d.failure.logs ?? null, null);
  assert.equal(d.failure.missing.length, 1);
  assert.match(d.failure.missing[0], /^the log of web: /);
});

test('a secret the task cannot fetch: ResourceInitializationError, stopped early', async () => {
  const d = await failedDeploy('secret');
  assert.match(d.failure.summary, /^Stopped early after 2 tasks failed: ResourceInitializationError: /);
  assert.match(d.failure.stoppedTasks[0].stoppedReason, /secretsmanager:GetSecretValue/);
  assert.equal((await stops(d)).length, 1);
});

test('a container out of memory: exit 137, named as such, stopped early', async () => {
  const d = await failedDeploy('oom');
  assert.equal(d.failure.summary, 'Stopped early after 2 tasks failed: web ran out of memory (exit 137)');
  const [web] = d.failure.stoppedTasks[0].containers;
  assert.equal(web.exitCode, 137);
  assert.match(web.reason, /^OutOfMemoryError/);
  assert.deepEqual(d.failure.logs.lines.at(-1), 'Loaded 1900000 products into memory');
});

test('failing health checks are not stopped early: the circuit breaker rolls back, and the evidence names the checks', async () => {
  const d = await failedDeploy('health');
  assert.deepEqual(await stops(d), []);
  assert.match(d.failure.ending, /^rolled back to web:\d+$/);
  assert.equal(d.failure.ending, `rolled back to ${revision(d.previousTaskDefinitionArn)}`);
  assert.match(d.failure.summary, /^web failed its health checks \(.*\) \(rolled back to web:\d+\)$/);
  assert.match(d.failure.stoppedTasks[0].stoppedReason, /^Task failed ELB health checks/);
  assert.ok(d.failure.stoppedTasks.length >= 3, JSON.stringify(d.failure.stoppedTasks.length));
  assert.ok(d.failure.events.some((e) => /rolling back to deployment/.test(e.message)), JSON.stringify(d.failure.events));
  assert.equal(d.failure.logs.lines.at(-1), 'GET /healthz 503: the database does not answer');
});

test('a blue/green deployment succeeds through its stages, each told to GitHub as a pending status', async () => {
  const id = await deploy('bluegreen');
  const d = await until(id, finished, 'the deploy');
  assert.equal(d.state, 'success', JSON.stringify(d, null, 1));
  assert.equal(d.lifecycle.strategy, 'BLUE_GREEN');
  assert.equal(d.lifecycle.bakeMinutes, 5);
  const statuses = await commitStatuses('bluegreen');
  assert.equal(statuses.at(-1).state, 'success');
  const pending = statuses.filter((s) => s.state === 'pending').map((s) => s.description);
  // ECS's stages in ECS's order, none told twice.
  const expected = ['Blue/green: scaling up the new tasks', 'Blue/green: shifting test traffic', 'Blue/green: test traffic shifted',
    'Blue/green: shifting production traffic', 'Blue/green: production traffic shifted', 'Blue/green: baking; bake 5 min left',
    'Blue/green: cleaning up the old tasks'];
  const seen = expected.map((e) => pending.indexOf(e));
  assert.ok(seen.every((i) => i >= 0), JSON.stringify(pending));
  assert.deepEqual([...seen].sort((a, b) => a - b), seen, JSON.stringify(pending));
  assert.equal(new Set(pending).size, pending.length, JSON.stringify(pending));
  const sd = await ecs('describe_service_deployments', { serviceDeploymentArns: [d.serviceDeploymentArn] });
  assert.equal(sd.serviceDeployments[0].status, 'SUCCESSFUL');
  const svc = await ecs('describe_services', { cluster: 'stg', services: ['bluegreen'] });
  assert.equal(svc.services[0].taskDefinition, d.taskDefinitionArn);
});

/** Deploys `service` (paused at POST_TEST_TRAFFIC_SHIFT by the stand-in) and waits for the pause. */
async function paused(service) {
  const id = await deploy(service);
  const d = await until(id, (x) => x.state === 'paused' || finished(x), 'the pause');
  assert.equal(d.state, 'paused', JSON.stringify(d, null, 1));
  assert.equal(d.pause.stage, 'POST_TEST_TRAFFIC_SHIFT');
  assert.match(d.pause.hookId, /^[0-9a-f]{32}$/);
  assert.ok(Date.parse(d.pause.expiresAt) > Date.now() + 50 * 60_000, `${d.pause.expiresAt}`);
  const statuses = await commitStatuses(service);
  assert.deepEqual(statuses.at(-1), { ...statuses.at(-1), state: 'pending', description: 'Paused at POST_TEST_TRAFFIC_SHIFT: continue or roll back in Hatoba' });
  return d;
}
const answer = (id, action, token = ADMIN) => fetch(`${worker.url}/api/deployments/${encodeURIComponent(id)}/${action}`, { method: 'POST', headers: headers(token) });
const continued = async (d) => (await awsLog()).filter((e) => e.operation === 'ContinueServiceDeployment'
  && e.request?.serviceDeploymentArn === d.serviceDeploymentArn);

test('a PAUSE hook continued from the API: 202 once ECS took it, then the rollout goes on to success; 409 once it is not paused', async () => {
  const d = await paused('pausego');
  // The read token may look, not act; nothing reaches AWS.
  const refused = await answer(d.id, 'continue', FAKE_SECRETS.HATOBA_READ_TOKEN);
  assert.ok([401, 403].includes(refused.status), `${refused.status}`);
  assert.deepEqual(await continued(d), []);
  assert.equal((await answer('pausego.nope', 'continue')).status, 404);
  const r = await answer(d.id, 'continue');
  assert.equal(r.status, 202);
  const body = await r.json();
  assert.equal(body.id, d.id);
  assert.equal(body.action, 'continue');
  assert.equal(typeof body.message, 'string');
  const [sent] = await continued(d);
  assert.deepEqual(sent.request, { serviceDeploymentArn: d.serviceDeploymentArn, hookId: d.pause.hookId, action: 'CONTINUE' });
  const done = await until(d.id, finished, 'the rollout after the pause');
  assert.equal(done.state, 'success', JSON.stringify(done, null, 1));
  assert.equal(done.pause ?? null, null);
  const statuses = await commitStatuses('pausego');
  assert.ok(statuses.some((s) => s.description === 'Blue/green: shifting production traffic'), JSON.stringify(statuses));
  const again = await answer(d.id, 'continue');
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error, 'not_paused');
  assert.equal((await continued(d)).length, 1);
});

test('a PAUSE hook rolled back from the API: 202, ECS rolls back, the deploy fails and the service is on the old revision', async () => {
  const d = await paused('pauseback');
  const r = await answer(d.id, 'rollback');
  assert.equal(r.status, 202);
  assert.equal((await r.json()).action, 'rollback');
  const [sent] = await continued(d);
  assert.equal(sent.request.action, 'ROLLBACK');
  assert.equal(sent.request.hookId, d.pause.hookId);
  const done = await until(d.id, finished, 'the rollback');
  assert.equal(done.state, 'failure', JSON.stringify(done, null, 1));
  assert.equal(done.failure.ending, `rolled back to ${revision(done.previousTaskDefinitionArn)}`);
  assert.match(done.description, /POST_TEST_TRAFFIC_SHIFT/);
  const statuses = await commitStatuses('pauseback');
  assert.equal(statuses.at(-1).state, 'failure');
  assert.equal(statuses.at(-1).description, done.description);
  const svc = await ecs('describe_services', { cluster: 'stg', services: ['pauseback'] });
  assert.equal(svc.services[0].taskDefinition, done.previousTaskDefinitionArn);
  assert.equal((await answer(d.id, 'rollback')).status, 409);
});

test('service deployments denied: noted once, the rollout read from DescribeServices, the circuit breaker verdict and the evidence kept', async () => {
  const d = await failedDeploy('denied');
  assert.match(d.serviceDeploymentsUnavailable, /AccessDeniedException/);
  assert.equal(d.serviceDeploymentArn ?? null, null);
  const asked = (await awsLog()).filter((e) => e.request?.service === 'denied' && e.operation === 'ListServiceDeployments');
  assert.deepEqual(asked.map((e) => [e.status, e.error]), [[400, 'AccessDeniedException']]);
  assert.equal(d.failure.ending, `rolled back to ${revision(d.previousTaskDefinitionArn)}`);
  assert.doesNotMatch(d.failure.summary, /Stopped early/);
  assert.equal(d.failure.summary, `web exited 1: "DATABASE_URL is not set" (rolled back to ${revision(d.previousTaskDefinitionArn)})`);
});

test('a pre-deploy task that exits 0: run from the new revision where the service runs, then the service is updated', async () => {
  const id = await deploy('preok');
  const d = await until(id, finished, 'the deploy');
  assert.equal(d.state, 'success', JSON.stringify(d, null, 1));
  const names = d.steps.map((s) => s.name);
  assert.deepEqual(names.slice(names.indexOf('register_task_definition'), names.indexOf('register_task_definition') + 3),
    ['register_task_definition', 'pre_deploy', 'update_service']);
  const step = d.steps.find((s) => s.name === 'pre_deploy');
  assert.equal(step.outcome, 'ok');
  assert.match(d.preDeployTaskArn, /^arn:aws:ecs:us-east-1:123456789012:task\/stg\/[0-9a-f-]+$/);
  assert.equal(step.detail, `${d.preDeployTaskArn}: web exited 0`);
  assert.equal(step.link, `https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/stg/tasks/${d.preDeployTaskArn.split('/').at(-1)}/configuration?region=us-east-1`);
  const update = d.steps.find((s) => s.name === 'update_service');
  assert.ok(Date.parse(step.endedAt) <= Date.parse(update.startedAt), JSON.stringify(d.steps));
  // What RunTask was asked: the registered revision, the service's network, the command replaced.
  const svc = await ecs('describe_services', { cluster: 'stg', services: ['preok'] });
  const [run] = (await awsLog()).filter((e) => e.operation === 'RunTask' && e.request?.startedBy?.startsWith('hatoba/preok/'));
  assert.equal(run.status, 200);
  assert.deepEqual(run.request, { cluster: 'stg', taskDefinition: d.taskDefinitionArn, count: 1, startedBy: `hatoba/${d.id.replaceAll('.', '/')}`,
    overrides: { containerOverrides: [{ name: 'web', command: ['bin/migrate', '--all'] }] }, launchType: 'FARGATE',
    networkConfiguration: svc.services[0].networkConfiguration });
  const listed = await ecs('list_tasks', { cluster: 'stg', startedBy: run.request.startedBy, desiredStatus: 'STOPPED' });
  assert.deepEqual(listed.taskArns, [d.preDeployTaskArn]);
  // Then the service was updated to the revision.
  assert.equal(svc.services[0].taskDefinition, d.taskDefinitionArn);
  const statuses = await commitStatuses('preok');
  assert.equal(statuses.at(-1).state, 'success');
});

test('a pre-deploy task that exits 3: the deploy fails naming the exit and the last log line, and the service is never updated', async () => {
  const before = (await ecs('describe_services', { cluster: 'stg', services: ['prefail'] })).services[0].taskDefinition;
  const id = await deploy('prefail');
  const d = await until(id, finished, 'the deploy');
  assert.equal(d.state, 'failure', JSON.stringify(d, null, 1));
  assert.equal(d.description, 'pre-deploy task web exited 3: "migration 0042 failed"');
  assert.deepEqual(d.steps.map((s) => s.name).slice(-3), ['register_task_definition', 'pre_deploy', 'final_status']);
  assert.equal(d.steps.find((s) => s.name === 'pre_deploy').outcome, 'failed');
  assert.equal(d.failure.summary, d.description);
  assert.deepEqual(d.failure.stoppedTasks.map((t) => [t.taskArn, t.containers[0].exitCode]), [[d.preDeployTaskArn, 3]]);
  assert.equal(d.failure.logs.stream, `ecs/web/${d.preDeployTaskArn.split('/').at(-1)}`);
  assert.deepEqual(d.failure.logs.lines, PRE_TASKS.prefail.logs);
  const statuses = await commitStatuses('prefail');
  assert.equal(statuses.at(-1).state, 'failure');
  assert.equal(statuses.at(-1).description, d.description);
  // No UpdateService: the service runs what it ran before, not the revision registered.
  const svc = await ecs('describe_services', { cluster: 'stg', services: ['prefail'] });
  assert.equal(svc.services[0].taskDefinition, before);
  assert.notEqual(svc.services[0].taskDefinition, d.taskDefinitionArn);
  assert.equal(d.previousTaskDefinitionArn ?? null, null);
});

test('the page in Chromium: a paused deployment shows where it waits; Continue (asking the admin token once) and Roll back answer it', async () => {
  const [go, back] = await Promise.all([paused('pagego'), paused('pageback')]);
  const browser = await launchBrowser();
  try {
    const { page, problems } = await openApp(worker, browser, `#/deployments/${encodeURIComponent(go.id)}`, 'Deployments');
    await page.getByLabel(/Read token/).fill(FAKE_SECRETS.HATOBA_READ_TOKEN);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('article.deployment[data-state="paused"]').waitFor({ timeout: 15000 });
    assert.match(await page.locator('article.deployment').innerText(), /Paused at POST_TEST_TRAFFIC_SHIFT/);
    const pauseButtons = () => page.locator('article.deployment [role="group"]');
    // Continue: the admin token is asked for, then ECS is asked, and the rollout goes on.
    await pauseButtons().getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByLabel(/Admin token/).fill(ADMIN);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: /ECS took continue/ }).waitFor({ timeout: 15000 });
    const [sent] = await continued(go);
    assert.deepEqual(sent.request, { serviceDeploymentArn: go.serviceDeploymentArn, hookId: go.pause.hookId, action: 'CONTINUE' });
    await page.locator('article.deployment[data-state="success"]').waitFor({ timeout: 45000 });
    assert.equal(await pauseButtons().count(), 0, 'no pause buttons once it is over');
    // Roll back, on the other one: the token is kept for the tab, so ECS is asked at once.
    await page.goto(`${worker.url}/#/deployments/${encodeURIComponent(back.id)}`);
    await page.locator('article.deployment[data-state="paused"]').waitFor({ timeout: 15000 });
    await pauseButtons().getByRole('button', { name: 'Roll back', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /ECS took rollback/ }).waitFor({ timeout: 15000 });
    const [rolled] = await continued(back);
    assert.equal(rolled.request.action, 'ROLLBACK');
    await page.locator('article.deployment[data-state="failure"]').waitFor({ timeout: 45000 });
    assert.match(await page.locator('article.deployment').innerText(), /rolled back to/);
    assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  } finally {
    await browser.close();
  }
});
});
