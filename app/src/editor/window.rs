//! One frame of the designer window: menus, toolbar, panels, canvas and dialogs.

use egui::{Id, RichText, Ui, ViewportCommand};
use egui_snarl::ui::SnarlWidget;

use super::canvas::{self, CanvasViewer, ViewRequest};
use super::files::{DialogOutcome, DialogPurpose};
use super::palette::PaletteDrag;
use super::{
    BottomTab, DUPLICATE, Editor, NEW, OPEN, Pending, REDO, REDO_Y, REFUSAL_SECONDS, RUN, RunState,
    SAVE, SAVE_AS, UNDO, inspector, theme,
};

/// Run and Stop take the same room, so the toolbar does not shift between them.
const RUN_BUTTON: egui::Vec2 = egui::vec2(72.0, 0.0);

impl Editor {
    /// Draws the window and handles its input. The GUI and the tests both call this.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.runner.poll();
        self.shortcuts(&ctx);
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| self.menu_bar(ui));
        });
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar(ui));
        egui::Panel::bottom("bottom")
            .resizable(true)
            .default_size(170.0)
            .min_size(90.0)
            .show(ui, |ui| self.bottom_panel(ui));
        egui::Panel::left("palette")
            .resizable(true)
            .default_size(190.0)
            .min_size(150.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                if let Some(kind) = self.palette.show(ui) {
                    self.add_node(kind, None);
                }
            });
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(330.0)
            .min_size(260.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.add_space(4.0);
                    self.inspector(ui);
                });
            });
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.canvas(ui));
        self.dialogs(&ctx);
        self.end_frame(&ctx);
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.text_edit_focused();
        // Mid-drag (a wire, a node, a box) the canvas holds ids of what it drags: rebuilding
        // or deleting under it must wait until the button is released.
        let dragging = ctx.input(|i| i.pointer.any_down());
        let pressed = |shortcut| ctx.input_mut(|i| i.consume_shortcut(&shortcut));
        if !typing && !dragging {
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

    fn toggle_run(&mut self) {
        if self.runner.is_active() {
            self.stop();
        } else {
            self.run();
        }
    }

    fn fit_view(&mut self) {
        self.view_request = Some(ViewRequest::FitAll);
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        ui.menu_button("File", |ui| {
            if ui
                .add(egui::Button::new("New").shortcut_text(ctx.format_shortcut(&NEW)))
                .clicked()
            {
                self.guard(Pending::New);
                ui.close();
            }
            if ui
                .add(egui::Button::new("Open…").shortcut_text(ctx.format_shortcut(&OPEN)))
                .clicked()
            {
                self.guard(Pending::OpenDialog);
                ui.close();
            }
            ui.menu_button("Open recent", |ui| {
                if self.files.recent.is_empty() {
                    ui.label(RichText::new("No recent files").weak());
                }
                for path in self.files.recent.clone() {
                    // The name, and its folder to tell apart files of one name.
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let folder = path
                        .parent()
                        .and_then(|d| d.file_name())
                        .map(|d| d.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let name = format!("{name}   {folder}/");
                    if ui
                        .button(name)
                        .on_hover_text(path.display().to_string())
                        .clicked()
                    {
                        self.guard(Pending::Open(path));
                        ui.close();
                    }
                }
            });
            ui.separator();
            if ui
                .add(egui::Button::new("Save").shortcut_text(ctx.format_shortcut(&SAVE)))
                .clicked()
            {
                self.save();
                ui.close();
            }
            if ui
                .add(egui::Button::new("Save As…").shortcut_text(ctx.format_shortcut(&SAVE_AS)))
                .clicked()
            {
                self.files.save_dialog(&self.doc);
                ui.close();
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                ctx.send_viewport_cmd(ViewportCommand::Close);
                ui.close();
            }
        });
        ui.menu_button("Edit", |ui| {
            if ui
                .add_enabled(
                    self.history.can_undo(),
                    egui::Button::new("Undo").shortcut_text(ctx.format_shortcut(&UNDO)),
                )
                .clicked()
            {
                self.undo();
                ui.close();
            }
            if ui
                .add_enabled(
                    self.history.can_redo(),
                    egui::Button::new("Redo").shortcut_text(ctx.format_shortcut(&REDO)),
                )
                .clicked()
            {
                self.redo();
                ui.close();
            }
            ui.separator();
            let any = self.focused.is_some()
                || !egui_snarl::ui::get_selected_nodes(self.canvas_id(), &ctx).is_empty();
            if ui
                .add_enabled(
                    any,
                    egui::Button::new("Duplicate").shortcut_text(ctx.format_shortcut(&DUPLICATE)),
                )
                .clicked()
            {
                self.duplicate_selected(&ctx);
                ui.close();
            }
            if ui
                .add_enabled(any, egui::Button::new("Delete").shortcut_text("Del"))
                .clicked()
            {
                self.delete_selected(&ctx);
                ui.close();
            }
        });
        ui.menu_button("View", |ui| {
            if ui
                .add(egui::Button::new("Fit to view").shortcut_text("Home"))
                .clicked()
            {
                self.fit_view();
                ui.close();
            }
            ui.separator();
            let mut preference = ctx.options(|o| o.theme_preference);
            ui.label(RichText::new("Theme").weak());
            let before = preference;
            ui.radio_value(&mut preference, egui::ThemePreference::Dark, "Dark");
            ui.radio_value(&mut preference, egui::ThemePreference::Light, "Light");
            ui.radio_value(
                &mut preference,
                egui::ThemePreference::System,
                "Follow system",
            );
            if preference != before {
                ctx.set_theme(preference);
            }
        });
        ui.menu_button("Examples", |ui| {
            if self.files.examples.is_empty() {
                ui.label(RichText::new("No examples folder (saved-graphs) found").weak());
            }
            // Examples at the top of the folder first, then one submenu per subfolder.
            let examples = self.files.examples.clone();
            let (top, nested): (Vec<_>, Vec<_>) =
                examples.iter().partition(|e| !e.label.contains('/'));
            for example in top {
                self.example_entry(ui, example, &example.label);
            }
            let mut folders: Vec<&str> = nested
                .iter()
                .filter_map(|e| e.label.split_once('/').map(|(folder, _)| folder))
                .collect();
            folders.dedup();
            for folder in folders {
                ui.menu_button(folder, |ui| {
                    for example in nested
                        .iter()
                        .filter(|e| e.label.starts_with(&format!("{folder}/")))
                    {
                        let name = &example.label[folder.len() + 1..];
                        self.example_entry(ui, example, name);
                    }
                });
            }
        });
    }

    /// One example in the menu: its file name, its description on hover; opens a copy.
    fn example_entry(&mut self, ui: &mut Ui, example: &super::files::Example, name: &str) {
        let name = name.trim_end_matches(".ron");
        let button = ui.button(name);
        let button = if example.description.is_empty() {
            button
        } else {
            button.on_hover_text(&example.description)
        };
        if button.clicked() {
            self.guard(Pending::OpenExample(example.path.clone()));
            ui.close();
        }
    }

    fn toolbar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let dark = ui.visuals().dark_mode;
            if self.runner.is_active() {
                let stopping = self.runner.state == RunState::Stopping;
                if ui
                    .add_enabled(
                        !stopping,
                        egui::Button::new(RichText::new("■ Stop").strong()).min_size(RUN_BUTTON),
                    )
                    .on_hover_text("Stop the job; sinks are flushed")
                    .clicked()
                {
                    self.stop();
                }
            } else if ui
                .add(
                    egui::Button::new(
                        RichText::new("▶ Run")
                            .strong()
                            .color(theme::running_color(dark)),
                    )
                    .min_size(RUN_BUTTON),
                )
                .on_hover_text(format!(
                    "Run the pipeline on the embedded engine ({})",
                    ui.ctx().format_shortcut(&RUN)
                ))
                .clicked()
            {
                self.run();
            }
            ui.separator();
            if ui
                .add_enabled(self.history.can_undo(), egui::Button::new("Undo"))
                .on_hover_text(format!("Undo ({})", ui.ctx().format_shortcut(&UNDO)))
                .clicked()
            {
                self.undo();
            }
            if ui
                .add_enabled(self.history.can_redo(), egui::Button::new("Redo"))
                .on_hover_text(format!("Redo ({})", ui.ctx().format_shortcut(&REDO)))
                .clicked()
            {
                self.redo();
            }
            if ui
                .button("Fit")
                .on_hover_text("Fit the whole pipeline in view (Home)")
                .clicked()
            {
                self.fit_view();
            }
            ui.separator();
            // Last on the left, so a changing status moves nothing else.
            ui.label(self.status_text()).on_hover_text("Job status");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let errors = self.analysis.errors().count();
                let text = if self.doc.snarl.nodes().next().is_none() {
                    RichText::new("empty").weak()
                } else if errors == 0 {
                    RichText::new("✔ valid").color(theme::running_color(dark))
                } else {
                    RichText::new(format!(
                        "⚠ {errors} error{}",
                        if errors == 1 { "" } else { "s" }
                    ))
                    .color(theme::error_color(dark))
                };
                if ui.add(egui::Button::new(text).frame(false)).clicked() {
                    self.bottom_tab = BottomTab::Problems;
                }
                // A pipeline without a file is unsaved by definition; its title says so.
                let dirty = if self.dirty && self.doc.has_source() {
                    " (modified)"
                } else {
                    ""
                };
                ui.label(RichText::new(format!("{}{dirty}", self.doc.title())).weak())
                    .on_hover_text(
                        self.doc
                            .path
                            .as_ref()
                            .map_or("not saved yet".into(), |p| p.display().to_string()),
                    );
            });
        });
    }

    fn status_text(&self) -> String {
        match &self.runner.state {
            RunState::Idle => "Ready".into(),
            RunState::Running => "Running…".into(),
            RunState::Stopping => "Stopping…".into(),
            RunState::Finished { records, seconds } => {
                format!(
                    "Finished: {} records in {seconds:.1} s",
                    canvas::short_count(*records)
                )
            }
            RunState::Stopped { records, seconds } => {
                format!(
                    "Stopped: {} records in {seconds:.1} s",
                    canvas::short_count(*records)
                )
            }
            RunState::Failed(message) => format!("Failed: {message}"),
        }
    }

    fn inspector(&mut self, ui: &mut Ui) {
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
                inspector::node(
                    ui,
                    &mut self.doc,
                    node,
                    &self.analysis,
                    &mut self.inspector_refusal,
                );
            }
            None => inspector::pipeline(ui, &mut self.doc),
        }
    }

    fn bottom_panel(&mut self, ui: &mut Ui) {
        // Keep the panel's height whatever the tab holds; only its resize handle changes it.
        ui.set_min_height(ui.available_height());
        ui.horizontal(|ui| {
            let problems = self.analysis.problems.len();
            ui.selectable_value(
                &mut self.bottom_tab,
                BottomTab::Problems,
                format!("Problems ({problems})"),
            );
            let lines = self.runner.console_total();
            ui.selectable_value(
                &mut self.bottom_tab,
                BottomTab::Console,
                format!("Console ({lines})"),
            );
        });
        ui.separator();
        match self.bottom_tab {
            BottomTab::Problems => self.problems_list(ui),
            BottomTab::Console => self.console(ui),
        }
    }

    fn problems_list(&mut self, ui: &mut Ui) {
        let dark = ui.visuals().dark_mode;
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                // A failed run first: it is what the user is looking at.
                if let RunState::Failed(message) = &self.runner.state {
                    let text = RichText::new(format!("⚠ last run: {message}"))
                        .color(theme::error_color(dark));
                    if ui.add(egui::Button::new(text).frame(false)).clicked() {
                        clicked = self.runner.error.as_ref().map(|(node, _)| node.clone());
                    }
                } else if self.analysis.problems.is_empty() {
                    ui.label(RichText::new("No problems: the pipeline is ready to run.").weak());
                }
                // Errors first: they stop a run; warnings only advise.
                let mut problems: Vec<_> = self.analysis.problems.iter().collect();
                problems.sort_by_key(|p| !p.is_error());
                for (i, problem) in problems.into_iter().enumerate() {
                    let (icon, color) = if problem.is_error() {
                        ("⚠", theme::error_color(dark))
                    } else {
                        ("ℹ", theme::warning_color(dark))
                    };
                    let place = problem
                        .node
                        .as_deref()
                        .map_or("pipeline".into(), |n| format!("`{n}`"));
                    let text =
                        RichText::new(format!("{icon} {place}: {}", problem.message)).color(color);
                    let response = ui
                        .push_id(i, |ui| ui.add(egui::Button::new(text).frame(false)))
                        .inner;
                    if response.on_hover_text("Show this node").clicked() {
                        clicked = problem.node.clone();
                    }
                }
            });
        if let Some(node) = clicked {
            self.focus(&node);
        }
    }

    fn console(&mut self, ui: &mut Ui) {
        let lines = self.runner.console_lines().to_vec();
        let hidden = self
            .runner
            .console_total()
            .saturating_sub(lines.len() as u64);
        if lines.is_empty() {
            ui.label(RichText::new("Console sinks print here when the pipeline runs.").weak());
            return;
        }
        if hidden > 0 {
            ui.label(
                RichText::new(format!("{hidden} earlier lines not kept"))
                    .weak()
                    .small(),
            );
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
        // New output scrolls into view, as a terminal follows a running program.
        let total = self.runner.console_total();
        let mut area = egui::ScrollArea::vertical()
            .auto_shrink(false)
            .stick_to_bottom(true);
        if total != self.console_shown {
            self.console_shown = total;
            let height = lines.len() as f32 * (row_height + ui.spacing().item_spacing.y);
            area = area.vertical_scroll_offset(height);
        }
        area.show_rows(ui, row_height, lines.len(), |ui, range| {
            for line in &lines[range] {
                ui.label(RichText::new(line).monospace());
            }
        });
    }

    fn canvas(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
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
                None => None,
            };
        }
        let canvas_id = self.canvas_id();
        let mut viewer = CanvasViewer {
            analysis: &self.analysis,
            metrics: &self.runner.metrics,
            run_error: self.runner.error.as_ref(),
            focused: self.focused,
            refused: &mut self.refused,
            view_request: self.view_request.take(),
            screen_rect,
            transform: self.transform,
            focus_request: None,
            pointer,
            now,
            node_rects: Vec::new(),
            removed: Vec::new(),
            dark: ui.visuals().dark_mode,
        };
        // Node titles are handles for dragging, not text to select.
        ui.style_mut().interaction.selectable_labels = false;
        let widget = SnarlWidget::new().id(canvas_id).style(canvas::style());
        let response = widget.show(&mut self.doc.snarl, &mut viewer, ui);
        self.transform = viewer.transform;
        self.node_rects = std::mem::take(&mut viewer.node_rects);
        if std::mem::take(&mut self.refit) {
            self.view_request = Some(ViewRequest::FitAll);
        }
        if let Some(node) = viewer.focus_request {
            self.focused = Some(node);
        }
        if self.focused.is_some_and(|f| viewer.removed.contains(&f)) {
            self.focused = None;
        }
        // A palette entry dropped on the canvas becomes a node where it was dropped.
        if let Some(drag) = response.dnd_release_payload::<PaletteDrag>() {
            let at = self.transform.inverse() * pointer - canvas::NODE_SIZE / 2.0;
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
    }

    /// The reason a wire was refused, by where it was dropped, for a few seconds.
    fn refusal_note(&mut self, ctx: &egui::Context, now: f64) {
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
                        RichText::new("Cannot connect")
                            .strong()
                            .color(theme::error_color(dark)),
                    );
                    ui.label(&refusal.message);
                });
            });
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(left));
    }

    fn dialogs(&mut self, ctx: &egui::Context) {
        match self.files.update(ctx) {
            Some(DialogOutcome::Picked(DialogPurpose::Open, path)) => self.open(&path),
            Some(DialogOutcome::Picked(DialogPurpose::SaveAs, path)) => {
                if self.save_to(&path)
                    && let Some(next) = self.after_save.take()
                {
                    self.proceed(next);
                }
            }
            // Whatever waited for the save (quit, open, new) is called off with it.
            Some(DialogOutcome::Cancelled) => self.after_save = None,
            None => {}
        }
        if let Some(message) = self.error.clone() {
            egui::Modal::new(Id::new("error")).show(ctx, |ui| {
                ui.set_max_width(460.0);
                ui.heading("Something went wrong");
                ui.label(message);
                ui.add_space(8.0);
                if ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    self.error = None;
                }
            });
        }
        if let Some(pending) = self.pending.clone() {
            let mut answer = None;
            egui::Modal::new(Id::new("unsaved")).show(ctx, |ui| {
                ui.set_max_width(420.0);
                ui.heading("Unsaved changes");
                ui.label(format!(
                    "Save the changes to “{}” first?",
                    self.doc.display_name()
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        answer = Some(true);
                    }
                    if ui.button("Don't save").clicked() {
                        answer = Some(false);
                    }
                    if ui.button("Cancel").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        self.pending = None;
                    }
                });
            });
            match answer {
                Some(true) => {
                    self.pending = None;
                    match self.doc.path.clone() {
                        Some(path) => {
                            if self.save_to(&path) {
                                self.proceed(pending);
                            }
                        }
                        None => {
                            self.after_save = Some(pending);
                            self.files.save_dialog(&self.doc);
                        }
                    }
                }
                Some(false) => {
                    self.pending = None;
                    self.proceed(pending);
                }
                None => {}
            }
        }
    }

    /// After the widgets: record an undo step, re-validate, keep the title and close state.
    fn end_frame(&mut self, ctx: &egui::Context) {
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
            self.analyse(&spec);
            // The last run's error was about the graph as it was.
            if !self.runner.is_active() && spec.nodes != self.analyzed.nodes {
                self.runner.error = None;
            }
            self.analyzed = spec.clone();
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
