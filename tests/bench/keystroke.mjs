// A keystroke in the editors, timed in headless Chromium as a person types: real key events
// (the browser's input pipeline, through Chromium's DevTools protocol), each at its own point of
// a frame, a space at the end of the middle line of the bench task definition (89 KB) and of the
// bench workflow (13 KB). Three times of each keystroke, all from the key's own time stamp (the
// trusted keydown's, or the paste event's):
//   - frame: to the first task after the frame that shows it (so the frame's style, layout and
//     paint are counted, and work the page puts after the frame is not);
//   - free: to the main thread free again, deferred work included (the checks, which the app runs
//     20 ms after the key, past its frame): the end of the keystroke's last task before the thread
//     stays free for 25 ms. A MessageChannel ping loop runs from before the key: pings follow each
//     other within microseconds while the thread is free, so a gap of over 0.5 ms between two is a
//     task (the page's, or the browser's on the main thread: input, style, layout, paint; or this
//     machine's scheduler taking the CPU away, which it does a few times a second for ~5 ms, and
//     which counts then too). The loop ends 25 ms after the last gap (at most 300 ms after the
//     key), and the time is to that gap's end. Idle time before a deferred task is counted up to
//     its end, being under 25 ms; work deferred longer (CodeMirror parses the rest of a long file
//     in idle callbacks, 100 ms on) is not. (The Long Tasks API only sees tasks over 50 ms, and
//     requestIdleCallback fires in the wait before a deferred check: neither sees the checks.)
//   - findings: to the findings list and the editor's diagnostics showing the findings of the new
//     text, whether or not they changed. The app counts each check on the findings list
//     (data-checked="N" on `.findings`, app/editor.js's markChecked), set in the task that hands
//     the settled text to the checks; the checks, and the findings list and diagnostics they
//     update, run in that task's microtasks (the app's effects), queued before the attribute's
//     MutationObserver callback, in which the time is taken.
// 20 keystrokes each after 5 untimed ones; then the whole file pasted into the emptied editor, 5
// times (frame time only). Prints one line of JSON per file for scripts/bench.
//
// Script edits (a transaction replacing the text) are not used to type: they replace the editor's
// whole text, which a keystroke never does. The editor is CodeMirror: its input event comes from
// its content element, and its text is read from its view.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startWorker, launchBrowser } from '../e2e/harness.mjs';

const files = [
  ['taskdef', 'taskdef-50-containers.json', 'Task definition source'],
  ['workflow', 'workflow-500-lines.yml', 'Workflow source'],
];

/** How long the thread stays free to end a keystroke's work (ms), longer than the app's 20 ms
 * deferral of its checks; the longest the ping loop runs after the key (ms); the gap between two
 * pings that counts as a task (ms). */
const QUIET_MS = 25;
const WINDOW_MS = 300;
const GAP_MS = 0.5;

/** Installs the timers of the editor: from the key press (or paste) that starts an edit, by its
 * trusted time stamp (the platform's time of the key), to the frame after the edit reaches the
 * page, to the end of the last task it set off, and to its findings shown. */
function installTimer([label, quietMs, windowMs, gapMs]) {
  const el = document.querySelector(`.cm-content[aria-label="${label}"]`);
  const list = document.querySelector('.findings');
  window.hatobaTimes = [];
  window.hatobaChecked = [];
  window.hatobaFree = [];
  let start = null, checkFrom = null, busyFrom = null;
  // The ping loop, started before each key (hatobaPing): `last` is the end of the last gap.
  let previous = 0, last = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const now = performance.now();
    if (now - previous > gapMs) last = now;
    previous = now;
    const t0 = busyFrom;
    if (t0 === null || now - Math.max(last, t0) < quietMs && now - t0 < windowMs) {
      channel.port2.postMessage(0);
      return;
    }
    window.hatobaFree.push(Math.max(last, t0) - t0);
    finish();
  };
  // The loop ends in `hatobaFinished`: waiting on it asks nothing of the page meanwhile (polling
  // it would be tasks in the window).
  let finish = null;
  window.hatobaPing = () => {
    previous = performance.now(); last = 0; busyFrom = null;
    window.hatobaFinished = new Promise((resolve) => { finish = resolve; });
    channel.port2.postMessage(0);
  };
  const begin = (ev) => {
    if (ev.type !== 'paste' && ev.key !== ' ') return;
    start = checkFrom = busyFrom = ev.timeStamp;
  };
  el.addEventListener('keydown', begin, { capture: true });
  el.addEventListener('paste', begin, { capture: true });
  // CodeMirror applies a key itself (no input event follows): the edit is the content's first DOM
  // change after the key.
  new MutationObserver(() => {
    const t0 = start;
    start = null;
    if (t0 === null) return;
    // The first task after the frame's rendering: a user-blocking task runs before any ordinary
    // one the page queued meanwhile, so work the page put after the frame is not counted in it.
    requestAnimationFrame(() => scheduler.postTask(() => window.hatobaTimes.push(performance.now() - t0), { priority: 'user-blocking' }));
  }).observe(el, { childList: true, subtree: true, characterData: true });
  // The app's count of checks on the findings list: the first after the key is the new text's.
  new MutationObserver(() => {
    const t0 = checkFrom;
    checkFrom = null;
    if (t0 !== null) window.hatobaChecked.push(performance.now() - t0);
  }).observe(list, { attributes: true, attributeFilter: ['data-checked'] });
}

async function timed(page, count, act) {
  const out = { frame: [], free: [], findings: [] };
  for (let i = 0; i < count; i += 1) {
    // A person's keys fall anywhere in a frame: start each at its own point of one (after a
    // frame, 0 to 16.7 ms), not right after the frame that ended the last measurement. The
    // points are spread evenly over the frame, in an order that jumps about, so the median
    // does not hang on where 20 random draws happened to fall.
    const phase = (((i * 7) % count) + 0.5) / count * 16.7;
    await page.evaluate((phase) => new Promise((resolve) => {
      window.hatobaTimes.length = 0;
      window.hatobaChecked.length = 0;
      window.hatobaFree.length = 0;
      requestAnimationFrame(() => setTimeout(() => { window.hatobaPing(); resolve(); }, phase));
    }), phase);
    await act();
    await page.evaluate(() => window.hatobaFinished);
    await page.waitForFunction(
      () => window.hatobaTimes.length > 0 && window.hatobaChecked.length > 0 && window.hatobaFree.length > 0,
      undefined, { timeout: 20000, polling: 'raf' });
    const [frame, findings, free] = await page.evaluate(() => [window.hatobaTimes[0], window.hatobaChecked[0], window.hatobaFree[0]]);
    out.frame.push(frame);
    out.findings.push(findings);
    out.free.push(free);
  }
  return out;
}

const round = (ms) => Math.round(ms * 10) / 10;

const worker = await startWorker();
const browser = await launchBrowser();
try {
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  for (const [kind, file, label] of files) {
    const text = fs.readFileSync(path.join(ROOT, 'tests/fixtures/bench', file), 'utf8');
    await page.goto(`${worker.url}/#/${kind}`);
    const area = page.getByRole('textbox', { name: label });
    await area.waitFor({ timeout: 20000 });
    // Loaded in one input event (untimed); the timed paste below goes through the keyboard.
    await page.evaluate((text) => {
      const view = document.querySelector('.editor-body').editorView;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent: 'input.paste' });
    }, text);
    await page.evaluate(installTimer, [label, QUIET_MS, WINDOW_MS, GAP_MS]);
    // The caret at the end of the middle line: a trailing space keeps JSON and YAML as they were.
    const middle = text.split('\n').slice(0, Math.floor(text.split('\n').length / 2)).join('\n').length;
    await area.focus();
    await page.evaluate((at) => {
      const view = document.querySelector('.editor-body').editorView;
      view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    }, middle);
    await page.waitForTimeout(500);
    const keys = await timed(page, 25, () => page.keyboard.press('Space'));
    const sorted = (xs) => xs.slice(5).sort((a, b) => a - b);
    const typed = sorted(keys.frame), free = sorted(keys.free), findings = sorted(keys.findings);
    const pastes = (await timed(page, 5, async () => {
      await page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Control+V');
    })).frame;
    pastes.sort((a, b) => a - b);
    const value = await page.evaluate(() => document.querySelector('.editor-body').editorView.state.doc.toString());
    if (value !== text) throw new Error(`${kind}: the editor does not hold the pasted file`);
    console.log(JSON.stringify({
      kind,
      median_ms: round(typed[Math.floor(typed.length / 2)]),
      worst_ms: round(typed[typed.length - 1]),
      keystrokes: typed.length,
      free_median_ms: round(free[Math.floor(free.length / 2)]),
      free_worst_ms: round(free[free.length - 1]),
      findings_median_ms: round(findings[Math.floor(findings.length / 2)]),
      findings_worst_ms: round(findings[findings.length - 1]),
      paste_median_ms: round(pastes[Math.floor(pastes.length / 2)]),
    }));
  }
} finally {
  await browser.close();
  await worker.stop();
}
