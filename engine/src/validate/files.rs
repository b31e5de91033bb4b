//! Problems only the file system can tell.

use foldhash::{HashMap, HashMapExt};

use super::Problem;
use crate::spec::{NodeKind, PipelineSpec, quote_id};

/// Problems only the file system can tell: input files that do not exist, sink targets that
/// are not regular files, and two sinks writing one file. Relative paths resolve against
/// `base_dir`, the pipeline file's folder.
pub fn check_files(spec: &PipelineSpec, base_dir: &std::path::Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut sinks: HashMap<std::path::PathBuf, &str> = HashMap::new();
    for node in &spec.nodes {
        match &node.kind {
            NodeKind::FileSource(config) if !config.path.trim().is_empty() => {
                let path = base_dir.join(&config.path);
                if !path.is_file() {
                    problems.push(Problem::error(
                        Some(&node.id),
                        format!("input file {} does not exist", path.display()),
                    ));
                }
            }
            NodeKind::FileSink(config) if !config.path.trim().is_empty() => {
                let path = base_dir.join(&config.path);
                if let Err(e) = crate::operators::check_target(&path) {
                    problems.push(Problem::error(
                        Some(&node.id),
                        format!("cannot write {}: {e}", path.display()),
                    ));
                }
                if let Some(first) = sinks.insert(same_file(&path), &node.id) {
                    problems.push(Problem::error(
                        Some(&node.id),
                        format!(
                            "writes {}, as `{}` does; two sinks cannot write one file",
                            path.display(),
                            quote_id(first)
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    problems
}

/// A path that is equal for two spellings of one file: `.` and `..` resolved, and the folder
/// followed through links where it exists.
fn same_file(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::{Component, PathBuf};
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    match (lexical.parent(), lexical.file_name()) {
        (Some(dir), Some(name)) => match dir.canonicalize() {
            Ok(dir) => dir.join(name),
            Err(_) => lexical,
        },
        _ => lexical,
    }
}
