// Times the worker in workerd, as a GitHub App, on signed pull_request deliveries, against the
// local AWS (moto with IAM and signatures on, behind the rollout stand-in) and the GitHub
// stand-in: 10 pull requests (and a first one to warm up), each of its own number and head
// commit, changing 20 files (10 workflows, 10 task definitions, the target's base among them, a
// few of each with findings). Each is timed from the POST to the 202 answer, which comes once
// the "Hatoba checks" run (its annotations too) and the target's plan are written. Prints one
// JSON line (ms).
//
//   node tests/bench/pull_review.mjs
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, startWorker, FAKE_SECRETS } from '../e2e/harness.mjs';

const RUNS = 10;
const REPO = 'octo/shop';
const sha = (n) => crypto.createHash('sha1').update(`bench pull ${n}`).digest('hex');

const td = (family, memory) => `{
  "family": "${family}",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "${memory}",
  "executionRoleArn": "arn:aws:iam::123456789012:role/web-exec",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "essential": true,
    "environment": [{"name": "SERVICE", "value": "${family}"}]}]
}
`;
const workflow = (i, broken) => `name: deploy ${i}
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make build
  deploy:
    runs-on: ubuntu-latest
    needs: ${broken ? 'compile' : 'build'}
    steps:
      - uses: aws-actions/amazon-ecs-render-task-definition@v1
        id: render
        with:
          task-definition: deploy/svc${i}.json
          container-name: ${broken ? 'api' : 'web'}
          image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:\${{ github.sha }}
      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: \${{ steps.render.outputs.task-definition }}
          service: web
          cluster: stg
`;
// 20 files: the base and 9 other task definitions (3 with memory Fargate does not pair with
// 0.25 vCPU), 10 workflows (3 needing a job that is not there and rendering a container their
// task definition does not have).
const files = { '.aws/task-definition.json': td('web', '1024') };
for (let i = 1; i < 10; i++) files[`deploy/svc${i}.json`] = td(`svc${i}`, i % 3 === 0 ? '4096' : '512');
for (let i = 0; i < 10; i++) files[`.github/workflows/deploy${i}.yml`] = workflow(i === 0 ? 1 : i, i % 3 === 1);

const spec = { cluster: 'stg', services: ['web'], repository: 'shop/web', shas: [], files: [] };
const aws = spawn(process.env.HATOBA_PYTHON ?? 'python3', [path.join(ROOT, 'tests/standins/local_aws.py'), '--spec', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
const urls = await new Promise((resolve, reject) => {
  let out = '';
  aws.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0])); });
  aws.on('exit', (code) => reject(new Error(`the local AWS exited with ${code}`)));
});
const github = async (method, route, body) => {
  const r = await fetch(`${urls.github}${route}`, { method, body: body && JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`);
  return r.headers.get('content-type')?.includes('json') ? r.json() : r.text();
};
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
await github('POST', '/_standin/app', { appId: '123456', repository: REPO, publicKey: publicKey.export({ type: 'spki', format: 'pem' }) });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-bench-pulls-'));
const wrangler = path.join(tmp, 'wrangler.toml');
const shipped = fs.readFileSync(path.join(ROOT, 'worker/wrangler.toml'), 'utf8').split('[[vars.HATOBA_TARGETS]]')[0]
  .replace('directory = "../dist"', `directory = ${JSON.stringify(path.join(ROOT, 'dist'))}`)
  .replace('main = "build/index.js"', `main = ${JSON.stringify(path.join(ROOT, 'worker/build/index.js'))}`);
fs.writeFileSync(wrangler, `${shipped}[[vars.HATOBA_TARGETS]]
name = "web"\nrepository = "${REPO}"\nbranch = "main"\nregion = "us-east-1"\ncluster = "stg"\nservice = "web"
container = "web"\necrRepository = "shop/web"\ntaskDefinition = ".aws/task-definition.json"\n`);
const worker = await startWorker({ AWS_ENDPOINT_URL: urls.aws, GITHUB_API_URL: urls.github, GITHUB_APP_ID: '123456',
  GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }),
  AWS_ACCESS_KEY_ID: urls.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: urls.AWS_SECRET_ACCESS_KEY }, { wrangler });
try {
  const answer = [];
  let last;
  for (let n = 1; n <= RUNS + 1; n++) {
    const head = sha(n);
    for (const [p, content] of Object.entries(files)) await github('PUT', '/_standin/files', { repository: REPO, ref: head, path: p, content });
    await github('PUT', '/_standin/pulls', { repository: REPO, number: n, head, files: Object.keys(files).map((filename) => ({ filename, status: 'modified' })) });
    const body = JSON.stringify({ action: 'opened', number: n,
      pull_request: { number: n, state: 'open', draft: false, head: { sha: head, ref: `change-${n}`, repo: { full_name: REPO } }, base: { ref: 'main', repo: { full_name: REPO } } },
      repository: { full_name: REPO, name: 'shop', owner: { login: 'octo' } }, installation: { id: 1 } });
    const headers = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', FAKE_SECRETS.GITHUB_WEBHOOK_SECRET).update(body).digest('hex') };
    const t0 = performance.now();
    const r = await fetch(`${worker.url}/webhooks/github`, { method: 'POST', headers, body });
    const text = await r.text();
    const t1 = performance.now();
    if (r.status !== 202) throw new Error(`pull request ${n} answered ${r.status}: ${text}`);
    last = JSON.parse(text).review;
    // What was timed is the whole review: 20 files checked, a failure, the plan written.
    if (!last || last.files !== 20 || last.conclusion !== 'failure' || last.plans?.[0]?.checkRunId === undefined) {
      throw new Error(`pull request ${n} was not reviewed as expected: ${text}`);
    }
    if (n > 1) answer.push(t1 - t0); // the first warms up
    await fetch(`${urls.aws}/_standin/reset`, { method: 'POST' });
  }
  const sorted = [...answer].sort((a, b) => a - b);
  console.log(JSON.stringify({ runs: RUNS, files: last.files, annotations: last.annotations, requests: last.requests,
    answer_median_ms: sorted[Math.floor(sorted.length / 2)], answer_p90_ms: sorted[Math.ceil(0.9 * sorted.length) - 1] }));
} finally {
  await worker.stop();
  aws.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
