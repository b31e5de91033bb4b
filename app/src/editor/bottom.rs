//! The bottom panel: the problems list and the console sinks' output.

use egui::{RichText, Ui};

use super::form::plural;
use super::outputs::{self, OutputFile};
use super::{BottomTab, Editor, RunState, theme};

impl Editor {
    pub(super) fn bottom_panel(&mut self, ui: &mut Ui) {
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
            ui.selectable_value(&mut self.bottom_tab, BottomTab::Metrics, "Metrics");
            let checkpoints = match &self.remote {
                Some(remote) if !self.runner.is_active() => {
                    crate::monitor::MetricsSource::checkpoints(remote).len()
                }
                _ => self
                    .runner
                    .checkpointed
                    .as_ref()
                    .map_or(0, |m| m.checkpoints().len()),
            };
            ui.selectable_value(
                &mut self.bottom_tab,
                BottomTab::Checkpoints,
                format!("Checkpoints ({checkpoints})"),
            );
            let runs = self.runs.len();
            ui.selectable_value(
                &mut self.bottom_tab,
                BottomTab::Runs,
                format!("Runs ({runs})"),
            );
        });
        ui.separator();
        match self.bottom_tab {
            BottomTab::Problems => self.problems_list(ui),
            BottomTab::Console => self.console(ui),
            BottomTab::Metrics => {
                let selected = self
                    .focused
                    .and_then(|n| self.doc.snarl.get_node(n))
                    .map(|n| n.id.clone());
                // The job itself, for its checkpoints and failures beside the samples.
                let source = match &self.remote {
                    Some(remote) if !self.runner.is_active() => {
                        Some(remote as &dyn crate::monitor::MetricsSource)
                    }
                    _ => self
                        .runner
                        .job_monitor
                        .as_ref()
                        .map(|m| m as &dyn crate::monitor::MetricsSource),
                };
                self.monitor.ui(ui, source, selected.as_deref());
            }
            BottomTab::Checkpoints => {
                if let Some(notice) = &self.runner.notice {
                    ui.label(RichText::new(notice).color(ui.visuals().warn_fg_color));
                }
                let running = self.runner.is_active();
                // A running job's own checkpoints; else the last job's that took any.
                let shown = if running && !self.runner.takes_checkpoints() {
                    self.runner.job_monitor.as_ref()
                } else {
                    self.runner.checkpointed.as_ref()
                };
                let source = match &self.remote {
                    Some(remote) if !running => Some(remote as &dyn crate::monitor::MetricsSource),
                    _ => shown.map(|m| m as &dyn crate::monitor::MetricsSource),
                };
                // A remote job takes checkpoints while it runs there.
                let running = running
                    || self
                        .remote
                        .as_ref()
                        .is_some_and(|r| r.state().0 == "RUNNING");
                let asked = crate::monitor::checkpoints::ui(
                    ui,
                    source,
                    running,
                    &mut self.monitor.checkpoint_message,
                );
                if let Some(crate::monitor::checkpoints::CheckpointAction::Restore(path)) = asked {
                    self.run_from_checkpoint(path);
                }
            }
            BottomTab::Runs => self.run_history(ui),
        }
    }

    /// Every run of this session, newest first: how it ended and the files it wrote.
    pub(super) fn run_history(&mut self, ui: &mut Ui) {
        let dark = ui.visuals().dark_mode;
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                if self.runs.len() == 0 {
                    ui.label(RichText::new("Runs of this session are listed here.").weak());
                }
                for record in self.runs.newest_first() {
                    let color = match record.state {
                        RunState::Failed(_) => theme::error_color(dark),
                        _ => ui.visuals().text_color(),
                    };
                    ui.label(
                        RichText::new(format!(
                            "Run {} · {} · {}",
                            record.number,
                            record.pipeline,
                            record.state.describe()
                        ))
                        .color(color),
                    );
                    ui.push_id(record.number, |ui| {
                        for (i, file) in record.outputs.iter().enumerate() {
                            ui.push_id(i, |ui| output_line(ui, file));
                        }
                    });
                }
            });
    }

    pub(super) fn problems_list(&mut self, ui: &mut Ui) {
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

    pub(super) fn console(&mut self, ui: &mut Ui) {
        let (lines, total) = (self.runner.console_lines(), self.runner.console_total());
        self.console.show(ui, lines, total);
    }
}

/// One file a run wrote: the sink, the path and its rows, with buttons to find it.
pub(super) fn output_line(ui: &mut Ui, file: &OutputFile) {
    ui.horizontal_wrapped(|ui| {
        ui.add_space(12.0);
        ui.label(format!(
            "`{}` wrote {} to",
            file.node,
            plural(file.rows, "row", "rows")
        ));
        ui.label(RichText::new(file.path.display().to_string()).monospace());
        let folder = file.path.parent().unwrap_or(&file.path);
        let copied_instead = ui.id().with("copied-instead");
        if ui
            .small_button("Open folder")
            .on_hover_text(folder.display().to_string())
            .clicked()
            && outputs::open_path(folder).is_err()
        {
            // No file manager to hand it to: the path goes to the clipboard instead.
            ui.ctx().copy_text(folder.display().to_string());
            ui.data_mut(|d| d.insert_temp(copied_instead, true));
        }
        if ui
            .small_button("Copy path")
            .on_hover_text("Copy the file's path")
            .clicked()
        {
            ui.ctx().copy_text(file.path.display().to_string());
        }
        if ui.data(|d| d.get_temp(copied_instead).unwrap_or(false)) {
            ui.label(RichText::new("No file manager found: the folder's path is copied.").weak());
        }
    });
}
