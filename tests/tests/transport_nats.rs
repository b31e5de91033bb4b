//! NATS JetStream as a source and a sink, against a `nats-server -js` each test starts for
//! itself: rows round-trip with message ids, reading starts where asked and keeps to its
//! subjects, bad messages are skipped and named, a restore resumes exactly, failures and a
//! server restart leave the output of a run that never failed (also when the stream's
//! duplicate window is too short to drop what a restore publishes again), and an
//! unreachable server is a warning before the run and an error naming the node and address
//! during it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use engine::checkpoint::CheckpointOptions;
use engine::operators::ConsoleCapture;
use engine::spec::parse;
use engine::types::format_timestamp;
use engine::validate::{PROBE_TIMEOUT, check_servers, server_urls};
use engine::{JobError, JobHandle, JobSummary, PipelineSpec, RunOptions};
use streamlab_tests::nats_server::NatsServer;
use streamlab_tests::redis_server::free_port;

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("streamlab-nats-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    summary: Result<JobSummary, JobError>,
    console: Vec<String>,
}

fn options(dir: &Path, checkpointed: bool, console: Arc<ConsoleCapture>) -> RunOptions {
    RunOptions {
        base_dir: dir.to_path_buf(),
        console,
        checkpoints: checkpointed.then(|| CheckpointOptions {
            dir: dir.join("chk"),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Runs `spec` in `dir` to its end, with checkpoints in `dir/chk` when `checkpointed`.
fn run(spec: &PipelineSpec, dir: &Path, checkpointed: bool) -> Run {
    let console = Arc::new(ConsoleCapture::new(100_000));
    let job = JobHandle::start(spec, options(dir, checkpointed, console.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
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

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn rows_published_to_a_stream_read_back_as_they_were() {
    let Some(server) = NatsServer::start("round-trip") else {
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
    (id: "out", kind: NatsSink(url: "{url}", stream: "ROWS", subject: "rows.new")),
  ],
  edges: [(from: "gen", to: "out")])"#
    ))
    .unwrap();
    let written = run(&write, &dir, false);
    written.summary.unwrap();
    // The sink made the stream, and said so.
    assert!(
        written
            .console
            .iter()
            .any(|l| l.contains("made stream `ROWS` for subject `rows.new`")),
        "{:?}",
        written.console
    );
    let messages = server.messages("ROWS");
    assert_eq!(messages.len(), 2000);
    assert!(messages[0].payload.starts_with(r#"{"id":1,"label":""#));
    assert!(messages.iter().all(|m| m.subject == "rows.new"));
    // Every message has an id of its own, for JetStream's de-duplication.
    let mut ids: Vec<&str> = messages.iter().filter_map(|m| m.id.as_deref()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2000);
    let read = parse(&format!(
        r#"(version: 1, name: "read",
  nodes: [
    (id: "rows", kind: NatsSource(url: "{url}", stream: "ROWS", bounded: true, schema: [
      (name: "id", type: Int64), (name: "label", type: Utf8), (name: "price", type: Float64),
    ])),
    (id: "out", kind: FileSink(path: "out.jsonl", format: JsonLines)),
  ],
  edges: [(from: "rows", to: "out")])"#
    ))
    .unwrap();
    let summary = run(&read, &dir, false).summary.unwrap();
    assert_eq!(summary.records_in, 2000);
    let file = lines(&dir.join("out.jsonl"));
    let payloads: Vec<String> = messages.into_iter().map(|m| m.payload).collect();
    assert_eq!(file, payloads);
}

/// A bounded source over `stream` with `start` and `extra` settings, into out.csv.
fn reader(url: &str, stream: &str, start: &str, extra: &str, job: &str) -> PipelineSpec {
    parse(&format!(
        r#"(version: 1, name: "reader",
  nodes: [
    (id: "in", kind: NatsSource(url: "{url}", stream: "{stream}", start: {start},
      bounded: true, schema: {NUMBER_SCHEMA}{extra})),
    (id: "out", kind: FileSink(path: "out.csv")),
  ],
  edges: [(from: "in", to: "out")],
  job: ({job}))"#
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn reading_starts_at_the_beginning_a_sequence_or_a_time_and_keeps_to_its_subjects() {
    let Some(server) = NatsServer::start("starts") else {
        return;
    };
    server.create_stream("TIMED", &["timed.>"]);
    let early: Vec<String> = (1..=3).map(|i| format!(r#"{{"id":{i},"v":0}}"#)).collect();
    assert_eq!(server.publish("timed.a", &early), [1, 2, 3]);
    std::thread::sleep(Duration::from_millis(30));
    let between = now_ms();
    std::thread::sleep(Duration::from_millis(30));
    let late: Vec<String> = (4..=5).map(|i| format!(r#"{{"id":{i},"v":0}}"#)).collect();
    server.publish("timed.b", &late);
    let dir = temp_dir("starts");
    let ids = |start: &str, extra: &str| {
        let spec = reader(&server.url(), "TIMED", start, extra, "");
        run(&spec, &dir, false).summary.unwrap();
        lines(&dir.join("out.csv"))
    };
    assert_eq!(ids("Beginning", "").len(), 6);
    assert_eq!(ids(r#"AtId("3")"#, ""), ["id,v", "3,0", "4,0", "5,0"]);
    let at = format_timestamp(between);
    assert_eq!(
        ids(&format!("AtTime(\"{at}\")"), ""),
        ["id,v", "4,0", "5,0"]
    );
    // A subject filter, where the stream's last message is of another subject.
    assert_eq!(
        ids("Beginning", r#", subject: "timed.a""#),
        ["id,v", "1,0", "2,0", "3,0"]
    );
    assert_eq!(ids("Beginning", r#", subject: "timed.none""#), ["id,v"]);
    // The time JetStream stored each message, as a column.
    let timed = ids(r#"AtId("5")"#, r#", message_time_column: "stored""#);
    assert_eq!(timed[0], "id,v,stored");
    let stored = timed[1].strip_prefix("5,0,").unwrap();
    let stored = engine::types::parse_timestamp(stored).unwrap();
    assert!(stored > between && stored < now_ms(), "{}", timed[1]);
}

#[test]
fn a_source_of_new_messages_only_reads_those_published_after_it_started() {
    let Some(server) = NatsServer::start("new-only") else {
        return;
    };
    server.create_stream("LIVE", &["live"]);
    server.publish("live", &numbers(5));
    let dir = temp_dir("new-only");
    let spec = parse(&format!(
        r#"(version: 1, name: "live",
  nodes: [
    (id: "in", kind: NatsSource(url: "{}", stream: "LIVE", start: NewOnly,
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
    server.publish("live", &added);
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
fn messages_that_do_not_decode_are_skipped_counted_and_named() {
    let Some(server) = NatsServer::start("malformed") else {
        return;
    };
    server.create_stream("MIXED", &["mixed"]);
    let payloads: Vec<String> = [
        r#"{"id":1,"v":2}"#,
        "{not json",
        r#"{"id":"seven","v":2}"#,
        "\u{0}\u{1}",
        r#"{"id":3,"v":4}"#,
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    server.publish("mixed", &payloads);
    let dir = temp_dir("malformed");
    let result = run(
        &reader(&server.url(), "MIXED", "Beginning", "", ""),
        &dir,
        false,
    );
    let summary = result.summary.unwrap();
    assert_eq!(summary.records_in, 2);
    assert_eq!(lines(&dir.join("out.csv")), ["id,v", "1,2", "3,4"]);
    let skipped: Vec<&String> = result
        .console
        .iter()
        .filter(|l| l.contains("skipped message"))
        .collect();
    assert_eq!(skipped.len(), 3, "{:?}", result.console);
    assert!(skipped[0].contains("message 2 of stream `MIXED`: not a JSON object"));
    assert!(skipped[1].contains("message 3 ") && skipped[1].contains("column `id`"));
    assert!(skipped[2].contains("message 4 ") && skipped[2].contains("3 skipped so far"));
    assert!(skipped.iter().all(|l| l.starts_with("in: ")));
}

/// Filtered and doubled numbers from stream `IN` to subject `out.NAME` of stream `OUT`.
fn relay(url: &str, out: &str, job: &str) -> PipelineSpec {
    parse(&format!(
        r#"(version: 1, name: "relay",
  nodes: [
    (id: "in", kind: NatsSource(url: "{url}", stream: "IN", bounded: true,
      schema: {NUMBER_SCHEMA}, retry_for_ms: 20000)),
    (id: "keep", kind: Filter(condition: "v % 3 <> 0")),
    (id: "double", kind: Map(columns: ["id", "v * 2 AS w"])),
    (id: "pace", kind: Throttle(rows_per_second: 20000)),
    (id: "out", kind: NatsSink(url: "{url}", stream: "OUT", subject: "out.{out}",
      retry_for_ms: 20000)),
  ],
  edges: [(from: "in", to: "keep"), (from: "keep", to: "double"), (from: "double", to: "pace"),
    (from: "pace", to: "out")],
  job: (batch_size: 64, {job}))"#
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The payloads of subject `out.NAME`, in order.
fn published(server: &NatsServer, name: &str) -> Vec<String> {
    let subject = format!("out.{name}");
    server
        .messages("OUT")
        .into_iter()
        .filter(|m| m.subject == subject)
        .map(|m| m.payload)
        .collect()
}

/// Fails naming the first row that differs, not with every row of both.
fn assert_same_rows(got: &[String], expected: &[String], case: &str) {
    if let Some(i) = (0..got.len().max(expected.len())).find(|&i| got.get(i) != expected.get(i)) {
        panic!(
            "{case}: {} rows where {} were expected; row {i} is {:?}, expected {:?}",
            got.len(),
            expected.len(),
            got.get(i),
            expected.get(i)
        );
    }
}

fn kept(count: u64) -> Vec<String> {
    (1..=count)
        .map(|i| (i, (i * 37) % 101))
        .filter(|(_, v)| v % 3 != 0)
        .map(|(i, v)| format!(r#"{{"id":{i},"w":{}}}"#, v * 2))
        .collect()
}

#[test]
fn failures_through_the_stream_leave_exactly_the_rows_of_a_run_that_never_failed() {
    let Some(server) = NatsServer::start("exactly-once") else {
        return;
    };
    server.create_stream("IN", &["in"]);
    server.create_stream("OUT", &["out.>"]);
    server.publish("in", &numbers(6000));
    let url = server.url();
    run(&relay(&url, "clean", ""), &temp_dir("clean"), false)
        .summary
        .unwrap();
    let expected = published(&server, "clean");
    assert_same_rows(&expected, &kept(6000), "clean");
    for (node, failures) in [("double", 1), ("double", 3), ("out", 2), ("keep", 2)] {
        let out = format!("{node}-{failures}");
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
        assert_same_rows(&published(&server, &out), &expected, &case);
    }
}

#[test]
fn a_duplicate_window_too_short_to_help_still_gets_every_row_once() {
    let Some(server) = NatsServer::start("short-window") else {
        return;
    };
    server.create_stream("IN", &["in"]);
    server.publish("in", &numbers(6000));
    // JetStream forgets message ids after 100 ms here (its least), before a restart 200 ms
    // later: only the sink's look at the subject's last message keeps a restore from
    // publishing rows again.
    server.create_stream_with_window("OUT", &["out.>"], Duration::from_millis(100));
    let url = server.url();
    let job = "checkpoint_interval_ms: 30, restart: FixedDelay(attempts: 10, delay_ms: 200), \
               inject_failure: (node: \"out\", after_rows: 2000, times: 3, seed: 5)";
    let dir = temp_dir("short-window");
    let summary = run(&relay(&url, "short", job), &dir, true).summary.unwrap();
    assert!(summary.restarts >= 1);
    assert_same_rows(&published(&server, "short"), &kept(6000), "short window");
}

#[test]
fn a_restored_checkpoint_reads_on_from_exactly_the_next_message() {
    let Some(server) = NatsServer::start("restore") else {
        return;
    };
    server.create_stream("IN", &["in"]);
    // The 8,000 rows kept take 0.4 s at 20,000 a second: the stop comes well before.
    server.publish("in", &numbers(12000));
    let url = server.url();
    let dir = temp_dir("restore");
    let spec = relay(&url, "resumed", "checkpoint_interval_ms: 50");
    let console = Arc::new(ConsoleCapture::new(1000));
    let job = JobHandle::start(&spec, options(&dir, true, console.clone())).unwrap();
    std::thread::sleep(Duration::from_millis(60));
    job.stop_with_checkpoint().unwrap();
    let summary = job.wait().unwrap();
    assert!(summary.stopped);
    let partway = published(&server, "resumed").len();
    let restore =
        engine::checkpoint::load(&dir.join("chk"), &engine::checkpoint::RestoreFrom::Latest)
            .unwrap();
    let described = format!("{:?}", restore.metadata.sources);
    assert!(described.contains("of stream `IN`"), "{described}");
    let mut resumed = options(&dir, true, console);
    resumed.checkpoints.as_mut().unwrap().restore = Some(restore);
    JobHandle::start(&spec, resumed).unwrap().wait().unwrap();
    let whole = kept(12000);
    assert!(partway < whole.len(), "{partway} of {}", whole.len());
    assert_same_rows(&published(&server, "resumed"), &whole, "restored");
}

#[test]
fn a_job_rides_out_a_server_restart_and_still_writes_every_row_once() {
    let Some(mut server) = NatsServer::start("server-restart") else {
        return;
    };
    server.create_stream("IN", &["in"]);
    server.publish("in", &numbers(12000));
    let url = server.url();
    let dir = temp_dir("server-restart");
    let spec = relay(
        &url,
        "out",
        "checkpoint_interval_ms: 30, restart: FixedDelay(attempts: 10, delay_ms: 100)",
    );
    let console = Arc::new(ConsoleCapture::new(10_000));
    let job = JobHandle::start(&spec, options(&dir, true, console.clone())).unwrap();
    // Partway through: the 8,000 rows kept take 0.4 s at 20,000 a second.
    std::thread::sleep(Duration::from_millis(150));
    server.kill();
    std::thread::sleep(Duration::from_millis(500));
    server.restart();
    let summary = job.wait().unwrap();
    let said = console.lines();
    let case = format!("server restart ({} restarts; {said:?})", summary.restarts);
    assert_same_rows(&published(&server, "out"), &kept(12000), &case);
    assert!(
        said.iter().any(|l| l.contains("does not answer")),
        "{said:?}"
    );
    assert!(said.iter().any(|l| l.contains("answers again")), "{said:?}");
}

#[test]
fn an_unreachable_server_is_a_warning_before_the_run_and_an_error_naming_it_during() {
    let port = free_port();
    let spec = parse(&format!(
        r#"(version: 1, name: "nowhere",
  nodes: [
    (id: "in", kind: NatsSource(url: "nats://127.0.0.1:{port}", stream: "S",
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
            .starts_with(&format!("NATS at 127.0.0.1:{port} does not answer")),
        "{}",
        warnings[0].message
    );
    let started = Instant::now();
    match run(&spec, &temp_dir("nowhere"), false).summary {
        Err(JobError::Failed { node, message }) => {
            assert_eq!(node, "in");
            assert!(
                message.contains(&format!(
                    "NATS at 127.0.0.1:{port} did not answer for 300 ms"
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
fn a_missing_stream_or_one_of_other_subjects_fails_the_job_at_once_in_words() {
    let Some(server) = NatsServer::start("wrong-stream") else {
        return;
    };
    let url = server.url();
    let spec = reader(&url, "NOWHERE", "Beginning", "", "");
    match run(&spec, &temp_dir("missing"), false).summary {
        Err(JobError::Failed { node, message }) => {
            assert_eq!(node, "in");
            assert!(
                message.starts_with("reading stream `NOWHERE`: NATS at 127.0.0.1:")
                    && message.ends_with("has no stream `NOWHERE`"),
                "{message}"
            );
        }
        other => panic!("{:?}", other.map(|s| s.records_in)),
    }
    server.create_stream("OTHER", &["other.>"]);
    let spec = parse(&format!(
        r#"(version: 1, name: "wrong",
  nodes: [
    (id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 3))])),
    (id: "out", kind: NatsSink(url: "{url}", stream: "OTHER", subject: "mine")),
  ],
  edges: [(from: "gen", to: "out")])"#
    ))
    .unwrap();
    match run(&spec, &temp_dir("other-subjects"), false).summary {
        Err(JobError::Failed { node, message }) => {
            assert_eq!(node, "out");
            assert_eq!(
                message,
                "publishing to `mine`: stream `OTHER` takes the subjects other.>, not `mine`"
            );
        }
        other => panic!("{:?}", other.map(|s| s.records_in)),
    }
}
