//! The checks and output type of a Join node.

use foldhash::HashSet;

use super::window::{WINDOW_END, WINDOW_START};
use super::{PortType, Problem, TimeAttr, Typed, unknown_column};
use crate::spec::{JoinConfig, JoinKind, NodeSpec, PipelineSpec, WindowKind, quote_id};
use crate::types::{DataType, Field, Schema};

/// Where each output column of a join comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinLayout {
    /// The output's columns.
    pub schema: Schema,
    /// Left input columns in the output, in order, after the window bounds if any.
    pub left: Vec<usize>,
    /// Right input columns in the output, in order, after the left ones.
    pub right: Vec<usize>,
    /// Whether the output starts with `window_start` and `window_end`.
    pub windowed: bool,
}

/// The output of a join of `left` and `right`: the window bounds for a window join, then
/// the left columns, then the right ones (a name already taken gets `0` after it). A
/// windowed input's own bounds are the join's, so they are not repeated.
pub fn join_layout(kind: &JoinKind, left: &PortType, right: &PortType) -> JoinLayout {
    let windowed = matches!(kind, JoinKind::Window { .. });
    let is_bound = |name: &str| name == WINDOW_START || name == WINDOW_END;
    let mut fields = Vec::new();
    if windowed {
        fields.push(Field::new(WINDOW_START, DataType::Timestamp));
        fields.push(Field::new(WINDOW_END, DataType::Timestamp));
    }
    let mut taken: HashSet<String> = fields.iter().map(|f| f.name.to_ascii_lowercase()).collect();
    let mut pick = |input: &PortType| -> Vec<usize> {
        let mut picked = Vec::new();
        for (i, f) in input.schema.fields.iter().enumerate() {
            if windowed && input.window.is_some() && is_bound(&f.name) {
                continue;
            }
            let mut name = f.name.clone();
            while !taken.insert(name.to_ascii_lowercase()) {
                name.push('0');
            }
            fields.push(Field::new(name, f.data_type));
            picked.push(i);
        }
        picked
    };
    let left_columns = pick(left);
    let right_columns = pick(right);
    JoinLayout {
        schema: Schema::new(fields),
        left: left_columns,
        right: right_columns,
        windowed,
    }
}

pub(super) fn join_type(
    spec: &PipelineSpec,
    node: &NodeSpec,
    config: &JoinConfig,
    left: &PortType,
    right: &PortType,
) -> Result<Typed, Vec<Problem>> {
    let id = node.id.as_str();
    let mut problems = Vec::new();
    let mut problem = |message: String| problems.push(Problem::error(Some(id), message));
    for (side, input) in [("left", left), ("right", right)] {
        if input.time.is_none() {
            problem(format!(
                "the {side} input has no event time; a Join matches rows in event time, so \
                 set the event time column of its source"
            ));
        }
        if input.changelog {
            problem(format!(
                "the {side} input updates earlier results (a Window with allowed lateness); \
                 a Join needs rows that are only added"
            ));
        }
    }
    match config.kind {
        JoinKind::Window { window } => {
            match window {
                WindowKind::Session { .. } => problem(
                    "a window join takes tumbling or sliding windows; sessions differ per key"
                        .into(),
                ),
                WindowKind::Tumbling { size_ms: 0 } => {
                    problem("the window size must be at least 1 ms".into())
                }
                WindowKind::Sliding { size_ms, slide_ms } if size_ms == 0 || slide_ms == 0 => {
                    problem("the window size and slide must be at least 1 ms".into())
                }
                WindowKind::Sliding { size_ms, slide_ms } if slide_ms > size_ms => problem(
                    format!("the slide ({slide_ms} ms) is larger than the size ({size_ms} ms)"),
                ),
                _ => {}
            }
            for (side, input) in [("left", left), ("right", right)] {
                if let Some(other) = input.window.filter(|w| *w != window) {
                    problem(format!(
                        "the {side} input is windowed by {other:?}, the Join by {window:?}; \
                         join windowed streams by their own window"
                    ));
                }
            }
        }
        JoinKind::Interval {
            before_ms,
            after_ms,
        } => {
            if i64::try_from(before_ms.max(after_ms)).is_err() {
                problem("the interval must fit in 64-bit milliseconds".into());
            }
        }
    }
    let mut left_keys = Vec::new();
    let mut right_keys = Vec::new();
    for key in &config.keys {
        let l = left.schema.field(&key.left);
        let r = right.schema.field(&key.right);
        if l.is_none() {
            problems.push(unknown_column(
                id,
                "left key column",
                &key.left,
                &left.schema,
            ));
        }
        if r.is_none() {
            problems.push(unknown_column(
                id,
                "right key column",
                &key.right,
                &right.schema,
            ));
        }
        if let (Some(l), Some(r)) = (l, r) {
            if l.data_type != r.data_type {
                problems.push(
                    Problem::error(
                        Some(id),
                        format!(
                            "key `{}` is {} on the left but `{}` is {} on the right; keys must \
                             have one type (CAST one in a Map first)",
                            l.name, l.data_type, r.name, r.data_type
                        ),
                    )
                    .with_column(Some(l.name.clone())),
                );
            }
            left_keys.push(l.name.clone());
            right_keys.push(r.name.clone());
        }
    }
    // Matching rows must meet in one instance: each input partitioned by the join keys.
    if spec.parallelism_of(node) > 1 {
        for (side, input, keys) in [("left", left, &left_keys), ("right", right, &right_keys)] {
            if config.keys.is_empty() || input.keys.as_ref() != Some(keys) {
                let wanted = if keys.is_empty() {
                    "its join keys".to_string()
                } else {
                    keys.iter()
                        .map(|k| format!("`{}`", quote_id(k)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                problems.push(Problem::error(
                    Some(id),
                    format!(
                        "at parallelism {} both inputs must be keyed by their join keys: put a \
                         KeyBy by {wanted} before the {side} input, or set the Join's \
                         parallelism to 1",
                        spec.parallelism_of(node)
                    ),
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let layout = join_layout(&config.kind, left, right);
    let (time, window) = match config.kind {
        JoinKind::Window { window } => (
            Some(TimeAttr {
                column: WINDOW_END.into(),
                shift_ms: -1,
            }),
            Some(window),
        ),
        // The output keeps the left rows' time, under the left column's output name.
        JoinKind::Interval { .. } => {
            let time = left.time.as_ref().and_then(|t| {
                let at = left.schema.index_of(&t.column)?;
                let out = layout.left.iter().position(|&c| c == at)?;
                Some(TimeAttr {
                    column: layout.schema.fields[out].name.clone(),
                    shift_ms: t.shift_ms,
                })
            });
            (time, None)
        }
    };
    Ok(Typed::out(PortType {
        time,
        window,
        ..PortType::plain(layout.schema)
    }))
}
