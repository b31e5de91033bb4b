//! The inspector: the selected node's settings, inputs, output columns and problems; with
//! no node selected, the pipeline's own settings.

use egui::{Response, RichText, TextEdit, Ui};
use egui_snarl::{InPinId, NodeId, OutPinId};
use engine::expr::{Predicate, SelectItem};
use engine::spec::{
    FailureInjection, FileFormat, NexmarkStream, NodeKind, NodeSpec, RestartStrategy,
};
use engine::types::{DataType, Field, Schema};
use engine::validate::{self, Analysis};

use super::document::Document;
use super::expr_field::expr_field;
use super::form::{self, row};
use super::number_field::{Range, whole};
use super::outputs::OutputFile;
use super::{connect, datagen_form, theme};

/// What the inspector of a node needs besides the document.
pub struct NodeContext<'a> {
    pub analysis: &'a Analysis,
    /// The last refused connection's reason.
    pub refusal: &'a mut Option<String>,
    /// Show the settings without letting them change (while a job runs).
    pub read_only: bool,
    /// For a file sink: the file a run writes, and what the last run wrote there.
    pub output: Option<OutputNote>,
    /// Set to the node's id when its Browse button asks for a file.
    pub browse: &'a mut Option<String>,
}

/// Where a file sink's rows go, resolved as a run resolves it.
pub struct OutputNote {
    pub path: std::path::PathBuf,
    /// Whether a relative path was moved into the per-user output folder.
    pub redirected: bool,
    /// The last run's file, if it wrote one.
    pub written: Option<OutputFile>,
}

/// The inspector of node `node`.
pub fn node(ui: &mut Ui, doc: &mut Document, node: NodeId, cx: NodeContext<'_>) {
    let NodeContext {
        analysis,
        refusal,
        read_only,
        output: output_note,
        browse,
    } = cx;
    let input = input_schema(doc, node, 0, analysis);
    let second = input_schema(doc, node, 1, analysis);
    let columns: Vec<String> = input
        .as_ref()
        .map(|s| s.names().map(String::from).collect())
        .unwrap_or_default();
    let job_parallelism = doc.job.parallelism;
    let others: Vec<String> = doc
        .snarl
        .nodes_ids_data()
        .filter(|(id, _)| *id != node)
        .map(|(_, n)| n.value.id.clone())
        .collect();
    let spec = &mut doc.snarl[node];
    let dark = ui.visuals().dark_mode;
    ui.horizontal(|ui| {
        theme::dot(ui, theme::category_color(spec.kind.category(), dark));
        ui.heading(spec.kind.name());
    });
    ui.label(RichText::new(spec.kind.description()).weak());
    ui.add_space(6.0);
    ui.add_enabled_ui(!read_only, |ui| common(ui, spec, &others, job_parallelism));
    ui.separator();
    // Field state (a text field's own undo) belongs to this node, not to whichever node the
    // inspector showed before.
    let salt = spec.id.clone();
    let mut browse_clicked = false;
    ui.add_enabled_ui(!read_only, |ui| {
        ui.push_id(salt, |ui| {
            config(
                ui,
                &mut spec.kind,
                [input.as_ref(), second.as_ref()],
                &columns,
                &mut browse_clicked,
            )
        })
    });
    if browse_clicked {
        *browse = Some(spec.id.clone());
    }
    if let Some(note) = &output_note {
        written_to(ui, note);
    }
    let id = spec.id.clone();
    if !doc.snarl[node].kind.inputs().is_empty() {
        ui.separator();
        ui.add_enabled_ui(!read_only, |ui| inputs(ui, doc, node, analysis, refusal));
    }
    ui.separator();
    output(ui, analysis, &id, &doc.snarl[node].kind);
    let mut problems: Vec<_> = analysis.problems_of(&id).collect();
    problems.sort_by_key(|p| !p.is_error());
    if !problems.is_empty() {
        ui.separator();
        ui.label(RichText::new("Problems").strong());
        for p in problems {
            let color = if p.is_error() {
                theme::error_color(dark)
            } else {
                theme::warning_color(dark)
            };
            ui.label(RichText::new(&p.message).color(color));
        }
    }
}

/// The settings every node has: its id and parallelism.
fn common(ui: &mut Ui, spec: &mut NodeSpec, others: &[String], job_parallelism: u32) {
    form::rows(ui, "node-common", |ui| {
        row(ui, "Id", |ui| id_field(ui, &mut spec.id, others));
        if spec.kind.runs_single() && spec.parallelism.is_none_or(|p| p == 1) {
            // One file or stream, one task: there is nothing to choose.
            let what = if spec.kind.is_transport() {
                "1 (one stream, one task)"
            } else {
                "1 (one file, one task)"
            };
            row(ui, "Parallelism", |ui| ui.label(RichText::new(what).weak()));
        } else {
            row(ui, "Parallelism", |ui| {
                form::optional(
                    ui,
                    "Parallelism",
                    &mut spec.parallelism,
                    job_parallelism,
                    &parallelism_range(),
                    ("", ""),
                    &format!("job default ({job_parallelism})"),
                )
            });
        }
    });
}

/// Where a file sink writes, and what the last run wrote there.
fn written_to(ui: &mut Ui, note: &OutputNote) {
    let why = if note.redirected {
        "This pipeline has no file of its own yet, so relative paths write into your Streamlab \
         output folder:"
    } else {
        "Relative paths are taken from the pipeline file's folder. Writes to:"
    };
    ui.label(RichText::new(why).weak());
    match &note.written {
        Some(file) => super::bottom::output_line(ui, file),
        None => {
            ui.label(RichText::new(note.path.display().to_string()).monospace());
        }
    }
}

/// The node's id. Edges and the layout refer to nodes by id, so a new id takes effect when
/// the field is left, and only if it is not empty and not another node's.
fn id_field(ui: &mut Ui, id: &mut String, others: &[String]) -> egui::Response {
    let key = ui.id().with(("id-draft", id.as_str()));
    let mut draft: String = ui.data(|d| d.get_temp(key)).unwrap_or_else(|| id.clone());
    let response = ui.add(TextEdit::singleline(&mut draft).desired_width(form::field_width(ui)));
    let trimmed = draft.trim();
    let problem = if trimmed.is_empty() {
        Some("an id cannot be empty")
    } else if others.iter().any(|o| o == trimmed) {
        Some("another node has this id")
    } else {
        None
    };
    if response.has_focus() {
        ui.data_mut(|d| d.insert_temp(key, draft.clone()));
        if let Some(problem) = problem {
            let red = theme::error_color(ui.visuals().dark_mode);
            ui.add(egui::Label::new(RichText::new(problem).color(red)).wrap());
        }
    } else {
        ui.data_mut(|d| d.remove::<String>(key));
        if response.lost_focus() && problem.is_none() {
            *id = trimmed.to_string();
        }
    }
    response
}

/// The pipeline's name, description and job settings.
pub fn pipeline(ui: &mut Ui, doc: &mut Document) {
    ui.heading("Pipeline");
    ui.label(RichText::new("Select a node to edit it.").weak());
    ui.add_space(6.0);
    form::rows(ui, "pipeline", |ui| {
        row(ui, "Name", |ui| {
            ui.add(TextEdit::singleline(&mut doc.name).desired_width(form::field_width(ui)))
        });
        row(ui, "Description", |ui| {
            ui.add(
                TextEdit::multiline(&mut doc.description)
                    .desired_rows(2)
                    .desired_width(form::field_width(ui)),
            )
        });
    });
    ui.separator();
    ui.label(RichText::new("Job").strong());
    let mut ids: Vec<String> = doc.snarl.nodes().map(|n| n.id.clone()).collect();
    ids.sort();
    let job = &mut doc.job;
    form::rows(ui, "job", |ui| {
        row(ui, "Parallelism", |ui| {
            whole(ui, &mut job.parallelism, &parallelism_range(), ("", ""))
        })
        .on_hover_text("Parallel instances of each node that does not set its own");
        row(ui, "Batch size", |ui| {
            let range = Range::of::<usize>()
                .at_least(1, "a batch holds at least 1 row")
                .at_most(
                    validate::MAX_BATCH_SIZE as i128,
                    format!("a batch holds at most {} rows", validate::MAX_BATCH_SIZE),
                );
            whole(ui, &mut job.batch_size, &range, ("row", "rows"))
        })
        .on_hover_text("1 is event-at-a-time; larger batches trade latency for throughput");
        row(ui, "Buffer timeout", |ui| {
            form::millis(ui, &mut job.buffer_timeout_ms)
        })
        .on_hover_text("The longest a partly filled batch waits before it is sent on");
        row(ui, "Channel capacity", |ui| {
            let range = Range::of::<usize>()
                .at_least(1, "a channel holds at least 1 batch")
                .at_most(
                    validate::MAX_CHANNEL_CAPACITY as i128,
                    format!(
                        "a channel holds at most {} batches",
                        validate::MAX_CHANNEL_CAPACITY
                    ),
                );
            whole(ui, &mut job.channel_capacity, &range, ("batch", "batches"))
        })
        .on_hover_text("Batches a channel holds before its sender waits (backpressure)");
        row(ui, "Watermark interval", |ui| {
            form::millis(ui, &mut job.watermark_interval_ms)
        })
        .on_hover_text(
            "How often sources send their watermark on its own (0: after every batch). \
             Results do not depend on it: each row carries the watermark in force before it",
        );
        row(ui, "Checkpoint every", |ui| {
            form::optional_millis(
                ui,
                "checkpoint interval",
                &mut job.checkpoint_interval_ms,
                1000,
                "on demand",
            )
        })
        .on_hover_text(
            "How often a checkpoint is taken: a consistent copy of every node's state, to \
             go on from after a failure. Off: only when you ask (Checkpoint now)",
        );
        row(ui, "Keep checkpoints", |ui| {
            let range = Range::of::<usize>()
                .at_least(1, "at least the last checkpoint is kept")
                .at_most(1000, "at most 1000 checkpoints are kept");
            whole(ui, &mut job.checkpoints_retained, &range, ("", ""))
        })
        .on_hover_text("Completed checkpoints kept on disk; older ones are removed");
        row(ui, "On failure", |ui| restart_choice(ui, &mut job.restart)).on_hover_text(
            "Restart: go back to the last completed checkpoint (or the start) and run on; \
             sinks that write files commit each row exactly once",
        );
        row(ui, "Fail on purpose", |ui| {
            failure_choice(ui, &mut job.inject_failure, &ids)
        })
        .on_hover_text(
            "Make a node fail after this many rows, in each of the first attempts: to watch \
             the job restart from its checkpoint and lose nothing",
        );
    });
}

/// No injected failure, or a node to fail after a number of rows, a number of times.
fn failure_choice(ui: &mut Ui, failure: &mut Option<FailureInjection>, ids: &[String]) -> Response {
    let mut choices = vec![String::new()];
    choices.extend(ids.iter().cloned());
    let mut node = failure.as_ref().map_or(String::new(), |f| f.node.clone());
    let mut response = form::choice(ui, "fail-node", &mut node, &choices, |id| {
        if id.is_empty() {
            "no".to_string()
        } else {
            format!("`{id}`")
        }
    });
    if response.changed() {
        *failure = (!node.is_empty()).then(|| FailureInjection {
            node: node.clone(),
            after_rows: failure.as_ref().map_or(1000, |f| f.after_rows),
            times: failure.as_ref().map_or(1, |f| f.times),
            seed: None,
        });
    }
    if let Some(f) = failure {
        ui.label("after");
        let rows = Range::of::<u64>().at_least(1, "fail after at least 1 row");
        response |= whole(ui, &mut f.after_rows, &rows, ("row", "rows"));
        let times = Range::of::<u32>()
            .at_least(1, "fail at least once")
            .at_most(1000, "fail at most 1000 times");
        response |= whole(ui, &mut f.times, &times, ("time", "times"));
    }
    response
}

/// Fail the job, or restart it a number of times after a delay.
fn restart_choice(ui: &mut Ui, restart: &mut RestartStrategy) -> Response {
    let restarts = RestartStrategy::FixedDelay {
        attempts: 3,
        delay_ms: 1000,
    };
    let mut kind = matches!(restart, RestartStrategy::FixedDelay { .. });
    let mut response = form::choice(ui, "restart", &mut kind, &[false, true], |r| {
        if *r { "Restart" } else { "Fail the job" }.to_string()
    });
    if response.changed() {
        *restart = if kind {
            restarts
        } else {
            RestartStrategy::None
        };
    }
    if let RestartStrategy::FixedDelay { attempts, delay_ms } = restart {
        let range = Range::of::<u32>()
            .at_least(1, "at least 1 restart")
            .at_most(1000, "at most 1000 restarts");
        response |= whole(ui, attempts, &range, ("time", "times"));
        ui.label("after");
        response |= form::millis(ui, delay_ms);
    }
    response
}

/// The columns that can carry event time: BIGINT (epoch milliseconds) and TIMESTAMP(3).
pub(super) fn time_columns<'a>(fields: impl Iterator<Item = (&'a str, DataType)>) -> Vec<String> {
    fields
        .filter(|(_, t)| matches!(t, DataType::Int64 | DataType::Timestamp))
        .map(|(n, _)| n.to_string())
        .collect()
}

/// Parallel instances, of a job or a node.
fn parallelism_range() -> Range {
    Range::of::<u32>()
        .at_least(1, "a node runs at least 1 instance")
        .at_most(
            validate::MAX_PARALLELISM as i128,
            format!(
                "a node runs at most {} instances",
                validate::MAX_PARALLELISM
            ),
        )
}

/// A rate of rows or events a second, where unset means as fast as possible.
pub(super) fn rate_range() -> Range {
    Range::of::<u64>().at_least(
        1,
        "a rate is at least 1 a second (turn it off to run as fast as possible)",
    )
}

/// The columns arriving at input `input` of the node, if known.
fn input_schema(doc: &Document, node: NodeId, input: usize, analysis: &Analysis) -> Option<Schema> {
    let pin = doc.snarl.in_pin(InPinId { node, input });
    let remote = pin.remotes.first()?;
    let from = doc.snarl.get_node(remote.node)?;
    let port = from.kind.outputs().get(remote.output)?;
    analysis
        .port_type(&from.id, port)
        .map(|t| (*t.schema).clone())
}

/// The form of the node's own settings. `browse` is set when a Browse button is clicked.
fn config(
    ui: &mut Ui,
    kind: &mut NodeKind,
    inputs: [Option<&Schema>; 2],
    columns: &[String],
    browse: &mut bool,
) {
    let input = inputs[0];
    match kind {
        NodeKind::Datagen(c) => datagen_form::datagen(ui, c),
        NodeKind::FileSource(c) => {
            form::rows(ui, "file-source", |ui| {
                row(ui, "Path", |ui| {
                    path_field(ui, &mut c.path, "data.csv", browse)
                });
                row(ui, "Format", |ui| format_choice(ui, &mut c.format));
                if c.format == FileFormat::Csv {
                    row(ui, "Header row", |ui| {
                        ui.checkbox(&mut c.header, "").on_hover_text(
                            "The first line names the columns. Without one the columns \
                                 are read in order, as Flink's csv format reads every line",
                        )
                    });
                    row(ui, "NULL cells", |ui| null_literal(ui, &mut c.null_literal));
                }
                row(ui, "Replay rate", |ui| {
                    form::optional(
                        ui,
                        "Replay rate",
                        &mut c.rows_per_second,
                        10,
                        &rate_range(),
                        ("row/s", "rows/s"),
                        "as fast as possible",
                    )
                });
                let names = time_columns(c.schema.iter().map(|f| (f.name.as_str(), f.data_type)));
                form::event_time_rows(
                    ui,
                    Some((&mut c.event_time, &names)),
                    &mut c.watermark_delay_ms,
                    &mut c.idle_timeout_ms,
                );
            });
            ui.label(RichText::new("Columns").strong());
            fields(ui, &mut c.schema);
        }
        NodeKind::Nexmark(c) => {
            form::rows(ui, "nexmark", |ui| {
                row(ui, "Stream", |ui| {
                    form::choice(
                        ui,
                        "stream",
                        &mut c.stream,
                        &[
                            NexmarkStream::Person,
                            NexmarkStream::Auction,
                            NexmarkStream::Bid,
                        ],
                        |s| format!("{s:?}"),
                    )
                });
                row(ui, "Events", |ui| {
                    form::optional(
                        ui,
                        "Events",
                        &mut c.events,
                        100_000,
                        &Range::of::<u64>(),
                        ("event", "events"),
                        "endless",
                    )
                });
                row(ui, "Rate", |ui| {
                    form::optional(
                        ui,
                        "Rate",
                        &mut c.events_per_second,
                        10_000,
                        &rate_range(),
                        ("event/s", "events/s"),
                        "as fast as possible",
                    )
                });
                row(ui, "Seed", |ui| {
                    whole(ui, &mut c.seed, &Range::of::<u64>(), ("", ""))
                });
                row(ui, "Base time", |ui| {
                    form::optional_text(ui, &mut c.base_time, "2024-01-02 09:30:00")
                });
                form::event_time_rows(ui, None, &mut c.watermark_delay_ms, &mut c.idle_timeout_ms);
            });
        }
        NodeKind::Filter(c) => {
            ui.label(RichText::new("Condition").strong());
            let error = input.and_then(|s| Predicate::compile(&c.condition, s).err());
            expr_field(ui, "Condition", &mut c.condition, error.as_ref());
            columns_hint(ui, columns);
        }
        NodeKind::Map(c) => {
            ui.label(RichText::new("Columns").strong())
                .on_hover_text("One SQL expression per output column: `expr AS name`");
            let mut remove = None;
            let new_row = form::NewRowFocus::load(ui, "map-columns");
            for (i, text) in c.columns.iter_mut().enumerate() {
                ui.push_id(i, |ui| {
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(format!("{}", i + 1)).weak());
                        let button = ui.small_button("🗙").on_hover_text("Remove this column");
                        if form::named(ui, button, &format!("Remove column {}", i + 1)).clicked() {
                            remove = Some(i);
                        }
                    });
                    let error = input.and_then(|s| SelectItem::compile(text, i, s).err());
                    let field = expr_field(ui, &format!("Column {}", i + 1), text, error.as_ref());
                    new_row.apply(i, &field);
                });
            }
            if let Some(i) = remove {
                c.columns.remove(i);
            }
            if ui.button("+ Add column").clicked() {
                c.columns.push(String::new());
                new_row.added(ui, c.columns.len() - 1);
            }
            columns_hint(ui, columns);
        }
        NodeKind::KeyBy(c) => {
            ui.label(RichText::new("Key columns").strong());
            let mut remove = None;
            let chosen = c.columns.clone();
            for (i, column) in c.columns.iter_mut().enumerate() {
                let free: Vec<String> = columns
                    .iter()
                    .filter(|n| *n == column || !chosen.contains(n))
                    .cloned()
                    .collect();
                ui.horizontal(|ui| {
                    form::column_picker(ui, ("key", i), column, &free);
                    if ui
                        .small_button("🗙")
                        .on_hover_text("Remove this key")
                        .clicked()
                    {
                        remove = Some(i);
                    }
                });
            }
            if let Some(i) = remove {
                c.columns.remove(i);
            }
            let unused: Vec<&String> = columns.iter().filter(|n| !c.columns.contains(n)).collect();
            ui.menu_button("+ Add key column", |ui| {
                if unused.is_empty() {
                    ui.label("Connect an input to choose its columns");
                }
                for name in unused {
                    if ui.button(name).clicked() {
                        c.columns.push(name.clone());
                        ui.close();
                    }
                }
            });
        }
        NodeKind::Union(_) => {
            ui.label("Merges every stream wired into it. They must have the same columns.");
        }
        NodeKind::Window(c) => super::window_form::window(ui, c, input),
        NodeKind::Join(c) => super::join_form::join(ui, c, inputs[0], inputs[1]),
        NodeKind::Throttle(c) => {
            form::rows(ui, "throttle", |ui| {
                row(ui, "Rate", |ui| {
                    whole(
                        ui,
                        &mut c.rows_per_second,
                        &Range::of::<u64>().at_least(1, "a rate is at least 1 row a second"),
                        ("row/s", "rows/s"),
                    )
                });
            });
            ui.label(
                RichText::new(
                    "Each row takes its share of a second here, as in a slow step. The steps \
                     before it wait for room: watch their backpressure.",
                )
                .weak(),
            );
        }
        NodeKind::FileSink(c) => {
            form::rows(ui, "file-sink", |ui| {
                row(ui, "Path", |ui| {
                    path_field(ui, &mut c.path, "out/result.csv", browse)
                });
                row(ui, "Format", |ui| format_choice(ui, &mut c.format));
                if c.format == FileFormat::Csv {
                    row(ui, "NULL cells", |ui| null_literal(ui, &mut c.null_literal));
                }
            });
        }
        NodeKind::Console(c) => {
            form::rows(ui, "console", |ui| {
                row(ui, "Print identifier", |ui| {
                    form::optional_text(ui, &mut c.print_identifier, "none")
                });
            });
        }
        NodeKind::Blackhole(_) => {
            ui.label("Discards every row; useful to measure the rest of the pipeline.");
        }
        NodeKind::RedisSource(c) => super::transport_form::redis_source(ui, c),
        NodeKind::RedisSink(c) => super::transport_form::redis_sink(ui, c),
        NodeKind::NatsSource(c) => super::transport_form::nats_source(ui, c),
        NodeKind::NatsSink(c) => super::transport_form::nats_sink(ui, c),
    }
}

/// A file path with a Browse button beside it, which sets `browse` when clicked.
fn path_field(ui: &mut Ui, path: &mut String, hint: &str, browse: &mut bool) -> egui::Response {
    let button_room = 80.0;
    let field = ui.add(
        TextEdit::singleline(path)
            .hint_text(hint)
            .desired_width((form::field_width(ui) - button_room).max(80.0)),
    );
    if ui
        .button("Browse…")
        .on_hover_text("Choose the file")
        .clicked()
    {
        *browse = true;
    }
    field
}

fn columns_hint(ui: &mut Ui, columns: &[String]) {
    if columns.is_empty() {
        ui.label(
            RichText::new("Connect an input to check expressions against its columns.").weak(),
        );
    } else {
        ui.label(RichText::new(format!("Input columns: {}", columns.join(", "))).weak());
    }
}

/// A CSV cell's spelling of NULL (Flink's `csv.null-literal`): none, or a text, where the
/// empty text means empty cells.
fn null_literal(ui: &mut Ui, value: &mut Option<String>) -> egui::Response {
    let mut on = value.is_some();
    let mut response = ui.checkbox(&mut on, "").on_hover_text(
        "Cells of exactly this text are NULL (left empty: empty cells). Off, no cell is NULL, \
         and an empty cell of a number, boolean or time is an error, as in Flink",
    );
    if response.changed() {
        *value = on.then(String::new);
    }
    if let Some(text) = value {
        response |= ui.add(
            egui::TextEdit::singleline(text)
                .hint_text("empty cells")
                .desired_width(90.0),
        );
    }
    response
}

fn format_choice(ui: &mut Ui, format: &mut FileFormat) -> egui::Response {
    form::choice(
        ui,
        "format",
        format,
        &[FileFormat::Csv, FileFormat::JsonLines],
        |f| super::canvas::format_name(*f).to_string(),
    )
}

pub(super) fn type_choice(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    data_type: &mut DataType,
) -> egui::Response {
    // Kinds are chosen by name, so choosing DECIMAL again keeps its precision and scale.
    let kind = |t: &DataType| match t {
        DataType::Decimal { .. } => "DECIMAL".to_string(),
        t => t.sql_name(),
    };
    let mut choice = match *data_type {
        DataType::Decimal { .. } => DataType::DEFAULT_DECIMAL,
        t => t,
    };
    // One cell of a grid, whatever the type shows.
    ui.horizontal(|ui| {
        let mut response = form::choice(ui, id, &mut choice, &DataType::ALL, kind);
        if response.changed() {
            *data_type = choice;
        }
        if let DataType::Decimal { precision, scale } = data_type {
            let p = ui
                .add(egui::DragValue::new(precision).range(1..=38).prefix("p "))
                .on_hover_text("Precision: digits in all, 1 to 38");
            let s = ui
                .add(
                    egui::DragValue::new(scale)
                        .range(0..=*precision)
                        .prefix("s "),
                )
                .on_hover_text("Scale: digits after the point, at most the precision");
            // A smaller precision takes the scale down with it.
            *scale = (*scale).min(*precision);
            response = response.union(p).union(s);
        }
        response
    })
    .inner
}

/// A list of named, typed columns (a file source's schema).
pub(super) fn fields(ui: &mut Ui, schema: &mut Vec<Field>) {
    let mut remove = None;
    let new_row = form::NewRowFocus::load(ui, "schema-columns");
    egui::Grid::new("fields").num_columns(3).show(ui, |ui| {
        for (i, field) in schema.iter_mut().enumerate() {
            let name = ui.add_sized(
                [120.0, 20.0],
                TextEdit::singleline(&mut field.name).hint_text("name"),
            );
            new_row.apply(i, &name);
            type_choice(ui, ("type", i), &mut field.data_type);
            if ui
                .small_button("🗙")
                .on_hover_text("Remove this column")
                .clicked()
            {
                remove = Some(i);
            }
            ui.end_row();
        }
    });
    if let Some(i) = remove {
        schema.remove(i);
    }
    if ui.button("+ Add column").clicked() {
        let name = format!("column{}", schema.len() + 1);
        schema.push(Field::new(name, DataType::Utf8));
        new_row.added(ui, schema.len() - 1);
    }
}

/// The streams wired into the node, and a menu to wire another (the keyboard's way to
/// connect, beside dragging on the canvas).
fn inputs(
    ui: &mut Ui,
    doc: &mut Document,
    node: NodeId,
    analysis: &Analysis,
    refusal: &mut Option<String>,
) {
    ui.label(RichText::new("Inputs").strong());
    let ports = doc.snarl[node].kind.inputs();
    for (index, port) in ports.iter().enumerate() {
        let pin = InPinId { node, input: index };
        let remotes = doc.snarl.in_pin(pin).remotes;
        for remote in remotes {
            ui.horizontal(|ui| {
                ui.label(format!("{} from {}", port.name, doc.snarl[remote.node].id));
                if ui.small_button("🗙").on_hover_text("Disconnect").clicked() {
                    doc.snarl.disconnect(remote, pin);
                }
            });
        }
        let candidates: Vec<(NodeId, String)> = doc
            .snarl
            .nodes_ids_data()
            .filter(|(id, n)| *id != node && !n.value.kind.outputs().is_empty())
            .map(|(id, n)| (id, n.value.id.clone()))
            .collect();
        ui.push_id(index, |ui| {
            ui.menu_button(format!("Connect to {}…", port.name), |ui| {
                if candidates.is_empty() {
                    ui.label("Add a source first");
                }
                for (candidate, name) in candidates {
                    if ui.button(format!("from {name}")).clicked() {
                        let from = OutPinId {
                            node: candidate,
                            output: 0,
                        };
                        match connect::check(&doc.snarl, analysis, from, pin) {
                            Ok(()) => {
                                doc.snarl.connect(from, pin);
                                *refusal = None;
                            }
                            Err(why) => *refusal = Some(why),
                        }
                        ui.close();
                    }
                }
            });
        });
    }
    if let Some(why) = refusal.as_ref() {
        ui.label(RichText::new(why).color(theme::error_color(ui.visuals().dark_mode)));
    }
}

/// The node's output columns, or what the sink does with its input.
fn output(ui: &mut Ui, analysis: &Analysis, id: &str, kind: &NodeKind) {
    if kind.outputs().is_empty() {
        return;
    }
    ui.label(RichText::new("Output").strong());
    let Some(port) = analysis.outputs.get(id) else {
        ui.label(RichText::new("Unknown until the problems below are fixed.").weak());
        return;
    };
    egui::Grid::new("output")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for field in &port.schema.fields {
                ui.label(RichText::new(&field.name).monospace());
                ui.label(RichText::new(field.data_type.sql_name()).monospace().weak());
                ui.end_row();
            }
        });
    if let Some(keys) = &port.keys {
        ui.label(RichText::new(format!("Keyed by {}", keys.join(", "))).weak());
    }
}
