//! File → Export to Flink SQL: the pipeline as a Flink SQL script or a PyFlink program,
//! shown to read and copy, or the reasons it cannot be exported, each naming its node.

use std::sync::mpsc::Receiver;

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
    /// The cluster to submit to, as typed.
    cluster: String,
    /// A submission under way: its job id, or why it failed, arrives here.
    submitting: Option<Receiver<Result<String, String>>>,
    /// Why the last submission failed.
    submit_error: Option<String>,
}

impl Editor {
    /// Opens the export dialog on the pipeline as it is now.
    pub(super) fn open_flink_export(&mut self) {
        let mut export = FlinkExport {
            pyflink: false,
            nexmark_connector: false,
            result: Ok(String::new()),
            saved: None,
            cluster: "127.0.0.1:8081".into(),
            submitting: None,
            submit_error: None,
        };
        self.export_into(&mut export);
        self.flink_export = Some(export);
    }

    fn export_into(&self, export: &mut FlinkExport) {
        export.saved = None;
        export.result = match self.export_for(export, None) {
            Ok(script) if export.pyflink => Ok(script.to_pyflink()),
            Ok(script) => Ok(script.to_sql()),
            Err(errors) => Err(errors.iter().map(ToString::to_string).collect()),
        };
    }

    fn export_for(
        &self,
        export: &FlinkExport,
        cluster: Option<&str>,
    ) -> Result<engine::export::FlinkScript, Vec<engine::export::ExportError>> {
        let options = FlinkOptions {
            nexmark_connector: export.nexmark_connector,
            cluster: cluster.map(str::to_string),
        };
        let base = std::fs::canonicalize(self.base_dir()).unwrap_or_else(|_| self.base_dir());
        flink_sql(&self.spec(), &base, &options)
    }

    /// Starts submitting the pipeline to the cluster typed in the dialog.
    fn submit_to_cluster(&self, export: &mut FlinkExport) {
        export.submit_error = None;
        match self.export_for(export, Some(export.cluster.trim())) {
            Ok(script) => {
                export.submitting = Some(crate::flink_submit::submit_in_background(
                    script.to_pyflink(),
                ))
            }
            Err(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                export.submit_error = Some(lines.join("\n"));
            }
        }
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
        let mut submit = false;
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
                    ui.separator();
                    ui.label(RichText::new("Run it on a Flink cluster").strong());
                    ui.horizontal(|ui| {
                        let field = ui.add_enabled(
                            export.submitting.is_none(),
                            egui::TextEdit::singleline(&mut export.cluster)
                                .hint_text("127.0.0.1:8081")
                                .desired_width(220.0),
                        );
                        crate::editor::form::named(ui, field, "Cluster address");
                        if export.submitting.is_some() {
                            ui.spinner();
                            ui.label("Submitting…");
                        } else if ui
                            .button("Submit and watch")
                            .on_hover_text(
                                "Submits the job to the cluster's REST API through PyFlink, \
                                 then watches it here",
                            )
                            .clicked()
                        {
                            submit = true;
                        }
                    });
                    if let Some(error) = &export.submit_error {
                        ui.colored_label(ui.visuals().error_fg_color, error);
                    }
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
        if submit {
            self.submit_to_cluster(&mut export);
        }
        if let Some(receiver) = &export.submitting {
            match receiver.try_recv() {
                Ok(Ok(job)) => {
                    export.submitting = None;
                    let address = format!("{}/jobs/{job}", export.cluster.trim());
                    match self.watch_remote(&address) {
                        Ok(()) => open = false,
                        Err(e) => export.submit_error = Some(e),
                    }
                }
                Ok(Err(e)) => {
                    export.submitting = None;
                    export.submit_error = Some(e);
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(200))
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    export.submitting = None;
                    export.submit_error = Some("the submission stopped without an answer".into());
                }
            }
        }
        if open {
            self.flink_export = Some(export);
        }
    }
}
