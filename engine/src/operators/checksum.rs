//! A checksum after each operator state: a damaged or cut checkpoint is refused when read,
//! rather than restored into wrong results.

const LEN: usize = 8;

/// `payload` with its checksum after it.
pub fn seal(mut payload: Vec<u8>) -> Vec<u8> {
    let sum = checksum(&payload);
    payload.extend_from_slice(&sum.to_le_bytes());
    payload
}

/// The payload of a sealed state, if its checksum holds.
pub fn open(state: &[u8]) -> Result<&[u8], String> {
    let Some(end) = state.len().checked_sub(LEN) else {
        return Err(format!("it has {} bytes, too few for a state", state.len()));
    };
    let (payload, sum) = state.split_at(end);
    if checksum(payload).to_le_bytes() != sum {
        return Err("its checksum does not match: it was damaged or cut short".into());
    }
    Ok(payload)
}

/// Reads the state of every instance a node had (`what`: "window", "join"), naming the
/// instance whose state is not readable.
pub fn read_each<'a, T>(
    states: &'a [Vec<u8>],
    what: &str,
    read: impl Fn(&'a [u8]) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    states
        .iter()
        .enumerate()
        .map(|(i, bytes)| read(bytes).map_err(|e| unreadable(what, i, states.len(), e)))
        .collect()
}

/// Why the state of instance `i` of `of` of a `what` cannot be taken up.
pub fn unreadable(what: &str, i: usize, of: usize, e: impl std::fmt::Display) -> String {
    format!("the state of {what} instance {i} (of {of}) is not readable: {e}")
}

/// FNV-1a over 8-byte words, turned after each so that every bit reaches every other:
/// the same on every platform and in every version, and quick for states of megabytes.
fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let step = |h: u64, word: u64| (h ^ word).wrapping_mul(PRIME).rotate_left(29);
    let mut words = bytes.chunks_exact(8);
    let mut h = 0xcbf2_9ce4_8422_2325;
    for word in &mut words {
        h = step(h, u64::from_le_bytes(word.try_into().expect("8 bytes")));
    }
    for &byte in words.remainder() {
        h = step(h, u64::from(byte));
    }
    step(h, bytes.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_damage_is_found() {
        let payload: Vec<u8> = (0..100u8).collect();
        let sealed = seal(payload.clone());
        assert_eq!(open(&sealed), Ok(&payload[..]));
        for at in 0..sealed.len() {
            for bit in 0..8 {
                let mut damaged = sealed.clone();
                damaged[at] ^= 1 << bit;
                assert!(open(&damaged).is_err(), "byte {at} bit {bit}");
            }
        }
        // Two flips of the same bit in different words do not cancel out.
        let mut twice = sealed.clone();
        twice[7] ^= 0x80;
        twice[15] ^= 0x80;
        assert!(open(&twice).is_err());
        for len in 0..sealed.len() {
            assert!(open(&sealed[..len]).is_err(), "cut to {len}");
        }
        assert_eq!(open(&seal(Vec::new())), Ok(&[][..]));
    }
}
