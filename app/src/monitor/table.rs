//! Tables beside the charts: a node's parallel instances side by side, and the job's
//! busiest and most backpressured nodes.

use egui::{RichText, Ui};
use engine::metrics::{MetricsSnapshot, NodeSnapshot};

use crate::format;

/// How many nodes the job's top lists show.
const TOP: usize = 5;

/// Each instance of `node`: rates, watermark, time shares and input queue fill.
pub fn instances(ui: &mut Ui, node: &NodeSnapshot, now_ms: i64) {
    egui::Grid::new("monitor-instances")
        .striped(true)
        .num_columns(7)
        .show(ui, |ui| {
            for title in [
                "#",
                "in",
                "out",
                "watermark",
                "busy",
                "backpressure",
                "queue",
            ] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for (i, s) in node.instances.iter().enumerate() {
                ui.label(i.to_string());
                ui.label(format::rate(s.records_in_rate));
                ui.label(format::rate(s.records_out_rate));
                ui.label(
                    s.watermark
                        .map_or("—".into(), |w| format::watermark(w, now_ms)),
                );
                ui.label(format::share(s.busy));
                ui.label(format::share(s.backpressure));
                ui.label(format::share(s.queue_fill));
                ui.end_row();
            }
        });
}

/// The nodes that work most and those that wait most for room downstream.
pub fn top_nodes(ui: &mut Ui, sample: &MetricsSnapshot) {
    let list = |ui: &mut Ui, title: &str, read: fn(&NodeSnapshot) -> f64| {
        ui.label(RichText::new(title).strong());
        let mut nodes: Vec<&NodeSnapshot> = sample.nodes.iter().collect();
        nodes.sort_by(|a, b| read(b).total_cmp(&read(a)));
        egui::Grid::new(title).num_columns(2).show(ui, |ui| {
            for n in nodes.into_iter().take(TOP) {
                ui.label(&n.id);
                ui.label(format::share(read(n)));
                ui.end_row();
            }
        });
    };
    list(ui, "Busiest", |n| n.busy);
    ui.add_space(4.0);
    list(ui, "Most backpressured", |n| n.backpressure);
}

/// How the watermark table is sorted: by which column, and whether highest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WatermarkSort {
    pub column: WatermarkColumn,
    pub descending: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatermarkColumn {
    Node,
    Watermark,
    Lag,
    Late,
}

impl Default for WatermarkSort {
    /// The instances furthest behind first: what holds event time back.
    fn default() -> Self {
        WatermarkSort {
            column: WatermarkColumn::Lag,
            descending: true,
        }
    }
}

/// One row of the watermark table: a node's instance.
struct WatermarkRow<'a> {
    node: &'a str,
    instance: usize,
    watermark: Option<i64>,
    late: u64,
}

/// Every instance of every node with its watermark, its lag and its late rows, sorted by
/// the column clicked (again: the other way).
pub fn watermarks(ui: &mut Ui, sample: &MetricsSnapshot, sort: &mut WatermarkSort) {
    let now = sample.wall_ms;
    let mut rows: Vec<WatermarkRow> = sample
        .nodes
        .iter()
        .flat_map(|n| {
            n.instances
                .iter()
                .enumerate()
                .map(move |(i, s)| WatermarkRow {
                    node: &n.id,
                    instance: i,
                    watermark: s.watermark,
                    late: s.late_records,
                })
        })
        .collect();
    // No watermark sorts as the furthest behind.
    let time = |r: &WatermarkRow| r.watermark.unwrap_or(i64::MIN);
    rows.sort_by(|a, b| {
        let order = match sort.column {
            WatermarkColumn::Node => (a.node, a.instance).cmp(&(b.node, b.instance)),
            WatermarkColumn::Watermark => time(a).cmp(&time(b)),
            WatermarkColumn::Lag => time(b).cmp(&time(a)),
            WatermarkColumn::Late => a.late.cmp(&b.late),
        };
        if sort.descending {
            order.reverse()
        } else {
            order
        }
    });
    egui::Grid::new("monitor-watermarks")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for (title, column) in [
                ("Node", WatermarkColumn::Node),
                ("Watermark", WatermarkColumn::Watermark),
                ("Lag", WatermarkColumn::Lag),
                ("Late", WatermarkColumn::Late),
            ] {
                let arrow = match (sort.column == column, sort.descending) {
                    (false, _) => "",
                    (true, true) => " ▼",
                    (true, false) => " ▲",
                };
                let header = egui::Button::new(RichText::new(format!("{title}{arrow}")).strong())
                    .frame(false);
                if ui
                    .add(header)
                    .on_hover_text("Sort by this column")
                    .clicked()
                {
                    if sort.column == column {
                        sort.descending = !sort.descending;
                    } else {
                        *sort = WatermarkSort {
                            column,
                            descending: column != WatermarkColumn::Node,
                        };
                    }
                }
            }
            ui.end_row();
            for r in rows {
                ui.label(format!("{}[{}]", r.node, r.instance));
                ui.label(
                    r.watermark
                        .map_or("—".into(), |w| format::watermark(w, now)),
                );
                ui.label(r.watermark.map_or("—".into(), |w| {
                    if w == i64::MAX {
                        "—".into()
                    } else {
                        format::lag(now.saturating_sub(w))
                    }
                }));
                ui.label(r.late.to_string());
                ui.end_row();
            }
        });
}
