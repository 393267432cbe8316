//! The source editor shared by the task-definition and workflow pages: CodeMirror 6 (app/editor.js,
//! bundled by scripts/build) with highlighting, bracket matching, search and undo history, the
//! findings marked at their ranges and in the gutter; the list of findings (click one to select
//! it); opening a file by picker or by dropping it. The text and the findings are Leptos state:
//! the editor shows them and reports each edit.

use hatoba_core::assist::Language;
use hatoba_core::finding::{Finding, Severity};
use hatoba_core::fix::Fix;
use hatoba_core::source::Pos;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/editor.js")]
extern "C" {
    /// A CodeMirror editor on the page.
    type Editor;

    /// An editor in `parent` holding `text`, highlighting `language` ("json" or "yaml"), named
    /// `label`; `changed` gets the whole text after each edit of the user's.
    #[wasm_bindgen(js_name = createEditor)]
    fn create_editor(
        parent: &web_sys::HtmlElement,
        text: &str,
        language: &str,
        label: &str,
        changed: &OnChange,
        hover: &OnHover,
    ) -> Editor;

    /// Replaces the text (one undo step).
    #[wasm_bindgen(method, js_name = setText)]
    fn set_text(this: &Editor, text: &str);

    /// Shows findings: six entries each, from, to, severity, message, rule, quick fix (or null).
    #[wasm_bindgen(method, js_name = setFindings)]
    fn set_findings(this: &Editor, list: js_sys::Array);

    /// Selects from..to (UTF-16 offsets), scrolls to it and focuses the editor.
    #[wasm_bindgen(method)]
    fn select(this: &Editor, from: u32, to: u32);

    /// Takes the editor off the page.
    #[wasm_bindgen(method)]
    fn destroy(this: &Editor);

    /// Counts a check on the element `selector` finds, the page's findings list (its
    /// `data-checked`).
    #[wasm_bindgen(js_name = markChecked)]
    fn mark_checked(selector: &str);
}

/// What the editor calls with the whole text after each edit of the user's.
type OnChange = Closure<dyn FnMut(String)>;

/// What the editor calls with a UTF-16 offset to ask what is there: a flat list (see `hover` in
/// editor.js), or null.
type OnHover = Closure<dyn FnMut(u32) -> JsValue>;

/// Where lines start in a text, to turn (line, column) into the UTF-16 offsets JavaScript counts.
pub struct Lines<'t> {
    text: &'t str,
    /// Each line's start: (byte offset, UTF-16 offset).
    starts: Vec<(usize, u32)>,
    /// JSON or YAML in flow style: `,`, `]` and `}` end a bare value.
    flow: bool,
}

impl<'t> Lines<'t> {
    /// The lines of `text`.
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![(0, 0)];
        let mut units = 0u32;
        for (i, c) in text.char_indices() {
            units += c.len_utf16() as u32;
            if c == '\n' {
                starts.push((i + 1, units));
            }
        }
        let flow = text.trim_start().starts_with(['{', '[']);
        Self { text, starts, flow }
    }

    /// The UTF-16 range of the value starting at line `line`, column `column` (1-based,
    /// characters): its whole extent as core sees it, within its line.
    pub fn range(&self, line: u32, column: u32) -> (u32, u32) {
        let Some(&(byte, units)) = self.starts.get(line.saturating_sub(1) as usize) else {
            let end = self.text.encode_utf16().count() as u32;
            return (end, end);
        };
        let rest = &self.text[byte..];
        let text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let end = hatoba_core::source::value_end(text, column, self.flow);
        let at = |column: u32| -> u32 {
            units
                + text
                    .chars()
                    .take(column.saturating_sub(1) as usize)
                    .map(|c| c.len_utf16() as u32)
                    .sum::<u32>()
        };
        (at(column), at(end))
    }

    /// The UTF-16 offset of a line and column (the line's end when the column is past it, the
    /// text's end when the line is).
    pub fn offset(&self, pos: Pos) -> u32 {
        self.range(pos.line, pos.column).0
    }
}

/// The findings as the editor's flat list (see [`Editor::set_findings`]), each with its quick
/// fix from `fixes`: its title then, per edit, from, to (UTF-16 offsets) and the text inserted.
fn diagnostics(text: &str, findings: &[Finding], fixes: Fixes) -> js_sys::Array {
    let lines = Lines::new(text);
    let list = js_sys::Array::new();
    for f in findings {
        let (from, to) = lines.range(f.pos.line, f.pos.column);
        list.push(&from.into());
        list.push(&to.into());
        list.push(&f.severity.to_string().into());
        list.push(&f.message.as_str().into());
        list.push(&f.rule.into());
        list.push(&match fixes(text, f) {
            Some(fix) => {
                let parts = js_sys::Array::of1(&fix.title.into());
                for e in &fix.edits {
                    parts.push(&lines.offset(e.from).into());
                    parts.push(&lines.offset(e.to).into());
                    parts.push(&e.insert.as_str().into());
                }
                parts.into()
            }
            None => JsValue::NULL,
        });
    }
    list
}

/// The byte offset of UTF-16 offset `at` of `text` (its end when past it).
fn byte_of_utf16(text: &str, at: u32) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= at {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The UTF-16 offset of byte `at` of `text`.
fn utf16_of(text: &str, at: usize) -> u32 {
    text.get(..at)
        .map_or(0, |t| t.encode_utf16().count() as u32)
}

/// What is under UTF-16 offset `at`: from, to, title, facts (a line each), the sentence on it or
/// null, its reference page or null; null when nothing is known there.
fn hovered(language: Language, text: &str, at: u32) -> JsValue {
    let Some(h) = hatoba_core::assist::hover(language, text, byte_of_utf16(text, at)) else {
        return JsValue::NULL;
    };
    let list = js_sys::Array::of3(
        &utf16_of(text, h.from).into(),
        &utf16_of(text, h.to).into(),
        &h.title.into(),
    );
    list.push(&h.facts.join("\n").into());
    list.push(&h.about.map_or(JsValue::NULL, JsValue::from));
    list.push(&h.link.map_or(JsValue::NULL, JsValue::from));
    list.into()
}

/// The quick fix of a finding on a text: `hatoba_core::fix::taskdef_fixes` or `workflow_fixes`.
pub type Fixes = fn(&str, &Finding) -> Option<Fix>;

/// The source editor with its findings.
#[component]
pub fn SourceEditor(
    /// The text being edited.
    source: RwSignal<String>,
    /// The findings of the current text.
    findings: Signal<Vec<Finding>>,
    /// The editor's accessible name, e.g. "Task definition source".
    label: &'static str,
    /// File types the picker offers, e.g. ".json,application/json".
    accept: &'static str,
    /// The highlighting: "json" or "yaml".
    language: &'static str,
    /// The quick fixes the findings offer.
    fixes: Fixes,
    /// Which language the hover reads the text as.
    assist: Language,
) -> impl IntoView {
    let host: NodeRef<leptos::html::Div> = NodeRef::new();
    let editor: RwSignal<Option<Editor>, LocalStorage> = RwSignal::new_local(None);
    // The text the editor itself last reported: a change that came from typing is not written
    // back to it.
    let typed: StoredValue<Option<String>, LocalStorage> = StoredValue::new_local(None);
    // The closures the editor calls, kept as long as it is on the page.
    let changed: StoredValue<Option<(OnChange, OnHover)>, LocalStorage> =
        StoredValue::new_local(None);
    Effect::new(move |_| {
        let Some(el) = host.get() else { return };
        if editor.with_untracked(Option::is_some) {
            return;
        }
        let on_change = OnChange::new(move |text: String| {
            typed.set_value(Some(text.clone()));
            source.try_set(text);
        });
        let on_hover =
            OnHover::new(move |at: u32| source.with_untracked(|s| hovered(assist, s, at)));
        let created = source
            .with_untracked(|s| create_editor(&el, s, language, label, &on_change, &on_hover));
        changed.set_value(Some((on_change, on_hover)));
        editor.set(Some(created));
    });
    on_cleanup(move || {
        editor.try_with_untracked(|e| e.as_ref().map(Editor::destroy));
        changed.try_set_value(None);
    });
    Effect::new(move |_| {
        editor.with(|e| {
            let Some(e) = e else { return };
            source.with(|s| {
                if typed.with_value(|t| t.as_deref() != Some(s.as_str())) {
                    e.set_text(s);
                }
            });
            typed.set_value(None);
        });
    });
    Effect::new(move |_| {
        editor.with(|e| {
            let Some(e) = e else { return };
            findings
                .with(|fs| e.set_findings(source.with_untracked(|s| diagnostics(s, fs, fixes))));
        });
    });
    let go_to = move |line: u32, column: u32| {
        editor.with_untracked(|e| {
            if let Some(e) = e {
                let (from, to) = source.with_untracked(|s| Lines::new(s).range(line, column));
                e.select(from, to);
            }
        });
    };
    let read_file = move |file: web_sys::File| {
        leptos::task::spawn_local(async move {
            if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await
                && let Some(text) = text.as_string()
            {
                source.set(text);
            }
        });
    };
    view! {
        <div class="editor">
            <div class="editor-toolbar">
                <label class="button">
                    "Open file…"
                    <input
                        type="file"
                        accept=accept
                        class="visually-hidden"
                        on:change:target=move |ev| {
                            if let Some(file) = ev.target().files().and_then(|f| f.get(0)) {
                                read_file(file);
                            }
                        }
                    />
                </label>
                <span class="hint">"or paste, or drop a file on the editor. Ctrl-F searches; Ctrl-K Ctrl-I tells what is at the cursor; Esc then Tab leaves the editor."</span>
            </div>
            <div
                class="editor-body"
                node_ref=host
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                        read_file(file);
                    }
                }
            ></div>
            <FindingList findings=findings on_select=Callback::new(move |(l, c)| go_to(l, c)) />
        </div>
    }
}

/// The findings, one a row: place, severity, message, rule. Clicking one calls `on_select`
/// with its line and column.
#[component]
pub fn FindingList(
    /// The findings.
    findings: Signal<Vec<Finding>>,
    /// Called with (line, column) of the finding clicked.
    on_select: Callback<(u32, u32)>,
) -> impl IntoView {
    view! {
        <div class="findings" role="region" aria-label="Findings">
            {move || {
                let fs = findings.get();
                let errors = fs.iter().filter(|f| f.severity == Severity::Error).count();
                let summary = match (errors, fs.len() - errors) {
                    (0, 0) => "No problems found.".to_owned(),
                    (e, w) => format!("{e} error{}, {w} warning{}", if e == 1 { "" } else { "s" }, if w == 1 { "" } else { "s" }),
                };
                view! {
                    <p class="findings-summary" class:clean=fs.is_empty()>{summary}</p>
                    <ul>
                        {fs
                            .into_iter()
                            .map(|f| {
                                let (line, column) = (f.pos.line, f.pos.column);
                                let severity = f.severity.to_string();
                                view! {
                                    <li class=format!("finding {severity}")>
                                        <button type="button" on:click=move |_| on_select.run((line, column))>
                                            <span class="where">{format!("{line}:{column}")}</span>
                                            <span class="severity">{severity.clone()}</span>
                                            <span class="message">{f.message.clone()}</span>
                                            <code class="path">{f.path.clone()}</code>
                                            <span class="rule">{format!("[{}]", f.rule)}</span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            }}
        </div>
    }
}

/// Copies `text` to the clipboard.
pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// Offers `text` as a download named `file_name`.
pub fn download(file_name: &str, text: &str, mime: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a")
        && let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        a.set_href(&url);
        a.set_download(file_name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The value kept under `key` in the browser's local storage.
pub fn stored(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// `source` as it stands once the frame of the keystroke that changed it is painted, kept in
/// local storage under `key`. The checks read this, so a keystroke's frame holds only the edit
/// itself, and the findings follow in the next one. The page being hidden, reloaded or left
/// stores the text at once: nothing typed is lost.
///
/// Each check of a settled text is counted on the findings list (`markChecked` in editor.js), just
/// after the text is handed to the checks, whose findings are shown before that task ends.
pub fn settled(key: &'static str, source: RwSignal<String>) -> ReadSignal<String> {
    let (settled, set_settled) = signal(source.get_untracked());
    Effect::new(move |ran: Option<()>| {
        source.track();
        // The first run sees the text just read from storage, or the sample.
        if ran.is_none() {
            return;
        }
        // Past the next frame: one comes at most 16.7 ms after the keystroke.
        set_timeout(
            move || {
                if let Some(text) = source.try_get_untracked() {
                    store(key, &text);
                    set_settled.set(text);
                    mark_checked(".findings");
                }
            },
            std::time::Duration::from_millis(20),
        );
    });
    let hidden = window_event_listener(leptos::ev::pagehide, move |_| {
        source.try_with_untracked(|s| store(key, s));
    });
    on_cleanup(move || hidden.remove());
    settled
}

/// Keeps `value` under `key` in the browser's local storage.
pub fn store(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn ranges_count_utf16_units_and_cover_the_value() {
        let text = "{\n  \"a\": \"é😀x\", \"b\": 12}\n}";
        let lines = Lines::new(text);
        assert_eq!(lines.range(1, 1), (0, 1));
        // "a" is at line 2, column 3: offset 2 + 2.
        assert_eq!(lines.range(2, 3), (4, 7));
        // é is one unit, 😀 two: the string "é😀x" is six units.
        assert_eq!(lines.range(2, 8), (9, 15));
        // 12 ends at the brace (JSON is flow style).
        assert_eq!(lines.range(2, 20), (22, 24));
        assert_eq!(lines.range(9, 1), (27, 27));
    }

    #[test]
    fn a_fix_edit_lands_at_utf16_offsets_clamped_to_the_text() {
        use hatoba_core::source::Pos;
        let lines = Lines::new("é😀\nab\n");
        let at = |line, column| lines.offset(Pos { line, column });
        assert_eq!(at(1, 3), 3);
        assert_eq!(at(2, 2), 5);
        // Past the line's end: its end; past the text's: the text's end.
        assert_eq!(at(1, 9), 3);
        assert_eq!(at(7, 1), 7);
    }

    #[test]
    fn hover_offsets_go_between_utf16_units_and_bytes() {
        use super::{byte_of_utf16, utf16_of};
        // é is two bytes and one unit, 😀 four bytes and two units.
        let text = "é😀ab";
        assert_eq!(byte_of_utf16(text, 0), 0);
        assert_eq!(byte_of_utf16(text, 1), 2);
        assert_eq!(byte_of_utf16(text, 3), 6);
        assert_eq!(byte_of_utf16(text, 4), 7);
        assert_eq!(byte_of_utf16(text, 99), text.len());
        for byte in [0, 2, 6, 7, 8] {
            assert_eq!(byte_of_utf16(text, utf16_of(text, byte)), byte);
        }
        // Inside a character: no offset there (the start of the text).
        assert_eq!(utf16_of(text, 1), 0);
    }

    #[test]
    fn yaml_values_run_to_the_comment() {
        let text = "on: push\nruns-on: ubuntu-18.04 # old\n";
        assert_eq!(Lines::new(text).range(2, 10), (18, 30));
    }
}
