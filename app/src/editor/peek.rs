//! A peek at a wire: the last rows that crossed it, in a table, while the window is open.
//! Opened by clicking a wire's rate label; the engine keeps rows only while a peek is open.

use std::sync::Arc;

use egui::{RichText, Ui};
use engine::runtime::Peek;

use super::Editor;

/// An open peek: the wire it watches and the engine's handle.
pub struct PeekView {
    pub from: String,
    pub port: usize,
    pub to: String,
    pub handle: Arc<Peek>,
}

impl Drop for PeekView {
    fn drop(&mut self) {
        // Closed: the engine stops keeping rows.
        self.handle.close();
    }
}

impl Editor {
    /// Opens a peek at output `port` of `from` (the wire to `to`), closing any other.
    pub(super) fn open_peek(&mut self, from: &str, port: usize, to: &str) {
        let Some(handle) = self.runner.peek(from, port) else {
            return;
        };
        handle.open();
        self.peek = Some(PeekView {
            from: from.to_string(),
            port,
            to: to.to_string(),
            handle,
        });
    }

    pub(super) fn peek_window(&mut self, ctx: &egui::Context) {
        let Some(view) = &self.peek else {
            return;
        };
        let port_name = self
            .doc
            .snarl
            .nodes()
            .find(|n| n.id == view.from)
            .and_then(|n| n.kind.outputs().get(view.port).map(|p| p.to_string()));
        let port = port_name
            .as_deref()
            .and_then(|p| self.analysis.port_type(&view.from, p));
        let columns: Vec<String> = port.map_or(Vec::new(), |p| {
            p.schema.fields.iter().map(|f| f.name.clone()).collect()
        });
        let keys = port.and_then(|p| p.keys.clone()).unwrap_or_default();
        let (rows, seen) = view.handle.rows();
        let mut open = true;
        egui::Window::new(format!("Peek: {} → {}", view.from, view.to))
            .id(egui::Id::new("peek"))
            .open(&mut open)
            .default_size([520.0, 300.0])
            // Over the canvas, clear of the toolbar.
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(self.last_canvas_rect.center())
            .show(ctx, |ui| {
                ui.label(
                    RichText::new(format!(
                        "the last {} of {seen} rows since the peek opened, newest first{}",
                        rows.len(),
                        if keys.is_empty() {
                            String::new()
                        } else {
                            format!("; keyed by {}", keys.join(", "))
                        }
                    ))
                    .weak(),
                );
                table(ui, &columns, &keys, &rows);
            });
        if !open {
            self.peek = None;
        }
    }
}

fn table(ui: &mut Ui, columns: &[String], keys: &[String], rows: &[Vec<engine::types::Value>]) {
    egui::ScrollArea::both()
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::Grid::new("peek-rows").striped(true).show(ui, |ui| {
                for c in columns {
                    let title = if keys.contains(c) {
                        format!("{c} (key)")
                    } else {
                        c.clone()
                    };
                    ui.label(RichText::new(title).strong());
                }
                ui.end_row();
                // Newest first, under the column names.
                for row in rows.iter().rev() {
                    for value in row {
                        ui.label(RichText::new(value.to_string()).monospace());
                    }
                    ui.end_row();
                }
            });
        });
}
