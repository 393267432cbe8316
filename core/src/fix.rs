//! Quick fixes: for some findings, the edit of the text that settles them, computed here so the
//! editor and the CLI offer the same ones. Each fix is checked against the text: a finding whose
//! value is not where and what the fix expects gets none, rather than a wrong edit.
//!
//! - `fargate-cpu-memory`: the memory nearest the one written that Fargate pairs with the CPU;
//! - `read-only-field`: the member `describe-task-definition` added, removed;
//! - `outdated-action`: the action's first major version on a supported runtime;
//! - `script-injection`: the `${{ }}` moved out of the script into the step's `env:`;
//! - `step-ref`: `id: X` given to the one earlier step that sets the output `steps.X` reads.

use crate::finding::Finding;
use crate::source::{Node, Pos, byte_of, parse_document, parse_yaml, pos_of, value_end};
use crate::taskdef::units::{cpu_units, fargate_memory_for_cpu, memory_mib};
use crate::workflow::Workflow;

/// One change of the text: the characters from `from` to `to` (exclusive) replaced by `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Where the replaced text starts (line and column from 1, columns in characters).
    pub from: Pos,
    /// Where it ends, exclusive (`from` for a pure insertion).
    pub to: Pos,
    /// What replaces it.
    pub insert: String,
}

/// The fix of one finding: what it does, in a few words, and its edits (which do not overlap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The rule of the finding it fixes.
    pub rule: &'static str,
    /// What it does, e.g. `Set memory to "2048"`.
    pub title: String,
    /// The edits, each in terms of the text before any of them.
    pub edits: Vec<Edit>,
}

/// The fix of a finding of [`crate::taskdef::check`] on `text`, if there is one.
pub fn taskdef_fixes(text: &str, finding: &Finding) -> Option<Fix> {
    match finding.rule {
        crate::taskdef::rules::fargate_cpu_memory::ID => fargate_memory(text, finding),
        crate::taskdef::rules::READ_ONLY_FIELD => drop_member(text, finding),
        _ => None,
    }
}

/// The fix of a finding of [`crate::workflow::check`] on `text`, if there is one.
pub fn workflow_fixes(text: &str, finding: &Finding) -> Option<Fix> {
    match finding.rule {
        crate::workflow::rules::outdated_action::ID => action_version(text, finding),
        crate::workflow::rules::script_injection::ID => script_env(text, finding),
        crate::workflow::rules::step_ref::ID => step_id(text, finding),
        _ => None,
    }
}

/// `text` with `edits` made, each given in terms of `text`. An edit at a place the text does not
/// have, or overlapping one before it, is left out.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .filter_map(|e| {
            let (from, to) = (byte_of(text, e.from)?, byte_of(text, e.to)?);
            (from <= to).then_some((from, to, e.insert.as_str()))
        })
        .collect();
    crate::sort_short(&mut spans, |a, b| a.0 < b.0);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (from, to, insert) in spans {
        if from < at {
            continue;
        }
        out.push_str(&text[at..from]);
        out.push_str(insert);
        at = to;
    }
    out.push_str(&text[at..]);
    out
}

/// Line `n` (from 1) of `text`, without its `\n`.
fn line_of(text: &str, n: u32) -> Option<&str> {
    text.split('\n').nth(n.checked_sub(1)? as usize)
}

/// The column just past the last character of line `n`.
fn line_end(text: &str, n: u32) -> Option<Pos> {
    let column = line_of(text, n)?.chars().count() as u32 + 1;
    Some(Pos { line: n, column })
}

/// Whether the text is JSON (or YAML in flow style), where `,`, `]` and `}` end a bare value.
fn is_flow(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

/// The value written at `pos`, as its characters in the text, and the column just past it.
fn token_at(text: &str, pos: Pos) -> Option<(String, u32)> {
    let line = line_of(text, pos.line)?;
    let end = value_end(line, pos.column, is_flow(text));
    let token: String = line
        .chars()
        .skip(pos.column.checked_sub(1)? as usize)
        .take((end - pos.column) as usize)
        .collect();
    (!token.is_empty()).then_some((token, end))
}

/// A quoted token's quote and content (with no escapes in it), or a bare one's text.
fn unquote(token: &str) -> (Option<char>, &str) {
    for q in ['"', '\''] {
        if let Some(inner) = token.strip_prefix(q).and_then(|t| t.strip_suffix(q))
            && !inner.contains(['\\', q])
        {
            return (Some(q), inner);
        }
    }
    (None, token)
}

/// How many spaces a line starts with, or `None` for a blank line.
fn indent_of(line: &str) -> Option<usize> {
    let trimmed = line.trim_start_matches(' ');
    (!trimmed.trim().is_empty()).then(|| line.len() - trimmed.len())
}

/// The last line of the YAML block that starts at line `start`: the lines after it indented by
/// more than `indent` spaces (blank lines between them included, after them not).
fn block_last_line(text: &str, start: u32, indent: usize) -> u32 {
    let mut last = start;
    for (n, line) in text.split('\n').enumerate().skip(start as usize) {
        match indent_of(line) {
            None => {}
            Some(i) if i > indent => last = n as u32 + 1,
            Some(_) => break,
        }
    }
    last
}

/// Whether line `pos.line` holds only spaces before `pos`: a key of a block mapping.
fn starts_its_line(text: &str, pos: Pos) -> Option<bool> {
    let line = line_of(text, pos.line)?;
    let before = pos.column.checked_sub(1)? as usize;
    Some(line.chars().take(before).all(|c| c == ' ') && line.chars().count() > before)
}

/// `fargate-cpu-memory` on `memory`: the Fargate memory nearest the one written, in its unit.
fn fargate_memory(text: &str, finding: &Finding) -> Option<Fix> {
    let document = crate::taskdef::load(text).document?;
    let memory = document.get("memory")?;
    if finding.path != "memory" || memory.pos != finding.pos {
        return None;
    }
    let cpu = cpu_units(document.get("cpu")?.as_str()?)?;
    let written = memory.as_str()?;
    let current = memory_mib(written)?;
    let allowed = fargate_memory_for_cpu(cpu)?;
    let best = *allowed.iter().min_by_key(|m| m.abs_diff(current))?;
    if best == current || written.trim() != written {
        return None;
    }
    let unit = &written[written
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(written.len())..];
    let value = match unit.trim().to_ascii_lowercase().as_str() {
        "gb" | "gib" if best.is_multiple_of(1024) => format!("{}{unit}", best / 1024),
        "gb" | "gib" => best.to_string(),
        _ => format!("{best}{unit}"),
    };
    let (token, end) = token_at(text, finding.pos)?;
    let (quote, inner) = unquote(&token);
    if inner != written {
        return None;
    }
    let q = quote.unwrap_or('"');
    Some(Fix {
        rule: finding.rule,
        title: format!("Set memory to \"{value}\""),
        edits: vec![Edit {
            from: finding.pos,
            to: Pos {
                line: finding.pos.line,
                column: end,
            },
            insert: format!("{q}{value}{q}"),
        }],
    })
}

/// `read-only-field`: the member removed, with its comma (JSON) or its lines (YAML).
fn drop_member(text: &str, finding: &Finding) -> Option<Fix> {
    let root = parse_document(text).ok()?;
    let (members, i) = [Some(&root), root.get("taskDefinition")]
        .into_iter()
        .flatten()
        .filter_map(Node::members)
        .find_map(|ms| {
            ms.iter()
                .position(|m| m.key_pos == finding.pos && m.key == finding.path)
                .map(|i| (ms, i))
        })?;
    let (from, to) = if is_flow(text) {
        let end = |i: usize| {
            let start = byte_of(text, members[i].value.pos)?;
            Some(pos_of(text, json_end(text, start)?))
        };
        match (members.get(i + 1), i) {
            (Some(next), _) => (finding.pos, next.key_pos),
            (None, 0) => (finding.pos, end(i)?),
            (None, _) => (end(i - 1)?, end(i)?),
        }
    } else {
        if !starts_its_line(text, finding.pos)? {
            return None;
        }
        let last = block_last_line(text, finding.pos.line, finding.pos.column as usize - 1);
        let start = Pos {
            line: finding.pos.line,
            column: 1,
        };
        match line_of(text, last + 1) {
            Some(_) => (
                start,
                Pos {
                    line: last + 1,
                    column: 1,
                },
            ),
            None if finding.pos.line > 1 => {
                (line_end(text, finding.pos.line - 1)?, line_end(text, last)?)
            }
            None => (start, line_end(text, last)?),
        }
    };
    Some(Fix {
        rule: finding.rule,
        title: format!("Remove `{}`", finding.path),
        edits: vec![Edit {
            from,
            to,
            insert: String::new(),
        }],
    })
}

/// The byte just past the JSON value that starts at byte `start`.
fn json_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, start);
    loop {
        match *bytes.get(i)? {
            b'"' => {
                i += 1;
                loop {
                    match *bytes.get(i)? {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' | b',' | b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => return Some(i),
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// `outdated-action`: `@v1` replaced by the action's first major on a supported runtime.
fn action_version(text: &str, finding: &Finding) -> Option<Fix> {
    if !finding.path.ends_with(".uses") {
        return None;
    }
    let (token, _) = token_at(text, finding.pos)?;
    let (quote, uses) = unquote(&token);
    let (action, git_ref) = uses.split_once('@')?;
    let minimum = crate::workflow::rules::outdated_action::minimum_major(action)?;
    let major: u32 = git_ref
        .strip_prefix('v')?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    if major >= minimum {
        return None;
    }
    let column =
        finding.pos.column + u32::from(quote.is_some()) + action.chars().count() as u32 + 1;
    Some(Fix {
        rule: finding.rule,
        title: format!("Use {action}@v{minimum}"),
        edits: vec![Edit {
            from: Pos {
                line: finding.pos.line,
                column,
            },
            to: Pos {
                line: finding.pos.line,
                column: column + git_ref.chars().count() as u32,
            },
            insert: format!("v{minimum}"),
        }],
    })
}

/// `script-injection`: the expression in the script replaced by an environment variable, quoted
/// for the shell, which the step's `env:` sets to it.
/// `steps.X.outputs.Y` where no step has `id: X`: the earlier steps of the job with no id that
/// set `Y` (a known action with that output, or a script that writes `Y=` to `$GITHUB_OUTPUT`);
/// when there is exactly one, it is given `id: X` as its first key.
fn step_id(text: &str, finding: &Finding) -> Option<Fix> {
    if !finding.message.starts_with("no step of job `") {
        return None;
    }
    let at = byte_of(text, finding.pos)?;
    let reference: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    let mut parts = reference.split('.');
    let (id, outputs, output) = (parts.next()?, parts.next()?, parts.next()?);
    if !outputs.eq_ignore_ascii_case("outputs") || id.is_empty() || output.is_empty() {
        return None;
    }
    let root = parse_yaml(text).ok()?;
    let wf = Workflow::new(&root, text);
    // `jobs.J.steps[N]...`: the steps before N; `jobs.J.outputs...`: all of the job's.
    let job = wf
        .jobs()
        .iter()
        .find(|j| finding.path.starts_with(&format!("{}.", j.path.to_path())))?;
    let steps = job.node.get("steps")?.items()?;
    let prefix = format!("{}.steps[", job.path.to_path());
    let before = match finding.path.strip_prefix(&prefix) {
        Some(rest) => rest.split(']').next()?.parse().ok()?,
        None => steps.len(),
    };
    let sets = |step: &Node| {
        let uses = step.get("uses").and_then(Node::as_str);
        let by_action = uses
            .and_then(crate::workflow::actions::known)
            .is_some_and(|a| a.has_output(output, uses.and_then(crate::workflow::actions::major)));
        let by_script = step.get("run").and_then(Node::as_str).is_some_and(|run| {
            run.contains("GITHUB_OUTPUT") && run.contains(&format!("{output}="))
        });
        step.get("id").is_none() && (by_action || by_script)
    };
    let mut candidates = steps.get(..before)?.iter().filter(|s| sets(s));
    let (step, None) = (candidates.next()?, candidates.next()) else {
        return None;
    };
    // A flow mapping (`- {run: x}`) is left alone; a block one gets the key above its first.
    let first = step.members()?.first()?;
    if step.pos != first.key_pos || line_of(text, step.pos.line)?.trim_start().starts_with('{') {
        return None;
    }
    let indent = " ".repeat(step.pos.column.checked_sub(1)? as usize);
    Some(Fix {
        rule: finding.rule,
        title: format!("Give the step that sets `{output}` `id: {id}`"),
        edits: vec![Edit {
            from: step.pos,
            to: step.pos,
            insert: format!("id: {id}\n{indent}"),
        }],
    })
}

fn script_env(text: &str, finding: &Finding) -> Option<Fix> {
    let root = parse_yaml(text).ok()?;
    let wf = Workflow::new(&root, text);
    let step_path = finding.path.strip_suffix(".run")?;
    let step = wf
        .jobs()
        .iter()
        .flat_map(|j| &j.steps)
        .find(|(p, _)| p.to_path().to_string() == step_path)?
        .1;
    let run = step.get("run")?;
    // A quoted scalar would need its own escapes for the quotes the reference brings.
    if matches!(token_at(text, run.pos)?.0.chars().next(), Some('"' | '\'')) {
        return None;
    }
    let at = byte_of(text, finding.pos)?;
    let line_rest = line_of(&text[at..], 1)?;
    let raw = &line_rest[..line_rest.find("}}")? + 2];
    if !raw.starts_with("${{") || !finding.message.starts_with(raw) {
        return None;
    }
    let inner = raw[3..raw.len() - 2].trim();
    // Whether the shell reads the place inside double quotes (or single ones, where a variable
    // is not expanded: no fix then).
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let script_start = match run.pos.line == finding.pos.line {
        true => byte_of(text, run.pos)?,
        false => line_start,
    };
    let (mut single, mut double, mut escaped) = (false, false, false);
    for c in text.get(script_start..at)?.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
    }
    if single {
        return None;
    }
    let word = inner
        .rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .find(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()))?;
    let base = word.to_ascii_uppercase();
    let env = step.get("env");
    let entries = env.map(|e| e.members()).unwrap_or(Some(&[]))?;
    let (name, exists) = (1..10)
        .map(|n| match n {
            1 => base.clone(),
            n => format!("{base}_{n}"),
        })
        .find_map(|name| match entries.iter().find(|m| m.key == name) {
            None => Some((name, false)),
            Some(m) if m.value.as_str() == Some(raw) => Some((name, true)),
            Some(_) => None,
        })?;
    let reference = match double {
        true => format!("${{{name}}}"),
        false => format!("\"${name}\""),
    };
    let mut edits = vec![Edit {
        from: finding.pos,
        to: pos_of(text, at + raw.len()),
        insert: reference,
    }];
    let value = match raw.contains(": ") || raw.contains(" #") {
        true => format!("'{}'", raw.replace('\'', "''")),
        false => raw.to_owned(),
    };
    if !exists {
        edits.push(match (env, entries.first()) {
            (Some(_), Some(first)) => {
                if !starts_its_line(text, first.key_pos)? {
                    return None;
                }
                let pad = " ".repeat(first.key_pos.column as usize - 1);
                let start = Pos {
                    line: first.key_pos.line,
                    column: 1,
                };
                insert_at(start, format!("{pad}{name}: {value}\n"))
            }
            (Some(_), None) => return None,
            (None, _) => {
                let key = step.members()?.first()?.key_pos;
                let pad = " ".repeat(key.column as usize - 1);
                let block = format!("{pad}env:\n{pad}  {name}: {value}");
                let last = block_last_line(text, key.line, (key.column as usize).checked_sub(2)?);
                match line_of(text, last + 1) {
                    Some(_) => insert_at(
                        Pos {
                            line: last + 1,
                            column: 1,
                        },
                        format!("{block}\n"),
                    ),
                    None => insert_at(line_end(text, last)?, format!("\n{block}")),
                }
            }
        });
    }
    Some(Fix {
        rule: finding.rule,
        title: format!("Pass it through env: {name}"),
        edits,
    })
}

/// An edit inserting `text` at `at`.
fn insert_at(at: Pos, text: String) -> Edit {
    Edit {
        from: at,
        to: at,
        insert: text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    type Checker = fn(&str) -> Vec<Finding>;
    type Fixer = fn(&str, &Finding) -> Option<Fix>;

    /// The text after the fix of the first finding of `rule`, and the findings left on it
    /// (`LINE:COL rule`): each test names exactly what remains.
    fn fixed(text: &str, rule: &str, check: Checker, fix: Fixer) -> (String, Vec<String>) {
        let finding = check(text)
            .into_iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} finding in {text}"));
        let fix = fix(text, &finding).expect("a fix");
        assert_eq!(fix.rule, rule);
        let after = apply(text, &fix.edits);
        let left = check(&after)
            .iter()
            .map(|f| format!("{}:{} {} {}", f.pos.line, f.pos.column, f.severity, f.rule))
            .collect();
        (after, left)
    }

    fn taskdef(text: &str, rule: &str) -> (String, Vec<String>) {
        fixed(text, rule, crate::taskdef::check, taskdef_fixes)
    }

    fn workflow(text: &str, rule: &str) -> (String, Vec<String>) {
        fixed(text, rule, crate::workflow::check, workflow_fixes)
    }

    #[test]
    fn the_one_earlier_step_that_sets_the_output_gets_the_id() {
        let text = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: aws-actions/amazon-ecr-login@v2\n        with:\n          mask-password: true\n      - run: |\n          echo \"tag=v1\" >> \"$GITHUB_OUTPUT\"\n      - run: echo ${{ steps.login.outputs.registry }} ${{ steps.meta.outputs.tag }}\n";
        let (after, left) = workflow(text, "step-ref");
        assert!(
            after.contains("      - id: login\n        uses: aws-actions/amazon-ecr-login@v2\n"),
            "{after}"
        );
        assert_eq!(left, ["13:65 error step-ref"]);
        let (after, left) = workflow(&after, "step-ref");
        assert!(
            after.contains("      - id: meta\n        run: |\n"),
            "{after}"
        );
        assert_eq!(left, Vec::<String>::new());
    }

    #[test]
    fn no_step_id_fix_when_no_or_two_steps_set_the_output() {
        let fix_of = |text: &str| {
            let f = crate::workflow::check(text)
                .into_iter()
                .find(|f| f.rule == "step-ref")
                .unwrap();
            workflow_fixes(text, &f)
        };
        let none = "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: echo hi\n      - run: echo ${{ steps.meta.outputs.tag }}\n";
        assert_eq!(fix_of(none), None);
        let two = "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: echo tag=1 >> $GITHUB_OUTPUT\n      - run: echo tag=2 >> $GITHUB_OUTPUT\n      - run: echo ${{ steps.meta.outputs.tag }}\n";
        assert_eq!(fix_of(two), None);
        // A step after the one reading it does not count.
        let after = "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: echo ${{ steps.meta.outputs.tag }}\n      - run: echo tag=1 >> $GITHUB_OUTPUT\n";
        assert_eq!(fix_of(after), None);
    }

    const FARGATE: &str = "{\n  \"family\": \"web\",\n  \"requiresCompatibilities\": [\"FARGATE\"],\n  \"networkMode\": \"awsvpc\",\n  \"cpu\": \"CPU\",\n  \"memory\": MEMORY,\n  \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1\", \"essential\": true}]\n}\n";

    fn fargate(cpu: &str, memory: &str) -> String {
        FARGATE.replace("CPU", cpu).replace("MEMORY", memory)
    }

    #[test]
    fn fargate_memory_becomes_the_nearest_the_cpu_allows_in_its_unit() {
        for (cpu, memory, expected) in [
            ("256", "\"4096\"", "\"2048\""),
            ("256", "\"300\"", "\"512\""),
            ("1024", "\"1 GB\"", "\"2 GB\""),
            ("1 vCPU", "\"12GB\"", "\"8GB\""),
            ("8192", "\"18 GB\"", "\"16 GB\""),
            ("256", "\"0.75 GB\"", "\"512\""),
        ] {
            let (after, left) = taskdef(&fargate(cpu, memory), "fargate-cpu-memory");
            assert_eq!(after, fargate(cpu, expected));
            assert_eq!(left, Vec::<String>::new(), "{cpu} {memory}");
        }
    }

    #[test]
    fn fargate_memory_in_yaml_keeps_its_quotes() {
        let text = "family: web\nrequiresCompatibilities: [FARGATE]\nnetworkMode: awsvpc\ncpu: '512'\nmemory: '8192'\ncontainerDefinitions:\n  - name: web\n    image: nginx:1\n";
        let (after, left) = taskdef(text, "fargate-cpu-memory");
        assert_eq!(after, text.replace("'8192'", "'4096'"));
        assert_eq!(left, Vec::<String>::new());
        // A plain YAML string is quoted, so a number of MiB stays a string.
        let plain = text.replace("'8192'", "8 GB");
        let (after, left) = taskdef(&plain, "fargate-cpu-memory");
        assert_eq!(after, text.replace("'8192'", "\"4 GB\""));
        assert_eq!(left, Vec::<String>::new());
    }

    #[test]
    fn fargate_fix_title_names_the_value() {
        let text = fargate("256", "\"4096\"");
        let finding = crate::taskdef::check(&text)
            .into_iter()
            .find(|f| f.rule == "fargate-cpu-memory")
            .unwrap();
        assert_eq!(
            taskdef_fixes(&text, &finding).unwrap().title,
            "Set memory to \"2048\""
        );
    }

    #[test]
    fn no_fix_where_the_value_is_not_as_found() {
        let text = fargate("256", "\"4096\"");
        let finding = crate::taskdef::check(&text)
            .into_iter()
            .find(|f| f.rule == "fargate-cpu-memory")
            .unwrap();
        // The finding of another text, or a place past the end.
        for other in [
            fargate("256", "\"2048\""),
            fargate("256", "\"4096\"").replace("  \"memory", "\"memory"),
            String::new(),
            "{".to_owned(),
        ] {
            assert_eq!(taskdef_fixes(&other, &finding), None, "{other}");
        }
        let mut far = finding.clone();
        far.pos = Pos {
            line: 99,
            column: 1,
        };
        assert_eq!(taskdef_fixes(&text, &far), None);
        far.pos = Pos { line: 6, column: 0 };
        assert_eq!(taskdef_fixes(&text, &far), None);
        // The missing-memory finding has no fix (and does not panic).
        let missing = text.replace("  \"memory\": \"4096\",\n", "");
        let finding = crate::taskdef::check(&missing)
            .into_iter()
            .find(|f| f.rule == "fargate-cpu-memory")
            .unwrap();
        assert_eq!(taskdef_fixes(&missing, &finding), None);
        // A rule with no fix.
        let mut other = finding;
        other.rule = "family-name";
        assert_eq!(taskdef_fixes(&text, &other), None);
        assert_eq!(workflow_fixes(&text, &other), None);
    }

    const DESCRIBED: &str = "{\n  \"taskDefinition\": {\n    \"taskDefinitionArn\": \"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7\",\n    \"family\": \"web\",\n    \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1\", \"memory\": 256}],\n    \"status\": \"ACTIVE\",\n    \"requiresAttributes\": [\n      {\"name\": \"com.amazonaws.ecs.capability.logging-driver.awslogs\"}\n    ]\n  }\n}\n";

    #[test]
    fn read_only_fields_are_removed_leaving_valid_json() {
        let (after, left) = taskdef(DESCRIBED, "read-only-field");
        assert_eq!(
            after,
            DESCRIBED.replace("\"taskDefinitionArn\": \"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7\",\n    ", "")
        );
        assert_eq!(
            left,
            ["5:5 warning read-only-field", "6:5 warning read-only-field"]
        );
        // The last member, over several lines: the comma before it goes with it.
        let (after, left) = taskdef(&after, "read-only-field");
        let (after, left2) = taskdef(&after, "read-only-field");
        assert_eq!(left, ["5:5 warning read-only-field"]);
        assert_eq!(
            after,
            "{\n  \"taskDefinition\": {\n    \"family\": \"web\",\n    \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1\", \"memory\": 256}]\n  }\n}\n"
        );
        assert_eq!(left2, Vec::<String>::new());
        // The only member.
        let (after, left) = taskdef("{\"revision\": 3}", "read-only-field");
        assert_eq!(after, "{}");
        assert!(
            !left
                .iter()
                .any(|f| f.contains("read-only-field") || f.contains("syntax")),
            "{left:?}"
        );
    }

    #[test]
    fn read_only_fields_are_removed_from_yaml_with_their_lines() {
        let text = "family: web\nrequiresAttributes:\n  - name: x\n\n  - name: y\nrevision: 7\ncontainerDefinitions:\n  - name: web\n    image: nginx:1\n    memory: 256\nstatus: ACTIVE";
        let (after, left) = taskdef(text, "read-only-field");
        assert_eq!(
            after,
            text.replace("requiresAttributes:\n  - name: x\n\n  - name: y\n", "")
        );
        assert_eq!(
            left,
            ["2:1 warning read-only-field", "7:1 warning read-only-field"]
        );
        let (after, _) = taskdef(&after, "read-only-field");
        // The last line, with no newline after it.
        let (after, left) = taskdef(&after, "read-only-field");
        assert_eq!(
            after,
            "family: web\ncontainerDefinitions:\n  - name: web\n    image: nginx:1\n    memory: 256"
        );
        assert_eq!(left, Vec::<String>::new());
    }

    #[test]
    fn a_read_only_field_in_a_sequence_item_gets_no_fix() {
        let text = "- revision: 7\n";
        let finding = Finding::warning(
            "read-only-field",
            "revision",
            Pos { line: 1, column: 3 },
            "x",
        );
        assert_eq!(taskdef_fixes(text, &finding), None);
    }

    const STEPS: &str = "on: push\npermissions:\n  contents: read\n  id-token: write\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: USES\n";

    #[test]
    fn a_retired_action_version_becomes_the_current_major() {
        for (uses, expected) in [
            ("actions/checkout@v1", "actions/checkout@v4"),
            (
                "\"actions/cache@v2\"\n        with: {path: x, key: y}",
                "\"actions/cache@v4\"\n        with: {path: x, key: y}",
            ),
            (
                "'actions/download-artifact@v2.1.0'",
                "'actions/download-artifact@v4'",
            ),
            (
                "aws-actions/configure-aws-credentials@v1-node16 # pinned\n        with: {aws-region: eu-west-1, role-to-assume: arn:aws:iam::123456789012:role/deploy}",
                "aws-actions/configure-aws-credentials@v4 # pinned\n        with: {aws-region: eu-west-1, role-to-assume: arn:aws:iam::123456789012:role/deploy}",
            ),
        ] {
            let (after, left) = workflow(&STEPS.replace("USES", uses), "outdated-action");
            assert_eq!(after, STEPS.replace("USES", expected));
            assert_eq!(left, Vec::<String>::new(), "{uses}");
        }
        let text = STEPS.replace("USES", "actions/setup-node@v2");
        let finding = crate::workflow::check(&text).remove(0);
        assert_eq!(
            workflow_fixes(&text, &finding).unwrap().title,
            "Use actions/setup-node@v4"
        );
    }

    #[test]
    fn archived_and_moved_actions_get_no_fix() {
        let text = STEPS.replace("USES", "actions-rs/toolchain@v1");
        let finding = crate::workflow::check(&text).remove(0);
        assert_eq!(finding.rule, "outdated-action");
        assert_eq!(workflow_fixes(&text, &finding), None);
        // The text changed since the check.
        let moved = STEPS.replace("USES", "actions/checkout@v4");
        let text = STEPS.replace("USES", "actions/checkout@v1");
        let finding = crate::workflow::check(&text).remove(0);
        assert_eq!(workflow_fixes(&moved, &finding), None);
        assert_eq!(workflow_fixes("", &finding), None);
    }

    const ISSUE: &str = "on: issues\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n";

    #[test]
    fn an_untrusted_expression_moves_into_a_new_env() {
        let text = format!(
            "{ISSUE}      - run: |\n          echo ${{{{ github.event.issue.title }}}}\n          echo done\n\n      - run: echo ok\n"
        );
        let (after, left) = workflow(&text, "script-injection");
        assert_eq!(
            after,
            format!(
                "{ISSUE}      - run: |\n          echo \"$TITLE\"\n          echo done\n        env:\n          TITLE: ${{{{ github.event.issue.title }}}}\n\n      - run: echo ok\n"
            )
        );
        assert_eq!(left, Vec::<String>::new());
    }

    #[test]
    fn inside_double_quotes_the_variable_is_not_quoted_again() {
        let text = format!(
            "{ISSUE}      - name: greet\n        run: echo \"Title ${{{{ github.event.issue.title }}}}!\""
        );
        let (after, left) = workflow(&text, "script-injection");
        assert_eq!(
            after,
            format!(
                "{ISSUE}      - name: greet\n        run: echo \"Title ${{TITLE}}!\"\n        env:\n          TITLE: ${{{{ github.event.issue.title }}}}"
            )
        );
        assert_eq!(left, Vec::<String>::new());
    }

    #[test]
    fn an_existing_env_gets_the_entry_and_a_name_it_does_not_have() {
        let text = format!(
            "{ISSUE}      - run: echo ${{{{ github.event.issue.body }}}} ${{{{ github.event.issue.body }}}}\n        env:\n          BODY: fixed\n"
        );
        let (after, left) = workflow(&text, "script-injection");
        assert_eq!(
            after,
            format!(
                "{ISSUE}      - run: echo \"$BODY_2\" ${{{{ github.event.issue.body }}}}\n        env:\n          BODY_2: ${{{{ github.event.issue.body }}}}\n          BODY: fixed\n"
            )
        );
        assert_eq!(left, ["8:29 error script-injection"]);
        // The second one reuses the variable the first fix set.
        let (after, left) = workflow(&after, "script-injection");
        assert!(after.contains("echo \"$BODY_2\" \"$BODY_2\"\n        env:\n          BODY_2: ${{ github.event.issue.body }}\n          BODY: fixed\n"), "{after}");
        assert_eq!(left, Vec::<String>::new());
    }

    #[test]
    fn no_fix_inside_single_quotes_or_a_quoted_scalar() {
        for run in [
            "echo '${{ github.event.issue.title }}'",
            "\"echo ${{ github.event.issue.title }}\"",
        ] {
            let text = format!("{ISSUE}      - run: {run}\n");
            let finding = crate::workflow::check(&text)
                .into_iter()
                .find(|f| f.rule == "script-injection")
                .expect("a finding");
            assert_eq!(finding.severity, Severity::Error);
            assert_eq!(workflow_fixes(&text, &finding), None, "{run}");
        }
    }

    /// Every finding of these texts, offered every prefix of its text and a few odd places:
    /// a fix or none, never a panic, and a fix's edits always land inside the text it is for.
    #[test]
    fn odd_texts_and_places_give_no_fix_rather_than_a_panic() {
        let texts = [
            (fargate("256", "\"4096\""), true),
            (DESCRIBED.to_owned(), true),
            ("revision: 7\nstatus: x".to_owned(), true),
            (STEPS.replace("USES", "\"actions/checkout@v1\""), false),
            (
                format!(
                    "{ISSUE}      - run: echo ${{{{ github.head_ref }}}}é ${{{{ github.event.issue.body\n"
                ),
                false,
            ),
        ];
        let mut fixes = 0;
        for (text, is_taskdef) in &texts {
            let (check, fix): (Checker, Fixer) = match is_taskdef {
                true => (crate::taskdef::check, taskdef_fixes),
                false => (crate::workflow::check, workflow_fixes),
            };
            for finding in check(text) {
                let mut odd = finding.clone();
                for (line, column) in [(0, 0), (1, 0), (1, 500), (500, 1), (u32::MAX, u32::MAX)] {
                    odd.pos = Pos { line, column };
                    assert_eq!(fix(text, &odd), None, "{odd:?}");
                }
                for (end, _) in text.char_indices() {
                    if let Some(found) = fix(&text[..end], &finding) {
                        for e in &found.edits {
                            assert!(byte_of(&text[..end], e.from).is_some(), "{e:?}");
                            assert!(byte_of(&text[..end], e.to).is_some(), "{e:?}");
                        }
                    }
                }
                fixes += usize::from(fix(text, &finding).is_some());
            }
        }
        assert_eq!(fixes, 8);
    }

    #[test]
    fn apply_leaves_out_what_does_not_fit() {
        let at = |line, column| Pos { line, column };
        let edit = |from, to, insert: &str| Edit {
            from,
            to,
            insert: insert.to_owned(),
        };
        assert_eq!(
            apply(
                "ab\ncé\n",
                &[
                    edit(at(2, 2), at(2, 3), "e"),
                    edit(at(1, 1), at(1, 3), "xy"),
                    edit(at(1, 2), at(1, 3), "overlapping"),
                    edit(at(9, 1), at(9, 2), "past the end"),
                    edit(at(1, 9), at(1, 9), "past the line"),
                    edit(at(2, 3), at(2, 1), "backwards"),
                ]
            ),
            "xy\nce\n"
        );
    }
}
