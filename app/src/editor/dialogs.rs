//! Modal dialogs: the file dialog's outcome, errors, and unsaved changes.

use egui::Id;

use super::Editor;
use super::files::{DialogOutcome, DialogPurpose};

impl Editor {
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        match self.files.update(ctx) {
            Some(DialogOutcome::Picked(DialogPurpose::Open, path)) => self.open(&path),
            Some(DialogOutcome::Picked(DialogPurpose::SaveAs, path)) => {
                if self.save_to(&path)
                    && let Some(next) = self.after_save.take()
                {
                    self.proceed(next);
                }
            }
            Some(DialogOutcome::Picked(DialogPurpose::DataFile { node, write }, path)) => {
                self.set_file_path(&node, &path, write);
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
        self.restore_dialog(ctx);
        self.connect_dialog(ctx);
        self.flink_export_dialog(ctx);
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

    /// Restoring a checkpoint into a pipeline edited since: which nodes keep their state,
    /// which start empty, and the choice.
    fn restore_dialog(&mut self, ctx: &egui::Context) {
        let Some((restore, plan)) = &self.restore_asked else {
            return;
        };
        let id = restore.id();
        let mut answer = None;
        egui::Modal::new(Id::new("restore-changed")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading(format!(
                "Restore checkpoint {id} into the changed pipeline?"
            ));
            ui.label("The pipeline changed since the checkpoint was taken.");
            ui.add_space(6.0);
            let names = |ids: Vec<String>| {
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                }
            };
            ui.label(format!(
                "Keep their state: {}",
                names(plan.kept.iter().map(|k| format!("`{k}`")).collect())
            ));
            ui.label(format!(
                "Start empty: {}",
                names(
                    plan.dropped
                        .iter()
                        .map(|(k, why)| format!("`{k}` ({why})"))
                        .collect()
                )
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Run from the checkpoint").clicked() {
                    answer = Some(true);
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(true) => {
                let (restore, _) = self.restore_asked.take().expect("shown");
                self.restore_into_this(restore, true);
            }
            Some(false) => self.restore_asked = None,
            None => {}
        }
    }

    /// Watch a running job: the address of its REST API.
    fn connect_dialog(&mut self, ctx: &egui::Context) {
        let Some(address) = &mut self.connect_address else {
            return;
        };
        let mut answer = None;
        egui::Modal::new(Id::new("connect")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading("Watch a running job");
            ui.label(
                "The address a headless run serves its REST API on \
                 (streamlab run FILE --serve 127.0.0.1:8081), or a Flink cluster's \
                 REST API (its JobManager, port 8081 by default):",
            );
            let field = ui.add(
                egui::TextEdit::singleline(address)
                    .hint_text("127.0.0.1:8081")
                    .desired_width(300.0),
            );
            crate::editor::form::named(ui, field.clone(), "Job address");
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Watch").clicked() || entered {
                    answer = Some(true);
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(true) => {
                let address = self.connect_address.take().unwrap_or_default();
                if let Err(e) = self.watch_remote(&address) {
                    self.error = Some(e);
                }
            }
            Some(false) => self.connect_address = None,
            None => {}
        }
    }
}
