//! A run's report: throughput, p99 latency, watermark lag and backpressure over time, one
//! line per node, drawn from the metrics history as SVG or PNG. Text is set in egui's bundled
//! font, so no system font is needed.

use std::path::Path;
use std::sync::{Arc, Once};

use engine::metrics::{MetricsSnapshot, NodeSnapshot};
use engine::spec::Category;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::format::compact;

/// The picture's size in pixels.
const SIZE: (u32, u32) = (1400, 900);
/// Rates over shorter intervals (the last sample, taken as the job ends) are noise.
const SHORTEST_INTERVAL_MS: f64 = 20.0;
/// Line colours, one per node in pipeline order (Tableau's ten).
const COLOURS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];
const FONT: &str = "sans-serif";
/// Throughput is drawn as the rate over this trailing window.
const RATE_WINDOW_S: f64 = 1.0;

/// One chart: a line per node over seconds since the start.
struct Panel {
    title: &'static str,
    /// Said in the chart when no node has a value (no sink reached, no event time).
    empty: &'static str,
    /// How values show on the y axis.
    format: fn(f64) -> String,
    /// The top of the y axis when it is fixed (percentages).
    top: Option<f64>,
    lines: Vec<Line>,
}

/// A node's line: its place in the pipeline (for its colour), its id, and its points.
type Line = (usize, String, Vec<(f64, f64)>);

/// What the picture shows.
pub struct Report {
    title: String,
    panels: Vec<Panel>,
    seconds: f64,
}

impl Report {
    /// A report of `samples` (oldest first) of the pipeline `name`; `ended` says how the run
    /// ended when not by finishing its input ("stopped", "failed").
    pub fn new(name: &str, samples: &[Arc<MetricsSnapshot>], ended: Option<&str>) -> Report {
        let seconds = samples
            .last()
            .map_or(0.0, |s| s.elapsed.as_secs_f64())
            .max(0.1);
        let nodes: Vec<(String, Option<Category>)> = samples
            .last()
            .map(|s| s.nodes.iter().map(|n| (n.id.clone(), n.category)).collect())
            .unwrap_or_default();
        let line = |read: &dyn Fn(&MetricsSnapshot, &NodeSnapshot) -> Option<f64>| {
            nodes
                .iter()
                .enumerate()
                .filter_map(|(i, (id, _))| {
                    let points: Vec<(f64, f64)> = samples
                        .iter()
                        .filter_map(|s| {
                            let value = read(s, s.node(id)?)?;
                            Some((s.elapsed.as_secs_f64(), value))
                        })
                        .collect();
                    (!points.is_empty()).then(|| (i, id.clone(), points))
                })
                .collect::<Vec<_>>()
        };
        // Rates over a trailing second of counts: a 100 ms interval sees a whole number of
        // batches, so its rate jumps between multiples of the batch size.
        let throughput: Vec<_> = nodes
            .iter()
            .enumerate()
            .map(|(i, (id, category))| {
                let counts: Vec<(f64, f64)> = samples
                    .iter()
                    .filter_map(|s| {
                        let n = s.node(id)?;
                        let count = match category {
                            Some(Category::Source) => n.records_out,
                            _ => n.records_in,
                        };
                        Some((s.elapsed.as_secs_f64(), count as f64))
                    })
                    .collect();
                (i, id.clone(), trailing_rates(&counts, RATE_WINDOW_S))
            })
            .filter(|(_, _, points)| !points.is_empty())
            .collect();
        let latency = line(&|_, n| n.latency.map(|l| l.p99_ms));
        let lag = line(&|_, n| n.watermark_lag_ms.map(|ms| ms as f64 / 1000.0));
        let long_enough =
            |s: &MetricsSnapshot| s.interval.as_secs_f64() * 1000.0 >= SHORTEST_INTERVAL_MS;
        let pressure = line(&|s, n| long_enough(s).then_some(n.backpressure * 100.0));
        let rows: u64 = samples.last().map_or(0, |s| {
            s.nodes
                .iter()
                .filter(|n| n.category == Some(Category::Source))
                .map(|n| n.records_out)
                .sum()
        });
        Report {
            title: format!(
                "{name}: {} rows in {seconds:.1} s{}",
                crate::cli::thousands(rows),
                ended.map_or(String::new(), |e| format!(" ({e})"))
            ),
            seconds,
            panels: vec![
                Panel {
                    title: "Throughput (rows/s in; a source's out)",
                    empty: "no rows moved",
                    format: compact,
                    top: None,
                    lines: throughput,
                },
                Panel {
                    title: "End-to-end latency p99 (ms) at each sink",
                    empty: "no row reached a sink",
                    format: compact,
                    top: None,
                    lines: latency,
                },
                Panel {
                    title: "Watermark lag (s): wall clock - watermark",
                    empty: "no watermark: no event time, or none yet",
                    format: compact,
                    top: None,
                    lines: lag,
                },
                Panel {
                    title: "Backpressure (% of time waiting for room downstream)",
                    empty: "no samples",
                    // The room above 100% is the legend's.
                    format: |v| {
                        if v <= 100.0 {
                            format!("{v:.0}%")
                        } else {
                            String::new()
                        }
                    },
                    top: Some(100.0),
                    lines: pressure,
                },
            ],
        }
    }

    /// Writes the picture to `path`: SVG or PNG by its extension. The picture is drawn beside
    /// it first and moved into place whole, so a failure leaves an older report as it was.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let kind = picture_kind(path)?;
        register_font();
        let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // The extension stays last: the PNG encoder picks the format from it.
        let staged = folder
            .unwrap_or(Path::new("."))
            .join(format!(".{name}.inprogress.{kind}"));
        // The drawing libraries report a file they cannot create in their own words.
        std::fs::File::create(&staged)
            .map_err(|e| format!("cannot write the report {}: {e}", path.display()))?;
        let drawn = match kind {
            "svg" => self.draw(SVGBackend::new(&staged, SIZE).into_drawing_area()),
            _ => self.draw(BitMapBackend::new(&staged, SIZE).into_drawing_area()),
        };
        drawn
            .and_then(|()| std::fs::rename(&staged, path).map_err(|e| e.to_string()))
            .map_err(|e| {
                let _ = std::fs::remove_file(&staged);
                format!("cannot write the report {}: {e}", path.display())
            })
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<(), String> {
        let fail = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(fail)?;
        let root = root.titled(&self.title, (FONT, 30)).map_err(fail)?;
        for (area, panel) in root.split_evenly((2, 2)).iter().zip(&self.panels) {
            self.draw_panel(area, panel).map_err(fail)?;
        }
        root.present().map_err(fail)
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let top = panel
            .lines
            .iter()
            .flat_map(|(_, _, points)| points.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        // Room above the lines for the legend, a row per line.
        let legend = ((panel.lines.len() as f64 * 20.0 + 24.0) / 340.0).min(0.6);
        let top = match panel.top {
            Some(fixed) => fixed / (1.0 - legend),
            None if top > 0.0 => top / (1.0 - legend),
            None => 1.0,
        };
        let mut chart = ChartBuilder::on(area)
            .margin(14)
            .caption(panel.title, (FONT, 20))
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..self.seconds, 0.0..top)?;
        chart
            .configure_mesh()
            .x_desc("seconds since the start")
            .x_label_formatter(&|v| seconds_label(*v, self.seconds))
            .y_label_formatter(&|v| (panel.format)(*v))
            .label_style((FONT, 14))
            .light_line_style(RGBColor(238, 238, 238))
            .bold_line_style(RGBColor(210, 210, 210))
            .draw()?;
        if panel.lines.is_empty() {
            let (w, h) = area.dim_in_pixel();
            area.draw(&Text::new(
                panel.empty,
                (w as i32 / 2 - 110, h as i32 / 2),
                (FONT, 18).into_font().color(&RGBColor(120, 120, 120)),
            ))?;
            return Ok(());
        }
        for (i, node, points) in &panel.lines {
            let colour = COLOURS[i % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    colour.stroke_width(2),
                ))?
                .label(node.as_str())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font((FONT, 14))
            .draw()
    }
}

/// `svg` or `png`, from the path's extension.
fn picture_kind(path: &Path) -> Result<&'static str, String> {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    match extension.as_deref() {
        Some("svg") => Ok("svg"),
        Some("png") => Ok("png"),
        _ => Err(format!(
            "cannot write the report {}: give a file ending in .svg or .png",
            path.display()
        )),
    }
}

/// Checks at once, before a run, that a report can go to `path`: its kind, its folder, and
/// that a file can be made there (made and removed again).
pub fn check_path(path: &Path) -> Result<(), String> {
    let kind = picture_kind(path)?;
    let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
    if folder.is_some_and(|d| !d.is_dir()) {
        return Err(format!(
            "cannot write the report {}: its folder does not exist",
            path.display()
        ));
    }
    if path.is_dir() {
        return Err(format!(
            "cannot write the report {}: it is a folder",
            path.display()
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let probe = folder
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.probe.{kind}"));
    std::fs::File::create(&probe)
        .map_err(|e| format!("cannot write the report {}: {e}", path.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, epaint_default_fonts::UBUNTU_LIGHT)
            .unwrap_or_else(|_| panic!("egui's bundled font is a valid font"));
    });
}

/// The rate at each point of cumulative `counts` (seconds, count), over the `window` seconds
/// before it (or since the start, early on).
pub(crate) fn trailing_rates(counts: &[(f64, f64)], window: f64) -> Vec<(f64, f64)> {
    let mut from = 0;
    counts
        .iter()
        .enumerate()
        .map(|(i, &(t, count))| {
            while from < i && counts[from].0 < t - window {
                from += 1;
            }
            let (t0, c0) = if from < i && counts[from].0 < t {
                counts[from]
            } else {
                (0.0, 0.0)
            };
            (t, (count - c0).max(0.0) / (t - t0).max(1e-3))
        })
        .collect()
}

/// Whole seconds on a long run's axis, tenths on a short one's, hundredths on a brief one's.
fn seconds_label(v: f64, run: f64) -> String {
    if run >= 20.0 {
        format!("{v:.0}")
    } else if run < 2.0 {
        format!("{v:.2}")
    } else {
        let text = format!("{v:.1}");
        text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_over_the_trailing_window() {
        // 100 rows every 0.1 s, sampled every 0.1 s: 1,000 rows/s throughout.
        let counts: Vec<(f64, f64)> = (1..=30)
            .map(|i| (i as f64 / 10.0, i as f64 * 100.0))
            .collect();
        for (t, rate) in trailing_rates(&counts, 1.0) {
            assert!((rate - 1000.0).abs() < 1e-6, "{rate} at {t}");
        }
        // A stall: no rows after 1 s; the rate falls to 0 over the next second.
        let stalled = [(0.5, 500.0), (1.0, 1000.0), (1.5, 1000.0), (2.5, 1000.0)];
        let rates: Vec<f64> = trailing_rates(&stalled, 1.0)
            .into_iter()
            .map(|p| p.1)
            .collect();
        assert_eq!(rates, [1000.0, 1000.0, 500.0, 0.0]);
    }

    #[test]
    fn only_svg_and_png_are_written() {
        assert!(picture_kind(Path::new("a.svg")).is_ok());
        assert!(picture_kind(Path::new("a.PNG")).is_ok());
        let message = picture_kind(Path::new("a.pdf")).unwrap_err();
        assert!(message.contains(".svg or .png"), "{message}");
    }
}
