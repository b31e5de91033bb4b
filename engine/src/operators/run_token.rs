//! A token that tells one run of a transport sink from another: a new run of the same
//! pipeline counts checkpoints from 1 again, so the checkpoint number alone cannot say
//! whether rows in the stream were written by this run.

/// A token unlikely to repeat between runs: the time, the process and the node.
pub fn new_token(node: &str) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    std::time::SystemTime::now().hash(&mut h);
    std::process::id().hash(&mut h);
    node.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_differ_between_runs_of_the_same_node() {
        assert_ne!(super::new_token("a"), super::new_token("a"));
    }
}
