//! Repeats in a list, found in O(n log n): the rules that name every item seen before would
//! otherwise compare each item with all the earlier ones, and a 1 MB document of 50,000
//! environment variables or keys took seconds.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// Lists up to this long are compared pairwise (no map); longer ones through a map.
const PAIRWISE: usize = 8;

/// For each item whose key (`key`; `None` skips the item) appeared before: its index and the
/// index of the first item with that key, in order.
pub(crate) fn repeats<'a, T>(
    items: &'a [T],
    key: impl Fn(&'a T) -> Option<Cow<'a, str>>,
) -> Vec<(usize, usize)> {
    let keys: Vec<Option<Cow<'a, str>>> = items.iter().map(key).collect();
    of_keys(&keys)
}

/// [`repeats`] of keys already read: one copy of the search whatever the items are.
fn of_keys(keys: &[Option<Cow<'_, str>>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if keys.len() <= PAIRWISE {
        for (i, k) in keys.iter().enumerate() {
            let Some(k) = k else { continue };
            if let Some(first) = keys[..i].iter().position(|o| o.as_ref() == Some(k)) {
                out.push((i, first));
            }
        }
        return out;
    }
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        let Some(k) = k else { continue };
        match first.get(k.as_ref()) {
            Some(&f) => out.push((i, f)),
            None => {
                first.insert(k, i);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::repeats;

    #[test]
    fn repeats_name_the_first_of_their_key_short_and_long() {
        let short = ["a", "b", "a", "c", "b", "a"];
        assert_eq!(
            repeats(&short, |s| Some(Cow::Borrowed(*s))),
            [(2, 0), (4, 1), (5, 0)]
        );
        let long: Vec<String> = (0..1000).map(|i| format!("k{}", i % 300)).collect();
        let found = repeats(&long, |s| Some(Cow::Borrowed(s.as_str())));
        assert_eq!(found.len(), 700);
        assert_eq!(found[0], (300, 0));
        assert_eq!(found[699], (999, 99));
        // Items without a key are skipped, not matched.
        let sparse = [None, None, Some("a")];
        assert_eq!(repeats(&sparse, |o| o.map(Cow::Borrowed)), []);
    }
}
