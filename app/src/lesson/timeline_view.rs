//! The event-time timeline drawn: one dot per row (x its event time, y the order it arrived
//! in), the watermark at the window as a line, each window as a box that closes when it
//! fires, late rows marked by what became of them. Playback shows the run as of a step;
//! dragging a dot moves a row in time or in arrival order, and the lesson runs again.

use egui::epaint::PathStroke;
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2};

use super::answer::window_label;
use super::timeline::{Fate, Timeline, WindowBox};
use crate::format::time_of_day;

/// Where the replay of the run stands.
#[derive(Clone, Debug, PartialEq)]
pub struct Playback {
    /// Rows shown: the job after its first `step` rows (see `timeline`).
    pub step: usize,
    pub playing: bool,
    /// Rows a second while playing: the slow motion of the run.
    pub rows_per_second: f32,
    /// Time gathered towards the next step while playing.
    waited: f32,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            step: 0,
            playing: false,
            rows_per_second: 2.0,
            waited: 0.0,
        }
    }
}

impl Playback {
    pub fn step_forward(&mut self, timeline: &Timeline) {
        self.step = (self.step + 1).min(timeline.end_step());
    }

    pub fn step_back(&mut self) {
        self.step = self.step.saturating_sub(1);
    }

    pub fn toggle(&mut self, timeline: &Timeline) {
        if !self.playing && self.step >= timeline.end_step() {
            self.step = 0;
        }
        self.playing = !self.playing;
        self.waited = 0.0;
    }

    /// Moves on while playing; true if it is still playing and wants the next frame.
    pub fn advance(&mut self, dt: f32, timeline: &Timeline) -> bool {
        if !self.playing {
            return false;
        }
        self.waited += dt;
        let period = 1.0 / self.rows_per_second.max(0.1);
        while self.waited >= period {
            self.waited -= period;
            self.step_forward(timeline);
        }
        if self.step >= timeline.end_step() {
            self.playing = false;
        }
        self.playing
    }
}

/// A row the learner dragged: it now has `event_time` and arrives `arrival`-th (from 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dragged {
    pub row: usize,
    pub event_time: i64,
    pub arrival: usize,
}

pub fn fate_color(fate: Fate, dark: bool) -> Color32 {
    match (fate, dark) {
        (Fate::OnTime, true) => Color32::from_rgb(0x6a, 0xa8, 0xff),
        (Fate::OnTime, false) => Color32::from_rgb(0x1f, 0x5f, 0xc4),
        (Fate::Updated, true) => Color32::from_rgb(0xc0, 0x8c, 0xff),
        (Fate::Updated, false) => Color32::from_rgb(0x73, 0x3f, 0xc0),
        (Fate::ToLateOutput, true) => Color32::from_rgb(0xf0, 0xa0, 0x40),
        (Fate::ToLateOutput, false) => Color32::from_rgb(0xb0, 0x60, 0x00),
        (Fate::Dropped, dark) => crate::editor::theme::error_color(dark),
    }
}

fn watermark_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x5c, 0xd0, 0xc0)
    } else {
        Color32::from_rgb(0x00, 0x80, 0x70)
    }
}

fn processing_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xf0, 0x80, 0xc0)
    } else {
        Color32::from_rgb(0xb0, 0x30, 0x80)
    }
}

/// An open window: neutral, apart from the rows' blue.
fn open_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(0xc8)
    } else {
        Color32::from_gray(0x50)
    }
}

fn fired_color(dark: bool) -> Color32 {
    crate::editor::theme::running_color(dark)
}

/// Draws the timeline as of `playback.step`, with its legend; returns a row the learner
/// dropped somewhere new.
pub fn show(
    ui: &mut Ui,
    timeline: &Timeline,
    playback: &Playback,
    editable: bool,
) -> Option<Dragged> {
    let font_scale = 1.0;
    // Across is processing time for a processing-time window: a drag there would not say
    // which event time was meant.
    let editable = editable && !timeline.processing_time;
    let dark = ui.visuals().dark_mode;
    legend(ui, timeline, dark);
    let Some((first, last)) = timeline.time_range() else {
        ui.label("The source sent no rows.");
        return None;
    };
    let rows = timeline.arrivals.len();
    let (margin_left, margin_bottom, margin_top) = (70.0 * font_scale, 30.0 * font_scale, 8.0);
    // Rows fit the space there is, down to a size a dot can still be told apart and dragged.
    let fitting = (ui.available_height() - margin_top - margin_bottom - 4.0) / (rows as f32 + 1.5);
    let row_height = fitting.clamp(11.0, 22.0) * font_scale;
    let height = margin_top + row_height * (rows as f32 + 1.5) + margin_bottom;
    let width = ui.available_width().max(300.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
    let painter = ui.painter_at(rect);
    let plot = Rect::from_min_max(
        rect.min + Vec2::new(margin_left, margin_top),
        rect.max - Vec2::new(16.0, margin_bottom),
    );
    // A second each side, so dots at the ends stay clear of the frame.
    let (t0, t1) = (first - 1000, last + 1000);
    let x_of = |t: i64| {
        let t = t.clamp(t0, t1);
        plot.left() + (t - t0) as f32 / (t1 - t0) as f32 * plot.width()
    };
    let time_of = |x: f32| t0 + ((x - plot.left()) / plot.width() * (t1 - t0) as f32) as i64;
    let y_of_row = |i: usize| plot.top() + row_height * (i as f32 + 0.5);
    // Step s is drawn just below the row that made it.
    let y_of_step = |s: usize| plot.top() + row_height * s as f32;
    let step = playback.step.min(timeline.end_step());
    let small = FontId::proportional(11.0 * font_scale);
    let text_color = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();

    painter.rect_stroke(
        plot,
        0.0,
        Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
        StrokeKind::Inside,
    );
    time_axis(&painter, plot, t0, t1, &x_of, &small, weak);
    let every = if row_height < 14.0 { 2 } else { 1 }.max(rows / 25);
    for i in (0..rows).step_by(every) {
        painter.text(
            Pos2::new(plot.left() - 6.0, y_of_row(i)),
            Align2::RIGHT_CENTER,
            format!("row {}", i + 1),
            small.clone(),
            weak,
        );
    }
    if step == timeline.end_step() {
        let y = y_of_step(rows) + row_height * 0.5;
        painter.text(
            Pos2::new(plot.left() - 6.0, y),
            Align2::RIGHT_CENTER,
            "end",
            small.clone(),
            weak,
        );
    }

    // Boxes first, labels last: a label stays readable over boxes, dots and the watermark.
    let mut labels = Vec::new();
    let mut boxes = Vec::new();
    for w in &timeline.windows {
        if let Some((rect, label, color)) = window_box(
            &painter, timeline, w, step, &x_of, &y_of_step, row_height, dark,
        ) {
            boxes.push((w, rect));
            labels.push((rect, label, color));
        }
    }

    // The watermark: where event time stood at the window after each step.
    let wm = watermark_color(dark);
    let mut points: Vec<Pos2> = Vec::new();
    for s in 0..=step.min(rows) {
        if let Some(w) = timeline.watermark_at(s) {
            let x = if w == i64::MAX { plot.right() } else { x_of(w) };
            let (top, bottom) = (y_of_step(s), y_of_step(s + 1));
            points.push(Pos2::new(x, top));
            points.push(Pos2::new(x, bottom.min(plot.bottom())));
        }
    }
    if step == timeline.end_step() && !points.is_empty() {
        let y = points.last().map_or(plot.bottom(), |p| p.y);
        points.push(Pos2::new(plot.right(), y));
    }
    // A processing-time window goes by the wall clock; the event-time watermark is not its.
    if points.len() > 1 && !timeline.processing_time {
        painter.line(points, PathStroke::new(2.0, wm));
    }

    let mut dropped = None;
    let pointer = ui.ctx().pointer_interact_pos();
    for a in &timeline.arrivals {
        let centre = Pos2::new(x_of(timeline.time_of(a)), y_of_row(a.index));
        let arrived = a.index < step;
        let radius = (row_height * 0.3).min(6.0);
        let id = ui.id().with(("timeline row", a.index));
        let sense = if editable {
            Sense::click_and_drag()
        } else {
            Sense::hover()
        };
        let response = ui.interact(
            Rect::from_center_size(centre, Vec2::splat(radius * 2.6)),
            id,
            sense,
        );
        // When it came, beside when it happened: the gap is the row's delay.
        if arrived && timeline.show_processing_time {
            let came = Pos2::new(x_of(a.processed_at), centre.y);
            painter.line_segment([centre, came], Stroke::new(1.0, weak.gamma_multiply(0.6)));
            painter.rect_stroke(
                Rect::from_center_size(came, Vec2::splat(radius * 1.6)),
                0.0,
                Stroke::new(1.2, processing_color(dark)),
                StrokeKind::Middle,
            );
        }
        let color = if arrived {
            fate_color(a.fate, dark)
        } else {
            weak.gamma_multiply(0.5)
        };
        if arrived {
            painter.circle_filled(centre, radius, color);
            if a.fate == Fate::Dropped {
                let d = radius * 1.3;
                let cross = Stroke::new(2.0, color);
                painter.line_segment([centre - Vec2::splat(d), centre + Vec2::splat(d)], cross);
                painter.line_segment(
                    [centre + Vec2::new(-d, d), centre + Vec2::new(d, -d)],
                    cross,
                );
            }
        } else {
            painter.circle_stroke(centre, radius, Stroke::new(1.0, color));
        }
        if response.dragged()
            && let Some(p) = pointer
        {
            painter.circle_stroke(p, radius + 2.0, Stroke::new(2.0, text_color));
            painter.text(
                p + Vec2::new(10.0, -10.0),
                Align2::LEFT_BOTTOM,
                format!(
                    "{} · row {}",
                    time_of_day(round_to_second(time_of(p.x))),
                    arrival_at(p.y, &plot, row_height, rows) + 1
                ),
                small.clone(),
                text_color,
            );
        }
        if response.drag_stopped()
            && let Some(p) = pointer
        {
            let event_time = round_to_second(time_of(p.x));
            let arrival = arrival_at(p.y, &plot, row_height, rows);
            if event_time != a.event_time || arrival != a.index {
                dropped = Some(Dragged {
                    row: a.index,
                    event_time,
                    arrival,
                });
            }
        }
        response.on_hover_ui(|ui| {
            ui.label(format!(
                "Row {}: event time {}",
                a.index + 1,
                time_of_day(a.event_time)
            ));
            let values: Vec<String> = a.values.iter().map(ToString::to_string).collect();
            ui.label(values.join(", "));
            if arrived {
                ui.label(format!(
                    "Sent {:.1} ms after the start; {}.",
                    a.at_ms,
                    a.fate.describe()
                ));
            }
            if timeline.show_processing_time {
                ui.label(format!(
                    "Processing time {}: {} after its event time.",
                    time_of_day(a.processed_at),
                    crate::format::lag(a.processed_at - a.event_time)
                ));
            }
            if editable {
                ui.label(egui::RichText::new("Drag to change its time or when it arrives.").weak());
            }
        });
    }

    // A late row that updated a window points at it.
    for a in timeline.arrivals.iter().take(step) {
        if a.fate != Fate::Updated {
            continue;
        }
        let updated = boxes.iter().find(|(w, _)| {
            w.updated_at.contains(&(a.index + 1))
                && (w.start..w.end).contains(&timeline.time_of(a))
                && w.key == a.key
        });
        if let Some((_, rect)) = updated {
            let from = Pos2::new(x_of(timeline.time_of(a)), y_of_row(a.index));
            let to = Pos2::new(from.x.clamp(rect.left(), rect.right()), rect.bottom());
            painter.add(egui::Shape::dashed_line(
                &[from, to],
                Stroke::new(1.0, fate_color(Fate::Updated, dark)),
                3.0,
                3.0,
            ));
        }
    }
    place_labels(&painter, labels, &small, ui.visuals().panel_fill);

    let status = match timeline.watermark_at(step) {
        _ if timeline.processing_time => {
            "across: processing time, the wall clock when each row came".to_string()
        }
        Some(w) => format!("watermark at the window: {}", time_of_day(w)),
        None => "no watermark yet".to_string(),
    };
    painter.text(
        Pos2::new(plot.right(), rect.bottom() - 2.0),
        Align2::RIGHT_BOTTOM,
        status,
        small,
        wm,
    );
    dropped
}

/// The arrival index a point's height stands for.
fn arrival_at(y: f32, plot: &Rect, row_height: f32, rows: usize) -> usize {
    (((y - plot.top()) / row_height).floor().max(0.0) as usize).min(rows.saturating_sub(1))
}

fn round_to_second(ms: i64) -> i64 {
    (ms as f64 / 1000.0).round() as i64 * 1000
}

/// Tick marks every 1, 2, 5, 10… seconds, as many as fit.
fn time_axis(
    painter: &egui::Painter,
    plot: Rect,
    t0: i64,
    t1: i64,
    x_of: &dyn Fn(i64) -> f32,
    font: &FontId,
    color: Color32,
) {
    let span = (t1 - t0).max(1);
    let wanted = (plot.width() / 90.0).max(2.0) as i64;
    let tick = [
        1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 300_000, 600_000,
    ]
    .into_iter()
    .find(|t| span / t <= wanted)
    .unwrap_or(3_600_000);
    let mut t = t0.div_euclid(tick) * tick + tick;
    while t < t1 {
        let x = x_of(t);
        painter.line_segment(
            [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
            Stroke::new(0.5, color.gamma_multiply(0.3)),
        );
        painter.text(
            Pos2::new(x, plot.bottom() + 3.0),
            Align2::CENTER_TOP,
            time_of_day(t),
            font.clone(),
            color,
        );
        t += tick;
    }
}

/// Draws a window as of `step`; gives its rectangle and the label to place on it.
#[allow(clippy::too_many_arguments)]
fn window_box(
    painter: &egui::Painter,
    timeline: &Timeline,
    w: &WindowBox,
    step: usize,
    x_of: &dyn Fn(i64) -> f32,
    y_of_step: &dyn Fn(usize) -> f32,
    row_height: f32,
    dark: bool,
) -> Option<(Rect, String, Color32)> {
    let first = w
        .members(timeline)
        .map(|a| a.index)
        .min()
        .unwrap_or(w.fired_at.saturating_sub(1));
    if first >= step {
        return None;
    }
    let fired = w.fired_by(step);
    let bottom = if fired { w.fired_at } else { step };
    let rect = Rect::from_min_max(
        Pos2::new(x_of(w.start), y_of_step(first) + 1.0),
        Pos2::new(
            x_of(w.end),
            y_of_step(bottom.max(first + 1)) + row_height * 0.2,
        ),
    )
    .shrink2(Vec2::new(1.5, 0.0));
    let color = if fired {
        fired_color(dark)
    } else {
        open_color(dark)
    };
    painter.rect_filled(
        rect,
        3.0,
        color.gamma_multiply(if fired { 0.16 } else { 0.07 }),
    );
    if fired {
        painter.rect_stroke(rect, 3.0, Stroke::new(1.5, color), StrokeKind::Inside);
    } else {
        let dashes = [
            [rect.left_top(), rect.right_top()],
            [rect.right_top(), rect.right_bottom()],
            [rect.right_bottom(), rect.left_bottom()],
            [rect.left_bottom(), rect.left_top()],
        ];
        for [a, b] in dashes {
            painter.add(egui::Shape::dashed_line(
                &[a, b],
                Stroke::new(1.0, color),
                5.0,
                4.0,
            ));
        }
    }
    let label = if fired {
        let shown: Vec<_> = w.results.iter().filter(|(s, _, _)| *s <= step).collect();
        let updates = shown.iter().filter(|(s, _, _)| *s != w.fired_at).count() / 2;
        let result = shown
            .last()
            .map(|(_, _, row)| result_text(timeline, row))
            .unwrap_or_default();
        if updates > 0 {
            format!("{result}  (updated ×{updates})")
        } else {
            result
        }
    } else {
        window_label(w)
    };
    Some((rect, label, color))
}

/// Writes each label at the bottom left of its box, on a backing of the panel's colour; a
/// label that would cover one already written moves down a line, or up, or is left out
/// (its window's figures are in the tooltip of its rows and in the console).
fn place_labels(
    painter: &egui::Painter,
    labels: Vec<(Rect, String, Color32)>,
    font: &FontId,
    backing: Color32,
) {
    let mut taken: Vec<Rect> = Vec::new();
    for (rect, text, color) in labels {
        let galley = painter.layout_no_wrap(text, font.clone(), color);
        let size = galley.size() + Vec2::new(4.0, 0.0);
        let home = rect.left_bottom() + Vec2::new(3.0, -2.0 - size.y);
        let tries = [0.0, size.y + 1.0, -(size.y + 1.0), 2.0 * (size.y + 1.0)];
        let spot = tries
            .iter()
            .map(|dy| Rect::from_min_size(home + Vec2::new(0.0, *dy), size))
            .find(|r| taken.iter().all(|t| !t.intersects(*r)));
        if let Some(spot) = spot {
            painter.rect_filled(spot, 2.0, backing.gamma_multiply(0.85));
            painter.galley(spot.min + Vec2::new(2.0, 0.0), galley, color);
            taken.push(spot);
        }
    }
}

/// A result row's values, leaving out the window's bounds: `cnt=4, total=10`.
fn result_text(timeline: &Timeline, row: &[engine::types::Value]) -> String {
    timeline
        .result_columns
        .iter()
        .zip(row)
        .filter(|(name, _)| *name != "window_start" && *name != "window_end")
        .map(|(name, v)| format!("{name}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn legend(ui: &mut Ui, timeline: &Timeline, dark: bool) {
    ui.horizontal_wrapped(|ui| {
        let entry = |ui: &mut Ui, color: Color32, text: &str| {
            crate::editor::theme::dot(ui, color);
            ui.label(text);
            ui.add_space(8.0);
        };
        entry(ui, fate_color(Fate::OnTime, dark), "on time");
        entry(
            ui,
            fate_color(Fate::Updated, dark),
            "late, updated its window",
        );
        if timeline.late_connected {
            entry(
                ui,
                fate_color(Fate::ToLateOutput, dark),
                "late, to the late output",
            );
        } else {
            entry(ui, fate_color(Fate::Dropped, dark), "late, dropped");
        }
        if timeline.show_processing_time {
            entry(ui, processing_color(dark), "processing time (when it came)");
        }
        if !timeline.processing_time {
            entry(ui, watermark_color(dark), "watermark");
        }
        entry(ui, fired_color(dark), "window fired");
        entry(ui, open_color(dark), "window open");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playing_steps_at_the_rate_and_stops_at_the_end() {
        let arrival = |index| super::super::timeline::Arrival {
            index,
            event_time: 0,
            at_ms: 0.0,
            processed_at: 0,
            values: Vec::new(),
            fate: Fate::OnTime,
            key: String::new(),
        };
        // Two rows: steps 0, 1, 2 and the end of input, 3.
        let timeline = Timeline {
            arrivals: vec![arrival(0), arrival(1)],
            ..Timeline::default()
        };
        let mut playback = Playback {
            rows_per_second: 4.0,
            ..Playback::default()
        };
        assert!(!playback.advance(1.0, &timeline), "paused, it stays");
        assert_eq!(playback.step, 0);
        playback.toggle(&timeline);
        assert!(playback.advance(0.3, &timeline));
        assert_eq!(playback.step, 1, "a quarter of a second a row");
        assert!(playback.advance(0.25, &timeline));
        assert_eq!(playback.step, 2);
        assert!(!playback.advance(0.5, &timeline), "at the end it stops");
        assert_eq!(playback.step, timeline.end_step());
        playback.toggle(&timeline);
        assert_eq!(playback.step, 0, "playing again starts over");
        playback.step_back();
        assert_eq!(playback.step, 0);
    }
}
