//! Where a run's files go and how to find them: a pipeline without a file of its own (an
//! example copy, a new pipeline) writes its relative output paths into a per-user folder, never
//! beside the shipped examples; after a run each file sink's file can be opened or copied.

use std::path::{Component, Path, PathBuf};

use engine::PipelineSpec;
use engine::spec::NodeKind;

/// A file a file sink writes, and how many rows the last run gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputFile {
    pub node: String,
    pub path: PathBuf,
    pub rows: u64,
}

/// The per-user folder that unsaved pipelines write into, one subfolder per pipeline:
/// `~/.local/share/streamlab/output` on Linux, the platform's data folder elsewhere.
pub fn user_output_root() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "streamlab").map(|d| d.data_dir().join("output"))
}

/// The per-user folder for the checkpoints of runs started in the window, one subfolder per
/// pipeline: `~/.local/share/streamlab/checkpoints` on Linux.
pub fn user_checkpoint_root() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "streamlab").map(|d| d.data_dir().join("checkpoints"))
}

/// The folder for `pipeline`'s files under `root`: its name made safe as a folder name.
pub fn folder_for(root: &Path, pipeline: &str) -> PathBuf {
    let name: String = pipeline
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_matches('.');
    root.join(if name.is_empty() { "untitled" } else { name })
}

/// `spec` with every relative file sink path moved below `folder`, keeping its shape inside
/// (`../out/a.csv` becomes `folder/out/a.csv`). Input paths are left to resolve as before.
pub fn redirect_sinks(spec: &PipelineSpec, folder: &Path) -> PipelineSpec {
    let mut spec = spec.clone();
    for node in &mut spec.nodes {
        if let NodeKind::FileSink(config) = &mut node.kind
            && !config.path.trim().is_empty()
            && Path::new(&config.path).is_relative()
        {
            config.path = folder
                .join(inside(Path::new(&config.path)))
                .to_string_lossy()
                .into_owned();
        }
    }
    spec
}

/// A relative path without the parts that climb out of its folder.
fn inside(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect()
}

/// The files `spec`'s file sinks write, resolved against `base_dir` and tidied for showing.
pub fn sink_files(spec: &PipelineSpec, base_dir: &Path) -> Vec<(String, PathBuf)> {
    spec.nodes
        .iter()
        .filter_map(|node| match &node.kind {
            NodeKind::FileSink(config) if !config.path.trim().is_empty() => {
                Some((node.id.clone(), tidy(&base_dir.join(&config.path))))
            }
            _ => None,
        })
        .collect()
}

/// `a/b/../c` → `a/c`, without asking the file system.
pub fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Opens `path` (a folder or a file) with the desktop's handler. On failure the caller
/// offers the path to copy instead.
pub fn open_path(path: &Path) -> Result<(), String> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("cannot run {opener}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::spec::{FileFormat, FileSinkConfig, NodeSpec};

    fn sink(path: &str) -> PipelineSpec {
        let mut spec = PipelineSpec::new("p");
        let config = FileSinkConfig {
            path: path.into(),
            format: FileFormat::Csv,
            ..FileSinkConfig::default()
        };
        spec.nodes
            .push(NodeSpec::new("out", NodeKind::FileSink(config)));
        spec
    }

    fn path_of(spec: &PipelineSpec) -> String {
        match &spec.nodes[0].kind {
            NodeKind::FileSink(c) => c.path.clone(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn relative_outputs_move_into_the_folder_and_absolute_ones_stay() {
        let folder = Path::new("/data/streamlab/output/quotes");
        let moved = redirect_sinks(&sink("../out/large-trades.csv"), folder);
        assert_eq!(
            path_of(&moved),
            "/data/streamlab/output/quotes/out/large-trades.csv"
        );
        let kept = redirect_sinks(&sink("/tmp/a.csv"), folder);
        assert_eq!(path_of(&kept), "/tmp/a.csv");
    }

    #[test]
    fn folder_names_are_safe() {
        let root = Path::new("/r");
        assert_eq!(folder_for(root, "stock-quotes"), root.join("stock-quotes"));
        assert_eq!(folder_for(root, "../a b"), root.join("_a_b"));
        assert_eq!(folder_for(root, " "), root.join("untitled"));
    }

    #[test]
    fn paths_are_tidied_for_showing() {
        assert_eq!(
            tidy(Path::new("/a/saved-graphs/../out/./x.csv")),
            Path::new("/a/out/x.csv")
        );
    }
}
