//! The event-time timeline of one window node, read from a traced run: each row the source
//! sent (its event time, the order it arrived in, when), the watermark reaching the window
//! after each row, the windows with the row after which each fired, and what became of each
//! late row. Nothing here decides lateness or firing: it reads what the engine recorded.
//!
//! Steps count rows: step k is the job after the source's first k rows, and the step after
//! the last row is the end of input, when the watermark jumps to +∞ and every open window
//! fires. The trace is causal per step only when the source, its window and everything
//! between run in one thread, one row per batch (parallelism 1, batch size 1): `read`
//! checks that each late row is the row that just arrived.

use std::collections::HashMap;

use engine::PipelineSpec;
use engine::runtime::{Trace, Traced};
use engine::spec::{NodeKind, TimeKind};
use engine::types::{RowKind, Value};
use engine::validate::Analysis;

/// What became of a row at the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Counted in its windows before they fired.
    OnTime,
    /// Too late for a window that had fired, and within the allowed lateness: the window's
    /// result was updated (`-U`, `+U`).
    Updated,
    /// Too late: it left by the window's `late` output.
    ToLateOutput,
    /// Too late, and the `late` output is not connected: dropped.
    Dropped,
}

impl Fate {
    pub fn is_late(self) -> bool {
        self != Fate::OnTime
    }

    pub fn describe(self) -> &'static str {
        match self {
            Fate::OnTime => "on time",
            Fate::Updated => "late: updated its window",
            Fate::ToLateOutput => "late: sent to the late output",
            Fate::Dropped => "late: dropped",
        }
    }
}

/// One row the source sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    /// 0 for the first row.
    pub index: usize,
    pub event_time: i64,
    /// Milliseconds since the job started, when the source sent it.
    pub at_ms: f64,
    /// The wall clock then, in epoch milliseconds: the row's processing time.
    pub processed_at: i64,
    pub values: Vec<Value>,
    pub fate: Fate,
    /// The window's key for this row (empty when the window is not keyed).
    pub key: String,
}

/// A window that fired, with its results.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowBox {
    pub key: String,
    pub start: i64,
    pub end: i64,
    /// The step at which it first emitted a result: after that many rows (`rows + 1` is the
    /// end of input).
    pub fired_at: usize,
    /// Steps at which it emitted an updated result.
    pub updated_at: Vec<usize>,
    /// Its results, as emitted (the last is the current one), with the step of each.
    pub results: Vec<(usize, RowKind, Vec<Value>)>,
}

impl WindowBox {
    /// Whether it has fired by step `step`.
    pub fn fired_by(&self, step: usize) -> bool {
        self.fired_at <= step
    }

    /// The rows of the trace that fell in it (by event time, or by processing time in a
    /// processing-time window), and not too late for it.
    pub fn members<'a>(&'a self, timeline: &'a Timeline) -> impl Iterator<Item = &'a Arrival> {
        timeline.arrivals.iter().filter(move |a| {
            let time = timeline.time_of(a);
            a.key == self.key
                && time >= self.start
                && time < self.end
                && matches!(a.fate, Fate::OnTime | Fate::Updated)
        })
    }
}

/// The timeline of one run, for one source and one window node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub arrivals: Vec<Arrival>,
    /// The watermark at the window's input after each step: `(step, watermark)`, in order,
    /// one entry per change.
    pub watermarks: Vec<(usize, i64)>,
    pub windows: Vec<WindowBox>,
    /// The window's result columns, for the labels.
    pub result_columns: Vec<String>,
    /// Whether the window's `late` output leads anywhere.
    pub late_connected: bool,
    /// The window groups rows by processing time (the wall clock when they came).
    pub processing_time: bool,
    /// Processing times are near enough to event times to be drawn beside them (a source
    /// stamping rows with the wall clock). A processing-time window draws rows at their
    /// processing time instead.
    pub show_processing_time: bool,
}

impl Timeline {
    /// The time a row's window is chosen by.
    pub fn time_of(&self, a: &Arrival) -> i64 {
        if self.processing_time {
            a.processed_at
        } else {
            a.event_time
        }
    }

    /// The last step: the end of input.
    pub fn end_step(&self) -> usize {
        self.arrivals.len() + 1
    }

    /// The watermark at the window after step `step`, if one has arrived.
    pub fn watermark_at(&self, step: usize) -> Option<i64> {
        self.watermarks
            .iter()
            .take_while(|(s, _)| *s <= step)
            .last()
            .map(|(_, w)| *w)
    }

    pub fn late(&self) -> impl Iterator<Item = &Arrival> {
        self.arrivals.iter().filter(|a| a.fate.is_late())
    }

    /// Windows in the order they first fired (by step, then by end).
    pub fn firing_order(&self) -> Vec<&WindowBox> {
        let mut windows: Vec<&WindowBox> = self.windows.iter().collect();
        windows.sort_by_key(|w| (w.fired_at, w.end, w.start));
        windows
    }

    /// The range of event time shown: every row and window, in milliseconds.
    pub fn time_range(&self) -> Option<(i64, i64)> {
        let times = self
            .arrivals
            .iter()
            .map(|a| (self.time_of(a), self.time_of(a) + 1));
        let processed = self
            .arrivals
            .iter()
            .filter(|_| self.show_processing_time)
            .map(|a| (a.processed_at, a.processed_at + 1));
        let windows = self.windows.iter().map(|w| (w.start, w.end));
        times
            .chain(processed)
            .chain(windows)
            .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
    }
}

/// Reads the timeline of `window`, fed by `source`, from a run's trace; the error says why
/// the trace cannot be read so (a node missing or with problems, a run that was not causal).
pub fn read(
    spec: &PipelineSpec,
    analysis: &Analysis,
    source: &str,
    window: &str,
    trace: &Trace,
) -> Result<Timeline, String> {
    let events = trace.events();
    let node = |id: &str| {
        spec.nodes
            .iter()
            .find(|n| n.id == id)
            .ok_or_else(|| format!("the pipeline has no node \"{id}\""))
    };
    node(source)?;
    let NodeKind::Window(config) = &node(window)?.kind else {
        return Err(format!("\"{window}\" is not a Window"));
    };
    let source_type = analysis
        .outputs
        .get(source)
        .ok_or_else(|| format!("\"{source}\" has problems: fix them to see the timeline"))?;
    let time = source_type
        .time
        .as_ref()
        .ok_or_else(|| format!("\"{source}\" has no event time"))?;
    let time_column = source_type
        .schema
        .index_of(&time.column)
        .ok_or_else(|| format!("\"{source}\" has no column {}", time.column))?;
    let input = analysis
        .late
        .get(window)
        .ok_or_else(|| format!("\"{window}\" has problems: fix them to see the timeline"))?;
    let output = analysis
        .outputs
        .get(window)
        .ok_or_else(|| format!("\"{window}\" has problems: fix them to see the timeline"))?;
    let keys = input.keys.clone().unwrap_or_default();
    let key_of = |schema: &engine::types::Schema, row: &[Value]| -> String {
        keys.iter()
            .filter_map(|k| schema.index_of(k).map(|i| row[i].to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let source_key = |row: &[Value]| key_of(&source_type.schema, row);
    let index = |name: &str| {
        output
            .schema
            .index_of(name)
            .ok_or_else(|| format!("\"{window}\" has no {name} column"))
    };
    let (start_col, end_col) = (index("window_start")?, index("window_end")?);
    let late_time = input
        .time
        .as_ref()
        .and_then(|t| input.schema.index_of(&t.column));
    let late_connected = spec
        .edges
        .iter()
        .any(|e| e.from == window && e.from_port == "late");

    let mut timeline = Timeline {
        result_columns: output
            .schema
            .fields
            .iter()
            .map(|f| f.name.clone())
            .collect(),
        late_connected,
        processing_time: config.time == TimeKind::ProcessingTime,
        ..Timeline::default()
    };
    let mut step = 0;
    let mut ended = false;
    // Whether the window has seen the watermark of the current step yet: results before it
    // come from the row itself (updates), after it from the watermark (firing).
    let mut watermark_seen = false;
    let mut boxes: HashMap<(String, i64, i64), usize> = HashMap::new();
    for event in &events {
        match &event.what {
            Traced::Rows { port: 0, rows, .. } if event.node == source && !ended => {
                for row in rows {
                    let event_time = match row.get(time_column) {
                        Some(Value::Timestamp(t) | Value::Int64(t)) => *t,
                        _ => return Err(format!("a row of \"{source}\" has no event time")),
                    };
                    timeline.arrivals.push(Arrival {
                        index: timeline.arrivals.len(),
                        event_time,
                        at_ms: event.at_ns as f64 / 1e6,
                        processed_at: trace.started_at_ms() + (event.at_ns / 1_000_000) as i64,
                        values: row.clone(),
                        fate: Fate::OnTime,
                        key: source_key(row),
                    });
                }
                if rows.len() > 1 {
                    return Err(format!(
                        "\"{source}\" sent {} rows in one batch: the timeline needs one row \
                         per batch: set Batch size to 1 in the job settings (the inspector \
                         with no node selected)",
                        rows.len()
                    ));
                }
                step = timeline.arrivals.len();
                watermark_seen = false;
            }
            Traced::Watermark(w) if event.node == source && *w == i64::MAX => {
                ended = true;
                step = timeline.arrivals.len() + 1;
                watermark_seen = false;
            }
            Traced::Watermark(w) if event.node == window => {
                watermark_seen = true;
                if timeline.watermarks.last().is_none_or(|(_, last)| last != w) {
                    timeline.watermarks.push((step, *w));
                }
            }
            Traced::Rows { port: 1, rows, .. } if event.node == window => {
                let fate = if late_connected {
                    Fate::ToLateOutput
                } else {
                    Fate::Dropped
                };
                for row in rows {
                    mark_late(
                        &mut timeline,
                        step,
                        fate,
                        late_time.map(|i| &row[i]),
                        window,
                    )?;
                }
            }
            Traced::Rows {
                port: 0,
                rows,
                kinds,
            } if event.node == window => {
                for (row, kind) in rows.iter().zip(kinds) {
                    let (Value::Timestamp(start), Value::Timestamp(end)) =
                        (&row[start_col], &row[end_col])
                    else {
                        return Err(format!("a result of \"{window}\" has no window bounds"));
                    };
                    let key = key_of(&output.schema, row);
                    let id = (key.clone(), *start, *end);
                    let at = *boxes.entry(id).or_insert_with(|| {
                        timeline.windows.push(WindowBox {
                            key,
                            start: *start,
                            end: *end,
                            fired_at: step,
                            updated_at: Vec::new(),
                            results: Vec::new(),
                        });
                        timeline.windows.len() - 1
                    });
                    let b = &mut timeline.windows[at];
                    if *kind == RowKind::UpdateAfter && b.updated_at.last() != Some(&step) {
                        b.updated_at.push(step);
                    }
                    b.results.push((step, *kind, row.clone()));
                    // A result that comes before the step's watermark was made by the row
                    // that just arrived: a late row that updated its window.
                    if !watermark_seen && *kind != RowKind::Insert && !ended && step > 0 {
                        let arrival = &mut timeline.arrivals[step - 1];
                        if arrival.fate == Fate::OnTime {
                            arrival.fate = Fate::Updated;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // A minute apart at most: rows stamped by the wall clock, not read from a file of old ones.
    timeline.show_processing_time = !timeline.processing_time
        && (!timeline.arrivals.is_empty()
            && timeline
                .arrivals
                .iter()
                .all(|a| (a.processed_at - a.event_time).abs() < 60_000));
    Ok(timeline)
}

/// Marks the row that arrived last before `step` as late, checking that the late row is it.
fn mark_late(
    timeline: &mut Timeline,
    step: usize,
    fate: Fate,
    time: Option<&Value>,
    window: &str,
) -> Result<(), String> {
    let arrival = step
        .checked_sub(1)
        .and_then(|i| timeline.arrivals.get_mut(i))
        .filter(|a| {
            time.is_none_or(
                |t| matches!(t, Value::Timestamp(v) | Value::Int64(v) if *v == a.event_time),
            )
        })
        .ok_or_else(|| {
            format!(
                "a late row of \"{window}\" is not the row that had just arrived: the timeline \
                 needs parallelism 1 and batch size 1, in the job settings"
            )
        })?;
    arrival.fate = fate;
    Ok(())
}
