// Times how soon the worker in workerd reports a rollout whose image cannot be pulled, from
// UpdateService answered (the record's update_service step) to the failure commit status reaching
// the GitHub stand-in: with fail fast (the default: two tasks that failed for a lasting cause stop
// the rollout), and without it (failFast = false: ECS's circuit breaker decides; the rollout
// stand-in's trips at the 8th poll, one task of the new revision failing per poll). Both targets
// poll every second; 3 deploys each, alternating. Prints one JSON line (ms, medians).
//
//   node tests/bench/failfast.mjs
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, startWorker, FAKE_SECRETS } from '../e2e/harness.mjs';

const RUNS = 3;
const REPO = 'octo/shop';
const BREAKER_POLLS = 8;
const targets = { failfast: {}, breaker: { failFast: false } };
const shas = Object.fromEntries(Object.keys(targets).map((t) => [t, Array.from({ length: RUNS },
  (_, i) => crypto.createHash('sha1').update(`${t} ${i}`).digest('hex'))]));
const base = JSON.stringify({ family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec',
  containerDefinitions: [{ name: 'web', image: 'placeholder', essential: true }] });
const all = Object.values(shas).flat();
const spec = { cluster: 'bench', services: Object.keys(targets), repository: 'shop/web', shas: all,
  files: all.map((s) => ({ repository: REPO, ref: s, path: '.aws/task-definition.json', content: base })),
  rollouts: Object.keys(targets).map((service) => ({ service, ending: 'pull', polls: BREAKER_POLLS })) };
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
fs.writeFileSync(wrangler, shipped + Object.entries(targets).map(([n, extra]) => '[[vars.HATOBA_TARGETS]]\n' + Object.entries({
  name: n, repository: REPO, branch: n, region: 'us-east-1', cluster: 'bench', service: n, container: 'web',
  ecrRepository: 'shop/web', taskDefinition: '.aws/task-definition.json', pollSeconds: 1, ...extra,
}).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n').join(''));
const worker = await startWorker({ AWS_ENDPOINT_URL: urls.aws, GITHUB_API_URL: urls.github, GITHUB_TOKEN: 'ghs_fakefakefake',
  AWS_ACCESS_KEY_ID: urls.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: urls.AWS_SECRET_ACCESS_KEY }, { wrangler });
const headers = { authorization: `Bearer ${FAKE_SECRETS.HATOBA_READ_TOKEN}` };

async function deploy(target, sha) {
  const body = JSON.stringify({ ref: `refs/heads/${target}`, before: '0'.repeat(40), after: sha,
    repository: { full_name: REPO, name: 'shop', owner: { name: 'octo', email: null } },
    head_commit: { id: sha, timestamp: new Date().toISOString() } });
  const r = await fetch(`${worker.url}/webhooks/github`, { method: 'POST', body, headers: {
    'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(),
    'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', FAKE_SECRETS.GITHUB_WEBHOOK_SECRET).update(body).digest('hex') } });
  const answer = await r.json();
  if (r.status !== 202) throw new Error(`webhook answered ${r.status}: ${JSON.stringify(answer)}`);
  const id = answer.deployments[0].id;
  let d;
  for (let n = 0; n < 1200 && d?.next !== 'done'; n++) {
    await new Promise((res) => setTimeout(res, 50));
    d = await (await fetch(`${worker.url}/api/deployments/${encodeURIComponent(id)}`, { headers })).json();
  }
  if (d?.state !== 'failure') throw new Error(`${target}: the deploy ended ${d?.state}: ${d?.description}`);
  const updated = Date.parse(d.steps.find((s) => s.name === 'update_service').endedAt);
  const requests = await (await fetch(`${urls.github}/_standin/requests`)).json();
  const status = requests.find((q) => q.method === 'POST' && q.path === `/repos/${REPO}/statuses/${sha}` && q.body?.state === 'failure');
  if (!status) throw new Error(`${target}: no failure status reached GitHub`);
  return { ms: status.at * 1000 - updated, description: d.description };
}

try {
  const times = { failfast: [], breaker: [] };
  let descriptions = {};
  for (let i = 0; i < RUNS; i++) {
    for (const t of Object.keys(targets)) {
      const r = await deploy(t, shas[t][i]);
      times[t].push(r.ms);
      descriptions[t] = r.description;
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify({ runs: RUNS, breaker_polls: BREAKER_POLLS, failfast_median_ms: median(times.failfast),
    breaker_median_ms: median(times.breaker), failfast_description: descriptions.failfast, breaker_description: descriptions.breaker }));
} finally {
  await worker.stop();
  aws.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
