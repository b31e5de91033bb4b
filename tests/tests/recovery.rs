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

/// Sensor readings in event time, counted per key in 200 ms tumbling windows.
fn keyed_windows(parallelism: u32, job: &str) -> String {
    keyed_windows_at(parallelism, parallelism, job)
}

/// The same with the source at `sources` instances and the window at `windows`.
fn keyed_windows_at(sources: u32, windows: u32, job: &str) -> String {
    format!(
        r#"(
  version: 1,
  name: "keyed-windows",
  nodes: [
    (id: "gen", kind: Datagen(
      fields: [
        (name: "id", type: Int64, kind: Sequence(start: 1, end: 6000)),
        (name: "sensor", type: Int64, kind: Random(min: 1, max: 20)),
        (name: "ts", type: Timestamp, kind: Sequence(start: 1700000000000, end: 1700000006000)),
      ],
      rows_per_second: 30000,
      seed: 3,
      event_time: "ts",
      watermark_delay_ms: 50,
    ), parallelism: {sources}),
    (id: "by_sensor", kind: KeyBy(columns: ["sensor"]), parallelism: {sources}),
    (id: "count", kind: Window(
      window: Tumbling(size_ms: 200),
      aggregates: ["COUNT(*) AS n", "SUM(id) AS total"],
    ), parallelism: {windows}),
    (id: "out", kind: FileSink(path: "out.csv", format: Csv)),
  ],
  edges: [
    (from: "gen", to: "by_sensor"),
    (from: "by_sensor", to: "count"),
    (from: "count", to: "out"),
  ],
  job: (batch_size: 64, {job}),
)"#
    )
}

/// Orders and clicks of the same user within 100 ms of each other: an interval join.
fn interval_join(parallelism: u32, job: &str) -> String {
    let source = |id: &str, seed: u32| {
        format!(
            r#"(id: "{id}", kind: Datagen(
      fields: [
        (name: "id", type: Int64, kind: Sequence(start: 1, end: 4000)),
        (name: "user", type: Int64, kind: Random(min: 1, max: 50)),
        (name: "ts", type: Timestamp, kind: Sequence(start: 1700000000000, end: 1700000004000)),
      ],
      rows_per_second: 20000,
      seed: {seed},
      event_time: "ts",
      watermark_delay_ms: 50,
    ), parallelism: {parallelism})"#
        )
    };
    format!(
        r#"(
  version: 1,
  name: "interval-join",
  nodes: [
    {},
    {},
    (id: "orders_by_user", kind: KeyBy(columns: ["user"]), parallelism: {parallelism}),
    (id: "clicks_by_user", kind: KeyBy(columns: ["user"]), parallelism: {parallelism}),
    (id: "match", kind: Join(
      kind: Interval(before_ms: 100, after_ms: 100),
      join_type: LeftOuter,
      keys: [(left: "user", right: "user")],
    ), parallelism: {parallelism}),
    (id: "out", kind: FileSink(path: "out.csv", format: Csv)),
  ],
  edges: [
    (from: "orders", to: "orders_by_user"),
    (from: "clicks", to: "clicks_by_user"),
    (from: "orders_by_user", to: "match", to_port: "left"),
    (from: "clicks_by_user", to: "match", to_port: "right"),
    (from: "match", to: "out"),
  ],
  job: (batch_size: 64, {job}),
)"#,
        source("orders", 1),
        source("clicks", 2)
    )
}

/// The first checkpoint in `dir/chk`: the one the refusals above were about.
fn plan_id(dir: &Path) -> u64 {
    std::fs::read_dir(dir.join("chk"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("_metadata").is_file())
        .filter_map(|e| e.file_name().to_str()?.strip_prefix("chk-")?.parse().ok())
        .min()
        .unwrap()
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

/// Starts `spec` in `dir` with checkpoints in `dir/chk`.
fn start_checkpointed(spec: &PipelineSpec, dir: &Path) -> JobHandle {
    JobHandle::start(
        spec,
        RunOptions {
            base_dir: dir.to_path_buf(),
            checkpoints: Some(checkpoints_in(dir)),
            ..Default::default()
        },
    )
    .unwrap()
}

/// The output of a run that never fails, and takes no checkpoints.
fn clean_output(text: &str, name: &str) -> Vec<String> {
    let dir = temp_dir(&format!("{name}-clean"));
    run(&parse(text).unwrap(), &dir, None);
    sorted_lines(&dir.join("out.csv"))
}

/// Runs `pipeline` failing 1 to 5 times at seeded random points of node `node`, at
/// parallelism 1 and 2: every run commits exactly the rows of one that never failed.
fn survives_failures(name: &str, pipeline: fn(u32, &str) -> String, node: &str, within: u64) {
    for parallelism in [1, 2] {
        let expected = clean_output(&pipeline(parallelism, ""), name);
        assert!(expected.len() > 100, "{name}: {}", expected.len());
        for failures in 1..=5u32 {
            let job = format!(
                "checkpoint_interval_ms: 20, restart: FixedDelay(attempts: 10, delay_ms: 0), \
                 inject_failure: (node: \"{node}\", after_rows: {within}, times: {failures}, \
                 seed: {failures})"
            );
            let spec = parse(&pipeline(parallelism, &job)).unwrap();
            let dir = temp_dir(&format!("{name}-{parallelism}-{failures}"));
            let job = start_checkpointed(&spec, &dir);
            let monitor = job.monitor();
            let summary = job.wait().unwrap_or_else(|e| panic!("{name}: {e}"));
            let case = format!("{name} at p{parallelism} with {failures} failures");
            // A failure point past the rows left after a restore is never reached.
            assert!(
                (1..=failures).contains(&summary.restarts),
                "{case}: {} restarts",
                summary.restarts
            );
            assert_eq!(monitor.failures().len(), summary.restarts as usize);
            assert!(
                monitor
                    .checkpoints()
                    .iter()
                    .any(|c| c.status == CheckpointStatus::Completed),
                "{case}: no checkpoint completed"
            );
            assert_eq!(sorted_lines(&dir.join("out.csv")), expected, "{case}");
            // No part file is left behind.
            let left: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.'))
                .collect();
            assert!(left.is_empty(), "{case}: {left:?}");
        }
    }
}

#[test]
fn a_stateless_job_that_fails_up_to_five_times_commits_every_row_once() {
    survives_failures("stateless", stateless, "double", 2500);
}

#[test]
fn a_keyed_window_job_that_fails_up_to_five_times_commits_every_result_once() {
    survives_failures("windows", keyed_windows, "count", 4000);
}

#[test]
fn an_interval_join_that_fails_up_to_five_times_commits_every_match_once() {
    survives_failures("join", interval_join, "match", 6000);
}

/// Stops `text` with a checkpoint part way, then runs `resumed` from it to the end.
fn stop_and_resume(text: &str, resumed: &str, name: &str) -> Vec<String> {
    let dir = temp_dir(name);
    let job = start_checkpointed(&parse(text).unwrap(), &dir);
    std::thread::sleep(std::time::Duration::from_millis(80));
    job.stop_with_checkpoint().unwrap();
    let summary = job.wait().unwrap();
    assert!(summary.stopped, "{name}: the run ended before the stop");
    let restore = load(&dir.join("chk"), &RestoreFrom::Latest).unwrap();
    run(
        &parse(resumed).unwrap(),
        &dir,
        Some(CheckpointOptions {
            restore: Some(restore),
            ..checkpoints_in(&dir)
        }),
    );
    sorted_lines(&dir.join("out.csv"))
}

#[test]
fn window_state_moves_between_parallelisms() {
    let expected = clean_output(&keyed_windows_at(1, 1, ""), "rescale");
    // Paced to last 0.6 s, so the stop after 80 ms comes before the end on a busy machine.
    let slower = |windows| {
        keyed_windows_at(1, windows, "").replace("rows_per_second: 30000", "rows_per_second: 10000")
    };
    for (from, to) in [(1, 2), (2, 1), (2, 3)] {
        let resumed = stop_and_resume(&slower(from), &slower(to), &format!("rescale-{from}-{to}"));
        assert_eq!(resumed, expected, "from {from} to {to} instances");
    }
}

#[test]
fn a_changed_window_or_source_parallelism_is_refused_by_name() {
    let dir = temp_dir("refused");
    let job = start_checkpointed(&parse(&keyed_windows_at(1, 1, "")).unwrap(), &dir);
    std::thread::sleep(std::time::Duration::from_millis(50));
    job.stop_with_checkpoint().unwrap();
    job.wait().unwrap();
    let start = |text: &str| {
        let restore = load(&dir.join("chk"), &RestoreFrom::Latest).unwrap();
        JobHandle::start(
            &parse(text).unwrap(),
            RunOptions {
                base_dir: dir.clone(),
                checkpoints: Some(CheckpointOptions {
                    restore: Some(restore),
                    ..checkpoints_in(&dir)
                }),
                ..Default::default()
            },
        )
        .map(|_| ())
        .unwrap_err()
        .to_string()
    };
    let wider = keyed_windows_at(1, 1, "").replace("size_ms: 200", "size_ms: 300");
    let e = start(&wider);
    assert!(
        e.contains("`count` (its settings or its input changed)"),
        "{e}"
    );
    let e = start(&keyed_windows_at(2, 1, ""));
    assert!(
        e.contains("`gen` (a source's position cannot move from parallelism 1 to 2)"),
        "{e}"
    );
    // Asked to, the changed window starts empty while the source goes on from its place.
    let restore = load(&dir.join("chk"), &RestoreFrom::Latest).unwrap();
    let plan = engine::checkpoint::restore_plan(
        &restore,
        &parse(&wider).unwrap(),
        &engine::validate::analyze(&parse(&wider).unwrap()),
    )
    .unwrap();
    assert_eq!(plan.kept, ["gen", "out"]);
    assert_eq!(plan.dropped[0].0, "count");
    let status = run(
        &parse(&wider).unwrap(),
        &dir,
        Some(CheckpointOptions {
            restore: Some(restore),
            drop_unmapped: true,
            ..checkpoints_in(&dir)
        }),
    );
    assert_eq!(status, JobStatus::Finished);
    // A restart of that run goes back to the checkpoint as taken up: the window still empty.
    let failing = wider.replace(
        "job: (batch_size: 64, ",
        "job: (batch_size: 64, restart: FixedDelay(attempts: 2, delay_ms: 0), \
         inject_failure: (node: \"count\", after_rows: 10), ",
    );
    assert_ne!(failing, wider);
    let restore = load(&dir.join("chk"), &RestoreFrom::Id(plan_id(&dir))).unwrap();
    let status = run(
        &parse(&failing).unwrap(),
        &dir,
        Some(CheckpointOptions {
            restore: Some(restore),
            drop_unmapped: true,
            ..checkpoints_in(&dir)
        }),
    );
    assert_eq!(status, JobStatus::Finished);
    // A stateless node added on the way keeps every state.
    let filtered = keyed_windows_at(1, 1, "")
        .replace(
            r#"(id: "out","#,
            r#"(id: "busy", kind: Filter(condition: "n > 0")),
    (id: "out","#,
        )
        .replace(
            r#"(from: "count", to: "out")"#,
            r#"(from: "count", to: "busy"), (from: "busy", to: "out")"#,
        );
    let restore = load(&dir.join("chk"), &RestoreFrom::Latest).unwrap();
    let status = run(
        &parse(&filtered).unwrap(),
        &dir,
        Some(CheckpointOptions {
            restore: Some(restore),
            ..checkpoints_in(&dir)
        }),
    );
    assert_eq!(status, JobStatus::Finished);
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
    let job = start_checkpointed(&spec, &dir);
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

#[test]
fn a_checkpoint_while_paused_keeps_the_rows_a_step_held_back() {
    let text = stateless(1, "");
    let expected = clean_output(&text, "paused");
    let spec = parse(&text).unwrap();
    let dir = temp_dir("paused");
    let job = start_checkpointed(&spec, &dir);
    std::thread::sleep(std::time::Duration::from_millis(30));
    job.pause();
    // A step of 10 splits a batch of 64: the rest is held back, after the barrier.
    job.step(10);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let id = job.stop_with_checkpoint().unwrap();
    let summary = job.wait().unwrap();
    assert!(summary.stopped);
    let restore = load(&dir.join("chk"), &RestoreFrom::Latest).unwrap();
    assert_eq!(restore.id(), id, "the checkpoint completed while paused");
    run(
        &spec,
        &dir,
        Some(CheckpointOptions {
            restore: Some(restore),
            ..checkpoints_in(&dir)
        }),
    );
    assert_eq!(sorted_lines(&dir.join("out.csv")), expected);
}

#[test]
fn a_plain_stop_fails_the_checkpoint_in_flight_and_the_latest_restores_exactly() {
    let job = "checkpoint_interval_ms: 15";
    let text = stateless(1, job);
    let expected = clean_output(&stateless(1, ""), "plain-stop");
    let spec = parse(&text).unwrap();
    for round in 0..5u64 {
        let dir = temp_dir(&format!("plain-stop-{round}"));
        let job = start_checkpointed(&spec, &dir);
        // Once one has completed, stop at points that fall in later ones.
        while !job
            .checkpoints()
            .iter()
            .any(|c| c.status == CheckpointStatus::Completed)
        {
            assert!(
                !job.is_finished(),
                "round {round}: no checkpoint before the end"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        std::thread::sleep(std::time::Duration::from_millis(round * 7));
        job.stop();
        assert!(
            job.checkpoint().is_err(),
            "no checkpoint starts once stopping"
        );
        job.wait().unwrap();
        let restore = load(&dir.join("chk"), &RestoreFrom::Latest).unwrap();
        run(
            &spec,
            &dir,
            Some(CheckpointOptions {
                restore: Some(restore),
                ..checkpoints_in(&dir)
            }),
        );
        assert_eq!(
            sorted_lines(&dir.join("out.csv")),
            expected,
            "round {round}"
        );
    }
}

#[test]
fn sinks_of_out_and_out_csv_keep_their_parts_apart() {
    let text = stateless(1, "checkpoint_interval_ms: 15")
        .replace(
            r#"(id: "out", kind: FileSink(path: "out.csv", format: Csv)),"#,
            r#"(id: "out", kind: FileSink(path: "out.csv", format: Csv)),
    (id: "bare", kind: FileSink(path: "out", format: Csv)),"#,
        )
        .replace(
            r#"(from: "double", to: "out"),"#,
            r#"(from: "double", to: "out"), (from: "double", to: "bare"),"#,
        );
    let expected = clean_output(&stateless(1, ""), "two-sinks");
    let dir = temp_dir("two-sinks");
    run(&parse(&text).unwrap(), &dir, Some(checkpoints_in(&dir)));
    assert_eq!(sorted_lines(&dir.join("out.csv")), expected);
    assert_eq!(sorted_lines(&dir.join("out")), expected);
}

#[test]
fn a_stop_with_a_checkpoint_lets_no_row_out_after_its_barrier() {
    let dir = temp_dir("held-for-stop");
    let spec = parse(
        r#"(version: 1, name: "held",
  nodes: [
    (id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 10000000))], rows_per_second: 50000)),
    (id: "out", kind: Blackhole()),
  ],
  edges: [(from: "gen", to: "out")],
  job: (batch_size: 10, buffer_timeout_ms: 5))"#,
    )
    .unwrap();
    let job = start_checkpointed(&spec, &dir);
    std::thread::sleep(std::time::Duration::from_millis(100));
    job.stop_with_checkpoint().unwrap();
    let summary = job.wait().unwrap();
    assert!(summary.stopped);
    let restore = load(&dir.join("chk"), &RestoreFrom::Latest).unwrap();
    let position = &restore.metadata.sources[0].position;
    // The job stops at the checkpoint: the rows it let out are the ones the checkpoint
    // stands for, and a restore goes on from exactly there.
    assert_eq!(
        *position,
        format!("row {}", summary.records_in),
        "{:?}",
        summary
            .nodes
            .iter()
            .map(|n| (&n.id, n.records_in, n.records_out))
            .collect::<Vec<_>>()
    );
}
