// Node 20 refuses `import x from './file.json'` without `with { type: 'json' }`, which
// @actions/workflow-parser's build leaves out (Node 22 and bundlers accept it): this module hook
// adds the attribute to JSON imports. Registered with `node --import ./tests/node/json_import_hook.mjs`.
import { register } from 'node:module';

if (!globalThis.hatobaJsonHook) {
  globalThis.hatobaJsonHook = true;
  register('data:text/javascript,' + encodeURIComponent(`
    export async function load(url, context, nextLoad) {
      if (url.endsWith('.json')) return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
      return nextLoad(url, context);
    }`));
}
