//! The change a row stands for in a changelog stream, as Flink's `RowKind`.

/// What a row of a changelog stream does to the result it belongs to. An append-only
/// stream has only inserts and carries no kinds at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowKind {
    /// A new row: `+I`.
    Insert,
    /// Retracts an earlier result that an update replaces: `-U`.
    UpdateBefore,
    /// The result that replaces it: `+U`.
    UpdateAfter,
    /// Retracts a row: `-D`.
    Delete,
}

impl RowKind {
    /// The short form Flink prints: `+I`, `-U`, `+U`, `-D`.
    pub fn short(self) -> &'static str {
        match self {
            RowKind::Insert => "+I",
            RowKind::UpdateBefore => "-U",
            RowKind::UpdateAfter => "+U",
            RowKind::Delete => "-D",
        }
    }
}
