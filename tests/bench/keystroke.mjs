// A keystroke in the editors, timed in headless Chromium: from the input event to the next frame
// (requestAnimationFrame, then a task after it, so layout and paint of the frame are counted), on
// the bench task definition (89 KB) and the bench workflow (13 KB). 20 keystrokes each, after 5
// untimed ones. Prints one line of JSON per file for scripts/bench.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startWorker, launchBrowser } from '../e2e/harness.mjs';

const files = [['taskdef', 'taskdef-50-containers.json', 'Task definition source'], ['workflow', 'workflow-500-lines.yml', 'Workflow source']];
const worker = await startWorker();
const browser = await launchBrowser();
try {
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  for (const [kind, file, label] of files) {
    await page.goto(`${worker.url}/#/${kind}`);
    const area = page.getByRole('textbox', { name: label });
    await area.waitFor({ timeout: 20000 });
    // Pasted in one input event, as a paste is.
    await page.evaluate(({ label, text }) => {
      const el = document.querySelector(`textarea[aria-label="${label}"]`);
      el.value = text;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    }, { label, text: fs.readFileSync(path.join(ROOT, 'tests/fixtures/bench', file), 'utf8') });
    await page.waitForTimeout(1000);
    const times = await page.evaluate(async (label) => {
      const el = document.querySelector(`textarea[aria-label="${label}"]`);
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const out = [];
      for (let i = 0; i < 25; i += 1) {
        el.setSelectionRange(el.value.length, el.value.length);
        const t0 = performance.now();
        el.setRangeText(' ', el.value.length, el.value.length, 'end');
        el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
        await frame();
        if (i >= 5) out.push(performance.now() - t0);
      }
      return out;
    }, label);
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ kind, median_ms: Math.round(times[10] * 10) / 10, worst_ms: Math.round(times[19] * 10) / 10, keystrokes: times.length }));
  }
} finally {
  await browser.close();
  await worker.stop();
}
