//! The monitor's charts: throughput, latency, watermark lag and time shares over the run, for
//! the whole job or one node, drawn from the metrics history with egui_plot.

use std::sync::Arc;

use egui::Ui;
use egui_plot::{Corner, HoverPosition, Legend, Line, LineStyle, Plot, PlotPoints, VLine};
use engine::metrics::{MetricsSnapshot, NodeSnapshot};
use engine::spec::Category;

use super::source::{Marker, MarkerKind};
use crate::format;

/// Throughput is a rate over this trailing window of counts (a 100 ms sample sees a whole
/// number of batches, so its own rate jumps between multiples of the batch size).
const RATE_WINDOW_S: f64 = 1.0;

/// The window rates are over: [`RATE_WINDOW_S`], or wider where samples come further apart
/// (a Flink cluster refreshes its metrics every few seconds), so each rate spans at least
/// the gap to an earlier sample instead of falling back to the average since the start.
fn rate_window(samples: &[Arc<MetricsSnapshot>]) -> f64 {
    let widest = samples
        .windows(2)
        .rev()
        .take(20)
        .map(|w| w[1].elapsed.as_secs_f64() - w[0].elapsed.as_secs_f64())
        .fold(0.0, f64::max);
    RATE_WINDOW_S.max(widest * 1.5)
}

/// What the charts are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject<'a> {
    Job,
    Node(&'a str),
}

/// A chart to draw: its title, its lines, what it says when it has none, how values read.
type Chart<'a> = (&'a str, &'a [Series], &'a str, fn(f64) -> String);

/// One named line of points (seconds since the start, value).
pub struct Series {
    pub name: String,
    pub points: Vec<[f64; 2]>,
}

/// The four charts' series for `subject` over `samples`.
pub struct Charts {
    pub throughput: Vec<Series>,
    pub latency: Vec<Series>,
    pub lag: Vec<Series>,
    pub shares: Vec<Series>,
}

impl Charts {
    pub fn of(samples: &[Arc<MetricsSnapshot>], subject: Subject) -> Charts {
        let nodes: Vec<(String, Option<Category>)> = samples
            .last()
            .map(|s| s.nodes.iter().map(|n| (n.id.clone(), n.category)).collect())
            .unwrap_or_default();
        let t = |s: &MetricsSnapshot| s.elapsed.as_secs_f64();
        let window = rate_window(samples);
        // A series of `read` over the samples that have a value.
        let series = |name: String, read: &dyn Fn(&MetricsSnapshot) -> Option<f64>| Series {
            name,
            points: samples
                .iter()
                .filter_map(|s| read(s).map(|v| [t(s), v]))
                .collect(),
        };
        let counted = |name: String, count: &dyn Fn(&MetricsSnapshot) -> Option<u64>| {
            let counts: Vec<(f64, f64)> = samples
                .iter()
                .filter_map(|s| count(s).map(|c| (t(s), c as f64)))
                .collect();
            Series {
                name,
                points: crate::report::trailing_rates(&counts, window)
                    .into_iter()
                    .map(|(x, y)| [x, y])
                    .collect(),
            }
        };
        let node = |s: &MetricsSnapshot, id: &str| s.node(id).cloned();
        let charts = match subject {
            Subject::Job => {
                let sum = |category: Category, f: fn(&NodeSnapshot) -> u64| {
                    move |s: &MetricsSnapshot| {
                        Some(
                            s.nodes
                                .iter()
                                .filter(|n| n.category == Some(category))
                                .map(f)
                                .sum(),
                        )
                    }
                };
                let sinks: Vec<&String> = nodes
                    .iter()
                    .filter(|(_, c)| *c == Some(Category::Sink))
                    .map(|(id, _)| id)
                    .collect();
                Charts {
                    throughput: vec![
                        counted(
                            "sources out".into(),
                            &sum(Category::Source, |n| n.records_out),
                        ),
                        counted("sinks in".into(), &sum(Category::Sink, |n| n.records_in)),
                    ],
                    latency: sinks
                        .iter()
                        .map(|id| {
                            series(format!("{id} p99"), &|s| {
                                node(s, id).and_then(|n| n.latency).map(|l| l.p99_ms)
                            })
                        })
                        .collect(),
                    lag: nodes
                        .iter()
                        .map(|(id, _)| {
                            series(id.clone(), &|s| {
                                node(s, id)
                                    .and_then(|n| n.watermark_lag_ms)
                                    .map(|ms| ms as f64 / 1000.0)
                            })
                        })
                        .collect(),
                    shares: nodes
                        .iter()
                        .map(|(id, _)| {
                            series(id.clone(), &|s| node(s, id).map(|n| n.backpressure * 100.0))
                        })
                        .collect(),
                }
            }
            Subject::Node(id) => Charts {
                throughput: vec![
                    counted("in".into(), &|s| node(s, id).map(|n| n.records_in)),
                    counted("out".into(), &|s| node(s, id).map(|n| n.records_out)),
                ],
                latency: vec![
                    series("p50".into(), &|s| {
                        node(s, id).and_then(|n| n.latency).map(|l| l.p50_ms)
                    }),
                    series("p99".into(), &|s| {
                        node(s, id).and_then(|n| n.latency).map(|l| l.p99_ms)
                    }),
                ],
                lag: vec![series("lag".into(), &|s| {
                    node(s, id)
                        .and_then(|n| n.watermark_lag_ms)
                        .map(|ms| ms as f64 / 1000.0)
                })],
                shares: vec![
                    series("busy".into(), &|s| node(s, id).map(|n| n.busy * 100.0)),
                    series("idle".into(), &|s| node(s, id).map(|n| n.idle * 100.0)),
                    series("backpressure".into(), &|s| {
                        node(s, id).map(|n| n.backpressure * 100.0)
                    }),
                ],
            },
        };
        charts.without_empty()
    }

    fn without_empty(mut self) -> Charts {
        for list in [
            &mut self.throughput,
            &mut self.latency,
            &mut self.lag,
            &mut self.shares,
        ] {
            list.retain(|s| !s.points.is_empty());
        }
        self
    }

    /// The four charts side by side, `height` tall; `id` keeps each chart's zoom apart.
    /// `markers` (checkpoints, failures) are drawn across each chart at their time.
    pub fn show(&self, ui: &mut Ui, id: &str, height: f32, shares_title: &str, markers: &[Marker]) {
        let charts: [Chart; 4] = [
            (
                "Rows per second",
                &self.throughput,
                "no rows yet",
                format::rate,
            ),
            (
                "Latency (ms)",
                &self.latency,
                "measured where rows reach a sink; none here yet",
                format::millis,
            ),
            ("Watermark lag (s)", &self.lag, "no event time here", |v| {
                format::lag((v * 1000.0) as i64)
            }),
            (shares_title, &self.shares, "no samples yet", |v| {
                format!("{v:.0}%")
            }),
        ];
        ui.columns(charts.len(), |columns| {
            for (ui, (title, series, empty, format)) in columns.iter_mut().zip(charts) {
                ui.label(egui::RichText::new(title).strong());
                if series.is_empty() {
                    ui.label(egui::RichText::new(empty).weak());
                    continue;
                }
                Plot::new(format!("{id}-{title}"))
                    .height(height)
                    .legend(
                        Legend::default()
                            .position(Corner::LeftTop)
                            .text_style(egui::TextStyle::Small)
                            .background_alpha(0.6),
                    )
                    .include_y(0.0)
                    .y_axis_formatter(move |mark, _| format(mark.value))
                    .x_axis_formatter(|mark, _| format!("{:.0} s", mark.value))
                    .label_formatter(move |hover| match hover {
                        HoverPosition::NearDataPoint {
                            plot_name,
                            position,
                            ..
                        } => Some(format!(
                            "{plot_name}\n{:.1} s: {}",
                            position.x,
                            format(position.y)
                        )),
                        HoverPosition::Elsewhere { .. } => None,
                    })
                    .show(ui, |plot| {
                        for s in series {
                            plot.line(Line::new(
                                s.name.clone(),
                                PlotPoints::from(s.points.clone()),
                            ));
                        }
                        // One legend entry per kind: the lines share its name.
                        for m in markers {
                            let (color, style) = match m.kind {
                                MarkerKind::Checkpoint => (
                                    egui::Color32::from_rgb(90, 170, 110),
                                    LineStyle::dashed_loose(),
                                ),
                                MarkerKind::FailedCheckpoint => (
                                    egui::Color32::from_rgb(220, 160, 60),
                                    LineStyle::dashed_loose(),
                                ),
                                MarkerKind::Failure => {
                                    (egui::Color32::from_rgb(220, 80, 80), LineStyle::Solid)
                                }
                            };
                            plot.vline(
                                VLine::new(m.kind.name(), m.at_s)
                                    .color(color)
                                    .style(style)
                                    .width(1.0),
                            );
                        }
                    });
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use engine::metrics::{MetricsSnapshot, NodeSnapshot};
    use engine::spec::Category;

    use super::*;

    /// A source that has sent `out` rows at `at_s`.
    fn sample(at_s: f64, out: u64) -> Arc<MetricsSnapshot> {
        Arc::new(MetricsSnapshot {
            elapsed: Duration::from_secs_f64(at_s),
            nodes: vec![NodeSnapshot {
                id: "gen".into(),
                category: Some(Category::Source),
                records_out: out,
                ..Default::default()
            }],
            ..Default::default()
        })
    }

    #[test]
    fn samples_seconds_apart_read_as_the_rate_between_them_not_since_the_start() {
        // 100 rows a second for 10 s, then 400 a second, sampled every 3 s.
        let samples: Vec<_> = [(10.0, 1000), (13.0, 2200), (16.0, 3400)]
            .into_iter()
            .map(|(t, n)| sample(t, n))
            .collect();
        let charts = Charts::of(&samples, Subject::Job);
        let rates: Vec<f64> = charts.throughput[0].points.iter().map(|p| p[1]).collect();
        assert_eq!(rates[1..], [400.0, 400.0], "{rates:?}");
    }

    #[test]
    fn samples_a_tenth_apart_keep_a_one_second_window() {
        let samples: Vec<_> = (0..30).map(|i| sample(i as f64 / 10.0, i * 10)).collect();
        assert_eq!(rate_window(&samples), RATE_WINDOW_S);
    }
}
