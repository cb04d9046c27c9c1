//! Walks a dependency graph, running each node as soon as everything it depends on has
//! succeeded, so independent children are created (or deleted) concurrently.

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::future::Future;
use std::hash::Hash;

use futures::stream::{FuturesUnordered, StreamExt};

use tokio_util::sync::CancellationToken;

/// Whether the operation was asked to stop (OpenTofu's StopProvider, an interrupt): the AWS
/// rendering's own view of it, so aws/ knows nothing of the plugin protocol; fargate/ makes
/// one from the request's signal.
#[derive(Debug, Clone, Default)]
pub struct Stop(CancellationToken);

impl Stop {
    pub fn new(token: CancellationToken) -> Self {
        Self(token)
    }

    pub fn is_stopped(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Resolves once a stop has been requested.
    pub async fn stopped(&self) {
        self.0.cancelled().await;
    }
}

/// The outcome of a walk: the nodes that failed (with why), and those never started because a
/// dependency failed or a stop was requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkReport<K, E> {
    pub failed: Vec<(K, E)>,
    pub skipped: Vec<K>,
}

impl<K, E> WalkReport<K, E> {
    pub fn is_ok(&self) -> bool {
        self.failed.is_empty() && self.skipped.is_empty()
    }
}

/// Runs `run` on every node of `graph` (`(node, depends_on)`); dependencies that are not nodes
/// of the graph count as done.
pub async fn walk<K, E, F, Fut>(graph: &[(K, Vec<K>)], stop: &Stop, run: F) -> WalkReport<K, E>
where
    K: Copy + Eq + Hash + Debug,
    F: Fn(K) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    let nodes: HashSet<K> = graph.iter().map(|(k, _)| *k).collect();
    let deps: HashMap<K, Vec<K>> = graph
        .iter()
        .map(|(k, d)| {
            (
                *k,
                d.iter().copied().filter(|d| nodes.contains(d)).collect(),
            )
        })
        .collect();
    let mut done: HashSet<K> = HashSet::new();
    let mut started: HashSet<K> = HashSet::new();
    let mut failed: Vec<(K, E)> = Vec::new();
    let mut running = FuturesUnordered::new();
    loop {
        if !stop.is_stopped() {
            for (k, _) in graph {
                let ready = !started.contains(k) && deps[k].iter().all(|d| done.contains(d));
                if ready {
                    started.insert(*k);
                    let key = *k;
                    let fut = run(key);
                    running.push(async move { (key, fut.await) });
                }
            }
        }
        match running.next().await {
            Some((k, Ok(()))) => {
                done.insert(k);
            }
            Some((k, Err(e))) => failed.push((k, e)),
            None => break,
        }
    }
    let skipped = graph
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !started.contains(k))
        .collect();
    WalkReport { failed, skipped }
}

/// The graph with every edge turned around: deleting a node waits for its dependents.
pub fn reversed<K: Copy + Eq + Hash>(graph: &[(K, Vec<K>)]) -> Vec<(K, Vec<K>)> {
    graph
        .iter()
        .map(|(k, _)| {
            let dependents = graph
                .iter()
                .filter(|(_, deps)| deps.contains(k))
                .map(|(d, _)| *d)
                .collect();
            (*k, dependents)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn independent_nodes_run_together_and_order_follows_dependencies() {
        let graph = vec![(1, vec![]), (2, vec![]), (3, vec![1, 2]), (4, vec![3])];
        let log = Arc::new(Mutex::new(Vec::new()));
        let running = Arc::new(Mutex::new((0, 0)));
        let report = walk::<_, String, _, _>(&graph, &Stop::default(), |k| {
            let log = log.clone();
            let running = running.clone();
            async move {
                {
                    let mut r = running.lock().unwrap();
                    r.0 += 1;
                    r.1 = r.1.max(r.0);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                running.lock().unwrap().0 -= 1;
                log.lock().unwrap().push(k);
                Ok(())
            }
        })
        .await;
        assert!(report.is_ok());
        let log = log.lock().unwrap().clone();
        assert_eq!(&log[2..], &[3, 4]);
        assert_eq!(running.lock().unwrap().1, 2, "1 and 2 ran concurrently");
    }

    #[tokio::test]
    async fn a_failure_skips_its_dependents_but_not_the_rest() {
        let graph = vec![(1, vec![]), (2, vec![]), (3, vec![1]), (4, vec![2])];
        let report = walk(&graph, &Stop::default(), |k| async move {
            if k == 1 {
                Err("boom".to_owned())
            } else {
                Ok(())
            }
        })
        .await;
        assert_eq!(report.failed, vec![(1, "boom".to_owned())]);
        assert_eq!(report.skipped, vec![3]);
    }

    #[test]
    fn reversing_puts_dependents_first() {
        let graph = vec![(1, vec![]), (2, vec![1]), (3, vec![1, 2])];
        assert_eq!(
            reversed(&graph),
            vec![(1, vec![2, 3]), (2, vec![3]), (3, vec![])]
        );
    }
}
