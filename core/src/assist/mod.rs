//! Language intelligence for editors: what may be written at a place of a task definition or a
//! workflow (completion), and what the key or value under the cursor is (hover). The editors of
//! the app ask it on each trigger; it knows what the checks know: ECS's shapes (generated from
//! botocore's model), GitHub's workflow schema (generated from GitHub's loader), the actions
//! Hatoba knows and the document's own steps, jobs, inputs and outputs.
//!
//! Offsets are bytes of the text; both calls take the text as it is, mid-edit.

mod cursor;
mod defaults;
mod taskdef;
mod workflow;

/// Which language a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// An ECS task definition (JSON or YAML).
    TaskDefinition,
    /// A GitHub Actions workflow (YAML).
    Workflow,
}

/// What a completion inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A key of a mapping.
    Key,
    /// A value a key allows.
    Value,
    /// An action for `uses:`.
    Action,
    /// A context or a property of one, in `${{ }}`.
    Context,
    /// A function, in `${{ }}`.
    Function,
}

/// One completion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Completion {
    /// What the list shows and what is matched against the word written.
    pub label: String,
    /// What it is.
    pub kind: Kind,
    /// A short note beside it: the type, `required`, where it comes from.
    pub detail: String,
    /// The text that replaces the word.
    pub apply: String,
}

/// The completions at a place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Completions {
    /// The start of the word being written (bytes).
    pub from: usize,
    /// Its end: a completion replaces `from..to`.
    pub to: usize,
    /// The options, in the order they are best shown.
    pub options: Vec<Completion>,
}

/// What the key or value under the cursor is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hover {
    /// The word's start (bytes).
    pub from: usize,
    /// Its end.
    pub to: usize,
    /// Its name: `healthCheck`, `runs-on`, `actions/checkout`.
    pub title: String,
    /// Its type, allowed values, limits and default, a line each.
    pub facts: Vec<String>,
    /// A sentence on what it is for, for the fields used most.
    pub about: Option<&'static str>,
    /// Its reference page at AWS or GitHub.
    pub link: Option<String>,
}

/// The completions at byte `at` of `text`: empty options when nothing is known there.
pub fn complete(language: Language, text: &str, at: usize) -> Completions {
    complete_with(language, text, at, &|_| None)
}

/// [`complete`], with the repository's other files at hand: `file` gives the text of a path
/// relative to the repository's root, when there is one. A render step's `container-name` then
/// completes with the containers of the task definition its `task-definition` names.
pub fn complete_with(
    language: Language,
    text: &str,
    at: usize,
    file: &dyn Fn(&str) -> Option<String>,
) -> Completions {
    let none = Completions {
        from: at.min(text.len()),
        to: at.min(text.len()),
        options: Vec::new(),
    };
    let Some(c) = cursor::at(text, at) else {
        return none;
    };
    let mut out = match language {
        Language::TaskDefinition => Completions {
            from: c.from,
            to: c.to,
            options: taskdef::complete(&c),
        },
        Language::Workflow => workflow::complete(text, &c, file).unwrap_or(none),
    };
    // What the word written so far leaves, best first: those it starts, then those it is in.
    let end = at.min(text.len()).max(out.from);
    let word = text
        .get(out.from..end)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !word.is_empty() {
        let starts = |o: &Completion| o.label.to_ascii_lowercase().starts_with(&word);
        let within = |o: &Completion| o.label.to_ascii_lowercase().contains(&word);
        out.options.retain(within);
        let (mut first, rest): (Vec<_>, Vec<_>) = out.options.into_iter().partition(starts);
        first.extend(rest);
        out.options = first;
    }
    out
}

/// What the key or value at byte `at` of `text` is, when it is known.
pub fn hover(language: Language, text: &str, at: usize) -> Option<Hover> {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    // The word under the cursor, read as if the cursor were at its end.
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| cursor::word_char(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = at
        + text[at..]
            .find(|c: char| !cursor::word_char(c))
            .unwrap_or(text.len() - at);
    if start == end {
        return None;
    }
    let c = cursor::at(text, end)?;
    let mut hover = match language {
        Language::TaskDefinition => taskdef::hover(&c),
        Language::Workflow => {
            workflow::hover_expression(text, start, end, &c).or_else(|| workflow::hover(&c))
        }
    }?;
    (hover.from, hover.to) = (start, end);
    Some(hover)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The completions where `|` is in `text` (taken out): their labels.
    pub(super) fn labels(language: Language, text: &str) -> Vec<String> {
        let at = text.find('|').unwrap();
        let text = text.replacen('|', "", 1);
        complete(language, &text, at)
            .options
            .into_iter()
            .map(|o| o.label)
            .collect()
    }

    #[test]
    fn the_word_written_filters_and_orders() {
        let got = labels(
            Language::TaskDefinition,
            r#"{"containerDefinitions": [{"name": "a", "health|"#,
        );
        assert_eq!(got, ["healthCheck"]);
        let got = labels(
            Language::TaskDefinition,
            r#"{"containerDefinitions": [{"limit|"#,
        );
        assert_eq!(got, ["ulimits"]);
    }

    #[test]
    fn hover_and_complete_take_any_offset_of_any_text() {
        let texts = [
            include_str!("../../../tests/fixtures/taskdef/ok/fargate-web.json"),
            include_str!("../../../tests/fixtures/workflow/ok/deploy-oidc.yml"),
            "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: echo ${{ steps.a.outputs.b }} é\n",
            "{\"a\": \"\\u00e9\", [",
        ];
        for text in texts {
            for at in 0..=text.len() + 1 {
                for language in [Language::TaskDefinition, Language::Workflow] {
                    let c = complete(language, text, at);
                    assert!(c.from <= c.to && c.to <= text.len(), "{at}: {c:?}");
                    if let Some(h) = hover(language, text, at) {
                        assert!(h.from < h.to && h.to <= text.len());
                    }
                }
            }
        }
    }
}
