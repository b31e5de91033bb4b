//! The datagen form: rate, row count and seed, and each field with its type and how it is
//! filled (a sequence, or random values within bounds).

use egui::{RichText, TextEdit, Ui};
use engine::spec::{DatagenConfig, DatagenField, FieldKind};
use engine::types::DataType;

use super::form::{self, row};
use super::inspector::{rate_range, type_choice};
use super::number_field::{Range, whole};

pub(super) fn datagen(ui: &mut Ui, c: &mut DatagenConfig) {
    form::rows(ui, "datagen", |ui| {
        row(ui, "Rows per second", |ui| {
            form::optional(
                ui,
                "Rows per second",
                &mut c.rows_per_second,
                1000,
                &rate_range(),
                ("row/s", "rows/s"),
                "as fast as possible",
            )
        });
        row(ui, "Number of rows", |ui| {
            form::optional(
                ui,
                "Number of rows",
                &mut c.number_of_rows,
                1000,
                &Range::of::<u64>(),
                ("row", "rows"),
                "until a sequence ends",
            )
        });
        row(ui, "Seed", |ui| {
            whole(ui, &mut c.seed, &Range::of::<u64>(), ("", ""))
        });
        let names =
            super::inspector::time_columns(c.fields.iter().map(|f| (f.name.as_str(), f.data_type)));
        form::event_time_rows(
            ui,
            Some((&mut c.event_time, &names)),
            &mut c.watermark_delay_ms,
            &mut c.idle_timeout_ms,
        );
        // Event time needs a time column, which a new Datagen lacks.
        if !c.fields.iter().any(|f| f.data_type == DataType::Timestamp) {
            ui.label("");
            let add = ui.button("Add a time field").on_hover_text(
                "Adds a TIMESTAMP field holding when each row is made, and takes event time \
                 from it",
            );
            ui.end_row();
            if add.clicked() {
                add_time_field(c);
            }
        }
    });
    ui.add_space(4.0);
    ui.label(RichText::new("Fields").strong());
    let mut remove = None;
    let new_row = form::NewRowFocus::load(ui, "datagen-fields");
    for (i, field) in c.fields.iter_mut().enumerate() {
        ui.push_id(("field", i), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                let name = datagen_field(ui, i, field, &mut remove);
                new_row.apply(i, &name);
            });
        });
    }
    if let Some(i) = remove {
        c.fields.remove(i);
    }
    if ui.button("+ Add field").clicked() {
        c.fields.push(DatagenField {
            name: format!("field{}", c.fields.len() + 1),
            data_type: DataType::Int64,
            kind: FieldKind::default(),
        });
        new_row.added(ui, c.fields.len() - 1);
    }
}

/// One generated field's form; returns its name field.
fn datagen_field(
    ui: &mut Ui,
    i: usize,
    field: &mut DatagenField,
    remove: &mut Option<usize>,
) -> egui::Response {
    let name = |what: &str| format!("Field {} {what}", i + 1);
    let name_field = ui.horizontal_wrapped(|ui| {
        ui.label(format!("Field {}", i + 1));
        let edit = ui.add(TextEdit::singleline(&mut field.name).desired_width(110.0));
        let edit = form::named(ui, edit, &name("name"));
        let types = type_choice(ui, "type", &mut field.data_type);
        form::named(ui, types, &name("type"));
        let remove_button = ui.small_button("🗙").on_hover_text("Remove this field");
        if form::named(ui, remove_button, &name("remove")).clicked() {
            *remove = Some(i);
        }
        edit
    });
    let sequence = matches!(field.kind, FieldKind::Sequence { .. });
    ui.horizontal(|ui| {
        let mut choice = sequence;
        let random = ui.selectable_value(&mut choice, false, "Random");
        form::named(ui, random, &name("random"));
        // Sequences count: they fill numbers and text, not flags or timestamps.
        let countable = !matches!(field.data_type, DataType::Bool | DataType::Timestamp);
        if countable || sequence {
            let seq = ui.selectable_value(&mut choice, true, "Sequence");
            form::named(ui, seq, &name("sequence"));
        }
        if choice != sequence {
            field.kind = if choice {
                FieldKind::Sequence {
                    start: 1,
                    end: 1000,
                }
            } else {
                FieldKind::default()
            };
        }
    });
    ui.horizontal_wrapped(|ui| match &mut field.kind {
        FieldKind::Sequence { start, end } => {
            ui.label("from");
            let r = whole(ui, start, &Range::of::<i64>(), ("", ""));
            form::named(ui, r, &name("start"));
            ui.label("to");
            let r = whole(ui, end, &Range::of::<i64>(), ("", ""));
            form::named(ui, r, &name("end"));
        }
        FieldKind::Random {
            min,
            max,
            length,
            max_past_ms,
            null_rate,
        } => {
            match field.data_type {
                DataType::Int32
                | DataType::Int64
                | DataType::Float64
                | DataType::Decimal { .. } => {
                    ui.label("min");
                    form::optional_real(ui, &name("min"), min, 0.0, "any");
                    ui.label("max");
                    form::optional_real(ui, &name("max"), max, 100.0, "any");
                }
                DataType::Utf8 => {
                    ui.label("length");
                    form::optional(
                        ui,
                        &name("length"),
                        length,
                        10,
                        &Range::of::<usize>(),
                        ("char", "chars"),
                        "100",
                    );
                }
                DataType::Timestamp => {
                    ui.label("up to");
                    form::optional(
                        ui,
                        &name("max age"),
                        max_past_ms,
                        60_000,
                        &Range::of::<u64>(),
                        ("ms ago", "ms ago"),
                        "now",
                    );
                }
                DataType::Bool => {}
            }
            ui.label("nulls");
            let clamped = std::cell::Cell::new(None);
            let nulls = ui.add(
                egui::DragValue::new(null_rate)
                    .range(0.0..=1.0)
                    .speed(0.01)
                    .custom_formatter(|v, _| format!("{:.0}%", v * 100.0))
                    .custom_parser(|s| {
                        let percent = s.trim_end_matches('%').trim().parse::<f64>().ok()?;
                        if !(0.0..=100.0).contains(&percent) {
                            clamped.set(Some(format!(
                                "{s} is out of range: a null rate is between 0% and 100%. \
                                 Set to {:.0}%.",
                                percent.clamp(0.0, 100.0)
                            )));
                        }
                        Some(percent / 100.0)
                    }),
            );
            let note = nulls.id.with("note");
            if nulls.gained_focus() {
                ui.data_mut(|d| d.remove::<String>(note));
            }
            if let Some(text) = clamped.take() {
                ui.data_mut(|d| d.insert_temp(note, text));
            }
            if let Some(text) = ui.data(|d| d.get_temp::<String>(note)) {
                let color = super::theme::warning_color(ui.visuals().dark_mode);
                ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
            }
            form::named(ui, nulls, &name("nulls"));
        }
    });
    name_field.inner
}

/// Adds a TIMESTAMP field `ts` (or `ts_2`, … when taken) of the time each row is made, and
/// makes it the source's event time.
fn add_time_field(c: &mut DatagenConfig) {
    let taken = |name: &str| c.fields.iter().any(|f| f.name == name);
    let name = std::iter::once("ts".to_string())
        .chain((2..).map(|n| format!("ts_{n}")))
        .find(|n| !taken(n))
        .expect("a free name");
    c.fields.push(DatagenField {
        name: name.clone(),
        data_type: DataType::Timestamp,
        kind: FieldKind::Random {
            min: None,
            max: None,
            length: None,
            max_past_ms: Some(0),
            null_rate: 0.0,
        },
    });
    c.event_time = Some(name);
}
