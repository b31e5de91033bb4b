//! The Window form: the window's kind and sizes, its clock, the aggregates as SQL fields
//! underlined where they are wrong, and the allowed lateness.

use egui::{RichText, Ui};
use engine::expr::Aggregate;
use engine::spec::{TimeKind, WindowConfig, WindowKind};
use engine::types::Schema;

use super::expr_field::expr_field;
use super::form::{self, row};

/// The kinds offered, each with the sizes it starts with.
fn kinds(current: WindowKind) -> [WindowKind; 3] {
    let size = match current {
        WindowKind::Tumbling { size_ms } | WindowKind::Sliding { size_ms, .. } => size_ms,
        WindowKind::Session { gap_ms } => gap_ms,
    };
    [
        WindowKind::Tumbling { size_ms: size },
        WindowKind::Sliding {
            size_ms: size,
            slide_ms: (size / 2).max(1),
        },
        WindowKind::Session { gap_ms: size },
    ]
}

fn kind_name(kind: &WindowKind) -> String {
    match kind {
        WindowKind::Tumbling { .. } => "Tumbling".into(),
        WindowKind::Sliding { .. } => "Sliding".into(),
        WindowKind::Session { .. } => "Session".into(),
    }
}

pub(super) fn window(ui: &mut Ui, c: &mut WindowConfig, input: Option<&Schema>) {
    form::rows(ui, "window", |ui| {
        row(ui, "Window", |ui| {
            let options = kinds(c.window);
            let mut chosen = options
                .iter()
                .find(|k| std::mem::discriminant(*k) == std::mem::discriminant(&c.window))
                .copied()
                .unwrap_or(options[0]);
            let response = form::choice(ui, "window-kind", &mut chosen, &options, kind_name);
            if response.changed() {
                c.window = chosen;
            }
            response
        });
        match &mut c.window {
            WindowKind::Tumbling { size_ms } => {
                row(ui, "Size", |ui| form::millis(ui, size_ms));
            }
            WindowKind::Sliding { size_ms, slide_ms } => {
                row(ui, "Size", |ui| form::millis(ui, size_ms));
                row(ui, "Slide", |ui| form::millis(ui, slide_ms));
            }
            WindowKind::Session { gap_ms } => {
                row(ui, "Gap", |ui| form::millis(ui, gap_ms));
            }
        }
        row(ui, "Time", |ui| {
            form::choice(
                ui,
                "window-time",
                &mut c.time,
                &[TimeKind::EventTime, TimeKind::ProcessingTime],
                |t| match t {
                    TimeKind::EventTime => "Event time".into(),
                    TimeKind::ProcessingTime => "Processing time".into(),
                },
            )
        });
        if c.time == TimeKind::EventTime {
            row(ui, "Allowed lateness", |ui| {
                form::millis(ui, &mut c.allowed_lateness_ms)
            });
        }
    });
    ui.label(
        RichText::new(
            "Rows are grouped by the key of the KeyBy before this node, or taken all \
             together. Output: window_start, window_end, the key columns, the aggregates.",
        )
        .weak(),
    );
    ui.label(RichText::new("Aggregates").strong())
        .on_hover_text("COUNT(*), COUNT(x), SUM(x), MIN(x), MAX(x), AVG(x) over an expression: `SUM(price) AS total`");
    let mut remove = None;
    for (i, text) in c.aggregates.iter_mut().enumerate() {
        ui.push_id(("aggregate", i), |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{}", i + 1)).weak());
                let button = ui.small_button("🗙").on_hover_text("Remove this aggregate");
                if form::named(ui, button, &format!("Remove aggregate {}", i + 1)).clicked() {
                    remove = Some(i);
                }
            });
            let error = input.and_then(|s| Aggregate::compile(text, i, s).err());
            expr_field(ui, &format!("Aggregate {}", i + 1), text, error.as_ref());
        });
    }
    if let Some(i) = remove {
        c.aggregates.remove(i);
    }
    if ui.button("+ Add aggregate").clicked() {
        c.aggregates.push("COUNT(*) AS n".into());
    }
    if c.time == TimeKind::EventTime {
        ui.label(
            RichText::new(
                "Rows too late for their window leave by the `late` output; wire it to a \
                 sink to keep them.",
            )
            .weak(),
        );
    }
}
