//! The source editor shared by the task-definition and workflow pages: a textarea with a
//! line-number gutter whose lines with findings are marked, the list of findings (click one to
//! put the cursor on it), and opening a file by picker or by dropping it.

use hatoba_core::finding::{Finding, Severity};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// Where line `line`, column `column` (1-based, in characters) is in `text`, in the UTF-16
/// code units a textarea's selection counts.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0u32;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            let within: u32 = l
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(|c| c.len_utf16() as u32)
                .sum();
            return offset + within;
        }
        offset += l.encode_utf16().count() as u32 + 1;
    }
    offset
}

/// The editor's line height in CSS pixels (`.editor-body` in style.css says the same).
const LINE_HEIGHT: u32 = 20;

/// The gutter's text: the numbers 1 to `count`, one a line.
fn numbers(count: usize) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(count * 5);
    for n in 1..=count {
        let _ = writeln!(text, "{n}");
    }
    text
}

/// The source editor with its gutter and findings.
#[component]
pub fn SourceEditor(
    /// The text being edited.
    source: RwSignal<String>,
    /// The findings of the current text.
    findings: Signal<Vec<Finding>>,
    /// The textarea's accessible name, e.g. "Task definition source".
    label: &'static str,
    /// File types the picker offers, e.g. ".json,application/json".
    accept: &'static str,
) -> impl IntoView {
    let area: NodeRef<leptos::html::Textarea> = NodeRef::new();
    let gutter: NodeRef<leptos::html::Div> = NodeRef::new();
    // The text the textarea itself last reported: a change that came from typing is not written
    // back (which would copy the whole text into JavaScript and compare it on every keystroke).
    let typed: StoredValue<Option<String>, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move |_| {
        let Some(el) = area.get() else { return };
        source.with(|s| {
            if typed.with_value(|t| t.as_deref() != Some(s.as_str())) {
                el.set_value(s);
            }
        });
        typed.set_value(None);
    });
    let line_count = Memo::new(move |_| source.with(|s| s.split('\n').count()));
    // Each line with findings once, marked by its most serious one (findings come sorted by
    // position, so a line's findings are side by side).
    let marked = Memo::new(move |_| {
        findings.with(|fs| {
            let mut lines: Vec<(u32, Severity)> = Vec::new();
            for f in fs {
                match lines.last_mut() {
                    Some((line, severity)) if *line == f.pos.line => {
                        *severity = (*severity).min(f.severity);
                    }
                    _ => lines.push((f.pos.line, f.severity)),
                }
            }
            lines
        })
    });
    let go_to = move |line: u32, column: u32| {
        if let Some(el) = area.get() {
            let at = source.with_untracked(|s| utf16_offset(s, line, column));
            let _ = el.focus();
            let _ = el.set_selection_range(at, at);
            // Scroll the line into view, three lines below the top.
            el.set_scroll_top((line.saturating_sub(3) * LINE_HEIGHT) as i32);
        }
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
                <span class="hint">"or paste, or drop a file on the editor"</span>
            </div>
            <div
                class="editor-body"
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                        read_file(file);
                    }
                }
            >
                <div class="gutter" node_ref=gutter aria-hidden="true">
                    // The numbers are one text node, however long the file: a keystroke lays out
                    // and paints the textarea, not thousands of gutter rows. Lines with findings
                    // get a mark laid over their number.
                    <div class="numbers">{move || numbers(line_count.get())}</div>
                    <div class="marks">
                        {move || {
                            let mut next = 1;
                            marked
                                .get()
                                .into_iter()
                                .map(|(n, severity)| {
                                    let class = match severity {
                                        Severity::Error => "line error",
                                        Severity::Warning => "line warning",
                                    };
                                    // Empty lines down to line n; the mark is a line itself.
                                    let skip = "\n".repeat(n.saturating_sub(next) as usize);
                                    next = n + 1;
                                    view! { {skip}<div class=class data-line=n>{n}</div> }
                                })
                                .collect_view()
                        }}
                    </div>
                </div>
                <textarea
                    node_ref=area
                    aria-label=label
                    spellcheck="false"
                    wrap="off"
                    on:input:target=move |ev| {
                        let text = ev.target().value();
                        typed.set_value(Some(text.clone()));
                        source.set(text);
                    }
                    on:scroll=move |_| {
                        if let (Some(a), Some(g)) = (area.get(), gutter.get()) {
                            g.set_scroll_top(a.scroll_top());
                        }
                    }
                ></textarea>
            </div>
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
    use super::{numbers, utf16_offset};

    #[test]
    fn the_gutter_numbers_every_line_once() {
        assert_eq!(numbers(0), "");
        assert_eq!(numbers(3), "1\n2\n3\n");
        assert_eq!(numbers(1000).lines().last(), Some("1000"));
    }

    #[test]
    fn offsets_count_utf16_units() {
        let text = "{\n  \"a\": \"é😀x\"\n}";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 2, 3), 4);
        // é is one unit, 😀 two.
        assert_eq!(utf16_offset(text, 2, 11), 2 + 11);
        assert_eq!(utf16_offset(text, 3, 1), 2 + 13 + 1);
    }
}
