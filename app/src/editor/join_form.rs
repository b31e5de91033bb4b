//! The Join form: window or interval join with its times, inner or left outer, and the key
//! pairs picked from the columns of both inputs.

use egui::{RichText, Ui};
use engine::spec::{JoinConfig, JoinKey, JoinKind, JoinType, WindowKind};
use engine::types::Schema;

use super::form::{self, row};

fn kind_name(kind: &JoinKind) -> String {
    match kind {
        JoinKind::Window { .. } => "Window join".into(),
        JoinKind::Interval { .. } => "Interval join".into(),
    }
}

fn names(schema: Option<&Schema>) -> Vec<String> {
    schema
        .map(|s| s.names().map(String::from).collect())
        .unwrap_or_default()
}

pub(super) fn join(ui: &mut Ui, c: &mut JoinConfig, left: Option<&Schema>, right: Option<&Schema>) {
    form::rows(ui, "join", |ui| {
        row(ui, "Join", |ui| {
            let options = [
                JoinKind::Window {
                    window: WindowKind::Tumbling { size_ms: 10_000 },
                },
                JoinKind::Interval {
                    before_ms: 5_000,
                    after_ms: 5_000,
                },
            ];
            let mut chosen = *options
                .iter()
                .find(|k| std::mem::discriminant(*k) == std::mem::discriminant(&c.kind))
                .unwrap_or(&options[0]);
            let response = form::choice(ui, "join-kind", &mut chosen, &options, kind_name);
            if response.changed() {
                c.kind = chosen;
            }
            response
        });
        match &mut c.kind {
            JoinKind::Window { window } => {
                let sliding = matches!(window, WindowKind::Sliding { .. });
                row(ui, "Window", |ui| {
                    let mut is_sliding = sliding;
                    let response =
                        form::choice(ui, "join-window", &mut is_sliding, &[false, true], |s| {
                            if *s {
                                "Sliding".into()
                            } else {
                                "Tumbling".into()
                            }
                        });
                    if response.changed() {
                        let size = match *window {
                            WindowKind::Tumbling { size_ms }
                            | WindowKind::Sliding { size_ms, .. } => size_ms,
                            WindowKind::Session { gap_ms } => gap_ms,
                        };
                        *window = if is_sliding {
                            WindowKind::Sliding {
                                size_ms: size,
                                slide_ms: (size / 2).max(1),
                            }
                        } else {
                            WindowKind::Tumbling { size_ms: size }
                        };
                    }
                    response
                });
                match window {
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
            }
            JoinKind::Interval {
                before_ms,
                after_ms,
            } => {
                row(ui, "Left up to", |ui| form::millis(ui, before_ms))
                    .on_hover_text("A left row matches right rows up to this long after it");
                row(ui, "Left after", |ui| form::millis(ui, after_ms))
                    .on_hover_text("A left row matches right rows up to this long before it");
            }
        }
        row(ui, "Rows", |ui| {
            form::choice(
                ui,
                "join-type",
                &mut c.join_type,
                &[JoinType::Inner, JoinType::LeftOuter],
                |t| match t {
                    JoinType::Inner => "Matching pairs (inner)".into(),
                    JoinType::LeftOuter => "Every left row (left outer)".into(),
                },
            )
        });
    });
    let explain = match c.kind {
        JoinKind::Window { .. } => {
            "Rows of both inputs in the same window pair up when the window ends. Output: \
             window_start, window_end, the left columns, the right columns."
        }
        JoinKind::Interval { .. } => {
            "A left row pairs with the right rows whose time is within the interval of its own \
             (l.time BETWEEN r.time - up to AND r.time + after). Output: the left columns, \
             then the right columns."
        }
    };
    ui.label(RichText::new(explain).weak());
    ui.label(RichText::new("Keys").strong())
        .on_hover_text("Rows pair up only where these columns are equal");
    let (left_names, right_names) = (names(left), names(right));
    let mut remove = None;
    for (i, key) in c.keys.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            form::column_picker(ui, ("join-left", i), &mut key.left, &left_names);
            ui.label("=");
            form::column_picker(ui, ("join-right", i), &mut key.right, &right_names);
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
        c.keys.remove(i);
    }
    if ui.button("+ Add key").clicked() {
        let first = |n: &[String]| n.first().cloned().unwrap_or_default();
        c.keys.push(JoinKey {
            left: first(&left_names),
            right: first(&right_names),
        });
    }
}
