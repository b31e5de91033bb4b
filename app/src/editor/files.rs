//! Pipeline files: the file dialog, recent files and the example gallery.

use std::path::{Path, PathBuf};

use egui_file_dialog::FileDialog;

use super::document::Document;
use engine::PipelineSpec;

/// How many recent files the File menu lists.
pub const RECENT: usize = 8;

/// What the file dialog was opened for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogPurpose {
    Open,
    SaveAs,
    /// A data file for the path field of node `node`: one to read, or one to write.
    DataFile {
        node: String,
        write: bool,
    },
}

/// How a file dialog ended.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogOutcome {
    Picked(DialogPurpose, PathBuf),
    Cancelled,
}

/// An example pipeline from `saved-graphs/`.
#[derive(Clone, Debug)]
pub struct Example {
    pub path: PathBuf,
    /// The path below `saved-graphs/`, e.g. `nexmark/q1.ron`.
    pub label: String,
    pub description: String,
}

pub struct Files {
    pub dialog: FileDialog,
    /// For data files (CSV, JSON Lines), with filters of their own.
    data_dialog: FileDialog,
    pub purpose: Option<DialogPurpose>,
    pub recent: Vec<PathBuf>,
    /// The examples folder, found once at start: see `examples_dir`.
    pub examples_dir: Option<PathBuf>,
    pub examples: Vec<Example>,
}

impl Files {
    pub fn new() -> Self {
        let dir = examples_dir();
        let dialog = FileDialog::new()
            .initial_directory(dir.clone().unwrap_or_else(|| PathBuf::from(".")))
            .add_file_filter_extensions("Pipelines (*.ron)", vec!["ron"])
            .default_file_filter("Pipelines (*.ron)")
            .add_save_extension("Pipeline", "ron")
            .default_save_extension("Pipeline")
            .default_size([720.0, 460.0]);
        let data_dialog = FileDialog::new()
            .id("data-file-dialog")
            .add_file_filter_extensions(
                "Data (*.csv, *.jsonl, *.json)",
                vec!["csv", "jsonl", "json"],
            )
            .default_file_filter("Data (*.csv, *.jsonl, *.json)")
            .opening_mode(egui_file_dialog::OpeningMode::AlwaysInitialDir)
            .default_size([720.0, 460.0]);
        Files {
            dialog,
            data_dialog,
            purpose: None,
            recent: Vec::new(),
            examples: dir.as_deref().map(examples).unwrap_or_default(),
            examples_dir: dir,
        }
    }

    pub fn open_dialog(&mut self) {
        self.purpose = Some(DialogPurpose::Open);
        let folder = self.open_folder();
        let config = self.dialog.config_mut();
        config.opening_mode = egui_file_dialog::OpeningMode::AlwaysInitialDir;
        config.initial_directory = folder;
        self.dialog.pick_file();
    }

    /// Where Open starts: the folder of the file last opened or saved (this session or an
    /// earlier one), else the examples.
    pub fn open_folder(&self) -> PathBuf {
        self.recent
            .iter()
            .filter_map(|p| p.parent())
            .find(|d| d.is_dir())
            .map(Path::to_path_buf)
            .or_else(|| self.examples_dir.clone())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Asks for a data file for node `node`'s path, starting in `folder`: one to read, or
    /// (`write`) one to write.
    pub fn data_file_dialog(&mut self, node: String, write: bool, folder: PathBuf) {
        self.purpose = Some(DialogPurpose::DataFile { node, write });
        self.data_dialog.config_mut().initial_directory = folder;
        if write {
            self.data_dialog.save_file();
        } else {
            self.data_dialog.pick_file();
        }
    }

    /// Asks where to save `document`: beside its file, else where the user last saved, else
    /// the home folder; never the examples folder, whose files are the shipped ones.
    pub fn save_dialog(&mut self, document: &Document) {
        self.purpose = Some(DialogPurpose::SaveAs);
        let examples = self.examples_dir.clone();
        let outside_examples = |dir: &Path| examples.as_deref().is_none_or(|e| !dir.starts_with(e));
        let folder = document
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| {
                self.recent
                    .iter()
                    .filter_map(|p| p.parent())
                    .find(|d| outside_examples(d))
                    .map(Path::to_path_buf)
            })
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("."));
        let config = self.dialog.config_mut();
        config.opening_mode = egui_file_dialog::OpeningMode::AlwaysInitialDir;
        config.initial_directory = folder;
        config.default_file_name = format!("{}.ron", document.name);
        self.dialog.save_file();
    }

    /// Shows the dialog if open; returns what the user did with it, once.
    pub fn update(&mut self, ctx: &egui::Context) -> Option<DialogOutcome> {
        let dialog = match self.purpose {
            Some(DialogPurpose::DataFile { .. }) => &mut self.data_dialog,
            _ => &mut self.dialog,
        };
        dialog.update(ctx);
        if let Some(path) = dialog.take_picked() {
            let purpose = self.purpose.take()?;
            return Some(DialogOutcome::Picked(purpose, path));
        }
        let closed = !matches!(dialog.state(), egui_file_dialog::DialogState::Open);
        if closed && self.purpose.take().is_some() {
            return Some(DialogOutcome::Cancelled);
        }
        None
    }

    pub fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT);
    }
}

/// The folder of example pipelines: `saved-graphs/` in the working directory, beside the
/// executable or in the source tree it was built from.
pub fn examples_dir() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from("saved-graphs")];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).map(|d| d.join("saved-graphs")));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../saved-graphs"));
    candidates
        .into_iter()
        .find(|d| d.join("hello.ron").is_file())
        .map(|d| d.canonicalize().unwrap_or(d))
}

/// Every pipeline below `dir`, sorted by path, with its description.
pub fn examples(dir: &Path) -> Vec<Example> {
    let mut found = Vec::new();
    collect(dir, dir, &mut found);
    found.sort_by(|a, b| a.label.cmp(&b.label));
    found
}

fn collect(root: &Path, dir: &Path, found: &mut Vec<Example>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, found);
        } else if path.extension().is_some_and(|e| e == "ron")
            && !crate::lesson::is_lesson_file(&path)
        {
            let description = engine::spec::load_file(&path)
                .map(|s| s.description)
                .unwrap_or_default();
            let label = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            found.push(Example {
                path,
                label,
                description,
            });
        }
    }
}

/// Reads a pipeline file; the error names the file and, for syntax errors, line and column.
pub fn open(path: &Path) -> Result<PipelineSpec, String> {
    crate::cli::load(path)
}

/// `path` as a pipeline whose relative paths resolve against `base` should store it:
/// relative when the two share a folder below the top two levels (a project, a home
/// folder), so the pipeline and its data can move together; else absolute.
pub fn as_stored(path: &Path, base: &Path) -> String {
    let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let base = real(base);
    let path = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => real(dir).join(name),
        _ => path.to_path_buf(),
    };
    let (base_parts, path_parts): (Vec<_>, Vec<_>) =
        (base.components().collect(), path.components().collect());
    let common = base_parts
        .iter()
        .zip(&path_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let shared_folders = base_parts[..common]
        .iter()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .count();
    if shared_folders < 2 {
        return path.to_string_lossy().into_owned();
    }
    let mut relative = PathBuf::new();
    for _ in common..base_parts.len() {
        relative.push("..");
    }
    for part in &path_parts[common..] {
        relative.push(part);
    }
    relative.to_string_lossy().into_owned()
}

/// Writes `spec` as RON; adds `.ron` when the name has no extension.
pub fn save(path: &Path, spec: &PipelineSpec) -> Result<PathBuf, String> {
    let path = if path.extension().is_none() {
        path.with_extension("ron")
    } else {
        path.to_path_buf()
    };
    std::fs::write(&path, engine::spec::to_ron(spec))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gallery_lists_every_shipped_example() {
        let dir = examples_dir().expect("saved-graphs is found from the build tree");
        let labels: Vec<String> = examples(&dir).into_iter().map(|e| e.label).collect();
        assert!(labels.contains(&"hello.ron".to_string()), "{labels:?}");
        assert!(labels.contains(&"nexmark/q1.ron".to_string()), "{labels:?}");
    }

    #[test]
    fn open_starts_in_the_folder_of_the_last_file() {
        let mut files = Files::new();
        assert_eq!(Some(files.open_folder()), files.examples_dir.clone());
        let dir = std::env::temp_dir();
        files.remember(&dir.join("orders.ron"));
        assert_eq!(files.open_folder(), dir.canonicalize().unwrap());
    }

    #[test]
    fn a_picked_data_file_is_stored_relative_to_the_pipeline_within_a_project() {
        let project = Path::new("/nonexistent/project");
        let pipelines = project.join("saved-graphs");
        assert_eq!(
            as_stored(&pipelines.join("data/a.csv"), &pipelines),
            "data/a.csv"
        );
        assert_eq!(
            as_stored(&project.join("assets/data/quotes.csv"), &pipelines),
            "../assets/data/quotes.csv"
        );
        assert_eq!(
            as_stored(Path::new("/elsewhere/a.csv"), &pipelines),
            "/elsewhere/a.csv"
        );
    }

    #[test]
    fn saving_adds_the_extension_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("streamlab-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let spec = PipelineSpec::new("x");
        let written = save(&dir.join("x"), &spec).unwrap();
        assert_eq!(written, dir.join("x.ron"));
        assert_eq!(open(&written).unwrap(), spec);
        let err = save(&dir.join("missing/x.ron"), &spec).unwrap_err();
        assert!(err.contains("missing/x.ron"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
