//! The checkpoint folder (a contract): `chk-<n>/` holds one file per state of a node
//! instance and a human-readable RON `_metadata`, written last and by one rename, so a
//! checkpoint without `_metadata` never completed. The newest `retain` complete ones stay.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{RestoreFrom, StatePart};
use crate::spec::PipelineSpec;

/// Bumped when the layout of a checkpoint changes in a way older readers cannot follow.
const FORMAT: u32 = 1;
const METADATA: &str = "_metadata";

/// What a completed checkpoint holds, in words a person can read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointMetadata {
    pub format: u32,
    pub id: u64,
    /// The pipeline's name, and a hash of the pipeline as it ran.
    pub job: String,
    pub pipeline_hash: String,
    /// When the checkpoint was triggered: epoch milliseconds, and the same in UTC.
    pub triggered_at_ms: i64,
    pub triggered_at: String,
    pub duration_ms: u64,
    /// The longest any task held an input back for the barrier.
    pub alignment_ms: u64,
    /// Every node with its parallelism and what its state depends on.
    pub nodes: Vec<NodeEntry>,
    pub files: Vec<StateFile>,
    /// Where each source instance was.
    pub sources: Vec<SourceEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeEntry {
    pub id: String,
    pub parallelism: usize,
    /// Changes when the node changes in a way its state cannot follow.
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateFile {
    pub node: String,
    pub subtask: usize,
    pub part: StatePart,
    pub file: String,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    pub node: String,
    pub subtask: usize,
    pub position: String,
}

/// One state of a node instance, as a task took it.
#[derive(Clone, Debug)]
pub struct StateBytes {
    pub node: String,
    pub subtask: usize,
    pub part: StatePart,
    pub bytes: Vec<u8>,
}

/// A checkpoint read back and checked, ready to start a job from.
#[derive(Clone, Debug)]
pub struct Restore {
    pub path: PathBuf,
    pub metadata: CheckpointMetadata,
    states: Vec<StateBytes>,
    /// Newer checkpoints passed over because they were broken, each with why.
    pub skipped: Vec<String>,
}

impl Restore {
    pub fn id(&self) -> u64 {
        self.metadata.id
    }

    /// The states of node `node`'s `part`, one per instance it had, in instance order.
    pub fn states_of(&self, node: &str, part: StatePart) -> Vec<(usize, &[u8])> {
        let mut states: Vec<(usize, &[u8])> = self
            .states
            .iter()
            .filter(|s| s.node == node && s.part == part)
            .map(|s| (s.subtask, s.bytes.as_slice()))
            .collect();
        states.sort_by_key(|(subtask, _)| *subtask);
        states
    }

    /// Forgets the states of `nodes`, which then start empty.
    pub fn drop_states_of(&mut self, nodes: &[String]) {
        self.states.retain(|s| !nodes.contains(&s.node));
    }

    /// How many instances node `node` had at the checkpoint.
    pub fn parallelism_of(&self, node: &str) -> Option<usize> {
        self.metadata
            .nodes
            .iter()
            .find(|n| n.id == node)
            .map(|n| n.parallelism)
    }
}

/// A stable hash of the pipeline as it runs (its layout aside), in hex.
pub fn pipeline_hash(spec: &PipelineSpec) -> String {
    let mut spec = spec.clone();
    spec.layout = Default::default();
    let text = ron::to_string(&spec).unwrap_or_default();
    format!("{:016x}", crate::runtime::stable_hash(text.as_bytes()))
}

/// `dir/chk-<id>`.
pub fn checkpoint_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("chk-{id}"))
}

/// The `chk-<n>` folders in `dir`, complete or not, newest first.
fn checkpoint_folders(dir: &Path) -> std::io::Result<Vec<(u64, PathBuf)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(n) = name
            .to_str()
            .and_then(|n| n.strip_prefix("chk-"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        if entry.path().is_dir() {
            found.push((n, entry.path()));
        }
    }
    found.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    Ok(found)
}

/// The highest checkpoint number used in `dir`, so a new run never reuses one.
pub fn highest_id(dir: &Path) -> u64 {
    checkpoint_folders(dir)
        .ok()
        .and_then(|f| f.first().map(|(n, _)| *n))
        .unwrap_or(0)
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes checkpoint `metadata.id`: the state files, then `_metadata` by one rename. Fills
/// in `metadata.files`. On failure nothing of it is left behind.
pub fn write(
    dir: &Path,
    metadata: &mut CheckpointMetadata,
    states: &[StateBytes],
) -> Result<PathBuf, String> {
    let path = checkpoint_path(dir, metadata.id);
    let result = write_into(&path, metadata, states);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&path);
    }
    result.map(|()| path.clone()).map_err(|e| {
        format!(
            "cannot write checkpoint {} to {}: {e}",
            metadata.id,
            path.display()
        )
    })
}

fn write_into(
    path: &Path,
    metadata: &mut CheckpointMetadata,
    states: &[StateBytes],
) -> std::io::Result<()> {
    std::fs::create_dir_all(path)?;
    metadata.files.clear();
    for (k, state) in states.iter().enumerate() {
        let part = match state.part {
            StatePart::Operator => "state",
            StatePart::Source => "position",
            StatePart::Inputs => "inputs",
        };
        let safe: String = state
            .node
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(40)
            .collect();
        let file = format!("{k:03}-{safe}-{}.{part}", state.subtask);
        let mut f = File::create(path.join(&file))?;
        f.write_all(&state.bytes)?;
        f.sync_all()?;
        metadata.files.push(StateFile {
            node: state.node.clone(),
            subtask: state.subtask,
            part: state.part,
            file,
            bytes: state.bytes.len() as u64,
        });
    }
    let text = ron::ser::to_string_pretty(&*metadata, ron::ser::PrettyConfig::default())
        .map_err(std::io::Error::other)?;
    let staging = path.join(format!("{METADATA}.inprogress"));
    let mut f = File::create(&staging)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&staging, path.join(METADATA))?;
    sync_dir(path);
    Ok(())
}

/// Removes all but the newest `retain` complete checkpoints, and incomplete ones older than
/// the newest complete one (left by a crash while writing).
pub fn retain(dir: &Path, retain: usize) {
    let Ok(folders) = checkpoint_folders(dir) else {
        return;
    };
    let mut kept = 0;
    for (_, path) in folders {
        let complete = path.join(METADATA).is_file();
        if complete && kept < retain {
            kept += 1;
        } else if kept > 0 {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Reads the checkpoint `which` names from `dir`.
pub fn load(dir: &Path, which: &RestoreFrom) -> Result<Restore, String> {
    match which {
        RestoreFrom::Path(path) => read_checkpoint(path),
        RestoreFrom::Id(id) => {
            let path = checkpoint_path(dir, *id);
            if !path.exists() {
                return Err(format!(
                    "there is no checkpoint {id} in {} ({})",
                    dir.display(),
                    available(dir)
                ));
            }
            read_checkpoint(&path)
        }
        RestoreFrom::Latest => {
            if !dir.is_dir() {
                return Err(format!(
                    "the checkpoint folder {} does not exist",
                    dir.display()
                ));
            }
            let folders = checkpoint_folders(dir)
                .map_err(|e| format!("cannot read the checkpoint folder {}: {e}", dir.display()))?;
            if folders.is_empty() {
                return Err(format!(
                    "the checkpoint folder {} holds no checkpoint",
                    dir.display()
                ));
            }
            let mut skipped = Vec::new();
            for (_, path) in folders {
                match read_checkpoint(&path) {
                    Ok(mut restore) => {
                        restore.skipped = skipped;
                        return Ok(restore);
                    }
                    Err(why) => skipped.push(why),
                }
            }
            Err(format!(
                "no checkpoint in {} can be restored:\n  {}",
                dir.display(),
                skipped.join("\n  ")
            ))
        }
    }
}

/// The complete checkpoints of `dir`, in words, for a message about a missing one.
fn available(dir: &Path) -> String {
    let ids: Vec<String> = checkpoint_folders(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, p)| p.join(METADATA).is_file())
        .map(|(n, _)| n.to_string())
        .collect();
    if ids.is_empty() {
        "it holds none".into()
    } else {
        format!("it holds {}", ids.join(", "))
    }
}

fn read_checkpoint(path: &Path) -> Result<Restore, String> {
    let name = path.display();
    let metadata_path = path.join(METADATA);
    let text = match std::fs::read_to_string(&metadata_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(if path.is_dir() {
                format!("{name} has no {METADATA}: the checkpoint was never completed")
            } else {
                format!("{name} is not a checkpoint folder")
            });
        }
        Err(e) => return Err(format!("cannot read {}: {e}", metadata_path.display())),
    };
    let metadata: CheckpointMetadata = ron::from_str(&text).map_err(|e| {
        format!(
            "{} is not readable (truncated or corrupt): {e}",
            metadata_path.display()
        )
    })?;
    if metadata.format != FORMAT {
        return Err(format!(
            "{} is of checkpoint format {}; this version reads format {FORMAT}",
            metadata_path.display(),
            metadata.format
        ));
    }
    let mut states = Vec::with_capacity(metadata.files.len());
    for file in &metadata.files {
        let at = path.join(&file.file);
        let bytes = std::fs::read(&at).map_err(|e| {
            format!(
                "{name} lacks the state of node `{}` instance {} ({}: {e})",
                file.node, file.subtask, file.file
            )
        })?;
        if bytes.len() as u64 != file.bytes {
            return Err(format!(
                "the state file {} is {} bytes where {METADATA} says {}: it is truncated or corrupt",
                at.display(),
                bytes.len(),
                file.bytes
            ));
        }
        states.push(StateBytes {
            node: file.node.clone(),
            subtask: file.subtask,
            part: file.part,
            bytes,
        });
    }
    Ok(Restore {
        path: path.to_path_buf(),
        metadata,
        states,
        skipped: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("streamlab-chk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn metadata(id: u64) -> CheckpointMetadata {
        CheckpointMetadata {
            format: FORMAT,
            id,
            job: "job".into(),
            pipeline_hash: "0".into(),
            triggered_at_ms: 0,
            triggered_at: String::new(),
            duration_ms: 1,
            alignment_ms: 0,
            nodes: Vec::new(),
            files: Vec::new(),
            sources: Vec::new(),
        }
    }

    fn state(bytes: &[u8]) -> StateBytes {
        StateBytes {
            node: "count".into(),
            subtask: 0,
            part: StatePart::Operator,
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn written_checkpoints_read_back_and_only_the_newest_stay() {
        let dir = temp_dir("retain");
        for id in 1..=4 {
            write(&dir, &mut metadata(id), &[state(&[id as u8; 3])]).unwrap();
        }
        retain(&dir, 2);
        let restore = load(&dir, &RestoreFrom::Latest).unwrap();
        assert_eq!(restore.id(), 4);
        assert_eq!(
            restore.states_of("count", StatePart::Operator),
            [(0, &[4u8, 4, 4][..])]
        );
        assert_eq!(load(&dir, &RestoreFrom::Id(3)).unwrap().id(), 3);
        let gone = load(&dir, &RestoreFrom::Id(1)).unwrap_err();
        assert!(
            gone.contains("no checkpoint 1") && gone.contains("4, 3"),
            "{gone}"
        );
        assert_eq!(highest_id(&dir), 4);
    }

    #[test]
    fn broken_checkpoints_are_skipped_with_their_reason() {
        let dir = temp_dir("broken");
        write(&dir, &mut metadata(1), &[state(b"one")]).unwrap();
        let two = write(&dir, &mut metadata(2), &[state(b"two")]).unwrap();
        let three = write(&dir, &mut metadata(3), &[state(b"three")]).unwrap();
        std::fs::create_dir(dir.join("chk-4")).unwrap();
        // chk-3's metadata is cut short; chk-2 lost its state file.
        let text = std::fs::read_to_string(three.join(METADATA)).unwrap();
        std::fs::write(three.join(METADATA), &text[..text.len() / 2]).unwrap();
        let file = &load(&dir, &RestoreFrom::Id(1)).unwrap().metadata.files[0].file;
        std::fs::remove_file(two.join(file)).unwrap();
        let restore = load(&dir, &RestoreFrom::Latest).unwrap();
        assert_eq!(restore.id(), 1);
        let skipped = restore.skipped.join("\n");
        assert!(skipped.contains("chk-4 has no _metadata"), "{skipped}");
        assert!(skipped.contains("truncated or corrupt"), "{skipped}");
        assert!(
            skipped.contains("lacks the state of node `count`"),
            "{skipped}"
        );
        // A state file cut short is named too.
        let one = checkpoint_path(&dir, 1);
        std::fs::write(one.join(file), b"on").unwrap();
        let e = load(&dir, &RestoreFrom::Id(1)).unwrap_err();
        assert!(e.contains("2 bytes where _metadata says 3"), "{e}");
    }

    #[test]
    fn empty_and_missing_folders_say_so() {
        let dir = temp_dir("empty");
        let e = load(&dir, &RestoreFrom::Latest).unwrap_err();
        assert!(e.contains("holds no checkpoint"), "{e}");
        let e = load(&dir.join("nope"), &RestoreFrom::Latest).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
        let e = load(&dir, &RestoreFrom::Path(dir.join("x"))).unwrap_err();
        assert!(e.contains("is not a checkpoint folder"), "{e}");
    }
}
