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
