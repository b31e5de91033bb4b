//! Checkpoints through the command line: a process killed outright goes on from its last
//! checkpoint with `--restore latest` and writes exactly the rows of a run never killed; a
//! first Ctrl-C stops after a final checkpoint; broken checkpoints are named, never a panic.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// Paced at 1,500 rows/s, the first run lasts 20 s: longer than any wait here, so it is still
/// running when the test stops it however slowly a busy disk lets checkpoints complete.
const ROWS: u64 = 30_000;

/// A paced bounded source of `ROWS` numbers into `out.csv`, taking a checkpoint every 100 ms.
fn slow_pipeline(dir: &TempDir, name: &str) -> std::path::PathBuf {
    pipeline(dir, name, "rows_per_second: 1500")
}

/// The same pipeline unpaced: a restore may change the rate, and the rest of the rows then
/// take a moment instead of the seconds they would paced.
fn fast_pipeline(dir: &TempDir, name: &str) -> std::path::PathBuf {
    pipeline(dir, name, "rows_per_second: None")
}

fn pipeline(dir: &TempDir, name: &str, rate: &str) -> std::path::PathBuf {
    dir.write(
        "slow.ron",
        &format!(
            r#"(version: 1, name: "{name}", nodes: [
                 (id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: {ROWS}))], {rate})),
                 (id: "sink", kind: FileSink(path: "out.csv")),
               ], edges: [(from: "gen", to: "sink")],
               job: (batch_size: 10, buffer_timeout_ms: 10, checkpoint_interval_ms: 100))"#
        ),
    )
}

fn complete_checkpoints(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().join("_metadata").is_file())
                .count()
        })
        .unwrap_or(0)
}

/// Starts the slow pipeline and waits until `checkpoints` have completed.
fn start_until_checkpoints(dir: &TempDir, file: &Path, checkpoints: usize) -> std::process::Child {
    let chk = dir.path().join("chk");
    let child = streamlab()
        .args(["run", arg(file), "--checkpoint-dir", arg(&chk)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start streamlab");
    let started = Instant::now();
    while complete_checkpoints(&chk) < checkpoints && started.elapsed() < TIMEOUT {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        complete_checkpoints(&chk) >= checkpoints,
        "no checkpoint was taken"
    );
    child
}

/// `n\n1\n2\n…` up to `ROWS`: what a run never stopped writes.
fn every_row() -> String {
    let mut text = String::from("n\n");
    for n in 1..=ROWS {
        text.push_str(&format!("{n}\n"));
    }
    text
}

fn hidden_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn a_killed_run_restored_from_its_latest_checkpoint_writes_every_row_once() {
    let dir = TempDir::new("a_killed_run_restored");
    let file = slow_pipeline(&dir, "killed");
    let mut child = start_until_checkpoints(&dir, &file, 3);
    child.kill().unwrap();
    child.wait().unwrap();
    // What was committed before the kill is a prefix of the rows, each once.
    let committed = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(every_row().starts_with(&committed), "{committed}");
    let file = fast_pipeline(&dir, "killed");
    let chk = dir.path().join("chk");
    let run = run_in(
        Some(dir.path()),
        &[
            "run",
            arg(&file),
            "--checkpoint-dir",
            arg(&chk),
            "--restore",
            "latest",
        ],
    );
    run.assert_code(0).assert_stderr_has("restoring checkpoint");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.csv")).unwrap(),
        every_row()
    );
    assert!(
        hidden_files(dir.path()).is_empty(),
        "{:?}",
        hidden_files(dir.path())
    );
}

#[test]
fn a_first_ctrl_c_stops_after_a_final_checkpoint_that_a_restore_goes_on_from() {
    let dir = TempDir::new("a_first_ctrl_c_stops_after_a_checkpoint");
    let file = slow_pipeline(&dir, "interrupted");
    let child = start_until_checkpoints(&dir, &file, 1);
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = wait_for(child, "run slow.ron (interrupted)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("stopping after a final checkpoint"),
        "{stderr}"
    );
    assert!(stderr.contains("rows of checkpoint"), "{stderr}");
    let file = fast_pipeline(&dir, "interrupted");
    let chk = dir.path().join("chk");
    run_in(
        Some(dir.path()),
        &[
            "run",
            arg(&file),
            "--checkpoint-dir",
            arg(&chk),
            "--restore",
            "latest",
        ],
    )
    .assert_code(0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.csv")).unwrap(),
        every_row()
    );
}

#[test]
fn broken_checkpoints_are_named_and_the_one_before_is_used() {
    let dir = TempDir::new("broken_checkpoints_are_named");
    let file = slow_pipeline(&dir, "broken");
    let chk = dir.path().join("chk");
    let restore = |which: &str| {
        run_in(
            Some(dir.path()),
            &[
                "run",
                arg(&file),
                "--checkpoint-dir",
                arg(&chk),
                "--restore",
                which,
                "--duration",
                "50ms",
            ],
        )
    };
    // An empty folder, and one that is not there.
    std::fs::create_dir_all(&chk).unwrap();
    restore("latest").assert_stderr_has("holds no checkpoint");
    restore("7").assert_stderr_has("there is no checkpoint 7");
    run_in(
        Some(dir.path()),
        &["run", arg(&file), "--restore", "latest"],
    )
    .assert_code(1)
    .assert_stderr_has("needs --checkpoint-dir");

    let mut child = start_until_checkpoints(&dir, &file, 3);
    child.kill().unwrap();
    child.wait().unwrap();
    let mut ids: Vec<u64> = std::fs::read_dir(&chk)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("_metadata").is_file())
        .filter_map(|e| e.file_name().to_str()?.strip_prefix("chk-")?.parse().ok())
        .collect();
    ids.sort();
    let newest = chk.join(format!("chk-{}", ids[ids.len() - 1]));
    let before = ids[ids.len() - 2];
    // The newest has its metadata cut short: the one before is used, and the newest named.
    let text = std::fs::read_to_string(newest.join("_metadata")).unwrap();
    std::fs::write(newest.join("_metadata"), &text[..text.len() / 3]).unwrap();
    let run = restore("latest");
    run.assert_code(0)
        .assert_stderr_has("truncated or corrupt")
        .assert_stderr_has(&format!("restoring checkpoint {before}"));
    assert!(!run.stderr.contains("panicked"), "{}", run.dump());
    // Asked for by number, the broken one is an error.
    let id = ids[ids.len() - 1].to_string();
    restore(&id)
        .assert_code(1)
        .assert_stderr_has("truncated or corrupt");
    // A state file gone.
    let older = chk.join(format!("chk-{before}"));
    let state = std::fs::read_dir(&older)
        .unwrap()
        .flatten()
        .find(|e| e.file_name() != "_metadata")
        .unwrap();
    std::fs::remove_file(state.path()).unwrap();
    restore(&before.to_string())
        .assert_code(1)
        .assert_stderr_has("lacks the state of node `gen`");
    // A checkpoint of another pipeline (the runs above went on writing good ones).
    let other = slow_pipeline(&dir, "another");
    let run = run_in(
        Some(dir.path()),
        &[
            "run",
            arg(&other),
            "--checkpoint-dir",
            arg(&chk),
            "--restore",
            "latest",
        ],
    );
    run.assert_code(1)
        .assert_stderr_has("is of pipeline `broken`, not of `another`");
}
