// A keystroke in the editors, timed in headless Chromium as a person types: real key events
// (the browser's input pipeline, through Chromium's DevTools protocol), each at its own point of
// a frame, a space at the end of the middle line of the bench task definition (89 KB) and of the
// bench workflow (13 KB), timed from the key's own time stamp (the trusted keydown's, or the
// paste event's) to the first task after the frame that shows it (so the frame's style, layout
// and paint are counted, and work the page puts after the frame is not). 20 keystrokes each
// after 5 untimed ones; then the whole file pasted into the emptied editor, 5 times. Prints one
// line of JSON per file for scripts/bench.
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

/** Installs a timer of the editor: from the key press (or paste) that starts an edit, by its
 * trusted time stamp (the platform's time of the key), to the frame after the edit reaches the page. */
function installTimer(label) {
  const el = document.querySelector(`.cm-content[aria-label="${label}"]`);
  window.hatobaTimes = [];
  let start = null;
  const begin = (ev) => { if (ev.type === 'paste' || ev.key === ' ') start = ev.timeStamp; };
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
}

async function timed(page, count, act) {
  const out = [];
  for (let i = 0; i < count; i += 1) {
    // A person's keys fall anywhere in a frame: start each at its own point of one (after a
    // frame, 0 to 16.7 ms), not right after the frame that ended the last measurement. The
    // points are spread evenly over the frame, in an order that jumps about, so the median
    // does not hang on where 20 random draws happened to fall.
    const phase = (((i * 7) % count) + 0.5) / count * 16.7;
    await page.evaluate((phase) => new Promise((resolve) => {
      window.hatobaTimes.length = 0;
      requestAnimationFrame(() => setTimeout(resolve, phase));
    }), phase);
    await act();
    await page.waitForFunction(() => window.hatobaTimes.length > 0, undefined, { timeout: 20000, polling: 'raf' });
    out.push(await page.evaluate(() => window.hatobaTimes[0]));
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
    await page.evaluate(installTimer, label);
    // The caret at the end of the middle line: a trailing space keeps JSON and YAML as they were.
    const middle = text.split('\n').slice(0, Math.floor(text.split('\n').length / 2)).join('\n').length;
    await area.focus();
    await page.evaluate((at) => {
      const view = document.querySelector('.editor-body').editorView;
      view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    }, middle);
    await page.waitForTimeout(500);
    const keys = await timed(page, 25, () => page.keyboard.press('Space'));
    const typed = keys.slice(5).sort((a, b) => a - b);
    const pastes = await timed(page, 5, async () => {
      await page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Control+V');
    });
    pastes.sort((a, b) => a - b);
    const value = await page.evaluate(() => document.querySelector('.editor-body').editorView.state.doc.toString());
    if (value !== text) throw new Error(`${kind}: the editor does not hold the pasted file`);
    console.log(JSON.stringify({
      kind,
      median_ms: round(typed[Math.floor(typed.length / 2)]),
      worst_ms: round(typed[typed.length - 1]),
      keystrokes: typed.length,
      paste_median_ms: round(pastes[Math.floor(pastes.length / 2)]),
    }));
  }
} finally {
  await browser.close();
  await worker.stop();
}
