//! Dependency graphs (containers' `dependsOn`, jobs' `needs`): finding the cycles that would
//! keep anything from starting.

/// The cycles of the graph whose node `i` depends on `edges[i]`, each reported once: as the
/// nodes along it, starting from its first node in index order.
pub(crate) fn cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut reported = vec![false; edges.len()];
    let mut found = Vec::new();
    for start in 0..edges.len() {
        if reported[start] {
            continue;
        }
        let mut path = vec![start];
        let mut seen = vec![false; edges.len()];
        seen[start] = true;
        if cycle_through(start, start, edges, &mut path, &mut seen) {
            for &n in &path {
                reported[n] = true;
            }
            found.push(path);
        }
    }
    found
}

/// Depth-first from `node` back to `start`; `path` holds the way there when found.
fn cycle_through(
    node: usize,
    start: usize,
    edges: &[Vec<usize>],
    path: &mut Vec<usize>,
    seen: &mut [bool],
) -> bool {
    for &next in &edges[node] {
        if next == start {
            return true;
        }
        if !seen[next] {
            seen[next] = true;
            path.push(next);
            if cycle_through(next, start, edges, path, seen) {
                return true;
            }
            path.pop();
        }
    }
    false
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
    }
}
