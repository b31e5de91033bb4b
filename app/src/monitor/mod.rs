//! The monitor: what the engine is doing, live — charts of throughput, latency, watermark
//! lag and time shares for the whole job or one node, a node's instances side by side, and
//! the busiest nodes. A view with its own state, reading samples through a `MetricsSource`
//! (the embedded engine's sampler, or a REST API: streamlab's own or a Flink cluster's).

mod charts;
pub mod checkpoints;
pub mod flink_rest;
pub mod remote;
mod source;
mod table;

use std::sync::Arc;

use egui::{RichText, Ui};
use engine::metrics::MetricsSnapshot;

pub use charts::Subject;
pub use source::{Marker, MarkerKind, MetricsSource};

/// How much of the run the charts show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Minute,
    TenMinutes,
    All,
}

impl Span {
    fn seconds(self) -> Option<f64> {
        match self {
            Span::Minute => Some(60.0),
            Span::TenMinutes => Some(600.0),
            Span::All => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Span::Minute => "1 min",
            Span::TenMinutes => "10 min",
            Span::All => "whole run",
        }
    }
}

pub struct Monitor {
    /// Rates, watermarks and backpressure on the canvas's nodes and wires.
    pub on_canvas: bool,
    span: Span,
    /// The samples as they were when the charts were paused.
    frozen: Option<Vec<Arc<MetricsSnapshot>>>,
    /// Show the whole job even while a node is selected.
    whole_job: bool,
    /// What became of the last "Checkpoint now".
    pub checkpoint_message: Option<String>,
    /// Beside the job's charts: the top nodes, or every instance's watermark.
    watermarks: bool,
    watermark_sort: table::WatermarkSort,
}

impl Default for Monitor {
    fn default() -> Self {
        Monitor {
            on_canvas: true,
            span: Span::Minute,
            frozen: None,
            whole_job: false,
            checkpoint_message: None,
            watermarks: false,
            watermark_sort: table::WatermarkSort::default(),
        }
    }
}

impl Monitor {
    /// A new run starts: charts follow it live.
    pub fn run_started(&mut self) {
        self.frozen = None;
        self.checkpoint_message = None;
    }

    /// The monitor tab: `source` is the running (or last) job's samples, `selected` the
    /// node the inspector shows.
    pub fn ui(&mut self, ui: &mut Ui, source: Option<&dyn MetricsSource>, selected: Option<&str>) {
        let Some(source) = source else {
            ui.label(
                RichText::new(
                    "Run the pipeline to see its throughput, latency, watermarks and \
                     backpressure here.",
                )
                .weak(),
            );
            return;
        };
        let live = self.frozen.is_none();
        let all = match &self.frozen {
            Some(frozen) => frozen.clone(),
            None => source.history(),
        };
        let samples = self.in_span(&all);
        let subject = match selected {
            Some(id) if !self.whole_job && all.last().is_some_and(|s| s.node(id).is_some()) => {
                Subject::Node(id)
            }
            _ => Subject::Job,
        };
        ui.horizontal(|ui| {
            if ui
                .selectable_label(subject == Subject::Job, "Whole job")
                .clicked()
            {
                self.whole_job = true;
            }
            let node = selected.map_or("a node (select one)".to_string(), |id| format!("`{id}`"));
            let on_node = ui.add_enabled(
                selected.is_some(),
                egui::Button::selectable(matches!(subject, Subject::Node(_)), node),
            );
            if on_node.clicked() {
                self.whole_job = false;
            }
            ui.separator();
            for span in [Span::Minute, Span::TenMinutes, Span::All] {
                ui.selectable_value(&mut self.span, span, span.label());
            }
            ui.separator();
            let pause = if live {
                "⏸ Hold charts"
            } else {
                "▶ Follow"
            };
            if ui
                .button(pause)
                .on_hover_text("Pause the charts to zoom and read them; the job runs on")
                .clicked()
            {
                self.frozen = if live { Some(all.clone()) } else { None };
            }
            let seconds = samples.last().map_or(0.0, |s| s.elapsed.as_secs_f64());
            ui.label(RichText::new(format!("{} samples, {seconds:.1} s", samples.len())).weak());
        });
        let charts = charts::Charts::of(&samples, subject);
        // Only what falls within the samples shown, so a marker does not stretch the axis.
        let first = samples.first().map_or(0.0, |s| s.elapsed.as_secs_f64());
        let last = samples.last().map_or(0.0, |s| s.elapsed.as_secs_f64());
        let markers: Vec<source::Marker> = source
            .markers()
            .into_iter()
            .filter(|m| (first..=last).contains(&m.at_s))
            .collect();
        let shares = match subject {
            Subject::Job => "Backpressure (%)",
            Subject::Node(_) => "Time (%)",
        };
        let table_width = 300.0_f32.min(ui.available_width() * 0.35);
        let height = (ui.available_height() - 28.0).max(60.0);
        ui.horizontal_top(|ui| {
            let charts_width = ui.available_width() - table_width - 12.0;
            ui.allocate_ui(egui::vec2(charts_width, height + 24.0), |ui| {
                charts.show(ui, "monitor", height, shares, &markers);
            });
            ui.separator();
            ui.vertical(|ui| {
                egui::ScrollArea::both()
                    .id_salt("monitor-table")
                    .show(ui, |ui| {
                        let Some(last) = samples.last() else {
                            return;
                        };
                        match subject {
                            Subject::Node(id) => {
                                if let Some(node) = last.node(id) {
                                    ui.label(RichText::new(format!("`{id}` by instance")).strong());
                                    table::instances(ui, node, last.wall_ms);
                                }
                            }
                            Subject::Job => {
                                ui.horizontal(|ui| {
                                    ui.selectable_value(&mut self.watermarks, false, "Top nodes");
                                    ui.selectable_value(&mut self.watermarks, true, "Watermarks")
                                        .on_hover_text(
                                            "Every instance's watermark, sortable: what holds \
                                             event time back",
                                        );
                                });
                                if self.watermarks {
                                    table::watermarks(ui, last, &mut self.watermark_sort);
                                } else {
                                    table::top_nodes(ui, last);
                                }
                            }
                        }
                    });
            });
        });
    }

    fn in_span(&self, all: &[Arc<MetricsSnapshot>]) -> Vec<Arc<MetricsSnapshot>> {
        let (Some(window), Some(last)) = (self.span.seconds(), all.last()) else {
            return all.to_vec();
        };
        let from = last.elapsed.as_secs_f64() - window;
        all.iter()
            .filter(|s| s.elapsed.as_secs_f64() >= from)
            .cloned()
            .collect()
    }
}
