//! Walks a task definition against the shape of ECS's API (shapes.rs, generated from botocore's
//! ECS model) and reports what does not fit: unknown keys, wrong types, missing required fields
//! and values outside an enum. The rules `unknown-key`, `wrong-type`, `required-field` and
//! `enum-value` each report their part.

use super::shapes::{ROOT, SHAPES};
use crate::source::{Node, Path, Pos, Value};

/// One shape of the ECS API model.
#[derive(Debug)]
pub(crate) enum Shape {
    /// An object with named members, some required.
    Structure {
        name: &'static str,
        members: &'static [(&'static str, usize)],
        required: &'static [&'static str],
    },
    /// An array of one shape.
    List { member: usize },
    /// An object with arbitrary keys.
    Map { value: usize },
    /// A string, possibly one of a set of values.
    String { values: &'static [&'static str] },
    /// An integer.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// Any number (the generator emits it for doubles; today's input has none).
    #[allow(dead_code)]
    Number,
}

/// What the walk found.
#[derive(Debug)]
pub(crate) enum Mismatch<'a> {
    UnknownKey {
        path: Path,
        pos: Pos,
        key: &'a str,
        known: &'static [(&'static str, usize)],
        structure: &'static str,
    },
    WrongType {
        path: Path,
        pos: Pos,
        expected: &'static str,
        found: &'static str,
    },
    MissingRequired {
        path: Path,
        pos: Pos,
        field: &'static str,
        structure: &'static str,
    },
    BadEnum {
        path: Path,
        pos: Pos,
        value: &'a str,
        allowed: &'static [&'static str],
    },
}

/// Every mismatch of `root` against RegisterTaskDefinition's input.
pub(crate) fn mismatches<'a>(root: &'a Node<'a>) -> Vec<Mismatch<'a>> {
    let mut out = Vec::new();
    walk(root, ROOT, &mut Path::root(), &mut out);
    out
}

fn expected(shape: &Shape) -> &'static str {
    match shape {
        Shape::Structure { .. } | Shape::Map { .. } => "an object",
        Shape::List { .. } => "an array",
        Shape::String { .. } => "a string",
        Shape::Integer => "an integer",
        Shape::Boolean => "a boolean (true or false)",
        Shape::Number => "a number",
    }
}

/// `path` is where `node` is; it is extended and restored on the way down, and copied only
/// into a mismatch.
fn walk<'a>(node: &'a Node<'a>, shape: usize, path: &mut Path, out: &mut Vec<Mismatch<'a>>) {
    let shape = &SHAPES[shape];
    let fits = match (shape, &node.value) {
        (Shape::Structure { .. } | Shape::Map { .. }, Value::Object(_)) => true,
        (Shape::List { .. }, Value::Array(_)) => true,
        (Shape::String { .. }, Value::String(_)) => true,
        (Shape::Boolean, Value::Bool(_)) => true,
        (Shape::Number, Value::Number(_)) => true,
        (Shape::Integer, Value::Number(n)) => n.parse::<i64>().is_ok(),
        // null is what "absent" looks like in a generated file; ECS takes it as absent too.
        (_, Value::Null) => return,
        _ => false,
    };
    if !fits {
        out.push(Mismatch::WrongType {
            path: path.clone(),
            pos: node.pos,
            expected: expected(shape),
            found: node.kind(),
        });
        return;
    }
    match (shape, &node.value) {
        (
            Shape::Structure {
                name,
                members,
                required,
            },
            Value::Object(given),
        ) => {
            for member in given {
                match members.iter().find(|(k, _)| *k == member.key) {
                    Some((_, member_shape)) => {
                        path.push_key(&member.key);
                        walk(&member.value, *member_shape, path, out);
                        path.pop();
                    }
                    None => out.push(Mismatch::UnknownKey {
                        path: path.key(&member.key),
                        pos: member.key_pos,
                        key: &member.key,
                        known: members,
                        structure: name,
                    }),
                }
            }
            for field in *required {
                if !given
                    .iter()
                    .any(|m| m.key == *field && m.value.value != Value::Null)
                {
                    out.push(Mismatch::MissingRequired {
                        path: path.clone(),
                        pos: node.pos,
                        field,
                        structure: name,
                    });
                }
            }
        }
        (Shape::Map { value, .. }, Value::Object(given)) => {
            for member in given {
                path.push_key(&member.key);
                walk(&member.value, *value, path, out);
                path.pop();
            }
        }
        (Shape::List { member }, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                path.push_index(i);
                walk(item, *member, path, out);
                path.pop();
            }
        }
        (Shape::String { values, .. }, Value::String(s))
            if !values.is_empty() && !values.contains(&&**s) =>
        {
            out.push(Mismatch::BadEnum {
                path: path.clone(),
                pos: node.pos,
                value: s,
                allowed: values,
            });
        }
        _ => {}
    }
}
