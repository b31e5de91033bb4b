//! Exactly-once recovery: jobs that fail on purpose at seeded random points, restart from
//! their last checkpoint and still commit exactly the rows of a run that never failed.

use std::path::{Path, PathBuf};

use engine::checkpoint::{CheckpointOptions, CheckpointStatus, RestoreFrom, load};
use engine::spec::parse;
use engine::{JobHandle, JobStatus, PipelineSpec, RunOptions};

/// A fresh folder for one test case.
fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("streamlab-recovery-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Datagen rows through a filter and a map into a file: no state but the source's place.
fn stateless(parallelism: u32, job: &str) -> String {
    format!(
        r#"(
  version: 1,
  name: "stateless",
  nodes: [
    (id: "gen", kind: Datagen(
      fields: [
        (name: "id", type: Int64, kind: Sequence(start: 1, end: 6000)),
        (name: "v", type: Int64, kind: Random(min: 0, max: 100)),
        (name: "label", type: Utf8, kind: Random(length: 6)),
      ],
      rows_per_second: 30000,
      seed: 7,
    ), parallelism: {parallelism}),
    (id: "keep", kind: Filter(condition: "v > 30"), parallelism: {parallelism}),
    (id: "double", kind: Map(columns: ["id", "v * 2 AS w", "label"]), parallelism: {parallelism}),
    (id: "out", kind: FileSink(path: "out.csv", format: Csv)),
  ],
  edges: [
    (from: "gen", to: "keep"),
    (from: "keep", to: "double"),
    (from: "double", to: "out"),
  ],
  job: (batch_size: 64, {job}),
)"#
    )
}

/// The sorted lines of a file; the header stays first.
fn sorted_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.len() > 1 {
        lines[1..].sort();
    }
    lines
}

/// Runs `spec` in `dir` to its end, with checkpoints in `dir/chk` when asked.
fn run(spec: &PipelineSpec, dir: &Path, checkpoints: Option<CheckpointOptions>) -> JobStatus {
    let options = RunOptions {
        base_dir: dir.to_path_buf(),
        checkpoints,
        ..Default::default()
    };
    let job = JobHandle::start(spec, options).unwrap_or_else(|e| panic!("{e}"));
    let monitor = job.monitor();
    match job.wait() {
        Ok(summary) => {
            assert!(!summary.stopped);
            monitor.status()
        }
        Err(e) => panic!(
            "the job failed: {e}\nits failures: {:?}",
            monitor.failures()
        ),
    }
}

fn checkpoints_in(dir: &Path) -> CheckpointOptions {
    CheckpointOptions {
        dir: dir.join("chk"),
        ..Default::default()
    }
}

/// The output of a run that never fails, and takes no checkpoints.
fn clean_output(text: &str, name: &str) -> Vec<String> {
    let dir = temp_dir(&format!("{name}-clean"));
    run(&parse(text).unwrap(), &dir, None);
    sorted_lines(&dir.join("out.csv"))
}

#[test]
fn a_stateless_job_that_fails_up_to_five_times_commits_every_row_once() {
    for parallelism in [1, 2] {
        let expected = clean_output(&stateless(parallelism, ""), "stateless");
        assert!(expected.len() > 3000, "{}", expected.len());
        for failures in 1..=5u32 {
            let job = format!(
                "checkpoint_interval_ms: 20, restart: FixedDelay(attempts: 10, delay_ms: 0), \
                 inject_failure: (node: \"double\", after_rows: 2500, times: {failures}, \
                 seed: {failures})"
            );
            let spec = parse(&stateless(parallelism, &job)).unwrap();
            let dir = temp_dir(&format!("stateless-{parallelism}-{failures}"));
            let job = JobHandle::start(
                &spec,
                RunOptions {
                    base_dir: dir.clone(),
                    checkpoints: Some(checkpoints_in(&dir)),
                    ..Default::default()
                },
            )
            .unwrap();
            let monitor = job.monitor();
            let summary = job.wait().unwrap_or_else(|e| panic!("{e}"));
            // A failure point past the rows left after a restore is never reached.
            assert!(
                (1..=failures).contains(&summary.restarts),
                "p{parallelism}: {} restarts for {failures} failures",
                summary.restarts
            );
            assert_eq!(monitor.failures().len(), summary.restarts as usize);
            assert!(
                monitor
                    .checkpoints()
                    .iter()
                    .any(|c| c.status == CheckpointStatus::Completed),
                "p{parallelism} with {failures} failures took no checkpoint"
            );
            assert_eq!(
                sorted_lines(&dir.join("out.csv")),
                expected,
                "p{parallelism} with {failures} failures"
            );
            // No part file is left behind.
            let left: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.'))
                .collect();
            assert!(left.is_empty(), "{left:?}");
        }
    }
}

#[test]
fn without_a_restart_strategy_the_injected_failure_fails_the_job() {
    let job = "inject_failure: (node: \"keep\", after_rows: 100)";
    let spec = parse(&stateless(1, job)).unwrap();
    let dir = temp_dir("no-restart");
    let handle = JobHandle::start(
        &spec,
        RunOptions {
            base_dir: dir.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    let e = handle.wait().unwrap_err().to_string();
    assert!(
        e.contains("`keep`") && e.contains("injected failure 1 of 1 after 100 rows"),
        "{e}"
    );
    assert!(
        !dir.join("out.csv").exists(),
        "a failed job publishes nothing"
    );
}

#[test]
fn a_stop_with_a_checkpoint_then_a_restore_gives_the_rows_of_one_run() {
    let text = stateless(1, "");
    let expected = clean_output(&text, "savepoint");
    let spec = parse(&text).unwrap();
    let dir = temp_dir("savepoint");
    let job = JobHandle::start(
        &spec,
        RunOptions {
            base_dir: dir.clone(),
            checkpoints: Some(checkpoints_in(&dir)),
            ..Default::default()
        },
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(60));
    let id = job.stop_with_checkpoint().unwrap();
    let summary = job.wait().unwrap();
    assert!(summary.stopped);
    let committed = sorted_lines(&dir.join("out.csv"));
    assert!(
        committed.len() > 1 && committed.len() < expected.len(),
        "{} of {}",
        committed.len(),
        expected.len()
    );
    assert_eq!(summary.files[0].checkpoint, Some(id));
    let restore = load(&dir.join("chk"), &RestoreFrom::Latest).unwrap();
    assert_eq!(restore.id(), id);
    let status = run(
        &spec,
        &dir,
        Some(CheckpointOptions {
            restore: Some(restore),
            ..checkpoints_in(&dir)
        }),
    );
    assert_eq!(status, JobStatus::Finished);
    assert_eq!(sorted_lines(&dir.join("out.csv")), expected);
}
