//! Ids as Flink gives them: 32 hexadecimal digits.

use std::hash::{BuildHasher, Hasher};

/// A new job id, random for each run.
pub fn job_id() -> String {
    let random = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish()
    };
    format!("{:016x}{:016x}", random(), random())
}

/// The id of the task vertex running `nodes`: the same for the same chain in every run, so a
/// client's links stay good across runs (FNV-1a, 128 bits).
pub fn vertex_id(nodes: &[String]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash = OFFSET;
    for node in nodes {
        for byte in node.bytes().chain([0]) {
            hash ^= byte as u128;
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_hex_digits() {
        for id in [job_id(), vertex_id(&["gen".into(), "filter".into()])] {
            assert_eq!(id.len(), 32, "{id}");
            assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        }
        assert_ne!(job_id(), job_id());
        let chain =
            |ids: &[&str]| vertex_id(&ids.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(chain(&["a", "b"]), chain(&["a", "b"]));
        assert_ne!(chain(&["a", "b"]), chain(&["ab"]));
    }
}
