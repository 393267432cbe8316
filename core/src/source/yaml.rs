//! YAML documents with positions, read with `saphyr-parser` (the maintained successor of
//! yaml-rust, pure Rust, an event parser that reports where every event starts), resolved with
//! YAML 1.2's core schema into the same [`Node`] tree as JSON.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::{Member, Node, Pos, SyntaxError, Value};

enum Frame<'t> {
    Map {
        pos: Pos,
        anchor: usize,
        members: Vec<Member<'t>>,
        key: Option<(Cow<'t, str>, Pos)>,
    },
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node<'t>>,
    },
}

fn pos(span: &Span) -> Pos {
    Pos {
        line: span.start.line() as u32,
        column: span.start.col() as u32 + 1,
    }
}

/// A plain scalar resolved by YAML 1.2's core schema: null, booleans, integers and floats; any
/// other text is a string. Infinities and NaN stay strings (JSON has no such numbers).
fn resolve_plain(scalar: Cow<'_, str>) -> Value<'_> {
    let text: &str = &scalar;
    // Most plain scalars in workflows and task definitions are words: no digit or sign or
    // dot up front means no number, and only the few null/bool spellings remain.
    if !text.starts_with(|c: char| c.is_ascii_digit() || "-+.~".contains(c))
        && !matches!(
            text.as_bytes().first(),
            Some(b'n' | b'N' | b't' | b'T' | b'f' | b'F') | None
        )
    {
        return Value::String(scalar);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Value::Number(match scalar {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim_start_matches('+')),
            Cow::Owned(o) => Cow::Owned(o.trim_start_matches('+').to_owned()),
        });
    }
    let radix = |prefix: &str, radix: u32| {
        text.strip_prefix(prefix)
            .and_then(|d| i64::from_str_radix(d, radix).ok())
    };
    if let Some(n) = radix("0x", 16).or_else(|| radix("0o", 8)) {
        return Value::Number(Cow::Owned(n.to_string()));
    }
    let looks_float = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || b"eE.+-".contains(&b))
        && unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    match looks_float.then(|| text.parse::<f64>()) {
        Some(Ok(f)) if f.is_finite() => Value::Number(Cow::Owned(
            serde_json::Number::from_f64(f).map_or_else(|| text.to_owned(), |n| n.to_string()),
        )),
        _ => Value::String(scalar),
    }
}

/// How many nodes the aliases of a document may add: a generous multiple of its own size, with a
/// floor for small files. YAML aliases let a few hundred bytes expand to billions of nodes (an
/// anchor of nine items, each level aliasing the one before nine times); like Go's yaml.v3, the
/// parser refuses a document whose expansion outgrows its input, so parsing stays linear.
fn alias_budget(text: &str) -> usize {
    10_000 + 10 * text.len()
}

/// The nodes of a tree (itself included).
fn node_count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(members) => members.iter().map(|m| node_count(&m.value)).sum(),
        _ => 0,
    }
}

/// Parses the first YAML document of `text`.
pub fn parse_yaml(text: &str) -> Result<Node<'_>, SyntaxError> {
    let mut stack: Vec<Frame> = Vec::new();
    // Each anchor with its node and the nodes it holds.
    let mut anchors: Vec<(usize, Node, usize)> = Vec::new();
    let budget = alias_budget(text);
    let mut expanded = 0usize;
    let mut root: Option<Node> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            pos: Pos {
                line: e.marker().line() as u32,
                column: e.marker().col() as u32 + 1,
            },
            message: format!("invalid YAML: {}", e.info()),
        })?;
        let at = pos(&span);
        let node = match event {
            Event::DocumentStart(_) if root.is_some() => {
                return Err(SyntaxError {
                    pos: at,
                    message: "a second YAML document: expected one".to_owned(),
                });
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map {
                    pos: at,
                    anchor,
                    members: Vec::new(),
                    key: None,
                });
                continue;
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq {
                    pos: at,
                    anchor,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Frame::Map {
                        pos,
                        anchor,
                        members,
                        ..
                    }) => (
                        Node {
                            value: Value::Object(members),
                            pos,
                        },
                        anchor,
                    ),
                    Some(Frame::Seq { pos, anchor, items }) => (
                        Node {
                            value: Value::Array(items),
                            pos,
                        },
                        anchor,
                    ),
                    None => continue,
                };
                if anchor > 0 {
                    anchors.push((anchor, node.clone(), node_count(&node)));
                }
                node
            }
            Event::Scalar(value, style, anchor, _) => {
                let value = match style {
                    ScalarStyle::Plain => resolve_plain(value),
                    _ => Value::String(value),
                };
                let node = Node { value, pos: at };
                if anchor > 0 {
                    anchors.push((anchor, node.clone(), 1));
                }
                node
            }
            Event::Alias(id) => match anchors.iter().rev().find(|(a, _, _)| *a == id) {
                Some((_, node, count)) => {
                    expanded += count;
                    if expanded > budget {
                        return Err(SyntaxError {
                            pos: at,
                            message: format!(
                                "aliases expand this {}-byte document past {budget} nodes: refused (an alias bomb?)",
                                text.len()
                            ),
                        });
                    }
                    Node {
                        value: node.value.clone(),
                        pos: at,
                    }
                }
                None => {
                    return Err(SyntaxError {
                        pos: at,
                        message: "alias to an unknown anchor".to_owned(),
                    });
                }
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { members, key, .. }) => match key.take() {
                Some((k, key_pos)) => members.push(Member {
                    key: k,
                    key_pos,
                    value: node,
                }),
                None => {
                    let k = match node.value {
                        Value::String(s) => s,
                        Value::Number(n) => n,
                        Value::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
                        Value::Null => Cow::Borrowed("null"),
                        _ => {
                            return Err(SyntaxError {
                                pos: node.pos,
                                message:
                                    "a mapping or sequence used as a key: expected a plain key"
                                        .to_owned(),
                            });
                        }
                    };
                    *key = Some((k, node.pos));
                }
            },
        }
    }
    Ok(root.unwrap_or(Node {
        value: Value::Null,
        pos: Pos { line: 1, column: 1 },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keys_and_positions() {
        let text = "family: web\ncpu: \"256\"\ncount: 3\nratio: 0.5\nessential: true\nnothing: ~\ncontainerDefinitions:\n  - name: web\n    command: [sh, -c, 'echo hi']\n    image: &img nginx\n  - name: copy\n    image: *img\n";
        let doc = parse_yaml(text).unwrap();
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"family": "web", "cpu": "256", "count": 3, "ratio": 0.5, "essential": true, "nothing": null,
                "containerDefinitions": [{"name": "web", "command": ["sh", "-c", "echo hi"], "image": "nginx"}, {"name": "copy", "image": "nginx"}]})
        );
        let containers = doc.get("containerDefinitions").unwrap();
        let second = &containers.items().unwrap()[1];
        assert_eq!(
            second.get("image").unwrap().pos,
            Pos {
                line: 12,
                column: 12
            }
        );
        assert_eq!(
            doc.members().unwrap()[1].key_pos,
            Pos { line: 2, column: 1 }
        );
        assert_eq!(doc.get("cpu").unwrap().pos, Pos { line: 2, column: 6 });
    }

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain("0x1F".into()), Value::Number("31".into()));
        assert_eq!(resolve_plain("-12".into()), Value::Number("-12".into()));
        assert_eq!(resolve_plain("1e3".into()), Value::Number("1000.0".into()));
        assert_eq!(resolve_plain("yes".into()), Value::String("yes".into()));
        assert_eq!(resolve_plain(".inf".into()), Value::String(".inf".into()));
        assert_eq!(resolve_plain("1.2.3".into()), Value::String("1.2.3".into()));
    }

    /// Nine-fold aliasing at eight levels: 340-odd bytes that would expand to 9^9 nodes.
    pub(crate) fn alias_bomb() -> String {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (level, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            text.push_str(&format!("{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        text
    }

    #[test]
    fn an_alias_bomb_is_refused_and_ordinary_aliases_are_not() {
        let bomb = alias_bomb();
        assert!(bomb.len() < 400, "{}", bomb.len());
        let err = parse_yaml(&bomb).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
        // Anchors reused as people reuse them (shared settings, a few times each) still parse.
        let mut text = String::from(
            "defaults: &d {cpu: 256, memory: 512, essential: true, logs: {driver: awslogs, group: web}}\n",
        );
        for n in 0..50 {
            text.push_str(&format!("c{n}: *d\n"));
        }
        let doc = parse_yaml(&text).unwrap();
        assert_eq!(doc.members().unwrap().len(), 51);
    }

    #[test]
    fn errors_have_a_place() {
        let err = parse_yaml("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML: "), "{err}");
        assert!(err.pos.line >= 1);
        let err = parse_yaml("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(err.to_string(), "2:1: a second YAML document: expected one");
    }
}
