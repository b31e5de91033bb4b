//! The console tab: what console sinks printed, following the output as it grows, with
//! search, pause, clear and copy.

use egui::{RichText, Ui};

use super::form::plural;

/// How the console tab shows the run's output; the output itself stays with the run.
#[derive(Default)]
pub struct ConsoleView {
    /// Lines printed before this many in all are cleared from view.
    cleared: u64,
    /// While paused: the lines shown and how many had been printed then.
    paused: Option<(Vec<String>, u64)>,
    search: String,
    /// Lines printed in all when last drawn, to follow new output.
    followed: u64,
}

impl ConsoleView {
    /// A new run prints from the start: nothing cleared, nothing paused.
    pub fn reset(&mut self) {
        let search = std::mem::take(&mut self.search);
        *self = ConsoleView {
            search,
            ..ConsoleView::default()
        };
    }

    /// Shows `lines`, the last of `total` lines printed.
    pub fn show(&mut self, ui: &mut Ui, lines: &[String], total: u64) {
        if total == 0 {
            ui.label(RichText::new("Console sinks print here when the pipeline runs.").weak());
            return;
        }
        let (lines, total) = match &self.paused {
            Some((kept, at)) => (kept.as_slice(), *at),
            None => (lines, total),
        };
        // Global line numbers: `lines[0]` is line `first`.
        let first = total.saturating_sub(lines.len() as u64);
        let from = self.cleared.saturating_sub(first).min(lines.len() as u64) as usize;
        let query = self.search.trim().to_lowercase();
        let shown: Vec<&String> = lines[from..]
            .iter()
            .filter(|l| query.is_empty() || l.to_lowercase().contains(&query))
            .collect();
        let action = controls(ui, &mut self.search, self.paused.is_some(), &shown);
        let dropped = first.saturating_sub(self.cleared);
        if dropped > 0 && from == 0 {
            ui.label(
                RichText::new(format!(
                    "{} earlier not kept",
                    plural(dropped, "line", "lines")
                ))
                .weak()
                .small(),
            );
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
        let mut area = egui::ScrollArea::vertical()
            .auto_shrink(false)
            .stick_to_bottom(true);
        // New output scrolls into view, as a terminal follows a running program.
        if total != self.followed && self.paused.is_none() {
            self.followed = total;
            // The offset that shows the last rows: beyond it the view would hold none.
            let content = shown.len() as f32 * (row_height + ui.spacing().item_spacing.y);
            area = area.vertical_scroll_offset((content - ui.available_height()).max(0.0));
        }
        area.show_rows(ui, row_height, shown.len(), |ui, range| {
            for line in &shown[range] {
                ui.label(RichText::new(line.as_str()).monospace());
            }
        });
        match action {
            Some(Action::Pause) => {
                let kept = lines.to_vec();
                self.paused = Some((kept, total));
            }
            Some(Action::Resume) => self.paused = None,
            Some(Action::Clear) => {
                self.cleared = total;
                self.paused = None;
            }
            None => {}
        }
    }
}

/// What the console's buttons asked for.
enum Action {
    Pause,
    Resume,
    Clear,
}

/// Search, pause, clear and copy; says what is in view. Returns what a button asked for.
fn controls(ui: &mut Ui, search: &mut String, paused: bool, shown: &[&String]) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(search)
                .hint_text("🔍 Search output")
                .desired_width(200.0),
        );
        super::form::named(ui, field, "Search output");
        if !search.is_empty()
            && ui
                .small_button("🗙")
                .on_hover_text("Clear the search")
                .clicked()
        {
            search.clear();
        }
        let (pause, next) = if paused {
            ("▶ Resume", Action::Resume)
        } else {
            ("⏸ Pause", Action::Pause)
        };
        if ui
            .button(pause)
            .on_hover_text("Hold the view still while output goes on")
            .clicked()
        {
            action = Some(next);
        }
        if ui
            .button("Clear")
            .on_hover_text("Clear the lines printed so far from view")
            .clicked()
        {
            action = Some(Action::Clear);
        }
        if ui
            .button("Copy")
            .on_hover_text("Copy the lines in view")
            .clicked()
        {
            let text: Vec<&str> = shown.iter().map(|l| l.as_str()).collect();
            ui.ctx().copy_text(text.join("\n"));
        }
        let note = if paused {
            format!(
                "paused; {} in view",
                plural(shown.len() as u64, "line", "lines")
            )
        } else if !search.trim().is_empty() {
            format!("{} matching", plural(shown.len() as u64, "line", "lines"))
        } else {
            String::new()
        };
        ui.label(RichText::new(note).weak());
    });
    action
}
