// Times the worker in workerd on signed push webhooks, against the local AWS (moto with IAM and
// signatures on, behind the rollout stand-in) and the GitHub stand-in: 20 pushes, one per
// target, each timed from the request to the webhook's answer, and to RegisterTaskDefinition
// reaching AWS (the stand-in logs each operation's arrival). Prints one JSON line (ms).
//
//   node tests/bench/worker_webhook.mjs
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, startWorker, FAKE_SECRETS } from '../e2e/harness.mjs';

const RUNS = 20;
const REPO = 'octo/shop';
const names = Array.from({ length: RUNS + 1 }, (_, i) => `bench${i}`);
const shas = names.map((n) => crypto.createHash('sha1').update(n).digest('hex'));
const base = JSON.stringify({ family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec',
  containerDefinitions: [{ name: 'web', image: 'placeholder', essential: true }] });
const spec = { cluster: 'bench', services: names, repository: 'shop/web', shas,
  files: shas.map((s) => ({ repository: REPO, ref: s, path: '.aws/task-definition.json', content: base })) };
const aws = spawn(process.env.HATOBA_PYTHON ?? 'python3', [path.join(ROOT, 'tests/standins/local_aws.py'), '--spec', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
const urls = await new Promise((resolve, reject) => {
  let out = '';
  aws.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0])); });
  aws.on('exit', (code) => reject(new Error(`the local AWS exited with ${code}`)));
});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hatoba-bench-'));
const wrangler = path.join(tmp, 'wrangler.toml');
const shipped = fs.readFileSync(path.join(ROOT, 'worker/wrangler.toml'), 'utf8').split('[[vars.HATOBA_TARGETS]]')[0]
  .replace('directory = "../dist"', `directory = ${JSON.stringify(path.join(ROOT, 'dist'))}`)
  .replace('main = "build/index.js"', `main = ${JSON.stringify(path.join(ROOT, 'worker/build/index.js'))}`);
fs.writeFileSync(wrangler, shipped + names.map((n) => `[[vars.HATOBA_TARGETS]]
name = "${n}"\nrepository = "${REPO}"\nbranch = "${n}"\nregion = "us-east-1"\ncluster = "bench"\nservice = "${n}"
container = "web"\necrRepository = "shop/web"\ntaskDefinition = ".aws/task-definition.json"\n`).join(''));
const worker = await startWorker({ AWS_ENDPOINT_URL: urls.aws, GITHUB_API_URL: urls.github, GITHUB_TOKEN: 'ghs_fakefakefake',
  AWS_ACCESS_KEY_ID: urls.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: urls.AWS_SECRET_ACCESS_KEY }, { wrangler });
try {
  const answer = []; const register = [];
  for (let i = 0; i <= RUNS; i++) {
    const body = JSON.stringify({ ref: `refs/heads/${names[i]}`, before: '0'.repeat(40), after: shas[i],
      repository: { full_name: REPO, name: 'shop', owner: { name: 'octo', email: null } },
      head_commit: { id: shas[i], timestamp: new Date().toISOString() } });
    const headers = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', FAKE_SECRETS.GITHUB_WEBHOOK_SECRET).update(body).digest('hex') };
    const t0 = Date.now();
    const r = await fetch(`${worker.url}/webhooks/github`, { method: 'POST', headers, body });
    const t1 = Date.now();
    if (r.status !== 202) throw new Error(`webhook answered ${r.status}: ${await r.text()}`);
    let at;
    for (let n = 0; n < 600 && !at; n++) {
      const log = await (await fetch(`${urls.aws}/_standin/aws-log`)).json();
      at = log.find((e) => e.operation === 'RegisterTaskDefinition' && e.at * 1000 >= t0)?.at;
      if (!at) await new Promise((res) => setTimeout(res, 10));
    }
    if (!at) throw new Error('RegisterTaskDefinition never reached AWS');
    await fetch(`${urls.aws}/_standin/reset`, { method: 'POST' });
    if (i > 0) { answer.push(t1 - t0); register.push(at * 1000 - t0); } // the first warms up
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(0.95 * xs.length) - 1];
  console.log(JSON.stringify({ runs: RUNS, answer_median_ms: median(answer), answer_p95_ms: p95(answer),
    register_median_ms: median(register), register_p95_ms: p95(register) }));
} finally {
  await worker.stop();
  aws.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
