//! A file written beside its target under a hidden name of its own and published by one
//! rename, so readers see the previous file or the complete new one, never a part.
//!
//! The staging name holds the process id and a counter (`.out.csv.4711-3.inprogress`): two
//! sinks, or two runs, writing the same target never share one. Staging files of processes
//! that no longer run (killed without a chance to clean up) are removed when the target is
//! next written, and [`remove_all_staged`] lets a process that must exit at once remove its
//! own.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Staging files of this process not yet published or removed.
static STAGED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
static NEXT: AtomicU64 = AtomicU64::new(0);

fn registry<T>(f: impl FnOnce(&mut HashSet<PathBuf>) -> T) -> T {
    let mut guard = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(HashSet::new))
}

/// Removes every staging file of this process: for a process about to exit at once (a second
/// Ctrl-C), so it leaves no partial file behind.
pub fn remove_all_staged() {
    registry(|staged| {
        for path in staged.drain() {
            let _ = std::fs::remove_file(path);
        }
    });
}

/// What kind of thing is at a path a sink would replace, if it is not a regular file.
fn not_a_regular_file(path: &Path) -> Option<&'static str> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    Some(if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "a device, pipe or socket"
    })
}

/// Refuses a target that is anything but a regular file or nothing: a sink must never turn
/// a device, a pipe or a link into a regular file.
pub fn check_target(path: &Path) -> std::io::Result<()> {
    match not_a_regular_file(path) {
        None => Ok(()),
        Some(what) => Err(std::io::Error::other(format!(
            "it is {what}, not a regular file; a file sink writes only regular files"
        ))),
    }
}

/// `dir/out.csv` → `.out.csv.`, the start of every staging name of that target.
fn staging_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    format!(".{name}.")
}

/// Removes staging files of `target` left by processes that no longer run.
fn remove_stale(target: &Path) {
    let Some(dir) = target.parent() else { return };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    // Without /proc there is no telling whether a process runs: leave the files.
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = staging_prefix(target);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(rest) = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".inprogress"))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A staging file for one target. Dropped unpublished, it removes itself.
#[derive(Debug)]
pub struct StagedFile {
    target: PathBuf,
    staging: PathBuf,
    published: bool,
}

impl StagedFile {
    /// Creates the staging file for `target` (whose folder must exist).
    pub fn create(target: &Path) -> std::io::Result<(StagedFile, File)> {
        check_target(target)?;
        remove_stale(target);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let staging = target.with_file_name(format!(
            "{}{}-{n}.inprogress",
            staging_prefix(target),
            std::process::id()
        ));
        // `create_new` never opens what is already there, a link included.
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&staging)?;
        registry(|staged| staged.insert(staging.clone()));
        Ok((
            StagedFile {
                target: target.to_path_buf(),
                staging,
                published: false,
            },
            file,
        ))
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The hidden name the file is written under.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Makes the written file durable and moves it to `to` (the target, or a name beside it)
    /// in one rename. `file` is the staging file, fully written. On failure the staging file
    /// is removed and whatever was at `to` stays as it was.
    pub fn publish(mut self, file: File, to: &Path) -> std::io::Result<()> {
        let result = file
            .sync_all()
            .and_then(|()| check_target(to))
            .and_then(|()| std::fs::rename(&self.staging, to));
        drop(file);
        result?;
        self.published = true;
        registry(|staged| staged.remove(&self.staging));
        // The rename itself is durable once the folder is synced.
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(dir) = File::open(dir)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_file(&self.staging);
            registry(|staged| staged.remove(&self.staging));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("streamlab-staged-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn two_writers_of_one_target_never_mix() {
        let dir = temp_dir("two");
        let target = dir.join("out.csv");
        let (a, mut fa) = StagedFile::create(&target).unwrap();
        let (b, mut fb) = StagedFile::create(&target).unwrap();
        fa.write_all(b"a\n1\n").unwrap();
        fb.write_all(b"{\"b\": 2}\n").unwrap();
        a.publish(fa, &target).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "a\n1\n");
        b.publish(fb, &target).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "{\"b\": 2}\n");
        assert_eq!(files_in(&dir), ["out.csv"]);
    }

    #[test]
    fn an_unpublished_file_goes_and_the_target_stays() {
        let dir = temp_dir("drop");
        let target = dir.join("out.csv");
        std::fs::write(&target, "old\n").unwrap();
        let (staged, mut file) = StagedFile::create(&target).unwrap();
        file.write_all(b"partial").unwrap();
        drop(staged);
        assert_eq!(files_in(&dir), ["out.csv"]);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
    }

    #[test]
    fn links_devices_and_folders_are_refused() {
        let dir = temp_dir("kinds");
        std::fs::write(dir.join("real.csv"), "keep\n").unwrap();
        std::os::unix::fs::symlink(dir.join("real.csv"), dir.join("link.csv")).unwrap();
        std::fs::create_dir(dir.join("folder.csv")).unwrap();
        for (name, what) in [("link.csv", "symbolic link"), ("folder.csv", "folder")] {
            let e = StagedFile::create(&dir.join(name)).unwrap_err();
            assert!(e.to_string().contains(what), "{name}: {e}");
        }
        let e = StagedFile::create(Path::new("/dev/null")).unwrap_err();
        assert!(e.to_string().contains("device"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join("real.csv")).unwrap(),
            "keep\n"
        );
        // A link put in place while the file was written is not replaced either.
        let target = dir.join("late.csv");
        let (staged, file) = StagedFile::create(&target).unwrap();
        std::os::unix::fs::symlink(dir.join("real.csv"), &target).unwrap();
        assert!(staged.publish(file, &target).is_err());
        assert!(
            std::fs::symlink_metadata(&target)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            files_in(&dir),
            ["folder.csv", "late.csv", "link.csv", "real.csv"]
        );
    }

    #[test]
    fn staging_files_of_dead_processes_are_removed() {
        let dir = temp_dir("stale");
        let target = dir.join("out.csv");
        // No process has pid 4294967; the live one is this process's own.
        std::fs::write(dir.join(".out.csv.4294967-0.inprogress"), "stale").unwrap();
        let (staged, file) = StagedFile::create(&target).unwrap();
        assert_eq!(files_in(&dir).len(), 1, "{:?}", files_in(&dir));
        staged.publish(file, &target).unwrap();
        assert_eq!(files_in(&dir), ["out.csv"]);
    }
}
