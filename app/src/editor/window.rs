//! One frame of the designer window: the panels laid out, shortcuts, the inspector, and
//! after the widgets, undo steps, validation and the window title.

use egui::{RichText, Ui, ViewportCommand};

use super::view::ViewRequest;
use super::{
    BottomTab, DUPLICATE, Editor, NEW, OPEN, Pending, REDO, REDO_Y, RUN, RunState, SAVE, SAVE_AS,
    UNDO, inspector,
};

impl Editor {
    /// Draws the window and handles its input. The GUI and the tests both call this.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.runner.poll();
        if let Some(record) = self.runner.take_ended() {
            // Files written and nothing printed: the Runs tab says where the rows went.
            if !record.outputs.is_empty() && self.runner.console_total() == 0 {
                self.bottom_tab = BottomTab::Runs;
            }
            self.runs.push(record);
        }
        self.shortcuts(&ctx);
        self.lesson_shortcuts(&ctx);
        self.keep_lesson_run();
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| self.menu_bar(ui));
        });
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar(ui));
        if self.in_lessons() {
            // The lesson's text takes the whole height beside the canvas and the timeline.
            egui::Panel::left("lesson")
                .resizable(true)
                .default_size(340.0)
                .min_size(240.0)
                .show(ui, |ui| self.lesson_panel(ui));
            egui::Panel::bottom("timeline")
                .resizable(true)
                .default_size(ui.available_height() * 0.55)
                .min_size(160.0)
                .show(ui, |ui| self.lesson_view_panel(ui));
        } else {
            egui::Panel::bottom("bottom")
                .resizable(true)
                .default_size(170.0)
                .min_size(90.0)
                .show(ui, |ui| self.bottom_panel(ui));
        }
        if !self.in_lessons() {
            egui::Panel::left("palette")
                .resizable(true)
                .default_size(190.0)
                .min_size(150.0)
                .show(ui, |ui| {
                    ui.add_space(4.0);
                    let read_only = self.is_read_only();
                    if read_only {
                        ui.label(RichText::new("Stop the job to add nodes.").weak());
                    }
                    let chosen = ui.add_enabled_ui(!read_only, |ui| self.palette.show(ui));
                    if let Some(kind) = chosen.inner {
                        self.add_node(kind, None);
                    }
                });
        }
        // The inspector keeps the width it is given (drag its edge to change it): long text
        // wraps within it, and anything wider still scrolls rather than widening the panel.
        let inspector = egui::Panel::right("inspector")
            .resizable(true)
            .default_size(330.0)
            .min_size(260.0)
            .max_size((ui.available_width() * 0.5).max(260.0))
            .show(ui, |ui| {
                egui::ScrollArea::both()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        ui.add_space(4.0);
                        self.inspector(ui);
                    });
            });
        self.inspector_width = inspector.response.rect.width();
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.canvas(ui));
        self.dialogs(&ctx);
        self.peek_window(&ctx);
        // The README beside the examples, for the tour's "open the whole README".
        let readme = self
            .files
            .examples_dir
            .as_deref()
            .filter(|_| self.help == Some(super::help::HelpPage::Tour))
            .and_then(std::path::Path::parent)
            .map(|d| d.join("README.md"))
            .filter(|p| p.is_file());
        super::help::show(&ctx, &mut self.help, readme.as_deref());
        self.end_frame(&ctx);
    }

    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.text_edit_focused();
        // Mid-drag (a wire, a node, a box) the canvas holds ids of what it drags: rebuilding
        // or deleting under it must wait until the button is released.
        let dragging = ctx.input(|i| i.pointer.any_down());
        let pressed = |shortcut| ctx.input_mut(|i| i.consume_shortcut(&shortcut));
        if !typing && !dragging && !self.is_read_only() {
            // In a text field these keys belong to the field (its own undo, its own Delete).
            if pressed(REDO) || pressed(REDO_Y) {
                self.redo();
            } else if pressed(UNDO) {
                self.undo();
            }
            if ctx.input(|i| i.key_pressed(egui::Key::Delete)) {
                self.delete_selected(ctx);
            }
            if pressed(DUPLICATE) {
                self.duplicate_selected(ctx);
            }
        }
        if !typing && !dragging {
            if ctx.input(|i| i.key_pressed(egui::Key::Escape))
                && self.pending.is_none()
                && self.error.is_none()
            {
                self.focused = None;
            }
            if ctx.input(|i| i.key_pressed(egui::Key::Home)) {
                self.fit_view();
            }
        }
        if pressed(SAVE_AS) {
            self.files.save_dialog(&self.doc);
        } else if pressed(SAVE) {
            self.save();
        }
        if pressed(OPEN) {
            self.guard(Pending::OpenDialog);
        }
        if pressed(NEW) {
            self.guard(Pending::New);
        }
        if pressed(RUN) {
            self.toggle_run();
        }
    }

    pub(super) fn toggle_run(&mut self) {
        if self.runner.is_active() {
            self.stop();
        } else {
            self.run();
        }
    }

    pub(super) fn fit_view(&mut self) {
        self.view_request = Some(ViewRequest::FitAll);
    }

    /// 100%, keeping the middle of the view where it is.
    pub(super) fn zoom_to_normal(&mut self) {
        let centre = self.transform.inverse() * self.last_canvas_rect.center();
        self.view_request = Some(ViewRequest::Transform(super::view::at_normal_size(
            centre,
            self.last_canvas_rect,
        )));
    }
    pub(super) fn inspector(&mut self, ui: &mut Ui) {
        let read_only = self.is_read_only();
        if read_only {
            ui.label(RichText::new("Read-only while the job runs: stop it to edit.").weak());
            ui.add_space(4.0);
        }
        let selected = egui_snarl::ui::get_selected_nodes(self.canvas_id(), ui.ctx()).len();
        if selected > 1 {
            ui.label(
                RichText::new(format!(
                    "{selected} nodes selected: Del deletes them, Ctrl+D duplicates them."
                ))
                .weak(),
            );
            ui.separator();
        }
        match self
            .focused
            .filter(|n| self.doc.snarl.get_node(*n).is_some())
        {
            Some(node) => {
                if self.refusal_node != Some(node) {
                    self.inspector_refusal = None; // it was about another node
                    self.refusal_node = Some(node);
                }
                if ui
                    .link("Pipeline settings")
                    .on_hover_text("Show the pipeline's own settings (Esc)")
                    .clicked()
                {
                    self.focused = None;
                    return;
                }
                let output = self.output_note(node);
                let mut browse = None;
                let cx = inspector::NodeContext {
                    analysis: &self.analysis,
                    refusal: &mut self.inspector_refusal,
                    read_only,
                    output,
                    browse: &mut browse,
                };
                inspector::node(ui, &mut self.doc, node, cx);
                if let Some(id) = browse {
                    let write = matches!(
                        self.doc.snarl[node].kind,
                        engine::spec::NodeKind::FileSink(_)
                    );
                    self.browse_for(id, write);
                }
            }
            None => {
                ui.add_enabled_ui(!read_only, |ui| inspector::pipeline(ui, &mut self.doc));
            }
        }
    }

    /// For a file sink: the file a run writes (as the run will resolve it) and the last run's.
    fn output_note(&self, node: egui_snarl::NodeId) -> Option<inspector::OutputNote> {
        let spec = self.doc.snarl.get_node(node)?;
        let engine::spec::NodeKind::FileSink(config) = &spec.kind else {
            return None;
        };
        let redirected =
            self.output_folder().is_some() && std::path::Path::new(&config.path).is_relative();
        let (_, path) = super::outputs::sink_files(&self.spec_to_run(), &self.base_dir())
            .into_iter()
            .find(|(id, _)| *id == spec.id)?;
        let written = self
            .runner
            .outputs()
            .into_iter()
            .find(|f| f.node == spec.id && f.path == path)
            .filter(|_| {
                matches!(
                    self.runner.state,
                    RunState::Finished { .. } | RunState::Stopped { .. }
                )
            });
        Some(inspector::OutputNote {
            path,
            redirected,
            written,
        })
    }

    /// After the widgets: record an undo step, re-validate, keep the title and close state.
    pub(super) fn end_frame(&mut self, ctx: &egui::Context) {
        // A drag or a text edit becomes one step when it ends (or moves to another field),
        // not one per frame.
        let focus = ctx.memory(|m| m.focused());
        let field_left = focus != self.last_focus;
        self.last_focus = focus;
        let busy =
            ctx.input(|i| i.pointer.any_down()) || (ctx.egui_wants_keyboard_input() && !field_left);
        let spec = self.doc.to_spec();
        let dirty = self.doc.differs_from_saved(&spec);
        if dirty != self.dirty {
            // The toolbar and title were drawn with the old answer.
            self.dirty = dirty;
            ctx.request_repaint();
        }
        // Validation reads nodes, edges and settings, not positions: a drag costs nothing.
        let changed = spec.nodes != self.analyzed.nodes
            || spec.edges != self.analyzed.edges
            || spec.job != self.analyzed.job;
        if changed {
            if spec.edges != self.analyzed.edges {
                self.inspector_refusal = None; // it was about the wiring as it was
            }
            self.analyse(&spec);
            // The last run's outcome was about the graph as it was; the history keeps it.
            self.runner.clear_outcome();
            self.analyzed = spec.clone();
        }
        if self.servers.poll(ctx, busy) {
            self.analyse(&spec);
        }
        if !busy {
            self.history.record(spec);
        }
        let dirty = if self.dirty && self.doc.has_source() {
            "* "
        } else {
            ""
        };
        let title = format!("{dirty}{} — Streamlab", self.doc.title());
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.dirty {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
            self.pending = Some(Pending::Quit);
        }
        if self.allow_close && self.pending.is_none() {
            ctx.send_viewport_cmd(ViewportCommand::Close);
        }
        if self.runner.is_active() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

impl eframe::App for Editor {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        Editor::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, super::RECENT_KEY, &self.files.recent);
    }
}
