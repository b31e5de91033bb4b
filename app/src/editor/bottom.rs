//! The bottom panel: the problems list and the console sinks' output.

use egui::{RichText, Ui};

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
        });
        ui.separator();
        match self.bottom_tab {
            BottomTab::Problems => self.problems_list(ui),
            BottomTab::Console => self.console(ui),
        }
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
            // The offset that shows the last rows: beyond it the view would hold none.
            let content = lines.len() as f32 * (row_height + ui.spacing().item_spacing.y);
            area = area.vertical_scroll_offset((content - ui.available_height()).max(0.0));
        }
        area.show_rows(ui, row_height, lines.len(), |ui, range| {
            for line in &lines[range] {
                ui.label(RichText::new(line).monospace());
            }
        });
    }
}
