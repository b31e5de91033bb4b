//! Redis Streams as a source and a sink, against a `redis-server` each test starts for
//! itself: rows round-trip, reading starts where asked, bad entries are skipped and named,
//! a restore resumes exactly, failures and a server restart leave the output of a run that
//! never failed, and an unreachable server is a warning before the run and an error naming
//! the node and address during it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use engine::checkpoint::CheckpointOptions;
use engine::operators::ConsoleCapture;
use engine::spec::parse;
use engine::validate::{PROBE_TIMEOUT, check_servers, server_urls};
use engine::{JobError, JobHandle, JobSummary, PipelineSpec, RunOptions};
use streamlab_tests::redis_server::{RedisServer, free_port};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "streamlab-redis-test-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    summary: Result<JobSummary, JobError>,
    console: Vec<String>,
}

/// Runs `spec` in `dir` to its end, with checkpoints in `dir/chk` when `checkpointed`.
fn run(spec: &PipelineSpec, dir: &Path, checkpointed: bool) -> Run {
    let console = Arc::new(ConsoleCapture::new(100_000));
    let options = RunOptions {
        base_dir: dir.to_path_buf(),
        console: console.clone(),
        checkpoints: checkpointed.then(|| CheckpointOptions {
            dir: dir.join("chk"),
            ..Default::default()
        }),
        ..Default::default()
    };
    let job = JobHandle::start(spec, options).unwrap_or_else(|e| panic!("{e}"));
    Run {
        summary: job.wait(),
        console: console.lines(),
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

/// `count` JSON rows `{"id": i, "v": (i * 37) % 101}`.
fn numbers(count: u64) -> Vec<String> {
    (1..=count)
        .map(|i| format!(r#"{{"id":{i},"v":{}}}"#, (i * 37) % 101))
        .collect()
}

const NUMBER_SCHEMA: &str = r#"[(name: "id", type: Int64), (name: "v", type: Int64)]"#;

#[test]
fn rows_written_to_a_stream_read_back_as_they_were() {
    let Some(server) = RedisServer::start("round-trip") else {
        return;
    };
    let url = server.url();
    let dir = temp_dir("round-trip");
    let write = parse(&format!(
        r#"(version: 1, name: "write",
  nodes: [
    (id: "gen", kind: Datagen(fields: [
      (name: "id", type: Int64, kind: Sequence(start: 1, end: 2000)),
      (name: "label", type: Utf8, kind: Random(length: 5)),
      (name: "price", type: Float64, kind: Random(min: 0, max: 10, null_rate: 0.1)),
    ], rows_per_second: None, seed: 4)),
    (id: "out", kind: RedisSink(url: "{url}", stream: "rows")),
  ],
  edges: [(from: "gen", to: "out")])"#
    ))
    .unwrap();
    run(&write, &dir, false).summary.unwrap();
    let payloads = server.payloads("rows");
    assert_eq!(payloads.len(), 2000);
    assert!(
        payloads[0].starts_with(r#"{"id":1,"label":""#),
        "{}",
        payloads[0]
    );
    let read = parse(&format!(
        r#"(version: 1, name: "read",
  nodes: [
    (id: "rows", kind: RedisSource(url: "{url}", stream: "rows", bounded: true, schema: [
      (name: "id", type: Int64), (name: "label", type: Utf8), (name: "price", type: Float64),
    ])),
    (id: "out", kind: FileSink(path: "out.jsonl", format: JsonLines)),
  ],
  edges: [(from: "rows", to: "out")])"#
    ))
    .unwrap();
    let summary = run(&read, &dir, false).summary.unwrap();
    assert_eq!(summary.records_in, 2000);
    // The file sink writes JSON as the stream sink does: the same text, row for row.
    let written = lines(&dir.join("out.jsonl"));
    assert_eq!(written.len(), payloads.len());
    for (file, stream) in written.iter().zip(&payloads) {
        assert_eq!(file, stream);
    }
}

/// A bounded source over `stream` with `start`, through `extra` settings, into out.csv.
fn reader(url: &str, stream: &str, start: &str, extra: &str, job: &str) -> PipelineSpec {
    parse(&format!(
        r#"(version: 1, name: "reader",
  nodes: [
    (id: "in", kind: RedisSource(url: "{url}", stream: "{stream}", start: {start},
      bounded: true, schema: {NUMBER_SCHEMA}{extra})),
    (id: "out", kind: FileSink(path: "out.csv")),
  ],
  edges: [(from: "in", to: "out")],
  job: ({job}))"#
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn reading_starts_at_the_beginning_an_id_or_a_time() {
    let Some(server) = RedisServer::start("starts") else {
        return;
    };
    let mut c = server.connection();
    for s in 1..=5u64 {
        let _: String = redis::cmd("XADD")
            .arg("timed")
            .arg(format!("{}-0", s * 1000))
            .arg("data")
            .arg(format!(r#"{{"id":{s},"v":0}}"#))
            .query(&mut c)
            .unwrap();
    }
    let dir = temp_dir("starts");
    let ids = |start: &str, extra: &str| {
        let spec = reader(&server.url(), "timed", start, extra, "");
        run(&spec, &dir, false).summary.unwrap();
        lines(&dir.join("out.csv"))
    };
    assert_eq!(ids("Beginning", "").len(), 6);
    assert_eq!(ids(r#"AtId("3000-0")"#, ""), ["id,v", "3,0", "4,0", "5,0"]);
    assert_eq!(ids(r#"AtId("2999")"#, ""), ["id,v", "3,0", "4,0", "5,0"]);
    assert_eq!(
        ids(r#"AtTime("1970-01-01 00:00:04")"#, ""),
        ["id,v", "4,0", "5,0"]
    );
    // The time Redis gave each entry, as a column.
    assert_eq!(
        ids(r#"AtId("5000")"#, r#", entry_time_column: "added""#),
        ["id,v,added", "5,0,1970-01-01 00:00:05.000"]
    );
}

#[test]
fn a_source_of_new_entries_only_reads_those_added_after_it_started() {
    let Some(server) = RedisServer::start("new-only") else {
        return;
    };
    server.add("live", &numbers(5));
    let dir = temp_dir("new-only");
    let spec = parse(&format!(
        r#"(version: 1, name: "live",
  nodes: [
    (id: "in", kind: RedisSource(url: "{}", stream: "live", start: NewOnly,
      schema: {NUMBER_SCHEMA})),
    (id: "out", kind: FileSink(path: "out.csv")),
  ],
  edges: [(from: "in", to: "out")],
  job: (buffer_timeout_ms: 10))"#,
        server.url()
    ))
    .unwrap();
    let job = JobHandle::start(
        &spec,
        RunOptions {
            base_dir: dir.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    let monitor = job.monitor();
    let read = || {
        monitor
            .metrics()
            .iter()
            .find(|n| n.id == "in")
            .map_or(0, |n| n.records_out)
    };
    // The source notes the stream's end when it first polls, at once; give it time to.
    std::thread::sleep(Duration::from_millis(300));
    let added: Vec<String> = (100..103)
        .map(|i| format!(r#"{{"id":{i},"v":1}}"#))
        .collect();
    server.add("live", &added);
    let deadline = Instant::now() + Duration::from_secs(10);
    while read() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    job.stop();
    job.wait().unwrap();
    assert_eq!(
        lines(&dir.join("out.csv")),
        ["id,v", "100,1", "101,1", "102,1"]
    );
}

#[test]
fn entries_that_do_not_decode_are_skipped_counted_and_named() {
    let Some(server) = RedisServer::start("malformed") else {
        return;
    };
    let good = server.add("mixed", &[r#"{"id":1,"v":2}"#.into()]);
    let bad_json = server.add("mixed", &["{not json".into()]);
    let bad_type = server.add("mixed", &[r#"{"id":"seven","v":2}"#.into()]);
    let mut c = server.connection();
    let no_field: String = redis::cmd("XADD")
        .arg("mixed")
        .arg("*")
        .arg("other")
        .arg("x")
        .query(&mut c)
        .unwrap();
    let last = server.add("mixed", &[r#"{"id":3,"v":4}"#.into()]);
    let dir = temp_dir("malformed");
    let result = run(
        &reader(&server.url(), "mixed", "Beginning", "", ""),
        &dir,
        false,
    );
    let summary = result.summary.unwrap();
    assert_eq!(summary.records_in, 2);
    assert_eq!(lines(&dir.join("out.csv")), ["id,v", "1,2", "3,4"]);
    let skipped: Vec<&String> = result
        .console
        .iter()
        .filter(|l| l.contains("skipped entry"))
        .collect();
    assert_eq!(skipped.len(), 3, "{:?}", result.console);
    assert!(skipped[0].contains(&bad_json[0]) && skipped[0].contains("not a JSON object"));
    assert!(skipped[1].contains(&bad_type[0]) && skipped[1].contains("column `id`"));
    assert!(skipped[2].contains(&no_field) && skipped[2].contains("no field `data`"));
    assert!(skipped[2].contains("3 skipped so far"), "{}", skipped[2]);
    assert!(skipped.iter().all(|l| l.starts_with("in: ")));
    drop((good, last));
}

/// Filtered and doubled numbers from stream `in` to stream `out`.
fn relay(url: &str, out: &str, job: &str) -> PipelineSpec {
    parse(&format!(
        r#"(version: 1, name: "relay",
  nodes: [
    (id: "in", kind: RedisSource(url: "{url}", stream: "in", bounded: true,
      schema: {NUMBER_SCHEMA}, retry_for_ms: 20000)),
    (id: "keep", kind: Filter(condition: "v % 3 <> 0")),
    (id: "double", kind: Map(columns: ["id", "v * 2 AS w"])),
    (id: "pace", kind: Throttle(rows_per_second: 20000)),
    (id: "out", kind: RedisSink(url: "{url}", stream: "{out}", retry_for_ms: 20000)),
  ],
  edges: [(from: "in", to: "keep"), (from: "keep", to: "double"), (from: "double", to: "pace"),
    (from: "pace", to: "out")],
  job: (batch_size: 64, {job}))"#
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn failures_through_the_stream_leave_exactly_the_rows_of_a_run_that_never_failed() {
    let Some(server) = RedisServer::start("exactly-once") else {
        return;
    };
    server.add("in", &numbers(6000));
    let url = server.url();
    run(&relay(&url, "clean", ""), &temp_dir("clean"), false)
        .summary
        .unwrap();
    let expected = server.payloads("clean");
    let kept: Vec<String> = (1..=6000u64)
        .map(|i| (i, (i * 37) % 101))
        .filter(|(_, v)| v % 3 != 0)
        .map(|(i, v)| format!(r#"{{"id":{i},"w":{}}}"#, v * 2))
        .collect();
    assert_eq!(expected, kept);
    for (node, failures) in [("double", 1), ("double", 3), ("out", 2), ("keep", 2)] {
        let out = format!("out-{node}-{failures}");
        let job = format!(
            "checkpoint_interval_ms: 30, restart: FixedDelay(attempts: 10, delay_ms: 0), \
             inject_failure: (node: \"{node}\", after_rows: 3000, times: {failures}, \
             seed: {failures})"
        );
        let dir = temp_dir(&out);
        let summary = run(&relay(&url, &out, &job), &dir, true).summary.unwrap();
        let case = format!("{failures} failures of `{node}`");
        assert!(summary.restarts >= 1, "{case}: no restart");
        // In order, every row once: what a run that never failed wrote.
        assert_eq!(server.payloads(&out), expected, "{case}");
    }
}

#[test]
fn a_restored_checkpoint_reads_on_from_exactly_the_next_entry() {
    let Some(server) = RedisServer::start("restore") else {
        return;
    };
    // The 8,000 rows kept take 0.4 s at 20,000 a second: the stop comes well before.
    server.add("in", &numbers(12000));
    let url = server.url();
    let dir = temp_dir("restore");
    // Stopped with a checkpoint partway, then restored from it.
    let spec = relay(&url, "resumed", "checkpoint_interval_ms: 50");
    let job = JobHandle::start(
        &spec,
        RunOptions {
            base_dir: dir.clone(),
            checkpoints: Some(CheckpointOptions {
                dir: dir.join("chk"),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(60));
    job.stop_with_checkpoint().unwrap();
    let summary = job.wait().unwrap();
    assert!(summary.stopped);
    let partway = server.payloads("resumed").len();
    let restore =
        engine::checkpoint::load(&dir.join("chk"), &engine::checkpoint::RestoreFrom::Latest)
            .unwrap();
    let described = &restore.metadata.sources;
    assert!(
        format!("{described:?}").contains("of stream `in`"),
        "{described:?}"
    );
    let job = JobHandle::start(
        &spec,
        RunOptions {
            base_dir: dir.clone(),
            checkpoints: Some(CheckpointOptions {
                dir: dir.join("chk"),
                restore: Some(restore),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .unwrap();
    job.wait().unwrap();
    run(&relay(&url, "whole", ""), &temp_dir("restore-whole"), false)
        .summary
        .unwrap();
    let whole = server.payloads("whole");
    assert!(partway < whole.len(), "{partway} of {}", whole.len());
    assert_eq!(server.payloads("resumed"), whole);
}

#[test]
fn a_job_rides_out_a_server_restart_and_still_writes_every_row_once() {
    let Some(mut server) = RedisServer::start_durable("server-restart") else {
        return;
    };
    server.add("in", &numbers(12000));
    let url = server.url();
    run(&relay(&url, "clean", ""), &temp_dir("restart-clean"), false)
        .summary
        .unwrap();
    let expected = server.payloads("clean");
    let dir = temp_dir("server-restart");
    let spec = relay(
        &url,
        "out",
        "checkpoint_interval_ms: 30, restart: FixedDelay(attempts: 10, delay_ms: 100)",
    );
    let console = Arc::new(ConsoleCapture::new(10_000));
    let job = JobHandle::start(
        &spec,
        RunOptions {
            base_dir: dir.clone(),
            console: console.clone(),
            checkpoints: Some(CheckpointOptions {
                dir: dir.join("chk"),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .unwrap();
    // Partway through: the 8,000 rows kept take 0.4 s at 20,000 a second.
    std::thread::sleep(Duration::from_millis(150));
    server.kill();
    std::thread::sleep(Duration::from_millis(500));
    server.restart();
    job.wait().unwrap();
    assert_eq!(server.payloads("out"), expected);
    let said = console.lines();
    assert!(
        said.iter().any(|l| l.contains("does not answer; retrying")),
        "{said:?}"
    );
}

#[test]
fn an_unreachable_server_is_a_warning_before_the_run_and_an_error_naming_it_during() {
    let port = free_port();
    let spec = parse(&format!(
        r#"(version: 1, name: "nowhere",
  nodes: [
    (id: "in", kind: RedisSource(url: "redis://127.0.0.1:{port}", stream: "s",
      schema: {NUMBER_SCHEMA}, retry_for_ms: 300)),
    (id: "out", kind: Blackhole()),
  ],
  edges: [(from: "in", to: "out")])"#
    ))
    .unwrap();
    let started = Instant::now();
    let warnings = check_servers(&server_urls(&spec), PROBE_TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(!warnings[0].is_error());
    assert_eq!(warnings[0].node.as_deref(), Some("in"));
    assert!(
        warnings[0]
            .message
            .starts_with(&format!("Redis at 127.0.0.1:{port} does not answer")),
        "{}",
        warnings[0].message
    );
    let started = Instant::now();
    match run(&spec, &temp_dir("nowhere"), false).summary {
        Err(JobError::Failed { node, message }) => {
            assert_eq!(node, "in");
            assert!(
                message.contains(&format!(
                    "Redis at 127.0.0.1:{port} did not answer for 300 ms"
                )),
                "{message}"
            );
        }
        other => panic!("{:?}", other.map(|s| s.records_in)),
    }
    // Retried with back-off, not given up at the first refusal.
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn a_key_that_is_not_a_stream_fails_the_job_at_once_in_words() {
    let Some(server) = RedisServer::start("wrong-type") else {
        return;
    };
    let mut c = server.connection();
    let _: () = redis::cmd("SET")
        .arg("plain")
        .arg("text")
        .query(&mut c)
        .unwrap();
    let spec = reader(&server.url(), "plain", "Beginning", "", "");
    match run(&spec, &temp_dir("wrong-type"), false).summary {
        Err(JobError::Failed { node, message }) => {
            assert_eq!(node, "in");
            assert!(
                message.starts_with("reading stream `plain`: Redis at 127.0.0.1:")
                    && message.contains("WRONGTYPE"),
                "{message}"
            );
        }
        other => panic!("{:?}", other.map(|s| s.records_in)),
    }
}
