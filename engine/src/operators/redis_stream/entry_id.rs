//! A Redis stream entry id, `<milliseconds>-<sequence>`: the time Redis added the entry and
//! a counter within that millisecond. Ids only grow, so the last id read is a position.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntryId {
    pub ms: u64,
    pub seq: u64,
}

impl EntryId {
    /// Before every entry: no stream holds `0-0`.
    pub const ZERO: EntryId = EntryId { ms: 0, seq: 0 };

    /// `1700000000000-3`, or `1700000000000` for the first entry of that millisecond.
    pub fn parse(text: &str) -> Result<EntryId, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "`{text}` is not a stream entry id like 1700000000000-0 (milliseconds, then \
                 a sequence number)"
            )
        };
        let (ms, seq) = match text.split_once('-') {
            Some((ms, seq)) => (ms, seq),
            None => (text, "0"),
        };
        let number = |t: &str| {
            (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse::<u64>().ok())
                .flatten()
        };
        match (number(ms), number(seq)) {
            (Some(ms), Some(seq)) => Ok(EntryId { ms, seq }),
            _ => Err(bad()),
        }
    }

    /// The id just before this one, so reading after it starts at this one.
    pub fn before(self) -> EntryId {
        match (self.ms, self.seq) {
            (_, seq) if seq > 0 => EntryId {
                ms: self.ms,
                seq: seq - 1,
            },
            (0, _) => EntryId::ZERO,
            (ms, _) => EntryId {
                ms: ms - 1,
                seq: u64::MAX,
            },
        }
    }
}

impl std::fmt::Display for EntryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_with_or_without_a_sequence() {
        assert_eq!(
            EntryId::parse("1700-3").unwrap(),
            EntryId { ms: 1700, seq: 3 }
        );
        assert_eq!(
            EntryId::parse(" 1700 ").unwrap(),
            EntryId { ms: 1700, seq: 0 }
        );
        for bad in [
            "",
            "-",
            "1700-",
            "x-1",
            "1-2-3",
            "+5",
            "99999999999999999999",
        ] {
            assert!(EntryId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_id_before_crosses_milliseconds() {
        assert_eq!(
            EntryId { ms: 5, seq: 2 }.before(),
            EntryId { ms: 5, seq: 1 }
        );
        assert_eq!(
            EntryId { ms: 5, seq: 0 }.before(),
            EntryId {
                ms: 4,
                seq: u64::MAX
            }
        );
        assert_eq!(EntryId { ms: 0, seq: 0 }.before(), EntryId::ZERO);
        assert!(EntryId { ms: 4, seq: 9 } < EntryId { ms: 5, seq: 0 });
        assert_eq!(EntryId { ms: 5, seq: 1 }.to_string(), "5-1");
    }
}
