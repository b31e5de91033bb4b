//! The running job on the canvas: each node's rates, watermark and backpressure under its
//! counts, wires reddened by the backpressure of the node that sends on them, and the rows
//! per second each wire carries at its middle.

use egui::{Color32, Pos2, Ui};
use engine::metrics::{MetricsSnapshot, NodeSnapshot};
use engine::spec::Category;

use crate::format;

use super::canvas::sized;
use super::theme;

/// The newest sample and one about a second before it: rates over that second read
/// steadily where a 100 ms sample sees a whole number of batches (or a window's burst).
#[derive(Clone, Copy)]
pub struct Live<'a> {
    pub latest: &'a MetricsSnapshot,
    pub before: &'a MetricsSnapshot,
}

/// A node's rows per second in and out, in all and per instance.
pub struct Rates {
    pub records_in: f64,
    pub records_out: f64,
    pub instances: Vec<(f64, f64)>,
}

impl<'a> Live<'a> {
    /// From samples oldest first; `None` without any.
    pub fn of(samples: &'a [std::sync::Arc<MetricsSnapshot>]) -> Option<Live<'a>> {
        Some(Live {
            latest: samples.last()?,
            before: samples.first()?,
        })
    }

    pub fn node(&self, id: &str) -> Option<&'a NodeSnapshot> {
        self.latest.node(id)
    }

    pub fn rates(&self, id: &str) -> Option<Rates> {
        let now = self.latest.node(id)?;
        let seconds =
            (self.latest.elapsed.as_secs_f64() - self.before.elapsed.as_secs_f64()).max(0.0);
        let Some(then) = self.before.node(id).filter(|_| seconds > 0.05) else {
            // One sample so far: its own rates.
            return Some(Rates {
                records_in: now.records_in_rate,
                records_out: now.records_out_rate,
                instances: now
                    .instances
                    .iter()
                    .map(|i| (i.records_in_rate, i.records_out_rate))
                    .collect(),
            });
        };
        let rate = |a: u64, b: u64| a.saturating_sub(b) as f64 / seconds;
        Some(Rates {
            records_in: rate(now.records_in, then.records_in),
            records_out: rate(now.records_out, then.records_out),
            instances: now
                .instances
                .iter()
                .zip(&then.instances)
                .map(|(a, b)| {
                    (
                        rate(a.records_in, b.records_in),
                        rate(a.records_out, b.records_out),
                    )
                })
                .collect(),
        })
    }
}

/// Backpressure below this is normal waiting; above it a node is held up.
pub const PRESSED: f64 = 0.10;
/// Instances whose rates differ by more than this share are shown with their spread.
const SPREAD: f64 = 0.2;

/// The rates line of a node: `in 6.0k/s · out 5.8k/s`, with the instances' spread when
/// they differ.
pub fn rates(category: Category, r: &Rates) -> String {
    let text = match category {
        Category::Source => format!("out {}", format::rate(r.records_out)),
        Category::Sink => format!("in {}", format::rate(r.records_in)),
        Category::Transform => format!(
            "in {} · out {}",
            format::rate(r.records_in),
            format::rate(r.records_out)
        ),
    };
    let per_instance = |&(i, o): &(f64, f64)| match category {
        Category::Source => o,
        _ => i,
    };
    let least = r
        .instances
        .iter()
        .map(per_instance)
        .fold(f64::MAX, f64::min);
    let most = r.instances.iter().map(per_instance).fold(0.0, f64::max);
    if r.instances.len() > 1 && most > 0.0 && (most - least) / most > SPREAD {
        format!(
            "{text} ({}–{} each)",
            format::rate(least),
            format::rate(most)
        )
    } else {
        text
    }
}

/// The time line of a node: when held up, how much; its watermark's lag behind the wall
/// clock and its time of day (to the second: the monitor's table has the milliseconds).
pub fn time(node: &NodeSnapshot, now_ms: i64) -> Option<String> {
    let mut parts = Vec::new();
    if node.backpressure > PRESSED {
        parts.push(format!("held up {}", format::share(node.backpressure)));
    }
    if let Some(w) = node.watermark {
        let at = format::watermark(w, now_ms);
        // 21:32:31.929 → 21:32:31
        let at = at
            .rsplit_once('.')
            .map_or(at.clone(), |(s, _)| s.to_string());
        match node.watermark_lag_ms {
            Some(lag) => parts.push(format!("lag {} · wm {at}", format::lag(lag))),
            None => parts.push(format!("wm {at}")),
        }
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The two live lines under a node's counts.
pub fn show_node(ui: &mut Ui, category: Category, id: &str, live: Option<Live>, size: f32) {
    let dark = ui.visuals().dark_mode;
    let (Some(live), Some(node)) = (live, live.and_then(|l| l.node(id))) else {
        ui.label(sized("waiting for the first sample", size).weak());
        ui.label(sized(" ", size));
        return;
    };
    let line = live
        .rates(id)
        .map_or(String::new(), |r| rates(category, &r));
    ui.add(egui::Label::new(sized(line, size).color(theme::running_color(dark))).truncate());
    let line = time(node, live.latest.wall_ms);
    let color = if node.backpressure > PRESSED {
        theme::error_color(dark)
    } else {
        ui.visuals().weak_text_color()
    };
    ui.add(
        egui::Label::new(sized(line.unwrap_or_else(|| "no watermark".into()), size).color(color))
            .truncate(),
    );
}

/// A wire's colour, reddened by the share of time its sender waits for room.
pub fn wire_color(base: Color32, backpressure: f64) -> Color32 {
    let t = (((backpressure - PRESSED) / (1.0 - PRESSED)).clamp(0.0, 1.0)) as f32;
    if t == 0.0 {
        return base;
    }
    let red = Color32::from_rgb(0xe0, 0x40, 0x40);
    base.lerp_to_gamma(red, t)
}

/// The rows per second on a wire, written at its middle (`from` and `to` on screen), named
/// `peek at {wire}`; whether it was clicked. The canvas takes pointer clicks on its own
/// layer, so a click is read from the pointer rather than from a widget.
pub fn wire_label(ui: &Ui, from: Pos2, to: Pos2, per_second: f64, wire: &str) -> bool {
    let at = from + (to - from) / 2.0;
    let painter = ui.painter();
    let font = egui::FontId::proportional(11.0);
    let galley = painter.layout_no_wrap(format::rate(per_second), font, ui.visuals().text_color());
    let rect = egui::Rect::from_center_size(at, galley.size() + egui::vec2(8.0, 2.0));
    let name = format!("peek at {wire}");
    let response = ui
        .interact(rect, ui.id().with(("wire", wire)), egui::Sense::hover())
        .on_hover_text("Click to peek at the rows crossing this wire");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &name));
    let pointer = ui.input(|i| i.pointer.interact_pos());
    let hovered = pointer.is_some_and(|p| rect.contains(p));
    let fill = if hovered {
        ui.visuals().widgets.hovered.bg_fill
    } else {
        ui.visuals().extreme_bg_color.gamma_multiply(0.9)
    };
    painter.rect_filled(rect, 3.0, fill);
    painter.galley(
        rect.center() - galley.size() / 2.0,
        galley,
        Color32::PLACEHOLDER,
    );
    hovered && ui.input(|i| i.pointer.primary_clicked())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(rates: &[f64]) -> Rates {
        Rates {
            records_in: rates.iter().sum(),
            records_out: rates.iter().sum(),
            instances: rates.iter().map(|&r| (r, r)).collect(),
        }
    }

    #[test]
    fn a_node_shows_its_instances_spread_only_when_they_differ() {
        assert_eq!(rates(Category::Sink, &node(&[3000.0, 3100.0])), "in 6.1k/s");
        assert_eq!(
            rates(Category::Transform, &node(&[1000.0, 3000.0])),
            "in 4.0k/s · out 4.0k/s (1.0k/s–3.0k/s each)"
        );
    }

    #[test]
    fn a_held_up_node_says_so_and_its_wires_redden() {
        let mut n = NodeSnapshot::default();
        assert_eq!(time(&n, 0), None);
        n.backpressure = 0.93;
        n.watermark = Some(1_000);
        n.watermark_lag_ms = Some(1_500);
        assert_eq!(
            time(&n, 2_500).as_deref(),
            Some("held up 93% · lag 1.5 s · wm 00:00:01")
        );
        let blue = Color32::from_rgb(0, 0, 255);
        assert_eq!(wire_color(blue, 0.05), blue);
        assert_ne!(wire_color(blue, 0.9), blue);
    }
}
