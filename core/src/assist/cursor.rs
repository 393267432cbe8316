//! Where a place in a document is: the keys and list items from the root to it, and whether a
//! key or a value is being written there. The text being edited is seldom a whole document
//! (`"healthC` has no closing quote, `ste` under a job is no mapping yet), so this is a tolerant
//! scan of the text, not a parse: JSON by its brackets, YAML by its indentation.

/// One step of a path: a mapping's key or a list's item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// The member `key` of a mapping.
    Key(String),
    /// An item of a list.
    Index,
}

/// What is being written at the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A key of the mapping at the path.
    Key,
    /// The value at the path (a key's value, or an item when the path ends in an item).
    Value,
    /// A new YAML list item at the path (`- pu`): a scalar, or the first key of a mapping.
    Item,
}

/// A place in a document.
#[derive(Debug, Clone)]
pub(crate) struct Cursor {
    /// From the root to the mapping (for [`Role::Key`]) or the value.
    pub path: Vec<Seg>,
    /// What is being written.
    pub role: Role,
    /// The word written so far, up to the cursor.
    pub prefix: String,
    /// The byte range of the whole word around the cursor (what a completion replaces).
    pub from: usize,
    /// See `from`.
    pub to: usize,
    /// Whether the word is inside a JSON string (its quotes are written).
    pub quoted: bool,
    /// Whether the document is JSON.
    pub json: bool,
    /// The keys of the mapping the cursor is in, with their scalar values (`""` for others).
    pub siblings: Vec<(String, String)>,
    /// The keys of the mapping that holds that mapping, with their scalar values (YAML only: a
    /// step's `uses` when the cursor is in its `with`).
    pub parent: Vec<(String, String)>,
    /// The root mapping's keys with their scalar values (a task definition's `cpu`).
    pub root: Vec<(String, String)>,
}

impl Cursor {
    /// The scalar value of the member `key` in `members`.
    pub(crate) fn value_in<'c>(members: &'c [(String, String)], key: &str) -> Option<&'c str> {
        members
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The last key of the path, if it ends in one.
    pub(crate) fn last_key(&self) -> Option<&str> {
        match self.path.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }
}

/// Whether a character belongs to a word a completion replaces.
pub(crate) fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '@' | '*')
}

/// The place at byte `at` of `text` (clamped to a character boundary), JSON when the text
/// starts with `{` or `[`, YAML otherwise.
pub(crate) fn at(text: &str, at: usize) -> Option<Cursor> {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if text.trim_start().starts_with(['{', '[']) {
        json(text, at)
    } else {
        yaml(text, at)
    }
}

/// The end of the word that starts at `at`.
fn word_end(text: &str, at: usize) -> usize {
    at + text[at..]
        .find(|c: char| !word_char(c))
        .unwrap_or(text.len() - at)
}

/// One open object or array of a JSON scan.
#[derive(Default)]
struct Frame {
    object: bool,
    /// The last key read.
    key: String,
    /// 0 a key is next, 1 a colon, 2 a value, 3 a comma or the end.
    phase: u8,
    /// Its keys and their scalar values.
    members: Vec<(String, String)>,
}

fn json(text: &str, at: usize) -> Option<Cursor> {
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    // The cursor, once the scan passes it, and the depth of its frame.
    let mut found: Option<(Cursor, usize)> = None;
    // Whether the cursor's frame has closed (its members are the cursor's siblings by then).
    let mut closed = false;
    let mut root = Vec::new();
    let mut i = 0;
    loop {
        if found.is_none() && i >= at {
            found = decide(&stack, at, at, "", false).map(|c| (c, stack.len()));
        }
        let Some(&byte) = b.get(i) else { break };
        match byte {
            b'{' | b'[' => {
                stack.push(Frame {
                    object: byte == b'{',
                    phase: if byte == b'{' { 0 } else { 2 },
                    ..Frame::default()
                });
            }
            b'}' | b']' => {
                let Some(frame) = stack.pop() else { break };
                if let Some((cursor, depth)) = &mut found
                    && !closed
                    && stack.len() + 1 == *depth
                {
                    cursor.siblings = frame.members.clone();
                    closed = true;
                }
                match stack.last_mut() {
                    Some(top) => {
                        if top.object {
                            top.members.push((top.key.clone(), String::new()));
                        }
                        top.phase = 3;
                    }
                    None => root = frame.members,
                }
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(b.len());
                if found.is_none() && at > start && at <= end {
                    found = decide(&stack, at, word_end(text, at), &text[start + 1..at], true)
                        .map(|c| (c, stack.len()));
                }
                scalar(&mut stack, &text[start + 1..end]);
            }
            b':' => {
                if let Some(top) = stack.last_mut() {
                    top.phase = 2;
                }
            }
            b',' => {
                if let Some(top) = stack.last_mut() {
                    top.phase = if top.object { 0 } else { 2 };
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b"+-.".contains(&b[i])) {
                    i += 1;
                }
                if i == start {
                    // Anything else (a stray character) is one character long.
                    i += text[start..].chars().next().map_or(1, char::len_utf8);
                }
                if found.is_none() && at > start && at <= i {
                    found =
                        decide(&stack, at, i, &text[start..at], false).map(|c| (c, stack.len()));
                }
                scalar(&mut stack, &text[start..i]);
                continue;
            }
        }
        i += 1;
    }
    let (mut cursor, depth) = found?;
    if !closed && let Some(frame) = stack.get(depth.wrapping_sub(1)) {
        cursor.siblings = frame.members.clone();
    }
    if let Some(frame) = stack.first_mut() {
        root = std::mem::take(&mut frame.members);
    }
    cursor.root = root;
    Some(cursor)
}

/// A string or literal read in a JSON scan: a key, or a value.
fn scalar(stack: &mut [Frame], text: &str) {
    let Some(top) = stack.last_mut() else { return };
    if top.object && top.phase == 0 {
        top.key = text.to_owned();
        top.phase = 1;
        return;
    }
    if top.object && top.phase == 2 {
        top.members.push((top.key.clone(), text.to_owned()));
    }
    top.phase = 3;
}

/// The cursor of a JSON scan at `from`, given the open frames.
fn decide(stack: &[Frame], from: usize, to: usize, prefix: &str, quoted: bool) -> Option<Cursor> {
    let top = stack.last()?;
    let mut path = Vec::new();
    for pair in stack.windows(2) {
        path.push(if pair[0].object {
            Seg::Key(pair[0].key.clone())
        } else {
            Seg::Index
        });
    }
    let role = match (top.object, top.phase) {
        (true, 0) => Role::Key,
        (true, 2) => {
            path.push(Seg::Key(top.key.clone()));
            Role::Value
        }
        (false, 2) => {
            path.push(Seg::Index);
            Role::Value
        }
        _ => return None,
    };
    Some(Cursor {
        path,
        role,
        prefix: prefix.to_owned(),
        from: from - prefix.len(),
        to,
        quoted,
        json: true,
        siblings: Vec::new(),
        parent: Vec::new(),
        root: Vec::new(),
    })
}

/// One line of a YAML text: where it starts, and the line without its end.
struct Line<'t> {
    start: usize,
    text: &'t str,
}

/// A key or item open above the cursor: its column, what it is, and its line.
struct Open {
    column: usize,
    seg: Seg,
    line: usize,
}

/// The content of a YAML line without a trailing comment (a `#` after a space, outside quotes).
fn content(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && (prev == ' ' || prev == '\t') => {
                return line[..i].trim_end();
            }
            _ => {}
        }
        prev = c;
    }
    line.trim_end()
}

/// Splits `key: value` (or `key:`) at its colon: the key (unquoted) and the value, if the text is
/// a mapping entry.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let quoted = text.starts_with(['"', '\'']);
    let mut from = 0;
    if quoted {
        from = text[1..].find(&text[..1])? + 2;
    }
    let colon = from
        + text[from..].match_indices(':').map(|(i, _)| i).find(|&i| {
            text[from + i + 1..].is_empty() || text[from + i + 1..].starts_with([' ', '\t'])
        })?;
    let key = text[..colon].trim_end();
    let key = if quoted { &key[1..key.len() - 1] } else { key };
    (!key.is_empty() && !key.starts_with(['{', '[', '-', '#']))
        .then(|| (key, text[colon + 1..].trim()))
}

/// The indentation of a line and its content after any `- ` item marks: the column of that
/// content, how many item marks it has, and the content.
fn items(line: &str) -> (usize, usize, usize, &str) {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut rest = &line[indent..];
    let mut column = indent;
    let mut marks = 0;
    while rest == "-" || rest.starts_with("- ") {
        let after = rest[1..].trim_start_matches(' ');
        column += rest.len() - after.len();
        rest = after;
        marks += 1;
    }
    (indent, column, marks, rest)
}

/// Whether a value starts a block scalar (`|`, `>-`, `|2`).
fn block_start(value: &str) -> bool {
    value.starts_with(['|', '>'])
        && value[1..]
            .chars()
            .all(|c| matches!(c, '+' | '-') || c.is_ascii_digit())
}

/// The members of the YAML mapping whose keys sit at `column`, read around line `line` (one of
/// its keys, or the cursor's): keys with their scalar values.
fn members(lines: &[Line], line: usize, column: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // Reads a line: its key if it is one of the mapping's; whether the mapping goes on past it.
    let read = |l: &Line, out: &mut Vec<(String, String)>| -> bool {
        let c = content(l.text);
        if c.trim().is_empty() || c.trim_start().starts_with('#') {
            return true;
        }
        let (indent, at, _, rest) = items(c);
        if at == column
            && let Some((key, value)) = split_key(rest)
        {
            out.push((key.to_owned(), value.trim_matches(['"', '\'']).to_owned()));
        }
        indent >= column
    };
    // Upwards to the line left of it (the `- ` that opens it is read, then ends it).
    for l in lines[..line].iter().rev() {
        if !read(l, &mut out) {
            break;
        }
    }
    out.reverse();
    // Downwards from the line to the line left of it.
    if let Some(l) = lines.get(line) {
        read(l, &mut out);
    }
    for l in lines.iter().skip(line + 1) {
        let c = content(l.text);
        let indent = c.len() - c.trim_start_matches(' ').len();
        if !c.trim().is_empty() && !c.trim_start().starts_with('#') && indent < column {
            break;
        }
        read(l, &mut out);
    }
    out
}

fn yaml(text: &str, at: usize) -> Option<Cursor> {
    let mut lines = Vec::new();
    let mut start = 0;
    for l in text.split('\n') {
        lines.push(Line { start, text: l });
        start += l.len() + 1;
    }
    let here = lines.iter().rposition(|l| l.start <= at)?;
    let mut open: Vec<Open> = Vec::new();
    // The column of the key whose block scalar is being read, if one is.
    let mut block: Option<usize> = None;
    for (n, l) in lines[..here].iter().enumerate() {
        let c = content(l.text);
        let indent = l.text.len() - l.text.trim_start_matches(' ').len();
        if let Some(column) = block {
            if c.trim().is_empty() || indent > column {
                continue;
            }
            block = None;
        }
        if c.trim().is_empty() || c.trim_start().starts_with('#') || c.starts_with("---") {
            continue;
        }
        let (_, column, _, rest) = push_items(&mut open, c, n);
        if let Some((key, value)) = split_key(rest) {
            open.retain(|o| o.column < column);
            open.push(Open {
                column,
                seg: Seg::Key(key.to_owned()),
                line: n,
            });
            if block_start(value) {
                block = Some(column);
            }
        }
    }
    let line = &lines[here];
    let before = &line.text[..at - line.start];
    let mut cursor = Cursor {
        path: Vec::new(),
        role: Role::Value,
        prefix: String::new(),
        from: at,
        to: word_end(text, at),
        quoted: false,
        json: false,
        siblings: Vec::new(),
        parent: Vec::new(),
        root: members(&lines, 0, 0),
    };
    let indent = before.len() - before.trim_start_matches(' ').len();
    if block.is_some_and(|column| indent > column) {
        // Inside a block scalar: the value of its key.
        cursor.path = open.into_iter().map(|o| o.seg).collect();
        return Some(cursor);
    }
    let (_, column, marks, rest) = push_items(&mut open, before, here);
    if let Some((key, value)) = split_key(rest) {
        open.retain(|o| o.column < column);
        cursor.path = open.iter().map(|o| o.seg.clone()).collect();
        cursor.path.push(Seg::Key(key.to_owned()));
        // A flow list's item: after its `[` or last `,`.
        let (value, item) = match value.strip_prefix('[') {
            Some(list) => (list.rsplit(',').next().unwrap_or(list).trim_start(), true),
            None => (value, false),
        };
        if item {
            cursor.path.push(Seg::Index);
        }
        cursor.quoted = value.starts_with(['"', '\'']);
        cursor.prefix = value.trim_start_matches(['"', '\'']).to_owned();
    } else {
        // `- pu`: an item; `ste`: a key of the mapping left of it.
        cursor.role = if marks > 0 { Role::Item } else { Role::Key };
        open.retain(|o| o.column < column);
        cursor.path = open.iter().map(|o| o.seg.clone()).collect();
        cursor.prefix = rest.to_owned();
    }
    cursor.from = at - cursor.prefix.len();
    // The mapping the cursor is in, and the one holding it (through an item when it is one).
    cursor.siblings = members(&lines, here, column);
    if let Some(holder) = open
        .iter()
        .rev()
        .find(|o| matches!(o.seg, Seg::Key(_)) && o.column < column)
    {
        cursor.parent = members(&lines, holder.line, holder.column);
    }
    Some(cursor)
}

/// Reads a line's `- ` item marks onto the open keys and items; gives back what [`items`] does.
fn push_items<'l>(open: &mut Vec<Open>, line: &'l str, n: usize) -> (usize, usize, usize, &'l str) {
    let (indent, column, marks, rest) = items(line);
    let mut mark = indent;
    for _ in 0..marks {
        // A sibling item, or anything deeper than the mark, closes.
        open.retain(|o| o.column < mark || (o.column == mark && o.seg != Seg::Index));
        open.push(Open {
            column: mark,
            seg: Seg::Index,
            line: n,
        });
        mark += 2;
    }
    (indent, column, marks, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cursor where `|` is in `text` (which is taken out).
    fn cursor(text: &str) -> Cursor {
        let at = text.find('|').unwrap();
        let text = text.replacen('|', "", 1);
        super::at(&text, at).unwrap_or_else(|| panic!("no cursor in {text:?}"))
    }

    fn path(c: &Cursor) -> String {
        c.path
            .iter()
            .map(|s| match s {
                Seg::Key(k) => k.clone(),
                Seg::Index => "[]".into(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    #[test]
    fn a_json_key_being_written_in_a_container() {
        let c = cursor(r#"{"family": "web", "containerDefinitions": [{"name": "a", "healthC|"#);
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str(), c.quoted),
            ("containerDefinitions.[]".into(), Role::Key, "healthC", true)
        );
        assert_eq!(Cursor::value_in(&c.siblings, "name"), Some("a"));
        assert_eq!(Cursor::value_in(&c.root, "family"), Some("web"));
    }

    #[test]
    fn a_json_value_in_its_string_and_bare() {
        let c = cursor(r#"{"networkMode": "aw|s", "cpu": "256"}"#);
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str()),
            ("networkMode".into(), Role::Value, "aw")
        );
        assert_eq!((c.from, c.to), (17, 20));
        assert_eq!(Cursor::value_in(&c.root, "cpu"), Some("256"));
        let c = cursor(r#"{"containerDefinitions": [{"essential": t|}]}"#);
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str(), c.quoted),
            (
                "containerDefinitions.[].essential".into(),
                Role::Value,
                "t",
                false
            )
        );
    }

    #[test]
    fn a_json_key_after_a_comma_knows_the_keys_after_it() {
        let c = cursor(r#"{"family": "x", | "cpu": "256", "containerDefinitions": []}"#);
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str()),
            ("".into(), Role::Key, "")
        );
        let keys: Vec<_> = c.siblings.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["family", "cpu", "containerDefinitions"]);
    }

    #[test]
    fn a_yaml_key_under_a_job_and_in_a_compact_step() {
        let c = cursor("on: push\njobs:\n  build:\n    runs-on: x\n    ste|\n");
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str()),
            ("jobs.build".into(), Role::Key, "ste")
        );
        let c = cursor(
            "jobs:\n  b:\n    steps:\n    - uses: actions/checkout@v4\n      wi|\n    - run: x\n",
        );
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str()),
            ("jobs.b.steps.[]".into(), Role::Key, "wi")
        );
        assert_eq!(
            Cursor::value_in(&c.siblings, "uses"),
            Some("actions/checkout@v4")
        );
    }

    #[test]
    fn a_yaml_with_key_knows_its_steps_action() {
        let c = cursor(
            "jobs:\n  b:\n    steps:\n      - name: n\n        uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: r\n          aws-re|\n      - run: echo\n",
        );
        assert_eq!(
            (path(&c), c.role),
            ("jobs.b.steps.[].with".into(), Role::Key)
        );
        assert_eq!(
            Cursor::value_in(&c.parent, "uses"),
            Some("aws-actions/configure-aws-credentials@v4")
        );
        let keys: Vec<_> = c.siblings.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["role-to-assume"]);
    }

    #[test]
    fn yaml_values_items_and_flow_lists() {
        let c = cursor("jobs:\n  b:\n    runs-on: ubu|\n");
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str()),
            ("jobs.b.runs-on".into(), Role::Value, "ubu")
        );
        let c = cursor("on:\n  - push\n  - pu|\n");
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str()),
            ("on.[]".into(), Role::Item, "pu")
        );
        let c = cursor("on:\n  pull_request:\n    types: [opened, sy|]\n");
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str()),
            ("on.pull_request.types.[]".into(), Role::Value, "sy")
        );
    }

    #[test]
    fn a_block_scalar_hides_its_lines_and_holds_the_cursor() {
        let text = "jobs:\n  b:\n    steps:\n      - run: >-\n          - not: an item\n          echo ${{ st|\n";
        let c = cursor(text);
        assert_eq!(
            (path(&c), c.role),
            ("jobs.b.steps.[].run".into(), Role::Value)
        );
        let c = cursor("jobs:\n  b:\n    steps:\n      - run: >-\n          a: b\n      - na|\n");
        assert_eq!(
            (path(&c), c.role, c.prefix.as_str()),
            ("jobs.b.steps.[]".into(), Role::Item, "na")
        );
    }

    #[test]
    fn every_place_of_every_fixture_is_read_without_a_panic() {
        for text in [
            "{\"a\": [1, {\"b\": \"c\\\"d\"}], \"e\": nul",
            "a:\n  - - b: c\n    - d\n  e: |\n    x\n\"q:\": 'r' # s\n",
            "é: \"ü\"\n  -\n- : x\n",
            "[{\"a\"",
        ] {
            for at in 0..=text.len() + 2 {
                let _ = super::at(text, at);
            }
        }
    }
}
