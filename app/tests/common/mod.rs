//! Helpers for the end-to-end tests of the `streamlab` binary: a temporary folder per test,
//! running the binary with a time limit, and reading what it printed and wrote.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// The longest any single invocation may take before the test gives up on it.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A folder of its own for one test, removed when the test ends.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("streamlab-cli-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the test folder");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to `name` (creating folders on the way) and returns the file's path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a folder");
        }
        std::fs::write(&path, text).expect("write a test file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn streamlab() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_streamlab"));
    command.stdin(Stdio::null());
    command
}

/// Waits for `child` for at most `TIMEOUT`, killing it (and failing) if it runs longer.
pub fn wait_for(mut child: Child, what: &str) -> Output {
    let started = Instant::now();
    loop {
        match child.try_wait().expect("poll the child") {
            Some(_) => return child.wait_with_output().expect("collect the output"),
            None if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let output = child.wait_with_output().expect("collect the output");
                panic!(
                    "`streamlab {what}` still ran after {TIMEOUT:?}\nstderr:\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// What one invocation did.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Both streams, for assertion messages.
    pub fn dump(&self) -> String {
        format!(
            "exit: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }

    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code(), Some(code), "{}", self.dump());
        self
    }

    pub fn assert_stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.dump()
        );
        self
    }
}

pub fn run_in(dir: Option<&Path>, args: &[&str]) -> Run {
    run_closing(dir, args, false, false)
}

/// Runs `streamlab args` in `dir`, closing its standard output or error at once if asked,
/// as a reader that has gone (`| true`) does.
pub fn run_closing(
    dir: Option<&Path>,
    args: &[&str],
    close_stdout: bool,
    close_stderr: bool,
) -> Run {
    let mut command = streamlab();
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("start streamlab");
    if close_stdout {
        drop(child.stdout.take());
    }
    if close_stderr {
        drop(child.stderr.take());
    }
    let output = wait_for(child, &args.join(" "));
    Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

pub fn run(args: &[&str]) -> Run {
    run_in(None, args)
}

pub fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// The `--summary-json` file, parsed.
pub fn read_summary(path: &Path) -> serde_json::Value {
    let json = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no summary at {}: {e}", path.display()));
    let value: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"));
    assert!(value.is_object(), "not a JSON object: {json}");
    value
}

/// The number `key` of a JSON object.
pub fn number(json: &serde_json::Value, key: &str) -> f64 {
    json[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key:?} is not a number in {json}"))
}

/// The last line of standard error that starts with `prefix`.
pub fn summary_line<'a>(run: &'a Run, prefix: &str) -> &'a str {
    run.stderr
        .lines()
        .rev()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}\n{}", run.dump()))
}

/// The hidden staging files of file sinks in `dir` (`.out.csv.<pid>-<n>.inprogress`).
pub fn staging_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && n.ends_with(".inprogress"))
                .collect()
        })
        .unwrap_or_default()
}
