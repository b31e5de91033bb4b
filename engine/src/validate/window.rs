//! The checks and output type of a Window node.

use foldhash::{HashSet, HashSetExt};

use super::{PortType, Problem, TimeAttr, Typed, expr_problem};
use crate::expr::Aggregate;
use crate::spec::{NodeSpec, PipelineSpec, TimeKind, WindowConfig, WindowKind};
use crate::types::{DataType, Field, Schema};

/// The columns every window output starts with.
pub const WINDOW_START: &str = "window_start";
pub const WINDOW_END: &str = "window_end";

/// `window_start`, `window_end`, the key columns, the aggregates; and the `late` output,
/// which has the input's rows.
pub(super) fn window_type(
    spec: &PipelineSpec,
    node: &NodeSpec,
    config: &WindowConfig,
    input: &PortType,
) -> Result<Typed, Vec<Problem>> {
    let id = node.id.as_str();
    let mut problems = Vec::new();
    let mut problem = |message: String| problems.push(Problem::error(Some(id), message));
    match config.window {
        WindowKind::Tumbling { size_ms: 0 } => {
            problem("the window size must be at least 1 ms".into())
        }
        WindowKind::Sliding { size_ms, slide_ms } => {
            if size_ms == 0 || slide_ms == 0 {
                problem("the window size and slide must be at least 1 ms".into());
            } else if slide_ms > size_ms {
                problem(format!(
                    "the slide ({slide_ms} ms) is larger than the size ({size_ms} ms): rows \
                     between windows would belong to none; use a slide up to the size"
                ));
            }
        }
        WindowKind::Session { gap_ms: 0 } => {
            problem("the session gap must be at least 1 ms".into())
        }
        _ => {}
    }
    if i64::try_from(window_length(config.window)).is_err()
        || i64::try_from(config.allowed_lateness_ms).is_err()
    {
        problem("the window's times must fit in 64-bit milliseconds".into());
    }
    match config.time {
        TimeKind::EventTime if input.time.is_none() => problem(
            "a Window in event time needs a stream with event time: set the source's event \
             time column (or use processing time)"
                .into(),
        ),
        TimeKind::ProcessingTime if config.allowed_lateness_ms > 0 => problem(
            "allowed lateness applies to event time; in processing time no row is late".into(),
        ),
        _ => {}
    }
    if input.changelog {
        problem(
            "a Window needs rows that are only added, but this stream updates earlier \
             results (a Window with allowed lateness); window the stream before that one"
                .into(),
        );
    }
    if input.keys.is_none() && spec.parallelism_of(node) > 1 {
        problem(
            "a Window over a stream without a key runs as one instance: put a KeyBy before \
             it, or set its parallelism to 1"
                .into(),
        );
    }
    let keys = input.keys.clone().unwrap_or_default();
    let mut fields = vec![
        Field::new(WINDOW_START, DataType::Timestamp),
        Field::new(WINDOW_END, DataType::Timestamp),
    ];
    for key in &keys {
        let field = input
            .schema
            .field(key)
            .expect("keys are columns of their stream");
        fields.push(field.clone());
    }
    for (i, text) in config.aggregates.iter().enumerate() {
        match Aggregate::compile(text, fields.len(), &input.schema) {
            Ok(aggregate) => fields.push(Field::new(aggregate.name, aggregate.data_type)),
            Err(e) => problems.push(expr_problem(node, &format!("aggregate {}", i + 1), e)),
        }
    }
    let mut names = HashSet::new();
    for field in &fields {
        if !names.insert(field.name.to_ascii_lowercase()) {
            problems.push(
                Problem::error(
                    Some(id),
                    format!(
                        "the output has two columns named `{}`; rename the aggregate with AS",
                        field.name
                    ),
                )
                .with_column(Some(field.name.clone())),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let time = (config.time == TimeKind::EventTime).then(|| TimeAttr {
        column: WINDOW_END.into(),
        shift_ms: -1,
    });
    let out = PortType {
        keys: input.keys.clone(),
        time,
        window: Some(config.window),
        changelog: config.allowed_lateness_ms > 0,
        ..PortType::plain(Schema::new(fields))
    };
    let late = PortType {
        window: None,
        ..input.clone()
    };
    Ok(Typed {
        out: Some(out),
        late: Some(late),
    })
}

/// The longest span a window covers, in milliseconds.
fn window_length(window: WindowKind) -> u64 {
    match window {
        WindowKind::Tumbling { size_ms } | WindowKind::Sliding { size_ms, .. } => size_ms,
        WindowKind::Session { gap_ms } => gap_ms,
    }
}
