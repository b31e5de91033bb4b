//! File → Export to Flink SQL: the pipeline as a Flink SQL script or a PyFlink program,
//! shown to read and copy, or the reasons it cannot be exported, each naming its node.

use egui::{Id, RichText};
use engine::export::{FlinkOptions, flink_sql};

use super::Editor;

/// The export dialog while it is open.
pub(super) struct FlinkExport {
    pyflink: bool,
    nexmark_connector: bool,
    /// The script, or one line per node that cannot be exported.
    result: Result<String, Vec<String>>,
    /// Where the script was saved, or why it could not be.
    saved: Option<Result<std::path::PathBuf, String>>,
}

impl Editor {
    /// Opens the export dialog on the pipeline as it is now.
    pub(super) fn open_flink_export(&mut self) {
        let mut export = FlinkExport {
            pyflink: false,
            nexmark_connector: false,
            result: Ok(String::new()),
            saved: None,
        };
        self.export_into(&mut export);
        self.flink_export = Some(export);
    }

    fn export_into(&self, export: &mut FlinkExport) {
        let options = FlinkOptions {
            nexmark_connector: export.nexmark_connector,
            cluster: None,
        };
        let base = std::fs::canonicalize(self.base_dir()).unwrap_or_else(|_| self.base_dir());
        export.saved = None;
        export.result = match flink_sql(&self.spec(), &base, &options) {
            Ok(script) if export.pyflink => Ok(script.to_pyflink()),
            Ok(script) => Ok(script.to_sql()),
            Err(errors) => Err(errors.iter().map(ToString::to_string).collect()),
        };
    }

    /// Where the script of a saved pipeline goes: beside it, named like it.
    fn script_path(&self, pyflink: bool) -> Option<std::path::PathBuf> {
        let path = self.doc.path.as_ref()?;
        Some(path.with_extension(if pyflink { "py" } else { "sql" }))
    }

    pub(super) fn flink_export_dialog(&mut self, ctx: &egui::Context) {
        let Some(mut export) = self.flink_export.take() else {
            return;
        };
        let mut open = true;
        let mut changed = false;
        egui::Modal::new(Id::new("flink export")).show(ctx, |ui| {
            ui.set_width(720.0);
            ui.heading("Export to Flink SQL");
            ui.label(
                "The same pipeline for Apache Flink: run the script with Flink's SQL client \
                 (sql-client.sh -f), or the PyFlink program with python3 after \
                 pip install apache-flink.",
            );
            ui.horizontal(|ui| {
                changed |= ui
                    .checkbox(&mut export.pyflink, "As a PyFlink program")
                    .changed();
                changed |= ui
                    .checkbox(
                        &mut export.nexmark_connector,
                        "The cluster has the Nexmark connector",
                    )
                    .on_hover_text(
                        "Nexmark sources read Flink's nexmark connector, which a cluster has \
                         only when its jar is installed",
                    )
                    .changed();
            });
            ui.add_space(4.0);
            match &export.result {
                Ok(text) => {
                    egui::ScrollArea::vertical()
                        .max_height(420.0)
                        .show(ui, |ui| {
                            let mut shown = text.as_str();
                            ui.add(
                                egui::TextEdit::multiline(&mut shown)
                                    .code_editor()
                                    .desired_width(f32::INFINITY),
                            );
                        });
                    ui.add_space(6.0);
                    ui.horizontal(|ui| {
                        if ui.button("Copy script").clicked() {
                            ui.ctx().copy_text(text.clone());
                        }
                        if let Some(target) = self.script_path(export.pyflink)
                            && ui
                                .button("Save beside the pipeline")
                                .on_hover_text(target.display().to_string())
                                .clicked()
                        {
                            export.saved = Some(
                                std::fs::write(&target, text)
                                    .map(|()| target.clone())
                                    .map_err(|e| format!("cannot write {}: {e}", target.display())),
                            );
                        }
                        if ui.button("Close").clicked() {
                            open = false;
                        }
                    });
                    match &export.saved {
                        Some(Ok(path)) => {
                            ui.label(format!("Saved to {}", path.display()));
                        }
                        Some(Err(e)) => {
                            ui.colored_label(ui.visuals().error_fg_color, e);
                        }
                        None => {}
                    }
                }
                Err(errors) => {
                    ui.label(RichText::new("This pipeline cannot run on Flink as it is:").strong());
                    for error in errors {
                        ui.label(
                            RichText::new(format!("• {error}")).color(ui.visuals().error_fg_color),
                        );
                    }
                    ui.add_space(6.0);
                    if ui.button("Close").clicked() {
                        open = false;
                    }
                }
            }
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                open = false;
            }
        });
        if changed {
            self.export_into(&mut export);
        }
        if open {
            self.flink_export = Some(export);
        }
    }
}
