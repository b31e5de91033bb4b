//! The nodes between sources and sinks as Flink views: filters and projections, unions,
//! window aggregations over the window table functions, window joins and interval joins.

use super::sql_text::{MAX_INTERVAL_MS, expression, interval, name, select_expression};
use super::{Context, ExportError, Input, Relation, Statement, Translated};
use crate::spec::{
    JoinConfig, JoinKind, JoinType, LATE_OUTPUT, LEFT_INPUT, NodeKind, NodeSpec, PipelineSpec,
    RIGHT_INPUT, TimeKind, WindowConfig, WindowKind,
};
use crate::validate::join_layout;

/// Flink's name for the event time of a window's results.
const WINDOW_TIME: &str = "window_time";

/// An error when a Window's `late` output feeds anything: Flink SQL drops late rows.
pub(super) fn late_output_used(spec: &PipelineSpec, node: &NodeSpec) -> Option<ExportError> {
    let used = spec
        .edges
        .iter()
        .any(|e| e.from == node.id && e.from_port == LATE_OUTPUT);
    used.then(|| {
        ExportError::at(
            &node.id,
            "its late output is connected, and Flink SQL has no output for late rows (its \
             windows drop them): disconnect the late output to export",
        )
    })
}

fn view(node: &NodeSpec, query: String) -> String {
    format!("CREATE TEMPORARY VIEW {} AS\n{query}", name(&node.id))
}

fn renamed(relation: &Relation, node: &NodeSpec) -> Relation {
    Relation {
        name: node.id.clone(),
        ..relation.clone()
    }
}

fn expr_error(node: &NodeSpec, what: &str, e: crate::expr::ExprError) -> ExportError {
    ExportError::at(&node.id, format!("{what}: {e}"))
}

/// A transform node as a view; `None` when an input was not exported.
pub(super) fn view_of(ctx: &Context, node: &NodeSpec) -> Result<Option<Translated>, ExportError> {
    let passthrough = |input: &Input, note: Option<String>| {
        let query = format!(
            "SELECT {}\nFROM {}",
            input.relation.select_all(None),
            name(&input.relation.name)
        );
        let mut statement = Statement::new(view(node, query));
        if let Some(note) = note {
            statement = statement.noted(note);
        }
        Translated::relation(statement, renamed(&input.relation, node))
    };
    if let NodeKind::Union(_) = node.kind {
        return Ok(union(ctx, node));
    }
    if let NodeKind::Join(c) = &node.kind {
        return join(ctx, node, c);
    }
    let Some(input) = ctx.input(node) else {
        return Ok(None);
    };
    let schema = &input.port.schema;
    let translated = match &node.kind {
        NodeKind::Filter(c) => {
            let condition =
                expression(&c.condition, schema).map_err(|e| expr_error(node, "condition", e))?;
            let query = format!(
                "SELECT {}\nFROM {}\nWHERE {condition}",
                input.relation.select_all(None),
                name(&input.relation.name)
            );
            Translated::relation(
                Statement::new(view(node, query)),
                renamed(&input.relation, node),
            )
        }
        NodeKind::Map(c) => map(ctx, node, &c.columns, &input)?,
        NodeKind::KeyBy(c) => passthrough(
            &input,
            Some(format!(
                "partitioned by {} where a later step groups or joins by it",
                c.columns.join(", ")
            )),
        ),
        NodeKind::Throttle(c) => passthrough(
            &input,
            Some(format!(
                "at most {} rows a second here; Flink SQL has no rate limit, so rows pass \
                 unchanged and at the job's own pace",
                c.rows_per_second
            )),
        ),
        NodeKind::Window(c) => window(ctx, node, c, &input)?,
        other => unreachable!("{} is not a transform", other.name()),
    };
    Ok(Some(translated))
}

fn map(
    ctx: &Context,
    node: &NodeSpec,
    items: &[String],
    input: &Input,
) -> Result<Translated, ExportError> {
    let out = ctx.output_type(node).expect("a valid node has a type");
    let mut list = Vec::new();
    for (i, (text, field)) in items.iter().zip(&out.schema.fields).enumerate() {
        let expr = select_expression(text, &input.port.schema)
            .map_err(|e| expr_error(node, &format!("column {}", i + 1), e))?;
        list.push(format!("{expr} AS {}", name(&field.name)));
    }
    // A window's time passes on where its `window_end` does.
    let hidden_time = match &out.time {
        Some(t) if t.shift_ms != 0 => input.relation.hidden_time.clone(),
        _ => None,
    };
    list.extend(hidden_time.iter().map(|c| name(c)));
    let query = format!(
        "SELECT {}\nFROM {}",
        list.join(", "),
        name(&input.relation.name)
    );
    Ok(Translated::relation(
        Statement::new(view(node, query)),
        Relation {
            name: node.id.clone(),
            columns: out.schema.names().map(str::to_string).collect(),
            hidden_time,
        },
    ))
}

fn union(ctx: &Context, node: &NodeSpec) -> Option<Translated> {
    let inputs = ctx.inputs(node, crate::spec::DEFAULT_PORT);
    if inputs.len() < ctx.topology.inputs_of(&node.id).len() {
        return None;
    }
    let out = ctx.output_type(node)?;
    let carried = out.time.as_ref().is_some_and(|t| t.shift_ms != 0)
        && inputs.iter().all(|i| i.relation.hidden_time.is_some());
    let parts: Vec<String> = inputs
        .iter()
        .map(|i| {
            let mut columns: Vec<String> = i.relation.columns.iter().map(|c| name(c)).collect();
            if carried {
                columns.extend(i.relation.hidden_time.iter().map(|c| name(c)));
            }
            format!(
                "SELECT {}\nFROM {}",
                columns.join(", "),
                name(&i.relation.name)
            )
        })
        .collect();
    let first = &inputs.first()?.relation;
    Some(Translated::relation(
        Statement::new(view(node, parts.join("\nUNION ALL\n"))),
        Relation {
            name: node.id.clone(),
            columns: first.columns.clone(),
            hidden_time: if carried {
                first.hidden_time.clone()
            } else {
                None
            },
        },
    ))
}

fn check_length(node: &NodeSpec, ms: u64) -> Result<(), ExportError> {
    if ms > MAX_INTERVAL_MS {
        return Err(ExportError::at(
            &node.id,
            format!("{ms} ms is longer than the 999 days a Flink interval can hold here"),
        ));
    }
    Ok(())
}

/// `TABLE(TUMBLE(TABLE input, DESCRIPTOR(time), size))`, with HOP and SESSION alike; a
/// session window is per key.
fn window_table(
    node: &NodeSpec,
    window: WindowKind,
    relation: &str,
    time: &str,
    keys: &[String],
) -> Result<String, ExportError> {
    let table = format!("TABLE {}", name(relation));
    let descriptor = format!("DESCRIPTOR({})", name(time));
    Ok(match window {
        WindowKind::Tumbling { size_ms } => {
            check_length(node, size_ms)?;
            format!(
                "TABLE(TUMBLE({table}, {descriptor}, {}))",
                interval(size_ms)
            )
        }
        WindowKind::Sliding { size_ms, slide_ms } => {
            check_length(node, size_ms)?;
            format!(
                "TABLE(HOP({table}, {descriptor}, {}, {}))",
                interval(slide_ms),
                interval(size_ms)
            )
        }
        WindowKind::Session { gap_ms } => {
            check_length(node, gap_ms)?;
            let partition = match keys {
                [] => String::new(),
                keys => format!(
                    " PARTITION BY {}",
                    keys.iter().map(|k| name(k)).collect::<Vec<_>>().join(", ")
                ),
            };
            format!(
                "TABLE(SESSION({table}{partition}, {descriptor}, {}))",
                interval(gap_ms)
            )
        }
    })
}

/// Whether an input already holds rows of `window` by their own bounds, which a window
/// or join then keeps rather than assigning windows again.
fn keeps_windows(input: &Input, window: WindowKind) -> bool {
    input.port.window == Some(window)
        && input.relation.hidden_time.is_some()
        && ["window_start", "window_end"]
            .iter()
            .all(|b| input.relation.columns.iter().any(|c| c == b))
}

fn window(
    ctx: &Context,
    node: &NodeSpec,
    c: &WindowConfig,
    input: &Input,
) -> Result<Translated, ExportError> {
    if c.time == TimeKind::ProcessingTime {
        return Err(ExportError::at(
            &node.id,
            "it windows by processing time, which the export does not carry to Flink yet \
             (its results depend on arrival times, so no run repeats them): window by event \
             time to export",
        ));
    }
    if c.allowed_lateness_ms > 0 {
        return Err(ExportError::at(
            &node.id,
            format!(
                "it updates results for rows up to {} ms late, and Flink SQL's window \
                 functions have no allowed lateness (late rows are dropped): set the allowed \
                 lateness to 0 to export",
                c.allowed_lateness_ms
            ),
        ));
    }
    let out = ctx.output_type(node).expect("a valid node has a type");
    let keys = input.port.keys.clone().unwrap_or_default();
    let time = input
        .relation
        .time_column(input.port)
        .expect("an event-time window's input has event time");
    let from = if keeps_windows(input, c.window) {
        name(&input.relation.name)
    } else {
        if input
            .relation
            .columns
            .iter()
            .any(|c| c == "window_start" || c == "window_end")
        {
            return Err(ExportError::at(
                &node.id,
                "its input has `window_start` or `window_end` columns of other windows, and \
                 Flink's window functions add columns of those names: rename them in a Map \
                 before this Window",
            ));
        }
        window_table(node, c.window, &input.relation.name, &time, &keys)?
    };
    let window_time = if keeps_windows(input, c.window) {
        input.relation.hidden_time.clone().expect("checked")
    } else {
        WINDOW_TIME.to_string()
    };
    let mut group: Vec<String> = ["window_start", "window_end", window_time.as_str()]
        .iter()
        .map(|c| name(c))
        .collect();
    group.extend(keys.iter().map(|k| name(k)));
    let mut select = vec![name("window_start"), name("window_end")];
    select.extend(keys.iter().map(|k| name(k)));
    let aggregates = &out.schema.fields[2 + keys.len()..];
    for (i, (text, field)) in c.aggregates.iter().zip(aggregates).enumerate() {
        let expr = select_expression(text, &input.port.schema)
            .map_err(|e| expr_error(node, &format!("aggregate {}", i + 1), e))?;
        select.push(format!("{expr} AS {}", name(&field.name)));
    }
    // Carried for later windows and joins, under a name no output column has.
    let mut hidden = WINDOW_TIME.to_string();
    while out.schema.names().any(|n| n.eq_ignore_ascii_case(&hidden)) {
        hidden.push('0');
    }
    select.push(format!("{} AS {}", name(&window_time), name(&hidden)));
    let query = format!(
        "SELECT {}\nFROM {from}\nGROUP BY {}",
        select.join(", "),
        group.join(", ")
    );
    Ok(Translated::relation(
        Statement::new(view(node, query)),
        Relation {
            name: node.id.clone(),
            columns: out.schema.names().map(str::to_string).collect(),
            hidden_time: Some(hidden),
        },
    ))
}

fn join(ctx: &Context, node: &NodeSpec, c: &JoinConfig) -> Result<Option<Translated>, ExportError> {
    let (Some(left), Some(right)) = (
        ctx.inputs(node, LEFT_INPUT).into_iter().next(),
        ctx.inputs(node, RIGHT_INPUT).into_iter().next(),
    ) else {
        return Ok(None);
    };
    let layout = join_layout(&c.kind, left.port, right.port);
    let out_names: Vec<&str> = layout.schema.names().collect();
    let (l, r) = ("L", "R");
    let mut on: Vec<String> = c
        .keys
        .iter()
        .map(|k| {
            let exact = |input: &Input, column: &str| {
                let schema = &input.port.schema;
                schema
                    .index_of(column)
                    .map_or(column.to_string(), |i| schema.fields[i].name.clone())
            };
            format!(
                "{l}.{} = {r}.{}",
                name(&exact(&left, &k.left)),
                name(&exact(&right, &k.right))
            )
        })
        .collect();
    let mut select = Vec::new();
    let (from_left, from_right, hidden_time) = match c.kind {
        JoinKind::Window { window } => {
            let side = |input: &Input| -> Result<(String, String), ExportError> {
                if keeps_windows(input, window) {
                    return Ok((
                        name(&input.relation.name),
                        input.relation.hidden_time.clone().expect("checked"),
                    ));
                }
                let time = input
                    .relation
                    .time_column(input.port)
                    .expect("a join's inputs have event time");
                let keys = input.port.keys.clone().unwrap_or_default();
                let table = window_table(node, window, &input.relation.name, &time, &keys)?;
                Ok((format!("(SELECT * FROM {table})"), WINDOW_TIME.to_string()))
            };
            let ((left_from, left_time), (right_from, _)) = (side(&left)?, side(&right)?);
            for bound in ["window_start", "window_end"] {
                on.push(format!("{l}.{} = {r}.{}", name(bound), name(bound)));
            }
            select.push(format!("{l}.{}", name("window_start")));
            select.push(format!("{l}.{}", name("window_end")));
            let mut hidden = WINDOW_TIME.to_string();
            while out_names.iter().any(|n| n.eq_ignore_ascii_case(&hidden)) {
                hidden.push('0');
            }
            (
                left_from,
                right_from,
                Some((format!("{l}.{}", name(&left_time)), hidden)),
            )
        }
        JoinKind::Interval {
            before_ms,
            after_ms,
        } => {
            check_length(node, before_ms.max(after_ms))?;
            let lt = left.relation.time_column(left.port).expect("event time");
            let rt = right.relation.time_column(right.port).expect("event time");
            on.push(format!(
                "{l}.{} BETWEEN {r}.{} - {} AND {r}.{} + {}",
                name(&lt),
                name(&rt),
                interval(before_ms),
                name(&rt),
                interval(after_ms)
            ));
            let hidden = left
                .relation
                .hidden_time
                .as_ref()
                .filter(|_| left.port.time.as_ref().is_some_and(|t| t.shift_ms != 0))
                .map(|h| (format!("{l}.{}", name(h)), h.clone()));
            (
                name(&left.relation.name),
                name(&right.relation.name),
                hidden,
            )
        }
    };
    let offset = if layout.windowed { 2 } else { 0 };
    for (k, &i) in layout.left.iter().enumerate() {
        let column = &left.port.schema.fields[i].name;
        select.push(format!(
            "{l}.{} AS {}",
            name(column),
            name(out_names[offset + k])
        ));
    }
    for (k, &i) in layout.right.iter().enumerate() {
        let column = &right.port.schema.fields[i].name;
        let at = offset + layout.left.len() + k;
        select.push(format!("{r}.{} AS {}", name(column), name(out_names[at])));
    }
    if let Some((expr, hidden)) = &hidden_time {
        select.push(format!("{expr} AS {}", name(hidden)));
    }
    let join = match c.join_type {
        JoinType::Inner => "JOIN",
        JoinType::LeftOuter => "LEFT JOIN",
    };
    let query = format!(
        "SELECT {}\nFROM {from_left} {l}\n{join} {from_right} {r}\nON {}",
        select.join(", "),
        on.join(" AND ")
    );
    Ok(Some(Translated::relation(
        Statement::new(view(node, query)),
        Relation {
            name: node.id.clone(),
            columns: out_names.iter().map(|n| n.to_string()).collect(),
            hidden_time: hidden_time.map(|(_, h)| h),
        },
    )))
}
