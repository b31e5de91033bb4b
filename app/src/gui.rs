//! Opening the designer window.

use std::path::PathBuf;

use crate::editor::Editor;

/// Opens the designer on `file`, or on the default example; returns when the window closes.
pub fn open(file: Option<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Streamlab")
            .with_app_id("streamlab")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Streamlab",
        options,
        Box::new(move |cc| Ok(Box::new(Editor::from_creation(cc, file.as_deref())))),
    )
    .map_err(|e| format!("cannot open the window: {e} (is a display available? `streamlab run` works without one)"))
}
