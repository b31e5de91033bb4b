//! The measured curve drawn: p99 latency against throughput, one point per batch size, both
//! axes logarithmic (the batch sizes span thousands), with the figures in a table beside it.

use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoint, PlotPoints, Points, Text};

use super::curve::CurvePoint;
use crate::format::{millis, rate};

pub fn show(ui: &mut Ui, points: &[CurvePoint], measuring: Option<usize>) {
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            egui::Grid::new("curve figures")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    ui.label(RichText::new("batch size").strong());
                    ui.label(RichText::new("p99 latency").strong());
                    ui.label(RichText::new("throughput").strong());
                    ui.end_row();
                    for p in points {
                        ui.label(p.batch_size.to_string());
                        ui.label(millis(p.p99_ms));
                        ui.label(rate(p.rows_per_second));
                        ui.end_row();
                    }
                });
            if let Some(size) = measuring {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("measuring batch size {size}…"));
                });
            }
        });
        let log = |v: f64| v.max(1e-6).log10();
        let series: Vec<[f64; 2]> = points
            .iter()
            .map(|p| [log(p.rows_per_second), log(p.p99_ms)])
            .collect();
        Plot::new("latency curve")
            .height(ui.available_height().max(160.0))
            .x_axis_label("throughput (rows/s, unpaced)")
            .y_axis_label("p99 latency (ms, paced)")
            .x_axis_formatter(|mark, _| rate(10f64.powf(mark.value)))
            .y_axis_formatter(|mark, _| millis(10f64.powf(mark.value)))
            .show(ui, |plot| {
                plot.line(Line::new("batch sizes", PlotPoints::from(series.clone())));
                plot.points(Points::new("measured", PlotPoints::from(series)).radius(5.0));
                for p in points {
                    plot.text(Text::new(
                        format!("batch {}", p.batch_size),
                        PlotPoint::new(log(p.rows_per_second), log(p.p99_ms) + 0.08),
                        format!("batch {}", p.batch_size),
                    ));
                }
            });
    });
}
