//! What each place of a workflow file may hold, from GitHub's workflow schema (generated into
//! `shapes.rs`): the keys of a mapping, the values a key allows, and the `${{ }}` contexts an
//! expression there may use. Completion and hover in the editors walk it.

use super::shapes::{CONTEXTS, DEFS};

/// One definition of the schema; definitions refer to each other by their line in `DEFS`.
#[derive(Debug)]
pub(crate) enum Def {
    /// A mapping: its named keys with their definitions, those it needs, and the definition of
    /// any other key's value (none: no other key).
    Map {
        props: Vec<(&'static str, u16)>,
        required: Vec<&'static str>,
        loose: Option<u16>,
    },
    /// One of several definitions.
    OneOf(Vec<u16>),
    /// A list of one definition.
    Seq(u16),
    /// A string: one of these values, or any (none).
    Str(Vec<&'static str>),
    /// `true` or `false`.
    Bool,
    /// A number.
    Num,
    /// Nothing (`push:` with no filters).
    Null,
    /// Any value.
    Any,
}

/// Definition `index`, read from its line of `DEFS`, with the contexts it allows (0: those of
/// the place it is in).
fn def(index: u16) -> (Def, u32) {
    let line = DEFS.lines().nth(index.into()).unwrap_or("A|");
    let mut fields = line.split('|');
    let kind = fields.next().unwrap_or_default();
    let contexts = fields.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut field = || {
        fields
            .next()
            .unwrap_or_default()
            .split(' ')
            .filter(|w| !w.is_empty())
    };
    let number = |w: &str| w.parse::<u16>().unwrap_or(0);
    let def = match kind {
        "M" => Def::Map {
            props: field()
                .filter_map(|p| p.split_once('=').map(|(k, d)| (k, number(d))))
                .collect(),
            required: field().collect(),
            loose: field().next().map(number),
        },
        "O" => Def::OneOf(field().map(number).collect()),
        "S" => Def::Seq(field().next().map_or(0, number)),
        "T" => Def::Str(field().collect()),
        "B" => Def::Bool,
        "N" => Def::Num,
        "Z" => Def::Null,
        _ => Def::Any,
    };
    (def, contexts)
}

/// The definitions a place may hold (one-ofs opened), and the contexts allowed there.
#[derive(Debug, Default)]
pub(crate) struct Place {
    pub defs: Vec<(u16, Def)>,
    pub contexts: u32,
}

impl Place {
    fn add(&mut self, index: u16) {
        let (def, contexts) = def(index);
        if contexts != 0 {
            self.contexts = contexts;
        }
        match def {
            Def::OneOf(list) => list.into_iter().for_each(|d| self.add(d)),
            _ if !self.defs.iter().any(|(i, _)| *i == index) => self.defs.push((index, def)),
            _ => {}
        }
    }

    /// The place at the end of `keys` from the root (`None` a list item): empty when the schema
    /// has no such place.
    pub(crate) fn at<'k>(keys: impl IntoIterator<Item = Option<&'k str>>) -> Self {
        let mut place = Place::default();
        place.add(0);
        for key in keys {
            let mut next = Place {
                defs: Vec::new(),
                contexts: place.contexts,
            };
            for (index, def) in &place.defs {
                match (def, key) {
                    (Def::Map { props, loose, .. }, Some(key)) => {
                        match props.iter().find(|(k, _)| *k == key) {
                            Some((_, d)) => next.add(*d),
                            None => loose.iter().for_each(|d| next.add(*d)),
                        }
                    }
                    (Def::Seq(item), None) => next.add(*item),
                    (Def::Any, _) => next.add(*index),
                    _ => {}
                }
            }
            place = next;
        }
        place
    }

    /// The named keys of the mappings here, with each one's definition and whether it is needed.
    pub(crate) fn keys(&self) -> Vec<(&'static str, u16, bool)> {
        let mut out: Vec<(&'static str, u16, bool)> = Vec::new();
        for (_, def) in &self.defs {
            if let Def::Map {
                props, required, ..
            } = def
            {
                for (k, d) in props {
                    if !out.iter().any(|(o, ..)| o == k) {
                        out.push((k, *d, required.contains(k)));
                    }
                }
            }
        }
        out
    }

    /// The values a scalar here may be: the strings the schema names, and `true`/`false`.
    pub(crate) fn values(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for (_, def) in &self.defs {
            let values: &[&'static str] = match def {
                Def::Str(values) => values,
                Def::Bool => &["true", "false"],
                _ => &[],
            };
            for v in values {
                if !out.contains(v) {
                    out.push(v);
                }
            }
        }
        out
    }

    /// The contexts and functions an expression here may use.
    pub(crate) fn context_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        CONTEXTS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.contexts & (1 << i) != 0)
            .map(|(_, c)| *c)
    }

    /// What a value here is, in words: `a string`, `true or false`, `a mapping or a list`.
    pub(crate) fn kind(&self) -> String {
        let mut kinds: Vec<&str> = Vec::new();
        for (_, def) in &self.defs {
            let kind = match def {
                Def::Map { .. } => "a mapping",
                Def::Seq(_) => "a list",
                Def::Str(v) if !v.is_empty() => "one of the values below",
                Def::Str(_) => "a string",
                Def::Bool => "true or false",
                Def::Num => "a number",
                Def::Null => "nothing",
                Def::Any | Def::OneOf(_) => "any value",
            };
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds.join(" or ")
    }
}

/// The place of one key's definition (a member found by [`Place::keys`]).
pub(crate) fn place_of(index: u16) -> Place {
    let mut place = Place::default();
    place.add(index);
    place
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(path: &[Option<&str>]) -> Vec<&'static str> {
        Place::at(path.iter().copied())
            .keys()
            .into_iter()
            .map(|(k, ..)| k)
            .collect()
    }

    #[test]
    fn the_root_job_and_step_keys_are_githubs() {
        let root = keys(&[]);
        for k in ["on", "jobs", "permissions", "concurrency", "run-name"] {
            assert!(root.contains(&k), "{k} in {root:?}");
        }
        let job = keys(&[Some("jobs"), Some("build")]);
        for k in [
            "runs-on", "steps", "needs", "uses", "with", "outputs", "services",
        ] {
            assert!(job.contains(&k), "{k} in {job:?}");
        }
        let step = keys(&[Some("jobs"), Some("build"), Some("steps"), None]);
        for k in ["uses", "run", "with", "id", "shell", "working-directory"] {
            assert!(step.contains(&k), "{k} in {step:?}");
        }
        assert!(!step.contains(&"runs-on"));
    }

    #[test]
    fn events_filters_and_activity_types() {
        let on = keys(&[Some("on")]);
        assert!(
            on.contains(&"workflow_run") && on.contains(&"pull_request_target"),
            "{on:?}"
        );
        let push = keys(&[Some("on"), Some("push")]);
        assert_eq!(
            push,
            [
                "branches",
                "branches-ignore",
                "tags",
                "tags-ignore",
                "paths",
                "paths-ignore"
            ]
        );
        let types = Place::at([Some("on"), Some("pull_request"), Some("types"), None]).values();
        assert!(
            types.contains(&"synchronize") && types.contains(&"ready_for_review"),
            "{types:?}"
        );
        let events = Place::at([Some("on")]).values();
        assert!(
            events.contains(&"push") && events.contains(&"workflow_dispatch"),
            "{events:?}"
        );
    }

    #[test]
    fn contexts_follow_the_place() {
        let runs_on = Place::at([Some("jobs"), Some("b"), Some("runs-on")]);
        let names: Vec<_> = runs_on.context_names().collect();
        assert!(
            names.contains(&"matrix") && !names.contains(&"steps"),
            "{names:?}"
        );
        let with = Place::at([
            Some("jobs"),
            Some("b"),
            Some("steps"),
            None,
            Some("with"),
            Some("x"),
        ]);
        assert!(with.context_names().any(|c| c == "steps"));
        assert_eq!(
            Place::at([Some("jobs"), Some("b"), Some("timeout-minutes")]).kind(),
            "a number"
        );
        assert_eq!(
            Place::at([Some("permissions"), Some("contents")]).values(),
            ["read", "write", "none"]
        );
    }
}
