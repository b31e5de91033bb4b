//! The menu bar and the toolbar: files, edits, view, examples, Run and Stop, status.

use egui::{RichText, Ui, ViewportCommand};

use super::help::HelpPage;
use super::{
    BottomTab, DUPLICATE, Editor, NEW, OPEN, Pending, REDO, RUN, RunState, SAVE, SAVE_AS, UNDO,
    theme,
};

/// The width of an entry in the Examples menu, its description wrapped within it.
const EXAMPLE_WIDTH: f32 = 340.0;

/// Run and Stop take the same room, so the toolbar does not shift between them.
const RUN_BUTTON: egui::Vec2 = egui::vec2(72.0, 0.0);

impl Editor {
    pub(super) fn menu_bar(&mut self, ui: &mut Ui) {
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
            if ui
                .button("Export to Flink SQL…")
                .on_hover_text("The pipeline as a Flink SQL script or a PyFlink program")
                .clicked()
            {
                self.open_flink_export();
                ui.close();
            }
            if ui
                .button("Watch a running job…")
                .on_hover_text(
                    "Watch a job served elsewhere (streamlab run --serve): its charts and \
                     checkpoints",
                )
                .clicked()
            {
                self.connect_address
                    .get_or_insert_with(|| "127.0.0.1:8081".into());
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
                    self.can_undo_now(),
                    egui::Button::new("Undo").shortcut_text(ctx.format_shortcut(&UNDO)),
                )
                .clicked()
            {
                self.undo();
                ui.close();
            }
            if ui
                .add_enabled(
                    self.can_redo_now(),
                    egui::Button::new("Redo").shortcut_text(ctx.format_shortcut(&REDO)),
                )
                .clicked()
            {
                self.redo();
                ui.close();
            }
            ui.separator();
            let any = !self.is_read_only()
                && (self.focused.is_some()
                    || !egui_snarl::ui::get_selected_nodes(self.canvas_id(), &ctx).is_empty());
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
            if ui
                .add(egui::Button::selectable(self.in_lessons(), "Lessons"))
                .clicked()
            {
                self.toggle_lessons();
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
        ui.menu_button("Help", |ui| {
            for page in [HelpPage::Shortcuts, HelpPage::Tour, HelpPage::Expressions] {
                if ui.button(page.title()).clicked() {
                    self.help = Some(page);
                    ui.close();
                }
            }
        });
    }

    /// One example in the menu: its file name, its description on hover; opens a copy.
    pub(super) fn example_entry(
        &mut self,
        ui: &mut Ui,
        example: &super::files::Example,
        name: &str,
    ) {
        let name = name.trim_end_matches(".ron");
        // The description under the name, so the gallery can be read without hovering.
        let style = ui.style().clone();
        let mut job = egui::text::LayoutJob::default();
        RichText::new(name).append_to(
            &mut job,
            &style,
            egui::FontSelection::Default,
            egui::Align::Min,
        );
        if !example.description.is_empty() {
            RichText::new(format!("\n{}", example.description))
                .size(12.0)
                .weak()
                .append_to(
                    &mut job,
                    &style,
                    egui::FontSelection::Default,
                    egui::Align::Min,
                );
        }
        job.wrap.max_width = EXAMPLE_WIDTH;
        if ui.add(egui::Button::new(job).wrap()).clicked() {
            self.guard(Pending::OpenExample(example.path.clone()));
            ui.close();
        }
    }

    pub(super) fn toolbar(&mut self, ui: &mut Ui) {
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
                if self.runner.takes_checkpoints()
                    && ui
                        .add_enabled(!stopping, egui::Button::new("■ Stop with checkpoint"))
                        .on_hover_text(
                            "Take a final checkpoint, then stop: a run restored from it goes on \
                             exactly where this one ended",
                        )
                        .clicked()
                    && let Err(e) = self.runner.stop_with_checkpoint()
                {
                    self.runner.notice = Some(e);
                }
                self.pause_controls(ui);
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
                .add_enabled(self.can_undo_now(), egui::Button::new("Undo"))
                .on_hover_text(format!("Undo ({})", ui.ctx().format_shortcut(&UNDO)))
                .clicked()
            {
                self.undo();
            }
            if ui
                .add_enabled(self.can_redo_now(), egui::Button::new("Redo"))
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
            let zoom = format!("{:.0}%", self.zoom() * 100.0);
            if ui
                .add(egui::Button::new(zoom).min_size(egui::vec2(48.0, 0.0)))
                .on_hover_text("Zoom (Ctrl+scroll); click for 100%")
                .clicked()
            {
                self.zoom_to_normal();
            }
            ui.separator();
            if self.remote.is_some()
                && ui
                    .button("Stop watching")
                    .on_hover_text("Back to the embedded engine's runs")
                    .clicked()
            {
                self.remote = None;
            }
            ui.checkbox(&mut self.monitor.on_canvas, "Live")
                .on_hover_text(
                    "Show rates, watermarks and backpressure on the canvas while a job runs",
                );
            if ui
                .selectable_label(self.in_lessons(), "🎓 Lessons")
                .on_hover_text("Learn stream processing on real runs, with the event-time timeline")
                .clicked()
            {
                self.toggle_lessons();
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

    /// Pause, Resume and Step of a running job: hold its sources, let a number of rows in.
    fn pause_controls(&mut self, ui: &mut Ui) {
        let stopping = self.runner.state == RunState::Stopping;
        let paused = self.runner.is_paused();
        let (label, hint) = if paused {
            ("▶ Resume job", "Let the sources go on")
        } else {
            (
                "⏸ Pause job",
                "Hold the sources: no new row enters, so watermarks and windows stay where they \
                 are; rows already in flight go on",
            )
        };
        if ui
            .add_enabled(!stopping, egui::Button::new(label))
            .on_hover_text(hint)
            .clicked()
        {
            self.runner.set_paused(!paused);
        }
        if paused {
            let step = egui::Button::new(format!("Step {}", self.step_rows));
            if ui
                .add(step)
                .on_hover_text("Let this many rows in from the sources, all together")
                .clicked()
            {
                self.runner.step(self.step_rows);
            }
            ui.add(
                egui::DragValue::new(&mut self.step_rows)
                    .range(1..=1_000_000)
                    .suffix(" rows"),
            )
            .on_hover_text("Rows a step lets in");
        }
    }

    /// Undo and Redo are offered when there is a step to take and the pipeline may change.
    fn can_undo_now(&self) -> bool {
        self.history.can_undo() && !self.is_read_only()
    }

    fn can_redo_now(&self) -> bool {
        self.history.can_redo() && !self.is_read_only()
    }

    pub(super) fn status_text(&self) -> String {
        if let Some(remote) = &self.remote
            && !self.runner.is_active()
        {
            let (state, error) = remote.state();
            return match error {
                Some(e) => format!("Watching `{}`: {e}", remote.name),
                None => format!(
                    "Watching `{}` at {}{}: {state}",
                    remote.name,
                    remote.address(),
                    match remote.server {
                        crate::monitor::remote::Server::Flink => " (Flink cluster)",
                        crate::monitor::remote::Server::Streamlab => "",
                    }
                ),
            };
        }
        let (restarts, restarting) = self.runner.restarts();
        if restarting && self.runner.is_active() {
            return format!("Restarting after a failure (restart {restarts})…");
        }
        if self.runner.is_paused() && self.runner.state == RunState::Running {
            return "Paused: Step lets rows in".into();
        }
        let state = self.runner.state.describe();
        match restarts {
            0 => state,
            1 => format!("{state} (restarted once)"),
            n => format!("{state} (restarted {n} times)"),
        }
    }
}
