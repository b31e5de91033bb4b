//! The central panel: the canvas, with drops from the palette, clicks that choose the
//! inspected node, and the note by the pointer when a wire is refused.

use egui::{Id, RichText, Ui};
use egui_snarl::ui::SnarlWidget;

use super::canvas::{self, CanvasViewer};
use super::palette::PaletteDrag;
use super::view::{self, ViewRequest};
use super::{Editor, REFUSAL_SECONDS, theme};

impl Editor {
    pub(super) fn canvas(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let read_only = self.is_read_only();
        if read_only {
            self.running_banner(ui);
        }
        let screen_rect = ui.available_rect_before_wrap();
        self.last_canvas_rect = screen_rect;
        let (pointer, now) = ctx.input(|i| {
            (
                i.pointer.latest_pos().unwrap_or(screen_rect.center()),
                i.time,
            )
        });
        // Fitting needs node sizes, known once drawn: fit to estimates now, to sizes next frame.
        if self.view_request == Some(ViewRequest::FitAll) {
            self.view_request = match canvas::bounds(&self.doc.snarl, &self.node_rects) {
                Some((rect, measured)) => {
                    if !measured {
                        ctx.request_repaint();
                        self.refit = true;
                    }
                    Some(ViewRequest::Fit(rect))
                }
                // Nothing to fit: an empty canvas at 100%, ready for a first node.
                None => Some(ViewRequest::Transform(view::at_normal_size(
                    egui::Pos2::ZERO,
                    screen_rect,
                ))),
            };
        }
        let canvas_id = self.canvas_id();
        let highlighted = self.lesson_highlights().to_vec();
        // A lesson's own runs count on the canvas until the pipeline is run for itself.
        let lesson_metrics = self
            .lessons
            .open
            .as_ref()
            .filter(|_| self.lessons.shown)
            .and_then(|o| o.run.as_ref())
            .and_then(|r| r.outcome())
            .and_then(|o| o.as_ref().ok())
            .map(|o| &o.metrics);
        let mut viewer = CanvasViewer {
            analysis: &self.analysis,
            metrics: match lesson_metrics {
                Some(m) if self.runner.metrics.is_empty() => m,
                _ => &self.runner.metrics,
            },
            run_error: self.runner.error.as_ref(),
            focused: self.focused,
            refused: &mut self.refused,
            view_request: self.view_request.take(),
            fit_clipped: false,
            screen_rect,
            transform: self.transform,
            focus_request: None,
            pointer,
            now,
            node_rects: Vec::new(),
            removed: Vec::new(),
            pin_rects: Default::default(),
            dark: ui.visuals().dark_mode,
            read_only,
            live: super::live::Live::of(&self.runner.recent),
            show_live: self.monitor.on_canvas && self.runner.watched.is_some(),
            highlighted: &highlighted,
        };
        // The canvas rewires a ctrl-dragged pin by itself, past the viewer: while a job runs,
        // put back what it changed.
        let wires_before: Vec<_> = if read_only {
            self.doc.snarl.wires().collect()
        } else {
            Vec::new()
        };
        // Node titles are handles for dragging, not text to select.
        ui.style_mut().interaction.selectable_labels = false;
        let widget = SnarlWidget::new().id(canvas_id).style(canvas::style());
        let response = widget.show(&mut self.doc.snarl, &mut viewer, ui);
        if read_only {
            restore_wires(&mut self.doc.snarl, &wires_before);
        }
        self.transform = viewer.transform;
        self.node_rects = std::mem::take(&mut viewer.node_rects);
        self.pin_rects = std::mem::take(&mut *viewer.pin_rects.lock().expect("not poisoned"));
        if viewer.fit_clipped {
            self.fit_note_since = Some(now);
        }
        if std::mem::take(&mut self.refit) {
            self.view_request = Some(ViewRequest::FitAll);
        }
        if let Some(node) = viewer.focus_request {
            self.focused = Some(node);
        }
        if self.focused.is_some_and(|f| viewer.removed.contains(&f)) {
            self.focused = None;
        }
        drop(viewer);
        if self.monitor.on_canvas
            && let Some((from, port, to)) = self.wire_rates(ui, screen_rect)
        {
            self.open_peek(&from, port, &to);
        }
        // A palette entry dropped on the canvas becomes a node where it was dropped.
        if let Some(drag) = response.dnd_release_payload::<PaletteDrag>() {
            let at = self.transform.inverse() * pointer - super::placement::NODE_SIZE / 2.0;
            self.add_node(drag.0.clone(), Some(at));
        } else if let Some(drag) = egui::DragAndDrop::payload::<PaletteDrag>(&ctx) {
            egui::Tooltip::always_open(
                ctx.clone(),
                ui.layer_id(),
                Id::new("drag-preview"),
                egui::PopupAnchor::Pointer,
            )
            .show(|ui| ui.label(format!("+ {}", drag.0.name())));
        }
        // A plain click on a node shows it in the inspector; on the background, the pipeline.
        let on_canvas = ctx
            .layer_id_at(pointer)
            .is_some_and(|l| l.order == egui::Order::Background);
        if ctx.input(|i| i.pointer.primary_clicked()) && screen_rect.contains(pointer) && on_canvas
        {
            let graph = self.transform.inverse() * pointer;
            self.focused = self
                .node_rects
                .iter()
                .rev()
                .find(|(_, rect)| rect.contains(graph))
                .map(|(node, _)| *node);
        }
        // The inspector follows the canvas selection.
        let selected = egui_snarl::ui::get_selected_nodes(self.canvas_id(), &ctx);
        if selected != self.last_selection {
            if let Some(last) = selected.last() {
                self.focused = Some(*last);
            } else if !self.last_selection.is_empty() {
                self.focused = None;
            }
            self.last_selection = selected;
        }
        if self.doc.snarl.nodes().next().is_none() {
            ui.put(
                egui::Rect::from_center_size(screen_rect.center(), egui::vec2(360.0, 60.0)),
                egui::Label::new(
                    RichText::new("Drag a source from the palette, or double-click it, to start.")
                        .weak(),
                ),
            );
        }
        self.refusal_note(&ctx, now);
        self.fit_note(ui, screen_rect, now);
    }

    /// After a fit that could not show the whole pipeline readably, for a few seconds: why,
    /// and how to see the rest.
    fn fit_note(&mut self, ui: &mut Ui, screen_rect: egui::Rect, now: f64) {
        let Some(since) = self.fit_note_since else {
            return;
        };
        let left = REFUSAL_SECONDS - (now - since);
        if left <= 0.0 {
            self.fit_note_since = None;
            return;
        }
        let text = format!(
            "Zoomed out as far as text stays readable ({:.0}%): drag or scroll to see the \
             rest, Ctrl+scroll to zoom out further.",
            view::LEAST_READABLE_ZOOM * 100.0
        );
        egui::Area::new(Id::new("fit-note"))
            .order(egui::Order::Foreground)
            .pivot(egui::Align2::LEFT_BOTTOM)
            .fixed_pos(screen_rect.left_bottom() + egui::vec2(10.0, -10.0))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(screen_rect.width() - 40.0);
                    ui.label(text);
                });
            });
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(left));
    }

    /// A strip above the canvas while a job runs: the canvas is the job, so it is read-only,
    /// and one click stops the job to edit it.
    fn running_banner(&mut self, ui: &mut Ui) {
        let dark = ui.visuals().dark_mode;
        egui::Frame::new()
            .fill(ui.visuals().extreme_bg_color)
            .inner_margin(egui::Margin::symmetric(10, 5))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    let stopping = self.runner.state == super::RunState::Stopping;
                    let stop = ui.add_enabled(
                        !stopping,
                        egui::Button::new(RichText::new("■ Stop and edit").strong()),
                    );
                    if stop
                        .on_hover_text("Stop the job (sinks are flushed), then edit")
                        .clicked()
                    {
                        self.stop();
                    }
                    let text = if stopping {
                        "Stopping the job…"
                    } else {
                        "The job is running this pipeline: the canvas is read-only until it stops."
                    };
                    ui.label(RichText::new(text).color(theme::running_color(dark)));
                });
            });
    }

    /// The reason a wire was refused, by where it was dropped, for a few seconds.
    pub(super) fn refusal_note(&mut self, ctx: &egui::Context, now: f64) {
        let Some(refusal) = &self.refused else {
            return;
        };
        let left = REFUSAL_SECONDS - (now - refusal.time);
        if left <= 0.0 {
            self.refused = None;
            return;
        }
        let dark = ctx.global_style().visuals.dark_mode;
        egui::Area::new(Id::new("refusal"))
            .order(egui::Order::Tooltip)
            .fixed_pos(refusal.at + egui::vec2(14.0, 14.0))
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(340.0);
                    ui.label(
                        RichText::new(refusal.title)
                            .strong()
                            .color(theme::error_color(dark)),
                    );
                    ui.label(&refusal.message);
                });
            });
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(left));
    }
}

/// Makes the canvas's wires exactly `wires` again.
impl Editor {
    /// Each wire's rows per second at its middle, from the newest sample; a click on one asks
    /// to peek at that wire (its sender, port and receiver).
    fn wire_rates(&self, ui: &Ui, screen_rect: egui::Rect) -> Option<(String, usize, String)> {
        let live = super::live::Live::of(&self.runner.recent)?;
        let mut clicked = None;
        let center = |node, output, index| {
            self.pin_rects
                .iter()
                .find(|(spot, _)| spot.node == node && spot.output == output && spot.index == index)
                .map(|(_, rect)| self.transform * rect.center())
        };
        for (from, to) in self.doc.snarl.wires() {
            // A node's sent rows are counted on its main output; late rows are not a rate.
            if from.output != 0 {
                continue;
            }
            let Some(node) = self.doc.snarl.get_node(from.node) else {
                continue;
            };
            let (Some(a), Some(b), Some(rates)) = (
                center(from.node, true, from.output),
                center(to.node, false, to.input),
                live.rates(&node.id),
            ) else {
                continue;
            };
            let middle = a + (b - a) / 2.0;
            let Some(receiver) = self.doc.snarl.get_node(to.node) else {
                continue;
            };
            if screen_rect.contains(middle) {
                let wire = format!("{} → {}", node.id, receiver.id);
                let clicked_label = super::live::wire_label(ui, a, b, rates.records_out, &wire);
                // Peeks need the job: the rows are kept while it runs.
                if clicked_label && self.runner.is_active() {
                    clicked = Some((node.id.clone(), from.output, receiver.id.clone()));
                }
            }
        }
        clicked
    }
}

fn restore_wires(
    snarl: &mut egui_snarl::Snarl<engine::spec::NodeSpec>,
    wires: &[(egui_snarl::OutPinId, egui_snarl::InPinId)],
) {
    let now: Vec<_> = snarl.wires().collect();
    if now.len() == wires.len() && now.iter().all(|w| wires.contains(w)) {
        return;
    }
    for (out, inp) in now {
        snarl.disconnect(out, inp);
    }
    for &(out, inp) in wires {
        snarl.connect(out, inp);
    }
}
