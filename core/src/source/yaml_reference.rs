//! The YAML reader Hatoba used before its own: `saphyr-parser`'s events resolved into the same
//! tree. Kept for the tests alone, as an oracle: on every document both read, the trees (values,
//! keys and every position) must be the same.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::yaml::{alias_budget, key_text, node_count, resolve_plain};
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

/// Parses the first YAML document of `text`.
pub(crate) fn parse_yaml(text: &str) -> Result<Node<'_>, SyntaxError> {
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
                None => *key = Some(key_text(node)?),
            },
        }
    }
    Ok(root.unwrap_or(Node {
        value: Value::Null,
        pos: Pos { line: 1, column: 1 },
    }))
}
