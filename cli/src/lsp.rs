//! `hatoba lsp`: a language server on standard input and output, so any editor with an LSP
//! client gets what the web editor has: the findings as diagnostics (with the repository's
//! `.hatoba.toml`), completion, hover and the quick fixes as code actions, all from core.
//!
//! Workflows (`.github/workflows/*.yml`) and task definitions (JSON or YAML with
//! `containerDefinitions`) are served; other documents are left alone. Documents are synced
//! whole (`textDocumentSync: 1`); positions are UTF-16, as LSP counts by default.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use hatoba_core::assist::{self, Language};
use hatoba_core::finding::{Finding, Severity};
use hatoba_core::fix::Fix;
use hatoba_core::source::{Pos, value_end};
use serde_json::{Value, json};

use crate::check::{is_task_definition, is_workflow_path};
use crate::lintconfig::Configs;

/// The largest message read (a document is sent whole with each change).
const MAX_MESSAGE: usize = 16 << 20;

/// An open document.
struct Document {
    text: String,
    /// Its file, when its URI is a `file:` one (for `.hatoba.toml` and the workflow path).
    path: Option<PathBuf>,
    /// The findings of `text`, as last published (the code actions' findings).
    findings: Vec<Finding>,
}

impl Document {
    /// What the document is, if Hatoba serves it.
    fn language(&self) -> Option<Language> {
        match &self.path {
            Some(p) if is_workflow_path(p) => Some(Language::Workflow),
            _ if is_task_definition(&self.text) => Some(Language::TaskDefinition),
            _ => None,
        }
    }

    /// The findings, as `hatoba taskdef|workflow check` gives them for the file.
    fn check(&self, language: Language) -> Vec<Finding> {
        let findings = match language {
            Language::Workflow => hatoba_core::workflow::check(&self.text),
            Language::TaskDefinition => hatoba_core::taskdef::check(&self.text),
        };
        let Some(path) = &self.path else {
            return findings;
        };
        match Configs::new(None).and_then(|mut c| c.for_file(path)) {
            Ok(Some(found)) => found.apply(path, &self.text, findings),
            _ => findings,
        }
    }
}

/// The path of a `file:` URI (percent-decoded).
fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let decoded = hatoba_core::percent::percent_decode(rest);
    Some(PathBuf::from(decoded))
}

/// The byte offset of an LSP position (UTF-16 character on a 0-based line); the line's end
/// when the character is past it, the text's end when the line is.
fn offset(text: &str, line: u64, character: u64) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(n) => start += n + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16() as u64;
    }
    end
}

/// The LSP position of a byte offset.
fn position(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    json!({
        "line": before.matches('\n').count(),
        "character": before[line_start..].encode_utf16().count(),
    })
}

/// The byte offset of a finding's or a fix's place, which are in the text they were made from.
fn byte_of(text: &str, pos: Pos) -> usize {
    hatoba_core::source::byte_of(text, pos).unwrap_or(text.len())
}

/// The range of a finding: its whole value on its line, as the web editor marks it.
fn finding_range(text: &str, pos: Pos) -> Value {
    let from = byte_of(text, pos);
    let line_start = text[..from].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[from..].find('\n').map_or(text.len(), |n| from + n);
    let flow = text.trim_start().starts_with(['{', '[']);
    let end_column = value_end(&text[line_start..line_end], pos.column, flow);
    let to = byte_of(
        text,
        Pos {
            line: pos.line,
            column: end_column,
        },
    )
    .max(from);
    json!({"start": position(text, from), "end": position(text, to)})
}

fn diagnostic(text: &str, f: &Finding) -> Value {
    json!({
        "range": finding_range(text, f.pos),
        "severity": if f.severity == Severity::Error { 1 } else { 2 },
        "code": f.rule,
        "source": "hatoba",
        "message": f.message,
    })
}

/// The server: its documents, and where it writes.
struct Server<W: Write> {
    documents: HashMap<String, Document>,
    out: W,
    shutdown: bool,
}

impl<W: Write> Server<W> {
    fn send(&mut self, message: &Value) -> std::io::Result<()> {
        let body = message.to_string();
        write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
        self.out.flush()
    }

    /// Checks the document at `uri` (once a change) and publishes its findings.
    fn publish(&mut self, uri: &str) -> std::io::Result<()> {
        let Some(doc) = self.documents.get_mut(uri) else {
            return Ok(());
        };
        doc.findings = doc.language().map(|l| doc.check(l)).unwrap_or_default();
        let diagnostics: Vec<Value> = doc
            .findings
            .iter()
            .map(|f| diagnostic(&doc.text, f))
            .collect();
        let message = json!({
            "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": {"uri": uri, "diagnostics": diagnostics},
        });
        self.send(&message)
    }

    /// Handles one message; `Ok(false)` once `exit` has come.
    fn handle(&mut self, message: &Value) -> std::io::Result<bool> {
        let method = message["method"].as_str().unwrap_or_default();
        let params = &message["params"];
        let uri = params["textDocument"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let result = match method {
            "initialize" => json!({
                "capabilities": {
                    "textDocumentSync": 1,
                    "completionProvider": {"triggerCharacters": [".", "\"", " "]},
                    "hoverProvider": true,
                    "codeActionProvider": true,
                },
                "serverInfo": {"name": "hatoba", "version": hatoba_core::VERSION},
            }),
            "shutdown" => {
                self.shutdown = true;
                Value::Null
            }
            "exit" => return Ok(false),
            "textDocument/didOpen" => {
                let text = params["textDocument"]["text"].as_str().unwrap_or_default();
                let doc = Document {
                    text: text.to_owned(),
                    path: file_path(&uri),
                    findings: Vec::new(),
                };
                self.documents.insert(uri.clone(), doc);
                self.publish(&uri)?;
                return Ok(true);
            }
            "textDocument/didChange" => {
                // Whole-document sync: the last change is the text.
                let changes = params["contentChanges"].as_array();
                let text = changes
                    .and_then(|c| c.last())
                    .and_then(|c| c["text"].as_str());
                if let (Some(doc), Some(text)) = (self.documents.get_mut(&uri), text) {
                    doc.text = text.to_owned();
                }
                self.publish(&uri)?;
                return Ok(true);
            }
            "textDocument/didClose" => {
                self.documents.remove(&uri);
                let message = json!({
                    "jsonrpc": "2.0",
                    "method": "textDocument/publishDiagnostics",
                    "params": {"uri": uri, "diagnostics": []},
                });
                self.send(&message)?;
                return Ok(true);
            }
            "textDocument/completion" => self.completion(&uri, params),
            "textDocument/hover" => self.hover(&uri, params),
            "textDocument/codeAction" => self.code_actions(&uri, params),
            _ => {
                // A notification needs no answer; an unknown request gets "method not found".
                if message.get("id").is_some() {
                    let error = json!({
                        "jsonrpc": "2.0",
                        "id": message["id"],
                        "error": {"code": -32601, "message": format!("hatoba lsp does not handle {method}")},
                    });
                    self.send(&error)?;
                }
                return Ok(true);
            }
        };
        if message.get("id").is_some() {
            let answer = json!({"jsonrpc": "2.0", "id": message["id"], "result": result});
            self.send(&answer)?;
        }
        Ok(true)
    }

    /// The document at `uri` with its language and the byte offset of `params`' position.
    fn at(&self, uri: &str, params: &Value) -> Option<(&Document, Language, usize)> {
        let doc = self.documents.get(uri)?;
        let language = doc.language()?;
        let p = &params["position"];
        let at = offset(
            &doc.text,
            p["line"].as_u64().unwrap_or(0),
            p["character"].as_u64().unwrap_or(0),
        );
        Some((doc, language, at))
    }

    fn completion(&self, uri: &str, params: &Value) -> Value {
        let Some((doc, language, at)) = self.at(uri, params) else {
            return Value::Null;
        };
        let root = doc.path.as_deref().map(crate::assist::repository_root);
        let file = |path: &str| crate::assist::repository_file(root.as_deref()?, path);
        let c = assist::complete_with(language, &doc.text, at, &file);
        let range = json!({"start": position(&doc.text, c.from), "end": position(&doc.text, c.to)});
        let items: Vec<Value> = c
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let kind = match o.kind {
                    assist::Kind::Key => 10,
                    assist::Kind::Value => 20,
                    assist::Kind::Action => 9,
                    assist::Kind::Context => 6,
                    assist::Kind::Function => 3,
                };
                json!({
                    "label": o.label,
                    "kind": kind,
                    "detail": o.detail,
                    // Core's order, which the client would otherwise re-sort by label.
                    "sortText": format!("{i:04}"),
                    "textEdit": {"range": range, "newText": o.apply},
                })
            })
            .collect();
        json!({"isIncomplete": false, "items": items})
    }

    fn hover(&self, uri: &str, params: &Value) -> Value {
        let Some((doc, language, at)) = self.at(uri, params) else {
            return Value::Null;
        };
        let Some(h) = assist::hover(language, &doc.text, at) else {
            return Value::Null;
        };
        let mut markdown = format!("**`{}`**\n", h.title);
        for fact in &h.facts {
            markdown.push_str(&format!("\n- {fact}"));
        }
        if let Some(about) = h.about {
            markdown.push_str(&format!("\n\n{about}"));
        }
        if let Some(link) = &h.link {
            markdown.push_str(&format!("\n\n[Reference]({link})"));
        }
        json!({
            "contents": {"kind": "markdown", "value": markdown},
            "range": {"start": position(&doc.text, h.from), "end": position(&doc.text, h.to)},
        })
    }

    /// The quick fixes of the findings on the lines of the range asked about.
    fn code_actions(&self, uri: &str, params: &Value) -> Value {
        let Some(doc) = self.documents.get(uri) else {
            return json!([]);
        };
        let Some(language) = doc.language() else {
            return json!([]);
        };
        let line = |p: &Value| p["line"].as_u64().unwrap_or(0) + 1;
        let (first, last) = (
            line(&params["range"]["start"]),
            line(&params["range"]["end"]),
        );
        let fixes: fn(&str, &Finding) -> Option<Fix> = match language {
            Language::Workflow => hatoba_core::fix::workflow_fixes,
            Language::TaskDefinition => hatoba_core::fix::taskdef_fixes,
        };
        let actions: Vec<Value> = doc
            .findings
            .iter()
            .filter(|f| (first..=last).contains(&u64::from(f.pos.line)))
            .filter_map(|f| {
                let fix = fixes(&doc.text, f)?;
                let edits: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let range = json!({
                            "start": position(&doc.text, byte_of(&doc.text, e.from)),
                            "end": position(&doc.text, byte_of(&doc.text, e.to)),
                        });
                        json!({"range": range, "newText": e.insert})
                    })
                    .collect();
                Some(json!({
                    "title": fix.title,
                    "kind": "quickfix",
                    "diagnostics": [diagnostic(&doc.text, f)],
                    "edit": {"changes": {uri: edits}},
                }))
            })
            .collect();
        json!(actions)
    }
}

/// Reads one message: its headers, then `Content-Length` bytes. `None` at the end of input.
fn read_message(input: &mut impl BufRead) -> std::io::Result<Option<Vec<u8>>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let length = length.filter(|&n| n <= MAX_MESSAGE).ok_or_else(|| {
        std::io::Error::other("a message without a Content-Length of at most 16 MiB")
    })?;
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(body))
}

/// Serves `input` to `out` until `exit` or the end of input. Exit 0 after `shutdown`, else 1
/// (as the protocol asks); 2 when the stream breaks.
pub fn serve(mut input: impl BufRead, out: impl Write) -> ExitCode {
    let mut server = Server {
        documents: HashMap::new(),
        out,
        shutdown: false,
    };
    loop {
        let body = match read_message(&mut input) {
            Ok(Some(body)) => body,
            Ok(None) => break,
            Err(e) => {
                eprintln!("hatoba lsp: {e}");
                return ExitCode::from(2);
            }
        };
        let message: Value = match serde_json::from_slice(&body) {
            Ok(m) => m,
            Err(e) => {
                let error = json!({
                    "jsonrpc": "2.0",
                    "id": null,
                    "error": {"code": -32700, "message": format!("not JSON: {e}")},
                });
                if server.send(&error).is_err() {
                    return ExitCode::from(2);
                }
                continue;
            }
        };
        match server.handle(&message) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("hatoba lsp: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if server.shutdown {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `hatoba lsp`: serves standard input and output.
pub fn run() -> ExitCode {
    let stdin = std::io::stdin();
    serve(stdin.lock(), std::io::stdout().lock())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_both_ways() {
        let text = "a: é𝄞b\nc";
        let at = offset(text, 0, 6); // after `a: é𝄞` (𝄞 is two units)
        assert_eq!(&text[at..], "b\nc");
        assert_eq!(position(text, at), json!({"line": 0, "character": 6}));
        // Inside 𝄞's pair: the character after it.
        assert_eq!(offset(text, 0, 5), at);
        assert_eq!(offset(text, 0, 99), text.find('\n').unwrap());
        assert_eq!(offset(text, 7, 0), text.len());
        assert_eq!(
            file_path("file:///w/a%20b/.github/workflows/x.yml"),
            Some(PathBuf::from("/w/a b/.github/workflows/x.yml"))
        );
    }
}
