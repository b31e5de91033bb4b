//! Jobs run end to end through `JobHandle`: every node kind, parallelism, partitioning,
//! stopping and failing.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use engine::operators::ConsoleCapture;
use engine::runtime::Partition;
use engine::spec::parse;
use engine::{JobError, JobHandle, JobStatus, JobSummary, PipelineSpec, RunOptions};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("streamlab-runtime-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spec(text: &str) -> PipelineSpec {
    parse(text).unwrap_or_else(|e| panic!("test pipeline does not parse: {e}"))
}

/// Runs a pipeline to its end; returns the summary and the console lines.
fn run_in(dir: &std::path::Path, text: &str) -> Result<(JobSummary, Vec<String>), JobError> {
    let console = Arc::new(ConsoleCapture::new(1_000_000));
    let options = RunOptions {
        base_dir: dir.to_path_buf(),
        console: console.clone(),
        ..Default::default()
    };
    let summary = JobHandle::start(&spec(text), options)?.wait()?;
    Ok((summary, console.lines()))
}

fn run(text: &str) -> (JobSummary, Vec<String>) {
    run_in(std::path::Path::new("."), text).unwrap_or_else(|e| panic!("job failed: {e}"))
}

fn count(summary: &JobSummary, node: &str) -> (u64, u64) {
    let n = summary.nodes.iter().find(|n| n.id == node).unwrap();
    (n.records_in, n.records_out)
}

/// Parallel console sinks prefix rows with their instance (`2> +I[7]`): checks that equal
/// rows all came from one instance, and returns how many instances printed.
fn assert_each_row_on_one_instance(lines: &[String]) -> usize {
    let mut instance_of: HashMap<&str, &str> = HashMap::new();
    for line in lines {
        let (instance, row) = line.split_once("> ").unwrap();
        let previous = instance_of.insert(row, instance);
        assert!(
            previous.is_none_or(|p| p == instance),
            "{row} went to {previous:?} and {instance}"
        );
    }
    instance_of.values().collect::<HashSet<_>>().len()
}

const SEQUENCE_100: &str = r#"(name: "id", type: Int64, kind: Sequence(start: 1, end: 100))"#;

#[test]
fn datagen_filter_map_console() {
    let (summary, lines) = run(&format!(
        r#"(version: 1, nodes: [
            (id: "gen", kind: Datagen(fields: [{SEQUENCE_100}], rows_per_second: None)),
            (id: "even", kind: Filter(condition: "id % 2 = 0")),
            (id: "twice", kind: Map(columns: ["id", "id * 2 AS double", "CAST(id AS STRING) AS text"])),
            (id: "out", kind: Console()),
        ], edges: [(from: "gen", to: "even"), (from: "even", to: "twice"), (from: "twice", to: "out")])"#
    ));
    assert_eq!(summary.records_in, 100);
    assert_eq!(summary.records_out, 50);
    assert_eq!(count(&summary, "even"), (100, 50));
    assert_eq!(count(&summary, "twice"), (50, 50));
    assert_eq!(lines.len(), 50);
    assert_eq!(lines[0], "+I[2, 4, 2]");
    assert_eq!(lines[49], "+I[100, 200, 100]");
    assert!(!summary.stopped);
}

#[test]
fn chained_operators_share_one_task() {
    let text = format!(
        r#"(version: 1, nodes: [
            (id: "gen", kind: Datagen(fields: [{SEQUENCE_100}], rows_per_second: None)),
            (id: "f", kind: Filter(condition: "id > 0")),
            (id: "out", kind: Blackhole()),
        ], edges: [(from: "gen", to: "f"), (from: "f", to: "out")])"#
    );
    let job = JobHandle::start(&spec(&text), RunOptions::default()).unwrap();
    assert_eq!(job.graph().vertices.len(), 1);
    assert_eq!(job.graph().vertices[0].nodes, ["gen", "f", "out"]);
    job.wait().unwrap();
}

#[test]
fn parallel_source_with_a_single_sink_rebalances_every_row() {
    let text = format!(
        r#"(version: 1, nodes: [
            (id: "gen", parallelism: 3, kind: Datagen(fields: [{SEQUENCE_100}], rows_per_second: None)),
            (id: "out", parallelism: 1, kind: Console()),
        ], edges: [(from: "gen", to: "out")], job: (batch_size: 7))"#
    );
    let job = JobHandle::start(&spec(&text), RunOptions::default()).unwrap();
    assert_eq!(job.graph().edges[0].partition, Partition::Rebalance);
    drop(job);
    let (summary, lines) = run(&text);
    assert_eq!(summary.records_out, 100);
    let mut ids: Vec<i64> = lines
        .iter()
        .map(|l| {
            l.trim_start_matches("+I[")
                .trim_end_matches(']')
                .parse()
                .unwrap()
        })
        .collect();
    ids.sort();
    assert_eq!(ids, (1..=100).collect::<Vec<_>>());
}

#[test]
fn key_by_sends_each_key_to_one_instance() {
    let (summary, lines) = run(r#"(version: 1, nodes: [
            (id: "gen", parallelism: 2, kind: Datagen(fields: [
                (name: "k", type: Int64, kind: Random(min: 1, max: 20)),
            ], number_of_rows: 2000, rows_per_second: None)),
            (id: "by_k", kind: KeyBy(columns: ["k"])),
            (id: "out", parallelism: 3, kind: Console()),
        ], edges: [(from: "gen", to: "by_k"), (from: "by_k", to: "out")], job: (parallelism: 2))"#);
    assert_eq!(summary.records_out, 2000);
    let instances = assert_each_row_on_one_instance(&lines);
    assert!(instances > 1, "20 keys should spread over 3 instances");
}

#[test]
fn union_merges_streams() {
    let (summary, lines) = run(r#"(version: 1, nodes: [
            (id: "a", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 30))], rows_per_second: None)),
            (id: "b", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 101, end: 120))], rows_per_second: None)),
            (id: "both", kind: Union()),
            (id: "out", kind: Console()),
        ], edges: [(from: "a", to: "both"), (from: "b", to: "both"), (from: "both", to: "out")])"#);
    assert_eq!(summary.records_in, 50);
    assert_eq!(count(&summary, "both"), (50, 50));
    assert!(lines.contains(&"+I[30]".to_string()) && lines.contains(&"+I[120]".to_string()));
}

#[test]
fn fan_out_copies_rows_to_every_branch() {
    let (summary, _) = run(&format!(
        r#"(version: 1, nodes: [
            (id: "gen", kind: Datagen(fields: [{SEQUENCE_100}], rows_per_second: None)),
            (id: "small", kind: Filter(condition: "id <= 10")),
            (id: "all", kind: Blackhole()),
            (id: "few", kind: Blackhole()),
        ], edges: [(from: "gen", to: "all"), (from: "gen", to: "small"), (from: "small", to: "few")])"#
    ));
    assert_eq!(count(&summary, "all"), (100, 0));
    assert_eq!(count(&summary, "few"), (10, 0));
    assert_eq!(summary.records_out, 110);
}

#[test]
fn csv_source_to_json_lines_sink_with_event_time() {
    let dir = temp_dir("csv-json");
    std::fs::write(
        dir.join("in.csv"),
        "symbol,price,ts\nACME,10.5,2024-01-02 09:30:00\nINIT,,2024-01-02 09:30:02\nACME,11,2024-01-02 09:30:01\n",
    )
    .unwrap();
    let (summary, _) = run_in(
        &dir,
        r#"(version: 1, nodes: [
            (id: "quotes", kind: FileSource(path: "in.csv", format: Csv, schema: [
                (name: "ts", type: Timestamp), (name: "symbol", type: Utf8), (name: "price", type: Float64),
            ], event_time: "ts", watermark_delay_ms: 1000, null_literal: "")),
            (id: "out", kind: FileSink(path: "sub/out.jsonl", format: JsonLines)),
        ], edges: [(from: "quotes", to: "out")])"#,
    )
    .unwrap();
    assert_eq!(summary.records_out, 3);
    let written = std::fs::read_to_string(dir.join("sub/out.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        written.starts_with("{\"ts\":"),
        "columns keep their order: {written}"
    );
    assert_eq!(rows[0]["symbol"], "ACME");
    assert_eq!(rows[0]["ts"], "2024-01-02 09:30:00.000");
    assert_eq!(rows[1]["price"], serde_json::Value::Null);
    assert_eq!(rows[2]["price"], 11.0);
    // A drained source closes event time, so the sink saw the end of time.
    for node in &summary.nodes {
        assert_eq!(node.watermark, Some(i64::MAX), "{}", node.id);
    }
}

#[test]
fn json_lines_source_to_csv_sink() {
    let dir = temp_dir("json-csv");
    std::fs::write(
        dir.join("in.jsonl"),
        "{\"id\": 1, \"name\": \"a\", \"ok\": true}\n\n{\"id\": 2, \"ok\": false}\n",
    )
    .unwrap();
    run_in(
        &dir,
        r#"(version: 1, nodes: [
            (id: "src", kind: FileSource(path: "in.jsonl", format: JsonLines, schema: [
                (name: "id", type: Int64), (name: "name", type: Utf8), (name: "ok", type: Bool),
            ])),
            (id: "out", kind: FileSink(path: "out.csv", format: Csv)),
        ], edges: [(from: "src", to: "out")])"#,
    )
    .unwrap();
    let written = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert_eq!(written, "id,name,ok\n1,a,TRUE\n2,,FALSE\n");
}

#[test]
fn a_bad_value_in_a_file_fails_the_job_naming_line_and_column() {
    let dir = temp_dir("bad-value");
    std::fs::write(dir.join("in.csv"), "n\n1\n2\nabc\n").unwrap();
    let err = run_in(
        &dir,
        r#"(version: 1, nodes: [
            (id: "src", kind: FileSource(path: "in.csv", schema: [(name: "n", type: Int64)])),
            (id: "out", kind: Blackhole()),
        ], edges: [(from: "src", to: "out")])"#,
    )
    .unwrap_err();
    let JobError::Failed { node, message } = err else {
        panic!("{err:?}")
    };
    assert_eq!(node, "src");
    assert!(
        message.contains("line 4") && message.contains("`n`") && message.contains("abc"),
        "{message}"
    );
}

#[test]
fn a_missing_input_file_fails_the_start() {
    let dir = temp_dir("missing");
    let err = run_in(
        &dir,
        r#"(version: 1, nodes: [
            (id: "src", kind: FileSource(path: "nope.csv", schema: [(name: "n", type: Int64)])),
            (id: "out", kind: Blackhole()),
        ], edges: [(from: "src", to: "out")])"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("node `src`") && err.to_string().contains("nope.csv"),
        "{err}"
    );
}

#[test]
fn a_csv_without_a_declared_column_is_refused() {
    let dir = temp_dir("header");
    std::fs::write(dir.join("in.csv"), "a,b\n1,2\n").unwrap();
    let err = run_in(
        &dir,
        r#"(version: 1, nodes: [
            (id: "src", kind: FileSource(path: "in.csv", schema: [(name: "c", type: Int64)])),
            (id: "out", kind: Blackhole()),
        ], edges: [(from: "src", to: "out")])"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("no column `c`") && err.to_string().contains("a, b"),
        "{err}"
    );
}

#[test]
fn nexmark_streams_have_their_schemas_and_split_across_instances() {
    let text = |stream: &str, parallelism: u32| {
        format!(
            r#"(version: 1, nodes: [
                (id: "src", parallelism: {parallelism}, kind: Nexmark(stream: {stream}, events: 5000, events_per_second: None, base_time: "2024-01-01 00:00:00")),
                (id: "out", parallelism: 1, kind: Console()),
            ], edges: [(from: "src", to: "out")])"#
        )
    };
    let (bids, lines) = run(&text("Bid", 1));
    let (auctions, _) = run(&text("Auction", 1));
    let (people, _) = run(&text("Person", 1));
    assert_eq!(
        (people.records_in, auctions.records_in, bids.records_in),
        (100, 300, 4600)
    );
    // auction, bidder, price, channel, url, dateTime, extra
    assert!(lines[0].split(", ").count() >= 7, "{}", lines[0]);
    assert!(lines[0].contains("2024-01-01 00:00:00"), "{}", lines[0]);
    let (split, mut split_lines) = run(&text("Bid", 2));
    let mut single = lines.clone();
    assert_eq!(split.records_in, 4600);
    single.sort();
    split_lines.sort();
    assert_eq!(
        single, split_lines,
        "two instances make the same bids as one"
    );
}

#[test]
fn stop_ends_an_unbounded_job_and_metrics_are_live() {
    let text = r#"(version: 1, nodes: [
        (id: "gen", kind: Datagen(fields: [(name: "n", type: Int64)], rows_per_second: 20000)),
        (id: "out", kind: Blackhole()),
    ], edges: [(from: "gen", to: "out")], job: (buffer_timeout_ms: 10))"#;
    let job = JobHandle::start(&spec(text), RunOptions::default()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while job
        .metrics()
        .iter()
        .find(|n| n.id == "out")
        .unwrap()
        .records_in
        == 0
    {
        assert!(Instant::now() < deadline, "no rows reached the sink");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(job.status(), JobStatus::Running);
    job.stop();
    while !job.is_finished() {
        assert!(Instant::now() < deadline, "the job did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(job.status(), JobStatus::Stopped);
    let summary = job.wait().unwrap();
    assert!(summary.stopped);
    assert!(summary.records_out > 0);
    assert_eq!(summary.records_in, summary.records_out);
}

#[test]
fn a_runtime_error_fails_the_job_naming_the_node() {
    let err = run_in(
        std::path::Path::new("."),
        &format!(
            r#"(version: 1, nodes: [
                (id: "gen", parallelism: 2, kind: Datagen(fields: [{SEQUENCE_100}], rows_per_second: None)),
                (id: "divide", parallelism: 1, kind: Map(columns: ["100 / (id - 50) AS q"])),
                (id: "out", kind: Blackhole()),
            ], edges: [(from: "gen", to: "divide"), (from: "divide", to: "out")])"#
        ),
    )
    .unwrap_err();
    let JobError::Failed { node, message } = err else {
        panic!("{err:?}")
    };
    assert_eq!(node, "divide");
    assert!(message.contains("division by zero"), "{message}");
}

#[test]
fn an_invalid_pipeline_does_not_start() {
    let err = JobHandle::start(
        &spec(r#"(version: 1, nodes: [(id: "out", kind: Console())])"#),
        RunOptions::default(),
    )
    .err()
    .unwrap();
    let JobError::Invalid(problems) = err else {
        panic!("{err:?}")
    };
    assert_eq!(problems[0].node.as_deref(), Some("out"));
}

#[test]
fn small_batches_are_gathered_until_the_buffer_timeout() {
    // A slow source and a selective filter make tiny batches; a channel after a KeyBy gathers them.
    let text = r#"(version: 1, nodes: [
        (id: "gen", kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 40))], rows_per_second: 400)),
        (id: "k", kind: KeyBy(columns: ["n"])),
        (id: "out", kind: Console()),
    ], edges: [(from: "gen", to: "k"), (from: "k", to: "out")], job: (batch_size: 1000, buffer_timeout_ms: 20))"#;
    let (summary, lines) = run(text);
    assert_eq!(summary.records_out, 40);
    assert_eq!(lines.len(), 40);
}

#[test]
fn a_keyed_stream_is_hashed_again_when_parallelism_changes_after_a_filter() {
    let text = r#"(version: 1, nodes: [
        (id: "gen", kind: Datagen(fields: [(name: "k", type: Int64, kind: Random(min: 1, max: 5))], number_of_rows: 500, rows_per_second: None)),
        (id: "by_k", kind: KeyBy(columns: ["k"])),
        (id: "f", kind: Filter(condition: "k > 0")),
        (id: "out", parallelism: 3, kind: Console()),
    ], edges: [(from: "gen", to: "by_k"), (from: "by_k", to: "f"), (from: "f", to: "out")], job: (parallelism: 2))"#;
    let job = JobHandle::start(&spec(text), RunOptions::default()).unwrap();
    let into_out = job
        .graph()
        .edges
        .iter()
        .find(|e| job.graph().vertices[e.to].nodes == ["out"])
        .unwrap();
    assert_eq!(into_out.partition, Partition::Hash(vec![0]));
    drop(job);
    let (_, lines) = run(text);
    assert_each_row_on_one_instance(&lines);
}

#[test]
fn parallel_senders_start_round_robin_on_different_receivers() {
    // Three sources of one batch each: the three batches land on both receivers.
    let (_, lines) = run(r#"(version: 1, nodes: [
            (id: "gen", parallelism: 3, kind: Datagen(fields: [(name: "n", type: Int64, kind: Sequence(start: 1, end: 3))], rows_per_second: None)),
            (id: "out", parallelism: 2, kind: Console()),
        ], edges: [(from: "gen", to: "out")])"#);
    assert_eq!(assert_each_row_on_one_instance(&lines), 2, "{lines:?}");
}

#[test]
fn a_failed_job_leaves_the_previous_output_file_as_it_was() {
    let dir = temp_dir("sink-commit");
    let pipeline = r#"(version: 1, nodes: [
        (id: "src", kind: FileSource(path: "in.csv", schema: [(name: "n", type: Int64)])),
        (id: "out", kind: FileSink(path: "out.csv", format: Csv)),
    ], edges: [(from: "src", to: "out")])"#;
    std::fs::write(dir.join("in.csv"), "n\n1\n2\n").unwrap();
    run_in(&dir, pipeline).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("out.csv")).unwrap(),
        "n\n1\n2\n"
    );

    std::fs::write(dir.join("in.csv"), "n\n3\nabc\n").unwrap();
    run_in(&dir, pipeline).unwrap_err();
    assert_eq!(
        std::fs::read_to_string(dir.join("out.csv")).unwrap(),
        "n\n1\n2\n",
        "the failed run's rows never replace the last good output"
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left.len(),
        2,
        "no in-progress file is left behind: {left:?}"
    );
}

#[test]
fn csv_text_is_kept_exactly_and_nulls_round_trip_with_a_null_literal() {
    let dir = temp_dir("csv-exact");
    std::fs::write(
        dir.join("in.csv"),
        "id, name ,n\n1,\"  padded  \",7\n2,,\n3,\\N, 8 \n",
    )
    .unwrap();
    let pipeline = |null: &str| {
        format!(
            r#"(version: 1, nodes: [
                (id: "src", kind: FileSource(path: "in.csv", schema: [
                    (name: "id", type: Int64), (name: "name", type: Utf8), (name: "n", type: Int64),
                ]{null})),
                (id: "out", kind: Console()),
                (id: "file", kind: FileSink(path: "out.csv"{null})),
            ], edges: [(from: "src", to: "out"), (from: "src", to: "file")])"#
        )
    };
    // Without a null literal (Flink's default) no cell is NULL, so an empty number is an
    // error naming its place, as Flink's csv format fails on it.
    let error = run_in(&dir, &pipeline("")).unwrap_err().to_string();
    assert!(
        error.contains("in.csv line 3, column `n`: an empty cell is not a BIGINT"),
        "{error}"
    );
    // With the empty text as the null literal, empty cells are NULL, strings too; quoted
    // spaces are data, spaces around a number are not.
    let console = Arc::new(ConsoleCapture::new(100));
    let options = RunOptions {
        base_dir: dir.clone(),
        console: console.clone(),
        ..Default::default()
    };
    JobHandle::start(&spec(&pipeline(r#", null_literal: """#)), options)
        .unwrap()
        .wait()
        .unwrap();
    assert_eq!(
        console.lines(),
        ["+I[1,   padded  , 7]", "+I[2, NULL, NULL]", "+I[3, \\N, 8]"]
    );
    // With one, the literal is NULL on the way in and on the way out, so a file written
    // and read back is the same rows.
    std::fs::write(
        dir.join("in.csv"),
        "id, name ,n\n1,\"  padded  \",7\n2,,\\N\n3,\\N, 8 \n",
    )
    .unwrap();
    let with_null = pipeline(r#", null_literal: "\\N""#);
    let (summary, _) = run_in(&dir, &with_null).unwrap();
    let written = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert_eq!(written, "id,name,n\n1,  padded  ,7\n2,,\\N\n3,\\N,8\n");
    assert_eq!(summary.files.len(), 1);
    assert_eq!(summary.files[0].rows, 3);
    assert!(!summary.files[0].partial);
    std::fs::rename(dir.join("out.csv"), dir.join("in.csv")).unwrap();
    run_in(&dir, &with_null).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("out.csv")).unwrap(),
        written
    );
}

#[test]
fn json_lines_may_start_with_a_byte_order_mark() {
    let dir = temp_dir("json-bom");
    std::fs::write(dir.join("in.jsonl"), "\u{feff}{\"id\": 1}\n{\"id\": 2}\n").unwrap();
    let (summary, lines) = run_in(
        &dir,
        r#"(version: 1, nodes: [
            (id: "src", kind: FileSource(path: "in.jsonl", format: JsonLines, schema: [(name: "id", type: Int64)])),
            (id: "out", kind: Console()),
        ], edges: [(from: "src", to: "out")])"#,
    )
    .unwrap();
    assert_eq!(summary.records_out, 2);
    assert_eq!(lines, ["+I[1]", "+I[2]"]);
}

#[test]
fn a_null_literal_is_for_csv_only() {
    let a = engine::validate::analyze(&spec(
        r#"(version: 1, nodes: [
            (id: "src", kind: FileSource(path: "in.jsonl", format: JsonLines, null_literal: "-", schema: [(name: "id", type: Int64)])),
            (id: "drop", kind: Blackhole()),
            (id: "gen", kind: Datagen(fields: [(name: "id", type: Int64)])),
            (id: "out", kind: FileSink(path: "o.jsonl", format: JsonLines, null_literal: "-")),
        ], edges: [(from: "src", to: "drop"), (from: "gen", to: "out")])"#,
    ));
    let nodes: Vec<_> = a
        .errors()
        .filter(|p| p.message.contains("null literal applies to CSV"))
        .map(|p| p.node.clone().unwrap())
        .collect();
    assert_eq!(nodes, ["src", "out"]);
}

/// A fast source and one that sends a row a second, merged and counted per 500 ms of event
/// time, run for a moment; the windows printed.
fn merged_with_a_slow_source(idle_timeout: &str) -> Vec<String> {
    let text = format!(
        r#"(version: 1, nodes: [
            (id: "fast", kind: Datagen(fields: [(name: "t", type: Int64, kind: Sequence(start: 0, end: 100000000))],
                rows_per_second: 2000, event_time: "t")),
            (id: "slow", kind: Datagen(fields: [(name: "t", type: Int64, kind: Sequence(start: 0, end: 100000000))],
                rows_per_second: 1, event_time: "t"{idle_timeout})),
            (id: "both", kind: Union()),
            (id: "w", kind: Window(window: Tumbling(size_ms: 500))),
            (id: "out", kind: Console()),
        ], edges: [(from: "fast", to: "both"), (from: "slow", to: "both"), (from: "both", to: "w"), (from: "w", to: "out")],
        job: (batch_size: 64, buffer_timeout_ms: 10, watermark_interval_ms: 10))"#
    );
    let console = Arc::new(ConsoleCapture::new(1000));
    let options = RunOptions {
        base_dir: ".".into(),
        console: console.clone(),
        ..Default::default()
    };
    let job = JobHandle::start(&spec(&text), options).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    job.stop();
    job.wait().unwrap();
    console.lines()
}

#[test]
fn an_idle_source_stops_holding_event_time_back() {
    // The slow source's event time stays near 0, so windows wait for it...
    let waiting = merged_with_a_slow_source("");
    assert!(waiting.is_empty(), "{waiting:?}");
    // ...unless it counts as idle between its rows: then the fast one leads.
    let lines = merged_with_a_slow_source(", idle_timeout_ms: 100");
    assert!(lines.len() >= 2, "{lines:?}");
    assert!(
        lines[0].starts_with("+I[1970-01-01 00:00:00.000, 1970-01-01 00:00:00.500, "),
        "{lines:?}"
    );
}

#[test]
fn decimals_pass_through_files_with_their_digits() {
    let dir = temp_dir("decimals");
    std::fs::write(
        dir.join("in.csv"),
        "id,price\n1,19.9\n2, -0.055 \n3,\n4,100\n",
    )
    .unwrap();
    let pipeline = |sink: &str| {
        format!(
            r#"(version: 1, nodes: [
            (id: "src", kind: FileSource(path: "in.csv", schema: [
                (name: "id", type: Int32), (name: "price", type: Decimal(5, 2)),
            ], null_literal: "")),
            (id: "m", kind: Map(columns: ["id", "price", "price * 1.5 AS more"])),
            (id: "out", kind: {sink}),
        ], edges: [(from: "src", to: "m"), (from: "m", to: "out")])"#
        )
    };
    run_in(&dir, &pipeline(r#"FileSink(path: "out.csv", format: Csv)"#)).unwrap();
    let csv = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert_eq!(
        csv,
        "id,price,more\n1,19.9,29.85\n2,-0.06,-0.09\n3,,\n4,1E+2,1.5E+2\n"
    );
    run_in(
        &dir,
        &pipeline(r#"FileSink(path: "out.jsonl", format: JsonLines)"#),
    )
    .unwrap();
    let json = std::fs::read_to_string(dir.join("out.jsonl")).unwrap();
    // Flink's JSON and CSV formats drop trailing zeros and write whole tens with an exponent.
    assert_eq!(
        json,
        "{\"id\":1,\"price\":19.9,\"more\":29.85}\n\
         {\"id\":2,\"price\":-0.06,\"more\":-0.09}\n\
         {\"id\":3,\"price\":null,\"more\":null}\n\
         {\"id\":4,\"price\":1E+2,\"more\":1.5E+2}\n"
    );
}

#[test]
fn a_file_replayed_at_a_rate_sends_its_rows_as_they_fall_due() {
    let dir = temp_dir("replay-rate");
    let mut csv = String::from("v\n");
    for v in 1..=20 {
        csv.push_str(&format!("{v}\n"));
    }
    std::fs::write(dir.join("in.csv"), csv).unwrap();
    let pipeline = spec(
        r#"(version: 1, name: "replay", nodes: [
            (id: "src", kind: FileSource(path: "in.csv", format: Csv,
                schema: [(name: "v", type: Int64)], rows_per_second: 100)),
            (id: "out", kind: Blackhole()),
        ], edges: [(from: "src", to: "out")], job: (batch_size: 1))"#,
    );
    let options = RunOptions {
        base_dir: dir.clone(),
        console: Arc::new(ConsoleCapture::new(10)),
        trace: true,
        ..Default::default()
    };
    let job = JobHandle::start(&pipeline, options).unwrap();
    let trace = job.trace().unwrap();
    let summary = job.wait().unwrap();
    assert_eq!(count(&summary, "out").0, 20, "every row arrives");
    let sent: Vec<u64> = trace
        .events()
        .iter()
        .filter(|e| e.node == "src" && matches!(e.what, engine::runtime::Traced::Rows { .. }))
        .map(|e| e.at_ns)
        .collect();
    assert_eq!(sent.len(), 20, "one row a batch");
    // Row n falls due n/100 s after the first: a pace can be late, never early.
    for (n, at) in sent.iter().enumerate() {
        let due = sent[0] + n as u64 * 10_000_000;
        assert!(*at + 1_000_000 >= due, "row {n} at {at} ns, due {due}");
    }
    let parsed = spec(&engine::spec::to_ron(&pipeline));
    assert_eq!(parsed, pipeline, "the rate survives a save");
}

#[test]
fn a_replay_rate_of_zero_is_refused_on_the_node() {
    let pipeline = spec(
        r#"(version: 1, name: "replay", nodes: [
            (id: "src", kind: FileSource(path: "in.csv", format: Csv,
                schema: [(name: "v", type: Int64)], rows_per_second: 0)),
            (id: "out", kind: Blackhole()),
        ], edges: [(from: "src", to: "out")])"#,
    );
    let problems = engine::validate::validate(&pipeline).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.node.as_deref() == Some("src") && p.message.contains("at least 1")),
        "{problems:?}"
    );
}
