//! How far the value a finding points at reaches: a finding carries where its value starts, and an
//! editor marks the whole value, not one character.

/// The column (1-based, in characters, exclusive) where the value that starts at `column` of
/// `line` ends, within that line. `flow` says the text is JSON (or YAML in flow style), where
/// `,`, `]` and `}` end a bare value.
///
/// - `${{ ... }}`: to its closing `}}`;
/// - a quoted string: to its closing quote (escapes skipped);
/// - `[...]` or `{...}` closed on the same line: all of it, else the bracket alone;
/// - anything else: to the end of the line, a ` #` comment or a `: ` after a key, without
///   trailing blanks (and in flow style to the next `,`, `]` or `}`).
///
/// A column past the line's end gives that column: an empty range there.
pub fn value_end(line: &str, column: u32, flow: bool) -> u32 {
    let start = column.saturating_sub(1) as usize;
    let chars: Vec<char> = line.chars().collect();
    if start >= chars.len() {
        return column;
    }
    let rest = &chars[start..];
    let len = match rest[0] {
        '$' if rest.get(1..3) == Some(&['{', '{']) => closing(rest, &['}', '}']),
        '"' => quoted(rest, '"'),
        '\'' => quoted(rest, '\''),
        '[' | '{' => bracket(rest).unwrap_or(1),
        _ => bare(rest, flow || inside_flow(&chars[..start])),
    };
    column + len.max(1) as u32
}

/// Length to the end of `needle` after the start, or the whole of `rest`.
fn closing(rest: &[char], needle: &[char]) -> usize {
    (2..rest.len())
        .find(|&i| rest[i..].starts_with(needle))
        .map_or(rest.len(), |i| i + needle.len())
}

/// Length of a quoted string: `\` escapes in double quotes, `''` in single ones.
fn quoted(rest: &[char], quote: char) -> usize {
    let mut i = 1;
    while i < rest.len() {
        match rest[i] {
            '\\' if quote == '"' => i += 2,
            c if c == quote && quote == '\'' && rest.get(i + 1) == Some(&'\'') => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

/// Length of a bracketed value closed on this line (strings inside skipped), if it is.
fn bracket(rest: &[char]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            '"' | '\'' => {
                i += quoted(&rest[i..], rest[i]);
                continue;
            }
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether the line before a value leaves a `[` or `{` open.
fn inside_flow(before: &[char]) -> bool {
    let opened = before.iter().filter(|c| matches!(c, '[' | '{')).count();
    let closed = before.iter().filter(|c| matches!(c, ']' | '}')).count();
    opened > closed
}

/// Length of a bare value, without trailing blanks.
fn bare(rest: &[char], flow: bool) -> usize {
    let mut end = rest.len();
    for i in 0..rest.len() {
        let next_blank = rest.get(i + 1).is_none_or(|c| c.is_whitespace());
        let stop = match rest[i] {
            '#' => i > 0 && rest[i - 1].is_whitespace(),
            ':' => next_blank,
            ',' | ']' | '}' => flow,
            _ => false,
        };
        if stop {
            end = i;
            break;
        }
    }
    while end > 1 && rest[end - 1].is_whitespace() {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::value_end;

    /// The text a range from `column` covers.
    fn covered(line: &str, column: u32, flow: bool) -> String {
        let end = value_end(line, column, flow);
        line.chars()
            .skip(column as usize - 1)
            .take((end - column) as usize)
            .collect()
    }

    #[test]
    fn json_values_end_where_they_do() {
        let line = r#"  "memory": "40\"96", "cpu": 256}"#;
        assert_eq!(covered(line, 3, true), r#""memory""#);
        assert_eq!(covered(line, 13, true), r#""40\"96""#);
        assert_eq!(covered(line, 30, true), "256");
        let ports = r#"{"portMappings": [{"containerPort": 80}], "x": true}"#;
        assert_eq!(covered(ports, 18, true), r#"[{"containerPort": 80}]"#);
        assert_eq!(covered(ports, 48, true), "true");
        // An object that goes on past the line: its bracket alone.
        assert_eq!(covered("  {", 3, true), "{");
    }

    #[test]
    fn yaml_values_end_at_comments_keys_and_flow_punctuation() {
        assert_eq!(
            covered("    runs-on: ubuntu-18.04  # old", 14, false),
            "ubuntu-18.04"
        );
        assert_eq!(covered("  unknown-key: 1", 3, false), "unknown-key");
        assert_eq!(covered("on: [push, pul_request]", 12, false), "pul_request");
        assert_eq!(covered("run: echo a, b: c", 6, false), "echo a, b");
        assert_eq!(covered("x: 'it''s' # c", 4, false), "'it''s'");
        assert_eq!(
            covered(
                "      - run: docker push ${{ steps.login.outputs.registry }}/web",
                26,
                false
            ),
            "${{ steps.login.outputs.registry }}"
        );
        assert_eq!(covered("url: http://x", 6, false), "http://x");
    }

    #[test]
    fn out_of_the_line_is_an_empty_range() {
        assert_eq!(value_end("ab", 3, false), 3);
        assert_eq!(value_end("", 1, false), 1);
        assert_eq!(value_end("é😀x", 2, false), 4);
    }
}
