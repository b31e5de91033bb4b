//! Exactly-once output to one file, by two-phase commit on checkpoints (as Flink's file
//! sink): rows go to a hidden part file; at a barrier the part is made durable and becomes
//! pending under that checkpoint; when the checkpoint completes, pending parts join the target
//! — the first by one rename (replacing what was there), later ones appended. A restore puts
//! the target back exactly where the checkpoint left it: parts it holds are committed if
//! they were not yet, rows committed after it are cut off, and parts it does not know of
//! (of checkpoints that never completed) are removed.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::staged_file::StagedFile;

/// A closed part, pending until its checkpoint completes.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Part {
    checkpoint: u64,
    /// Its name in the target's folder.
    file: String,
    bytes: u64,
    rows: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct State {
    /// The target's length after the last commit; `None` before the first, when the target
    /// is not yet this job's.
    committed: Option<u64>,
    pending: Vec<Part>,
    /// Whether what is committed or pending starts with the header row.
    header_written: bool,
    rows_committed: u64,
    /// The last checkpoint whose parts were committed.
    checkpoint: Option<u64>,
}

#[derive(Debug)]
pub struct TwoPhaseFile {
    target: PathBuf,
    state: State,
    /// Started afresh rather than restored: parts left by earlier runs belong to no
    /// checkpoint this run goes on from, and go before its first part.
    clear_old_parts: bool,
}

const PART: &str = ".part";

impl TwoPhaseFile {
    pub fn new(target: &Path) -> Self {
        TwoPhaseFile {
            target: target.to_path_buf(),
            state: State {
                committed: None,
                pending: Vec::new(),
                header_written: false,
                rows_committed: 0,
                checkpoint: None,
            },
            clear_old_parts: true,
        }
    }

    fn folder(&self) -> PathBuf {
        match self.target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    pub fn header_written(&self) -> bool {
        self.state.header_written
    }

    pub fn set_header_written(&mut self) {
        self.state.header_written = true;
    }

    pub fn rows_committed(&self) -> u64 {
        self.state.rows_committed
    }

    /// The last checkpoint whose rows the target holds.
    pub fn checkpoint(&self) -> Option<u64> {
        self.state.checkpoint.filter(|&c| c != u64::MAX)
    }

    pub fn has_pending(&self) -> bool {
        !self.state.pending.is_empty()
    }

    /// Makes a fully written part durable and pending under `checkpoint`.
    pub fn pre_commit(
        &mut self,
        staged: StagedFile,
        file: File,
        rows: u64,
        checkpoint: u64,
    ) -> std::io::Result<()> {
        if std::mem::take(&mut self.clear_old_parts) {
            self.remove_unknown_parts(&[]);
        }
        let bytes = file.metadata()?.len();
        let name = staged
            .staging()
            .file_name()
            .map(|n| n.to_string_lossy().replace(".inprogress", PART))
            .unwrap_or_default();
        staged.publish(file, &self.folder().join(&name))?;
        self.state.pending.push(Part {
            checkpoint,
            file: name,
            bytes,
            rows,
        });
        Ok(())
    }

    /// Checkpoint `upto` has completed: its parts, and older ones, join the target in order.
    pub fn commit(&mut self, upto: u64) -> std::io::Result<()> {
        while let Some(part) = self.state.pending.first().filter(|p| p.checkpoint <= upto) {
            let part = part.clone();
            let path = self.folder().join(&part.file);
            self.join(&path, &part)?;
            self.state.pending.remove(0);
            self.state.checkpoint = Some(part.checkpoint);
        }
        Ok(())
    }

    /// Adds a pending part to the target: the first by a rename, others appended after the
    /// committed length (cutting off any half-finished append before).
    fn join(&mut self, path: &Path, part: &Part) -> std::io::Result<()> {
        match self.state.committed {
            None => {
                super::staged_file::check_target(&self.target)?;
                std::fs::rename(path, &self.target)?;
                sync_folder(&self.folder());
                self.state.committed = Some(part.bytes);
            }
            Some(length) => {
                let mut target = OpenOptions::new().write(true).open(&self.target)?;
                target.set_len(length)?;
                target.seek(SeekFrom::End(0))?;
                std::io::copy(&mut File::open(path)?, &mut target)?;
                target.sync_all()?;
                std::fs::remove_file(path)?;
                self.state.committed = Some(length + part.bytes);
            }
        }
        self.state.rows_committed += part.rows;
        Ok(())
    }

    /// Removes parts not committed: the job ends without them.
    pub fn abort(&mut self) {
        let folder = self.folder();
        for part in self.state.pending.drain(..) {
            let _ = std::fs::remove_file(folder.join(&part.file));
        }
    }

    pub fn snapshot(&self) -> Vec<u8> {
        postcard::to_allocvec(&self.state).expect("plain data serializes")
    }

    /// Puts the target back where the checkpoint `bytes` were taken at, as described above.
    pub fn restore(target: &Path, bytes: &[u8]) -> Result<Self, String> {
        let mut state: State = postcard::from_bytes(bytes).map_err(|e| {
            format!(
                "the checkpoint's state of {} is not readable: {e}",
                target.display()
            )
        })?;
        let pending = std::mem::take(&mut state.pending);
        let known: Vec<String> = pending.iter().map(|p| p.file.clone()).collect();
        let mut file = TwoPhaseFile {
            target: target.to_path_buf(),
            state,
            clear_old_parts: false,
        };
        let fail = |e: std::io::Error| format!("cannot restore {}: {e}", target.display());
        for part in pending {
            let path = file.folder().join(&part.file);
            if path.exists() {
                file.join(&path, &part).map_err(fail)?;
            } else {
                // Committed after the checkpoint was taken, before the job went down.
                file.state.committed = Some(file.state.committed.unwrap_or(0) + part.bytes);
                file.state.rows_committed += part.rows;
            }
            file.state.checkpoint = Some(part.checkpoint);
        }
        if let Some(length) = file.state.committed {
            let on_disk = std::fs::metadata(target).map(|m| m.len()).map_err(|e| {
                format!(
                    "cannot restore {}: the checkpoint's {length} bytes of it are gone ({e})",
                    target.display()
                )
            })?;
            if on_disk < length {
                return Err(format!(
                    "cannot restore {}: it is {on_disk} bytes, shorter than the {length} the \
                     checkpoint committed; it was changed since",
                    target.display()
                ));
            }
            // Rows committed after the checkpoint are replayed: cut them off.
            let f = OpenOptions::new().write(true).open(target).map_err(fail)?;
            f.set_len(length).map_err(fail)?;
            f.sync_all().map_err(fail)?;
        }
        file.remove_unknown_parts(&known);
        Ok(file)
    }

    /// Removes this target's pending parts that no checkpoint knows of.
    fn remove_unknown_parts(&self, known: &[String]) {
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let Ok(entries) = std::fs::read_dir(self.folder()) else {
            return;
        };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            // Exactly `.NAME.<pid>-<n>.part`: a sink of `out` leaves `out.csv`'s parts alone.
            let ours = file
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(PART))
                .and_then(|rest| rest.split_once('-'))
                .is_some_and(|(pid, n)| {
                    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
                    digits(pid) && digits(n)
                });
            if ours && !known.contains(&file) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn sync_folder(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
