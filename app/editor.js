// The source editor of the task-definition and workflow pages: CodeMirror 6, with JSON or YAML
// highlighting, bracket matching, search, undo history, and the findings as lint diagnostics at
// their ranges and in the gutter. The app (Rust) owns the text and the findings: this module only
// shows them, and reports each edit back. scripts/build bundles it with its imports.
import { Annotation, EditorState, StateEffect, StateField } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, drawSelection, hoverTooltip, showTooltip,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  bracketMatching, indentOnInput, syntaxHighlighting, defaultHighlightStyle,
} from "@codemirror/language";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { json } from "@codemirror/lang-json";
import { StyleModule } from "style-mod";
import { yaml } from "@codemirror/lang-yaml";

// The page's content security policy refuses inline styles (style-src 'self'), and CodeMirror's
// themes go into a <style> element when mounted on a document. Stylesheets built through the
// CSSOM (adopted stylesheets) are not inline markup and are allowed; style-mod uses one for a
// shadow root, so the document is handed the style set of an unattached shadow root.
{
  const shadow = document.createElement("div").attachShadow({ mode: "open" });
  StyleModule.mount(shadow, []);
  for (const key of Object.getOwnPropertySymbols(shadow)) {
    if (key.description === "styleSet" && !document[key]) document[key] = shadow[key];
  }
}

/** Marks the transactions that carry text the app set (not the user's edits). */
const fromApp = Annotation.define();

/**
 * Creates an editor in `parent`.
 * @param {HTMLElement} parent where it goes
 * @param {string} text the text it starts with
 * @param {string} language "json" or "yaml"
 * @param {string} label its accessible name
 * @param {(text: string) => void} changed called with the whole text after each edit
 * @param {(at: number) => Array | null} hover what is at an offset: from, to, title, facts (a
 *   line each), a sentence or null, a link or null (null: nothing known)
 */
export function createEditor(parent, text, language, label, changed, hover) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        lintGutter(),
        hoverTooltip((view, at) => hoverAt(at, hover)),
        hoverByKey(hover),
        // Tab indents; Escape then Tab leaves the editor (CodeMirror's own convention).
        keymap.of([
          ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap,
          ...lintKeymap, indentWithTab,
        ]),
        language === "json" ? json() : yaml(),
        // tabindex: the text is a tab stop already (it is editable), said outright for checkers.
        EditorView.contentAttributes.of({ "aria-label": label, spellcheck: "false", tabindex: "0" }),
        // A file dropped on the editor replaces the text (the app reads it), rather than being
        // inserted where it fell.
        EditorView.domEventHandlers({ drop: (event) => event.dataTransfer?.files?.length > 0 }),
        EditorView.updateListener.of((update) => {
          // Only edits that came from the user: text set by the app is the app's already.
          if (update.docChanged && !update.transactions.every((t) => t.annotation(fromApp))) {
            changed(update.state.doc.toString());
          }
        }),
      ],
    }),
  });
  // The view, for the browser tests and benchmarks to read and set the text as a person would.
  parent.editorView = view;
  return new Editor(view);
}

/** Sets or clears the tooltip asked for from the keyboard. */
const askedHover = StateEffect.define();

/**
 * The hover from the keyboard, as VS Code binds it: Ctrl-K Ctrl-I (Cmd on a Mac) shows what is at
 * the cursor; Escape, an edit or a move of the cursor takes it away.
 */
function hoverByKey(hover) {
  const shown = StateField.define({
    create: () => null,
    update(tip, tr) {
      for (const effect of tr.effects) if (effect.is(askedHover)) return effect.value;
      return tr.docChanged || tr.selection ? null : tip;
    },
    provide: (field) => showTooltip.from(field),
  });
  const show = (view) => {
    const tip = hoverAt(view.state.selection.main.head, hover);
    view.dispatch({ effects: askedHover.of(tip) });
    announce(view, tip ? tip.said : "Nothing is known at the cursor.");
    return true;
  };
  const hide = (view) => {
    if (!view.state.field(shown)) return false;
    view.dispatch({ effects: askedHover.of(null) });
    return true;
  };
  return [shown, keymap.of([{ key: "Mod-k Mod-i", run: show }, { key: "Escape", run: hide }])];
}

/**
 * Says `text` to a screen reader, through a polite live region beside the editor: a tooltip
 * asked for from the keyboard is read out, not only drawn.
 */
function announce(view, text) {
  const host = view.dom.parentNode;
  let live = host.querySelector(":scope > .hover-said");
  if (!live) {
    live = host.appendChild(document.createElement("div"));
    live.className = "visually-hidden hover-said";
    live.setAttribute("aria-live", "polite");
  }
  live.textContent = text;
}

/** The tooltip of what is under the pointer: its name, facts, a sentence and its reference page. */
function hoverAt(at, hover) {
  const got = hover(at);
  if (!got) return null;
  const [from, to, title, facts, about, link] = got;
  return {
    said: [title, facts.replaceAll("\n", ". "), about].filter(Boolean).join(". "),
    pos: from,
    end: to,
    above: true,
    create() {
      const dom = document.createElement("div");
      dom.className = "cm-hatoba-hover";
      const name = dom.appendChild(document.createElement("strong"));
      name.textContent = title;
      for (const line of facts ? facts.split("\n") : []) {
        dom.appendChild(document.createElement("div")).textContent = line;
      }
      if (about) dom.appendChild(document.createElement("p")).textContent = about;
      if (link) {
        const a = dom.appendChild(document.createElement("a"));
        a.href = link;
        a.target = "_blank";
        a.rel = "noopener";
        // Where it goes, said: `Reference: docs.aws.amazon.com`.
        a.textContent = `Reference: ${new URL(link).host}`;
      }
      return { dom };
    },
  };
}

/**
 * Counts a check of the source on the page's findings list (`selector`, ".findings"):
 * `data-checked="N"`, N from 1, set just after the app hands a settled text to its checks, whether or not the findings changed. The
 * checks, and the findings list and diagnostics they update, finish in microtasks of the same task
 * (the app's effects), queued before this change's MutationObserver callbacks: the benchmarks time
 * a keystroke to its findings by it.
 */
export function markChecked(selector) {
  const list = document.querySelector(selector);
  if (list) list.dataset.checked = String(Number(list.dataset.checked ?? 0) + 1);
}

/** What the app calls on an editor. Offsets are UTF-16 code units, as JavaScript counts. */
class Editor {
  constructor(view) {
    this.view = view;
  }

  /** Replaces the whole text (a file opened, the form's edit); keeps it one undo step. */
  setText(text) {
    const doc = this.view.state.doc;
    if (doc.length === text.length && doc.toString() === text) return;
    const head = Math.min(this.view.state.selection.main.head, text.length);
    this.view.dispatch({
      changes: { from: 0, to: doc.length, insert: text },
      selection: { anchor: head },
      annotations: fromApp.of(true),
    });
  }

  /**
   * Shows the findings. `list` is flat, six entries a finding: from, to, severity ("error" or
   * "warning"), message, rule, and its quick fix or null: [title, from, to, insert, ...].
   */
  setFindings(list) {
    const length = this.view.state.doc.length;
    const diagnostics = [];
    for (let i = 0; i + 5 < list.length; i += 6) {
      const from = Math.min(list[i], length), fix = list[i + 5];
      diagnostics.push({
        from,
        to: Math.max(from, Math.min(list[i + 1], length)),
        severity: list[i + 2],
        message: list[i + 3],
        source: list[i + 4],
        // Applied as the user's edit, so the page checks the text again, and an undo step of
        // its own (not joined to the typing just before). `at` is where the diagnostic is now:
        // edits since the findings came shift the fix with it.
        actions: fix && [{
          name: fix[0],
          apply(view, at) {
            const changes = [];
            for (let j = 1; j + 2 < fix.length; j += 3) {
              changes.push({ from: fix[j] + at - from, to: fix[j + 1] + at - from, insert: fix[j + 2] });
            }
            view.dispatch({ changes, userEvent: "fix" });
          },
        }],
      });
    }
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  /** Selects `from`..`to`, scrolls it into view and focuses the editor. */
  select(from, to) {
    const length = this.view.state.doc.length;
    this.view.dispatch({
      selection: { anchor: Math.min(from, length), head: Math.min(to, length) },
      effects: EditorView.scrollIntoView(Math.min(from, length), { y: "center" }),
    });
    this.view.focus();
  }

  /** Removes the editor from the page. */
  destroy() {
    this.view.destroy();
  }
}
