//! Hatoba's domain, shared by the worker, the app and the `hatoba` CLI.
//!
//! Everything here is pure: no network, no file system, no clock. It builds natively and for
//! `wasm32-unknown-unknown`, so the browser editor, the edge worker and the CLI make the same
//! decisions with the same code. Faces depend on this crate; this crate depends on no face.
//! Inside it, [`deploy`] uses the domain modules and none of them uses [`deploy`].
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

pub mod api;
pub mod assist;
pub mod aws;
pub mod checks;
pub mod deploy;
pub mod fields;
pub mod finding;
pub mod fix;
pub mod github;
mod graph;
pub mod hex;
pub mod http;
pub mod iam;
pub mod lintconfig;
pub mod percent;
pub mod redact;
mod repeats;
pub mod retry;
pub mod review;
pub mod source;
pub mod target;
pub mod taskdef;
pub mod time;
pub mod workflow;

/// Hatoba's version, as the worker reports it on `/healthz` and the CLI on `--version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The product's name as shown to people.
pub const PRODUCT: &str = "Hatoba";

/// Sorts `list` by `less`, stably, by insertion: for the short lists of a request (its headers,
/// its query, the configured secrets), where this loop is all the code a sort needs and each
/// `sort_by` would bring its own copy of the standard library's driftsort or ipnsort.
pub(crate) fn sort_short<T>(list: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..list.len() {
        let mut j = i;
        while j > 0 && less(&list[j], &list[j - 1]) {
            list.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Sorts `list` stably by `cmp`, for lists of any length (findings, a diff's items, names).
///
/// The standard library's sorts are generic over the element and the comparison, so each call
/// site with its own closure brings its own copy of driftsort or ipnsort (1 to 3 KB of wasm each;
/// the app had 39 such copies). Here only the order of the indices is sorted, by one copy of the
/// standard sort shared by every caller, and the list then follows that order by swaps.
pub(crate) fn sort_by<T>(list: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    let order = sorted_indices(list.len(), &|a, b| cmp(&list[a], &list[b]));
    follow(&order, &mut |a, b| list.swap(a, b));
}

/// [`sort_by`] on a key.
pub(crate) fn sort_by_key<T, K: Ord>(list: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(list, |a, b| key(a).cmp(&key(b)));
}

/// The indices `0..n` in the order `cmp` gives them, ties kept in index order.
fn sorted_indices(n: usize, cmp: &dyn Fn(usize, usize) -> std::cmp::Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    order
}

/// Rearranges a list so that place `k` holds what was at `order[k]`, by `swap`s: each cycle of
/// the permutation is walked once from its first place.
fn follow(order: &[usize], swap: &mut dyn FnMut(usize, usize)) {
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let from = order[k];
            if from == start {
                break;
            }
            swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    /// Lists of every length up to 9 and a long one, with repeated keys: the order is the
    /// standard library's stable sort's.
    #[test]
    fn sort_by_matches_the_standard_stable_sort() {
        let mut seed = 7u32;
        let mut next = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % 5
        };
        for len in (0..10).chain([1000]) {
            let list: Vec<(u32, usize)> = (0..len).map(|i| (next(), i)).collect();
            let mut ours = list.clone();
            super::sort_by_key(&mut ours, |&(k, _)| k);
            let mut theirs = list;
            theirs.sort_by_key(|&(k, _)| k);
            assert_eq!(ours, theirs, "length {len}");
        }
        let mut words = vec!["b", "a", "c", "a"];
        super::sort_by(&mut words, |a, b| b.cmp(a));
        assert_eq!(words, ["c", "b", "a", "a"]);
    }
}
