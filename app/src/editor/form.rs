//! Small form widgets the inspector is built from: labelled rows, numbers with units,
//! optional values and column pickers.

use egui::{DragValue, Response, Ui};

use super::number_field::{Range, Whole, whole};

/// Room kept clear at the right of a form, for the inspector's scroll bar.
const SCROLL_BAR_ROOM: f32 = 12.0;

/// The width for a text field: what is left of the row, so fields grow and shrink with the
/// inspector, clear of its scroll bar.
pub fn field_width(ui: &Ui) -> f32 {
    (ui.available_width() - SCROLL_BAR_ROOM).max(60.0)
}

/// A two-column form (labels, then widgets) filled by `add` with `row`s. Text in it wraps
/// within the inspector's width rather than widening it.
pub fn rows<R>(ui: &mut Ui, id_salt: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    egui::Grid::new(id_salt)
        .num_columns(2)
        .spacing([10.0, 6.0])
        .max_col_width(ui.available_width())
        .show(ui, add)
        .inner
}

/// One row of a two-column grid: `label`, then the widget `add` makes, labelled by it. What
/// does not fit on the line goes on the next.
pub fn row(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui) -> Response) -> Response {
    let label = ui.label(label);
    let response = ui
        .horizontal_wrapped(|ui| add(ui))
        .inner
        .labelled_by(label.id);
    ui.end_row();
    response
}

/// Gives `response` the accessible name `name`, for screen readers and tests, where no
/// visible label names it alone (the `min` of the third field, say).
pub fn named(ui: &Ui, response: Response, name: &str) -> Response {
    ui.ctx()
        .accesskit_node_builder(response.id, |node| node.set_label(name));
    response
}

/// Which row of a list just added should take the keyboard, so that typing can start at
/// once: `take` says whether row `index` is it (once), `added` marks row `index` as new.
pub struct NewRowFocus {
    key: egui::Id,
    pending: Option<usize>,
}

impl NewRowFocus {
    pub fn load(ui: &Ui, list: &str) -> Self {
        let key = ui.id().with(("new-row", list));
        let pending = ui.data_mut(|d| d.remove_temp::<usize>(key));
        NewRowFocus { key, pending }
    }

    /// Gives `response` the keyboard if it is the new row's field.
    pub fn apply(&self, index: usize, response: &Response) {
        if self.pending == Some(index) {
            response.request_focus();
        }
    }

    /// Row `index` was just added: its field takes the keyboard next frame.
    pub fn added(&self, ui: &Ui, index: usize) {
        ui.data_mut(|d| d.insert_temp(self.key, index));
        ui.ctx().request_repaint();
    }
}

/// `1 row`, `2 rows`, `0 rows`.
pub fn plural(n: impl Into<u128>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Milliseconds, with the duration also written the way people say it.
pub fn millis(ui: &mut Ui, value: &mut u64) -> Response {
    let response = whole(ui, value, &Range::of::<u64>(), ("ms", "ms"));
    if *value >= 1000 {
        ui.label(
            egui::RichText::new(format!(
                "= {}",
                humantime::format_duration(std::time::Duration::from_millis(*value))
            ))
            .weak(),
        );
    }
    response
}

/// Optional milliseconds called `name`: off says `none`.
pub fn optional_millis(
    ui: &mut Ui,
    name: &str,
    value: &mut Option<u64>,
    default: u64,
    none: &str,
) -> Response {
    optional_with(ui, name, value, default, none, millis)
}

/// The rows of a source's event time: which column carries it (`columns`, the source's
/// BIGINT and TIMESTAMP columns; `None` for a source whose column is fixed), how late rows
/// may come (the watermark delay), and when an idle instance stops holding time back.
pub fn event_time_rows(
    ui: &mut Ui,
    column: Option<(&mut Option<String>, &[String])>,
    delay_ms: &mut u64,
    idle_timeout_ms: &mut Option<u64>,
) {
    let timed = match column {
        Some((column, names)) => {
            row(ui, "Event time", |ui| {
                let mut options = vec![None];
                options.extend(names.iter().cloned().map(Some));
                choice(ui, "event-time", column, &options, |o| {
                    o.clone()
                        .unwrap_or_else(|| "(none: processing time)".into())
                })
            })
            .on_hover_text("The column that says when each row happened (BIGINT ms or TIMESTAMP)");
            column.is_some()
        }
        None => true,
    };
    if timed {
        row(ui, "Watermark delay", |ui| millis(ui, delay_ms)).on_hover_text(
            "How late rows may come: the watermark is the latest time seen minus this",
        );
        row(ui, "Idle after", |ui| {
            optional_millis(ui, "Idle after", idle_timeout_ms, 5000, "never idle")
        })
        .on_hover_text(
            "A source instance without rows for this long stops holding event time back",
        );
    }
}

/// A checkbox called `name` + ` set` that turns an optional setting on (with `default`) or
/// off, when `none` says what happens instead; `field` shows the value while it is on.
fn optional_with<T>(
    ui: &mut Ui,
    name: &str,
    value: &mut Option<T>,
    default: T,
    none: &str,
    field: impl FnOnce(&mut Ui, &mut T) -> Response,
) -> Response {
    let mut on = value.is_some();
    let mut response = ui.checkbox(&mut on, "");
    if response.changed() {
        *value = on.then_some(default);
    }
    let toggle = named(ui, response.clone(), &format!("{name} set"));
    match value {
        Some(v) => {
            let number = field(ui, v);
            response = named(ui, number | toggle, name);
        }
        None => {
            ui.label(egui::RichText::new(none).weak());
        }
    }
    response
}

/// An optional whole number called `name`, in `range`, with `unit` (singular, plural).
pub fn optional<T: Whole>(
    ui: &mut Ui,
    name: &str,
    value: &mut Option<T>,
    default: T,
    range: &Range,
    unit: (&str, &str),
    none: &str,
) -> Response {
    optional_with(ui, name, value, default, none, |ui, v| {
        whole(ui, v, range, unit)
    })
}

/// An optional real number called `name`.
pub fn optional_real(
    ui: &mut Ui,
    name: &str,
    value: &mut Option<f64>,
    default: f64,
    none: &str,
) -> Response {
    optional_with(ui, name, value, default, none, |ui, v| {
        ui.add(DragValue::new(v).speed(1.0))
    })
}

/// An optional text: empty means none.
pub fn optional_text(ui: &mut Ui, value: &mut Option<String>, hint: &str) -> Response {
    let mut text = value.clone().unwrap_or_default();
    let response = ui.add(
        egui::TextEdit::singleline(&mut text)
            .hint_text(hint)
            .desired_width(field_width(ui)),
    );
    if response.changed() {
        *value = (!text.is_empty()).then_some(text);
    }
    response
}

/// A dropdown over `options`, showing each with `name`.
pub fn choice<T: PartialEq + Clone>(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    value: &mut T,
    options: &[T],
    name: impl Fn(&T) -> String,
) -> Response {
    let mut changed = false;
    let mut response = egui::ComboBox::from_id_salt(id_salt)
        // One width for every dropdown, so rows line up and the panel keeps its size.
        .width(130.0)
        .selected_text(name(value))
        .show_ui(ui, |ui| {
            for option in options {
                if ui.selectable_label(option == value, name(option)).clicked() && option != value {
                    *value = option.clone();
                    changed = true;
                }
            }
        })
        .response;
    if changed {
        response.mark_changed();
    }
    response
}

/// A dropdown of the upstream columns, for naming one of them.
pub fn column_picker(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    value: &mut String,
    columns: &[String],
) -> Response {
    let mut options = columns.to_vec();
    if !options.contains(value) {
        options.insert(0, value.clone());
    }
    choice(ui, id_salt, value, &options, |c| {
        if c.is_empty() {
            "(choose)".into()
        } else {
            c.clone()
        }
    })
}
