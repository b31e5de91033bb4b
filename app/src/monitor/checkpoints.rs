//! The checkpoints panel: take one now, see every checkpoint of the run (and after it has
//! ended) with its status, timing, size and where each source was, and start a new run
//! from a completed one.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use egui::{RichText, Ui};
use engine::checkpoint::{CheckpointStats, CheckpointStatus};

use super::MetricsSource;
use crate::format::{compact, millis};

/// What the user asked of the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckpointAction {
    /// Start a new run from this `chk-<n>` folder.
    Restore(PathBuf),
}

/// The panel; `running` says whether the job can take one now.
pub fn ui(
    ui: &mut Ui,
    source: Option<&dyn MetricsSource>,
    running: bool,
    message: &mut Option<String>,
) -> Option<CheckpointAction> {
    let Some(source) = source else {
        ui.label(RichText::new("Run the pipeline to see its checkpoints here.").weak());
        return None;
    };
    let Some((dir, interval)) = source.checkpoint_settings() else {
        ui.label(
            RichText::new(
                "This run takes no checkpoints. To take them, select no node and set \
                 Checkpoint every, or On failure: Restart, in the job settings.",
            )
            .weak(),
        );
        return None;
    };
    let mut action = None;
    let history = source.checkpoints();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(running, egui::Button::new("Checkpoint now"))
            .on_hover_text("Take a consistent copy of every node's state now")
            .clicked()
        {
            *message = Some(match source.checkpoint_now() {
                Ok(asked) => asked,
                Err(e) => e,
            });
        }
        let every = interval.map_or("on demand".to_string(), |d| {
            format!("every {}", duration(d))
        });
        ui.label(RichText::new(format!("{every}, in {}", dir.display())).weak());
        let restarts = source.restarts();
        if restarts > 0 {
            ui.separator();
            ui.label(format!(
                "{restarts} restart{}",
                if restarts == 1 { "" } else { "s" }
            ));
        }
        if let Some(m) = source.checkpoint_progress().as_ref().or(message.as_ref()) {
            ui.separator();
            ui.label(RichText::new(m.as_str()).weak());
        }
    });
    ui.separator();
    if history.is_empty() {
        ui.label(RichText::new("No checkpoint yet.").weak());
        return None;
    }
    egui::ScrollArea::vertical()
        .id_salt("checkpoints")
        .auto_shrink(false)
        .show(ui, |ui| {
            egui::Grid::new("checkpoint-history")
                .striped(true)
                .num_columns(8)
                .show(ui, |ui| {
                    for title in [
                        "#",
                        "Status",
                        "Taken",
                        "Duration",
                        "Alignment",
                        "Size",
                        "Sources",
                        "",
                    ] {
                        ui.label(RichText::new(title).strong());
                    }
                    ui.end_row();
                    // Newest first, as people read a history.
                    for c in history.iter().rev() {
                        if row(ui, c, running) {
                            action = c.path.clone().map(CheckpointAction::Restore);
                        }
                        ui.end_row();
                    }
                });
        });
    action
}

/// One checkpoint's row; whether its Restore was clicked.
fn row(ui: &mut Ui, c: &CheckpointStats, running: bool) -> bool {
    ui.label(c.id.to_string());
    match &c.status {
        CheckpointStatus::Failed(reason) => ui
            .label(RichText::new("failed").color(ui.visuals().error_fg_color))
            .on_hover_text(reason.as_str()),
        other => ui.label(other.name()),
    };
    ui.label(format!(
        "{}{}",
        clock(c.triggered_at),
        if c.manual { " (asked)" } else { "" }
    ));
    ui.label(duration(c.duration));
    ui.label(duration(c.alignment));
    ui.label(format!("{} B", compact(c.size as f64)));
    let sources: Vec<String> = c
        .sources
        .iter()
        .map(|(node, subtask, at)| format!("{node}[{subtask}] {at}"))
        .collect();
    let text = sources.first().cloned().unwrap_or_default();
    let more = sources.len().saturating_sub(1);
    let label = if more > 0 {
        format!("{text} (+{more})")
    } else {
        text
    };
    ui.label(label).on_hover_text(sources.join("\n"));
    let restorable = c.status == CheckpointStatus::Completed && c.path.is_some();
    ui.add_enabled(restorable && !running, egui::Button::new("Restore"))
        .on_hover_text("Start a new run from this checkpoint")
        .on_disabled_hover_text(if running {
            "Stop the job first"
        } else {
            "Only a completed checkpoint can be restored"
        })
        .clicked()
}

fn duration(d: Duration) -> String {
    millis(d.as_secs_f64() * 1000.0)
}

/// `HH:MM:SS` in UTC.
fn clock(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}
