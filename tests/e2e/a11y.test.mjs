// Every page of the UI, served by the worker in workerd, checked in headless Chromium by axe-core
// against WCAG 2.0 and 2.1, levels A and AA: as it opens, and in the states that draw more (the
// Set up page's files, the editor's findings and lint panel, the rendered output, each kind of
// deployment). axe is injected by the test alone, through the browser's debugging protocol (the
// page's content security policy admits no script but its own): the UI ships none of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, FAKE_SECRETS, startWorker, launchBrowser, openApp, editorOf } from './harness.mjs';

const AXE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let worker, browser, page, problems;

before(async () => {
  worker = await startWorker();
  browser = await launchBrowser();
  ({ page, problems } = await openApp(worker, browser, '#/taskdef', 'Task definition'));
});

after(async () => {
  await browser?.close();
  await worker?.stop();
});

/** One violation, readable: the rule, its impact and help, and where (the first few nodes). */
function describe(v) {
  const where = v.nodes.slice(0, 4).map((n) => {
    const why = n.any.concat(n.all, n.none).map((c) => c.message).filter(Boolean)[0];
    return `      ${n.target.join(' ')}${why ? `\n        ${why}` : ''}`;
  });
  const more = v.nodes.length > 4 ? [`      … and ${v.nodes.length - 4} more`] : [];
  return [`  ${v.id} (${v.impact}): ${v.help}`, ...where, ...more].join('\n');
}

// CodeMirror's lint panel (Ctrl-Shift-M) is a listbox whose options hold their quick fixes as
// buttons: CodeMirror's own markup, which axe counts as controls nested in a control. The panel
// also applies a fix by its access key, named in the button's label. That, and only there, is let
// through; every other rule holds in the panel as anywhere.
const ALLOWED = [{ rule: 'nested-interactive', within: '.cm-panel-lint [role=option]' }];

// Rules whose "needs review" results are held to as violations: each was reviewed and fixed
// (an aria-label on an element of no role, which no assistive technology reads).
const REVIEWED = ['aria-prohibited-attr'];

/** Runs axe over the whole document as it stands; fails naming every violation. */
async function check(what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const violations = await page.evaluate(([values, allowed, reviewed]) => axe.run(document, { runOnly: { type: 'tag', values }, elementRef: true })
    .then((r) => r.violations.concat(r.incomplete.filter((v) => reviewed.includes(v.id))).map(({ id, impact, help, nodes }) => ({ id, impact, help,
      nodes: nodes.filter((n) => !allowed.some((a) => a.rule === id && n.element?.closest(a.within)))
        .map(({ target, any, all, none }) => ({ target, any, all, none })) })).filter((v) => v.nodes.length > 0)), [TAGS, ALLOWED, REVIEWED]);
  assert.equal(violations.length, 0, `${what}: ${violations.length} WCAG A/AA violation(s):\n${violations.map(describe).join('\n')}`);
}

/** Goes to `hash` within the app and waits for its heading and `ready`, a page-specific locator. */
async function go(hash, heading, ready) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await ready().waitFor();
}

const findings = () => page.getByRole('region', { name: 'Findings' });

test('Task definition: as it opens', async () => {
  await findings().getByText('No problems found.').waitFor();
  await check('Task definition');
});

test('Task definition: with findings marked in the editor, the lint panel open, and an image rendered', async () => {
  const editor = editorOf(page, 'Task definition source');
  await editor.fill(`{
  "family": "web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256",
  "memory": "4096",
  "containerDefinitions": [
    {"name": "web", "image": "nginx", "portMappings": [{"containerPort": 80, "hostPort": 8080}]}
  ]
}`);
  await page.waitForFunction(() => document.querySelectorAll('.findings li').length === 2);
  await page.locator('input[name=render-image]').fill('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:5779607b');
  await page.getByRole('button', { name: 'Render' }).click();
  await page.locator('[data-output=rendered]').waitFor();
  // The lint panel last, so it has the focus: its selected finding is drawn as selected.
  await editor.source().click();
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.cm-panel-lint [aria-selected]').waitFor();
  assert.ok(await page.evaluate(() => document.activeElement.closest('.cm-panel-lint') !== null), 'the lint panel has the focus');
  await check('Task definition with findings');
});

test('Workflow: as it opens, with the generated workflow', async () => {
  await go('#/workflow', 'Workflow', () => page.locator('[data-output=generated]'));
  await findings().getByText('No problems found.').waitFor();
  await check('Workflow');
});

test('Workflow: with a finding marked in the editor', async () => {
  const editor = editorOf(page, 'Workflow source');
  await editor.fill(['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v2'].join('\n'));
  await findings().getByText('[outdated-action]').waitFor();
  await check('Workflow with a finding');
});

test('Workflow: with the hover over an action', async () => {
  const editor = editorOf(page, 'Workflow source');
  const tip = await editor.hover('actions/checkout');
  assert.match(await tip.innerText(), /^actions\/checkout/);
  await check('Workflow with a hover');
});

test('Set up: as it opens, with the files its default answers give', async () => {
  await go('#/setup', 'Set up', () => page.locator('[data-file] pre').first());
  await check('Set up');
});

test('Set up: with answers to fix', async () => {
  const answer = (name) => page.locator(`form[aria-label="Set-up answers"] [name="${name}"]`);
  await answer('account').fill('XXXXXXXXXXXX');
  await page.locator('[data-output="blocked"]').waitFor();
  await check('Set up with an answer to fix');
  await page.getByRole('button', { name: 'Start over' }).click();
  await page.locator('[data-file] pre').first().waitFor();
});

test('Deployments: asking for the read token, then the targets', async () => {
  await go('#/deployments', 'Deployments', () => page.getByLabel(/Read token/));
  await check('Deployments, asking for the read token');
  await page.getByLabel(/Read token/).fill(FAKE_SECRETS.HATOBA_READ_TOKEN);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('li.target[data-target="demo"]').waitFor();
  await check('Deployments, the targets');
});

// Deployments in every state, as the API gives them: the API's answers are stood in for in the
// browser, since a deploy that fails, pauses or waits takes a world of its own (deploy.test.mjs,
// rollout.test.mjs).
const T0 = Date.parse('2026-11-29T16:38:51.123Z');
const iso = (ms) => new Date(ms).toISOString();
const SHA = (n) => `${n}a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b`.slice(0, 40);
function record(n, state, extra = {}) {
  const created = T0 + n * 600000;
  const done = !['queued', 'in_progress', 'paused'].includes(state);
  const step = (name, i, outcome, detail = '') => ({ name, startedAt: iso(created + i * 1000),
    ...(outcome ? { endedAt: iso(created + i * 1000 + 800), outcome } : {}), detail });
  return {
    id: `web.${created}.${SHA(n).slice(0, 7)}`, target: 'web', sha: SHA(n), trigger: { event: 'push', delivery: `d-${n}` },
    state, createdAt: iso(created), finishedAt: done ? iso(created + 95000) : null,
    taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${40 + n}`,
    description: { success: 'Deployed web:4' + n, failure: 'web exited 1: "DATABASE_URL is not set"', error: 'AWS refused UpdateService',
      superseded: 'A newer commit replaced it', queued: '', in_progress: 'Rolling out', paused: 'Paused at a lifecycle hook' }[state],
    steps: state === 'queued' || state === 'superseded' ? [] : [
      step('pending_status', 0, 'ok'), step('find_image', 1, 'ok', `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:${SHA(n)}`),
      step('load_task_definition', 2, 'ok', '.aws/task-definition.json'), step('render', 3, 'ok'), step('check', 4, 'warning', '1 warning'),
      step('register_task_definition', 5, 'ok', `web:${40 + n}`), step('update_service', 6, 'ok'),
      step('wait_rollout', 7, done ? (state === 'success' ? 'ok' : 'failed') : null, '1/2 tasks running'),
    ],
    statuses: [{ kind: 'commit', state: 'pending', description: 'Deploying', at: iso(created + 500) },
      ...(done ? [{ kind: 'commit', state, description: 'Done', at: iso(created + 94000), error: state === 'error' ? 'HTTP 502' : undefined }] : [])],
    next: done ? 'done' : 'wait_rollout',
    ...extra,
  };
}
const LONG = 'x'.repeat(300);
const DEPLOYMENTS = [
  record(7, 'paused', { lifecycle: { strategy: 'BLUE_GREEN', stage: 'POST_TEST_TRAFFIC_SHIFT', since: iso(T0) },
    pause: { stage: 'POST_TEST_TRAFFIC_SHIFT', hookId: 'hook-1', expiresAt: iso(T0 + 8 * 3600000) } }),
  record(6, 'in_progress', { progress: { running: 1, desired: 2, failed: 0 } }),
  record(5, 'queued'),
  record(4, 'superseded'),
  record(3, 'failure', { failure: {
    summary: 'web exited 1: "DATABASE_URL is not set"', ending: 'rolled back to web:41',
    stoppedTasks: [{ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/stg/0f1e2d3c4b5a', stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited', stoppedAt: iso(T0 + 60000), containers: [{ name: 'web', exitCode: 1 }] }],
    events: [{ at: iso(T0 + 30000), message: '(service web) has started 1 tasks' }],
    logs: { group: '/ecs/web', stream: 'ecs/web/0f1e2d3c4b5a', lines: ['booting', `config: ${LONG}`, 'DATABASE_URL is not set'] },
    missing: ['the log of task 1a2b'],
  } }),
  record(2, 'error'),
  record(1, 'success'),
];
const CARD = { repository: 'octo/shop', region: 'us-east-1', cluster: 'stg', service: 'web',
  consoleUrl: 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/stg/services/web' };
const CARDS = { targets: DEPLOYMENTS.map((d, i) => ({ ...CARD, name: i ? `web-${d.state}` : 'web', lastDeployment: d })) };

async function standInForTheApi() {
  await page.route((url) => url.pathname.startsWith('/api/'), (route) => {
    const url = new URL(route.request().url());
    const id = decodeURIComponent(url.pathname.slice('/api/deployments/'.length));
    const body = url.pathname === '/api/targets' ? CARDS
      : url.pathname === '/api/deployments' ? { deployments: DEPLOYMENTS }
        : DEPLOYMENTS.find((d) => d.id === id);
    return route.fulfill({ status: body ? 200 : 404, contentType: 'application/json',
      body: JSON.stringify(body ?? { error: 'not_found', message: 'nothing is here' }) });
  });
}

test('Deployments: a history in every state, and targets with their last deployment in every state', async () => {
  await standInForTheApi();
  // Each view asks as it opens.
  await go('#/deployments?target=web', 'Deployments', () => page.locator(`tr[data-id="${DEPLOYMENTS[6].id}"]`));
  await check('Deployments, a history');
  await go('#/deployments', 'Deployments', () => page.locator('li.target[data-target="web-success"]'));
  await check('Deployments, targets in every state');
});

test('Deployments: one failed, with its evidence; one paused; one rolling out', async () => {
  for (const d of [DEPLOYMENTS[4], DEPLOYMENTS[0], DEPLOYMENTS[1]]) {
    await go(`#/deployments/${encodeURIComponent(d.id)}`, 'Deployments', () => page.locator(`article.deployment[data-state="${d.state.replace('_', ' ')}"]`));
    await page.locator('select[name=rollback]').waitFor();
    await check(`Deployments, one ${d.state}`);
  }
});

test('the browser reported no console error, page error or failed request', () => {
  assert.deepEqual(problems, []);
});
