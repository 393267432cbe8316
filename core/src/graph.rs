//! Dependency graphs (containers' `dependsOn`, jobs' `needs`): finding the cycles that would
//! keep anything from starting. Linear in the graph and without recursion: a document may hold
//! thousands of jobs or containers, each needing dozens of others.

use std::collections::BTreeMap;

const UNSEEN: usize = usize::MAX;

/// Each name's node (the first of a name wins), for resolving edges by name in O(log n).
pub(crate) fn by_name<'a>(
    names: impl IntoIterator<Item = Option<&'a str>>,
) -> BTreeMap<&'a str, usize> {
    let mut map = BTreeMap::new();
    for (i, name) in names.into_iter().enumerate() {
        if let Some(name) = name {
            map.entry(name).or_insert(i);
        }
    }
    map
}

/// The cycles of the graph whose node `i` depends on `edges[i]`: one for each group of nodes
/// that depend on each other (a strongly connected component with a cycle), as the nodes along
/// it from the group's first node in index order, found by following edges in order; sorted by
/// that first node.
pub(crate) fn cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let component = components(edges);
    let n = edges.len();
    // The first node of each component with a cycle: more than one node, or a node needing itself.
    let mut size = vec![0usize; n];
    for &c in &component {
        size[c] += 1;
    }
    let mut started = vec![false; n];
    let mut seen = vec![false; n];
    let mut found = Vec::new();
    for start in 0..n {
        let c = component[start];
        let cyclic = size[c] > 1 || edges[start].contains(&start);
        if started[c] || !cyclic {
            continue;
        }
        started[c] = true;
        if let Some(path) = cycle_through(start, edges, &component, &mut seen) {
            found.push(path);
        }
    }
    found
}

/// Tarjan's strongly connected components, its recursion kept on a stack of its own.
struct Tarjan {
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    /// (node, how many of its edges were followed): the calls a recursive version would make.
    calls: Vec<(usize, usize)>,
    next: usize,
}

impl Tarjan {
    fn visit(&mut self, v: usize) {
        self.index[v] = self.next;
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        self.calls.push((v, 0));
    }
}

/// Each node's component number.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut t = Tarjan {
        index: vec![UNSEEN; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        calls: Vec::new(),
        next: 0,
    };
    let mut component = vec![UNSEEN; n];
    let mut count = 0;
    for root in 0..n {
        if t.index[root] != UNSEEN {
            continue;
        }
        t.visit(root);
        while let Some(&(v, followed)) = t.calls.last() {
            if let Some(&w) = edges[v].get(followed) {
                if let Some(top) = t.calls.last_mut() {
                    top.1 += 1;
                }
                if w >= n {
                    continue;
                }
                if t.index[w] == UNSEEN {
                    t.visit(w);
                } else if t.on_stack[w] {
                    t.low[v] = t.low[v].min(t.index[w]);
                }
                continue;
            }
            t.calls.pop();
            if let Some(&(u, _)) = t.calls.last() {
                t.low[u] = t.low[u].min(t.low[v]);
            }
            if t.low[v] == t.index[v] {
                while let Some(w) = t.stack.pop() {
                    t.on_stack[w] = false;
                    component[w] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    component
}

/// A way from `start` back to itself within its component, depth first with edges in order;
/// `seen` marks the nodes tried (components are disjoint, so one array serves them all).
fn cycle_through(
    start: usize,
    edges: &[Vec<usize>],
    component: &[usize],
    seen: &mut [bool],
) -> Option<Vec<usize>> {
    let mut path = vec![start];
    let mut followed = vec![0usize];
    seen[start] = true;
    while let (Some(&v), Some(e)) = (path.last(), followed.last_mut()) {
        let Some(&w) = edges[v].get(*e) else {
            path.pop();
            followed.pop();
            continue;
        };
        *e += 1;
        if w == start {
            return Some(path);
        }
        if w < component.len() && component[w] == component[start] && !seen[w] {
            seen[w] = true;
            path.push(w);
            followed.push(0);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::cycles;

    #[test]
    fn each_cycle_once_from_its_first_node() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 → 0 (not in a cycle itself).
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        assert_eq!(cycles(&edges), [vec![0, 1, 2], vec![3]]);
        assert!(cycles(&[vec![1], vec![2], vec![]]).is_empty());
        // One group where two cycles meet (0 ⇄ 1 ⇄ 2): reported once, from 0.
        assert_eq!(cycles(&[vec![1], vec![0, 2], vec![1]]), [vec![0, 1]]);
        // The way found follows edges in order, within the group: 0 → 3 leads nowhere back.
        assert_eq!(
            cycles(&[vec![3, 1], vec![2], vec![0], vec![]]),
            [vec![0, 1, 2]]
        );
    }

    #[test]
    fn a_long_chain_and_a_dense_graph_without_recursion() {
        // 100,000 nodes in one ring: a recursive search would overflow the stack.
        let n = 100_000;
        let ring: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        let found = cycles(&ring);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), n);
        // 5,000 nodes each needing the 50 before it: no cycle, in linear time.
        let dense: Vec<Vec<usize>> = (0..5_000usize)
            .map(|i| (i.saturating_sub(50)..i).collect())
            .collect();
        assert!(cycles(&dense).is_empty());
    }
}
