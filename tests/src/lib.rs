//! Helpers for end-to-end tests that span the Streamlab crates.

pub mod flink;
pub mod nats_server;
pub mod redis_server;

use std::path::{Path, PathBuf};

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every pipeline file under `saved-graphs/`, sorted.
pub fn example_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "ron")
                && !path.to_string_lossy().ends_with(".lesson.ron")
            {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repo_root().join("saved-graphs"), &mut files);
    files.sort();
    files
}
