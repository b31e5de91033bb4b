//! What a task itself keeps in a checkpoint beside its operators' states: a source task its
//! source's position and the event time it has reached; a task with inputs the watermark
//! each input has reached, so rows after a restore are judged as in a run that never stopped.

use serde::{Deserialize, Serialize};

use crate::checkpoint::{Restore, StatePart};
use crate::types::ColumnsState;

#[derive(Serialize, Deserialize)]
pub struct SourceTaskState {
    pub position: Vec<u8>,
    pub max_event_time: Option<i64>,
    pub watermark: i64,
    /// Rows the source had made but a pause held back: they come first after a restore.
    pub held: Option<ColumnsState>,
}

#[derive(Serialize, Deserialize)]
pub struct InputsState {
    /// Each input's port and watermark, in input order.
    pub inputs: Vec<(usize, i64)>,
    pub combined: i64,
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("plain data serializes")
}

pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("the checkpoint's {what} is not readable: {e}"))
}

/// The watermarks to restore for a task of node `head` whose inputs feed `ports`: its own
/// instance's when the wiring is the same, else for each input the least its port had.
pub fn restored_inputs(
    restore: &Restore,
    head: &str,
    subtask: usize,
    ports: &[usize],
) -> Result<Option<(Vec<i64>, i64)>, String> {
    let states = restore.states_of(head, StatePart::Inputs);
    if states.is_empty() {
        return Ok(None);
    }
    let what = format!("input watermarks of node `{head}`");
    let decoded: Vec<(usize, InputsState)> = states
        .into_iter()
        .map(|(s, bytes)| decode(bytes, &what).map(|d| (s, d)))
        .collect::<Result<_, _>>()?;
    let same = decoded.len() == restore.parallelism_of(head).unwrap_or(0);
    if let Some((_, own)) = decoded.iter().find(|(s, _)| *s == subtask)
        && same
        && own.inputs.iter().map(|(p, _)| *p).eq(ports.iter().copied())
    {
        return Ok(Some((
            own.inputs.iter().map(|(_, w)| *w).collect(),
            own.combined,
        )));
    }
    let least_of = |port: usize| {
        decoded
            .iter()
            .flat_map(|(_, d)| &d.inputs)
            .filter(|(p, _)| *p == port)
            .map(|(_, w)| *w)
            .min()
            .unwrap_or(i64::MIN)
    };
    let combined = decoded
        .iter()
        .map(|(_, d)| d.combined)
        .min()
        .unwrap_or(i64::MIN);
    Ok(Some((
        ports.iter().map(|&p| least_of(p)).collect(),
        combined,
    )))
}
