//! End-to-end tests of the `streamlab` command line: they run the real binary on small
//! pipelines written to a temporary folder and check exit codes, standard output and
//! standard error.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Datagen sequence 1..=100 → filter `id % 2 = 0` → console.
const EVENS: &str = r#"(
  version: 1,
  name: "evens",
  nodes: [
    (id: "gen", kind: Datagen(
      fields: [(name: "id", type: Int64, kind: Sequence(start: 1, end: 100))],
      rows_per_second: None,
    )),
    (id: "even", kind: Filter(condition: "id % 2 = 0")),
    (id: "print", kind: Console()),
  ],
  edges: [(from: "gen", to: "even"), (from: "even", to: "print")],
)
"#;

/// The same, into a blackhole, for benchmarks.
const EVENS_BLACKHOLE: &str = r#"(
  version: 1,
  nodes: [
    (id: "gen", kind: Datagen(
      fields: [(name: "id", type: Int64, kind: Sequence(start: 1, end: 1000))],
      rows_per_second: None,
    )),
    (id: "even", kind: Filter(condition: "id % 2 = 0")),
    (id: "drop", kind: Blackhole()),
  ],
  edges: [(from: "gen", to: "even"), (from: "even", to: "drop")],
)
"#;

/// An unbounded, throttled datagen into a blackhole.
const UNBOUNDED: &str = r#"(
  version: 1,
  nodes: [
    (id: "gen", kind: Datagen(
      fields: [(name: "v", type: Int64, kind: Random(min: 1, max: 100))],
      rows_per_second: 1000,
    )),
    (id: "drop", kind: Blackhole()),
  ],
  edges: [(from: "gen", to: "drop")],
)
"#;

/// An unbounded, throttled datagen into a CSV file next to the pipeline.
const UNBOUNDED_TO_FILE: &str = r#"(
  version: 1,
  nodes: [
    (id: "gen", kind: Datagen(
      fields: [
        (name: "a", type: Int64, kind: Random(min: 1, max: 100)),
        (name: "b", type: Int64, kind: Random(min: 1, max: 100)),
      ],
      rows_per_second: 1000,
    )),
    (id: "sink", kind: FileSink(path: "out.csv", format: Csv)),
  ],
  edges: [(from: "gen", to: "sink")],
)
"#;

/// A CSV at `data/in.csv` (relative to the pipeline) → console.
const CSV_TO_CONSOLE: &str = r#"(
  version: 1,
  nodes: [
    (id: "csv", kind: FileSource(
      path: "data/in.csv",
      format: Csv,
      schema: [(name: "a", type: Int64), (name: "b", type: Utf8)],
    )),
    (id: "print", kind: Console()),
  ],
  edges: [(from: "csv", to: "print")],
)
"#;

#[test]
fn help_lists_the_commands() {
    let run = run(&["--help"]);
    run.assert_code(0);
    for command in ["open", "run", "validate", "bench"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "help does not list `{command}`\n{}",
            run.dump()
        );
    }
    assert!(run.stdout.contains("Usage: streamlab"), "{}", run.dump());
}

#[test]
fn without_a_display_the_designer_says_why_and_what_works_instead() {
    for args in [&[][..], &["open", "saved-graphs/hello.ron"][..]] {
        let output = streamlab()
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("cannot open the window"), "{stderr}");
        assert!(stderr.contains("streamlab run"), "{stderr}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new("usage_errors_exit_2");
    let pipeline = dir.write("evens.ron", EVENS);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["frobnicate"], "frobnicate"),
        (vec!["run"], "<FILE>"),
        (
            vec!["run", arg(&pipeline), "--duration", "notaduration"],
            "notaduration",
        ),
        (
            vec!["run", arg(&pipeline), "--no-such-flag"],
            "--no-such-flag",
        ),
        (vec!["bench", "--runs", "many"], "many"),
    ];
    for (args, named) in cases {
        let run = run(&args);
        assert_eq!(run.code(), Some(2), "{args:?}\n{}", run.dump());
        assert!(run.stderr.contains(named), "{args:?}\n{}", run.dump());
        assert!(
            !run.stdout.contains("+I["),
            "{args:?} ran the pipeline\n{}",
            run.dump()
        );
    }
}

#[test]
fn run_prints_rows_and_a_summary() {
    let dir = TempDir::new("run_prints_rows_and_a_summary");
    let pipeline = dir.write("evens.ron", EVENS);
    let run = run(&["run", arg(&pipeline)]);
    run.assert_code(0);
    let rows: Vec<&str> = run.stdout.lines().collect();
    let expected: Vec<String> = (1..=50).map(|i| format!("+I[{}]", 2 * i)).collect();
    assert_eq!(rows, expected, "{}", run.dump());
    let summary = summary_line(&run, "finished:");
    assert!(
        summary.contains("100 records in, 50 records out"),
        "{summary}"
    );
    assert!(!run.stderr.contains("stopped:"), "{}", run.dump());
}

#[test]
fn run_writes_a_json_summary() {
    let dir = TempDir::new("run_writes_a_json_summary");
    let pipeline = dir.write("evens.ron", EVENS);
    let json = dir.path().join("summary.json");
    let run = run(&["run", arg(&pipeline), "--summary-json", arg(&json)]);
    run.assert_code(0);
    let summary = read_summary(&json);
    let [records_in, records_out, elapsed_s, records_per_s] =
        ["records_in", "records_out", "elapsed_s", "records_per_s"].map(|k| number(&summary, k));
    assert_eq!(records_in, 100.0);
    assert_eq!(records_out, 50.0);
    assert!(elapsed_s > 0.0 && elapsed_s < 10.0, "elapsed_s {elapsed_s}");
    assert!(records_per_s > 0.0, "records_per_s {records_per_s}");
    let implied = records_in / elapsed_s;
    assert!(
        (records_per_s - implied).abs() <= implied * 0.01,
        "records_per_s {records_per_s} is not records_in / elapsed_s = {implied}"
    );
    // End-to-end latency over the run: ordered percentiles within the run's time.
    let [p50, p99, max] =
        ["latency_p50_ms", "latency_p99_ms", "latency_max_ms"].map(|k| number(&summary, k));
    assert!(0.0 < p50 && p50 <= p99 && p99 <= max, "{summary}");
    assert!(max <= elapsed_s * 1000.0 + 1.0, "{summary}");
}

#[test]
fn summary_json_that_cannot_be_written_is_an_error() {
    let dir = TempDir::new("summary_json_that_cannot_be_written_is_an_error");
    // Unbounded: only a check before the run starts lets this end.
    let pipeline = dir.write("unbounded.ron", UNBOUNDED);
    let json = dir.path().join("no-such-folder").join("summary.json");
    run(&["run", arg(&pipeline), "--summary-json", arg(&json)])
        .assert_code(1)
        .assert_stderr_has(arg(&json));
}

#[test]
fn validate_reports_a_missing_input_file() {
    let dir = TempDir::new("validate_reports_a_missing_input_file");
    let pipeline = dir.write("csv.ron", CSV_TO_CONSOLE);
    run(&["validate", arg(&pipeline)])
        .assert_code(1)
        .assert_stderr_has("node `csv`: input file")
        .assert_stderr_has("in.csv does not exist");
}

#[test]
fn duration_stops_an_unbounded_run() {
    let dir = TempDir::new("duration_stops_an_unbounded_run");
    let pipeline = dir.write("unbounded.ron", UNBOUNDED);
    let json = dir.path().join("summary.json");
    let run = run(&[
        "run",
        arg(&pipeline),
        "--duration",
        "300ms",
        "--summary-json",
        arg(&json),
    ]);
    run.assert_code(0);
    assert!(
        run.elapsed >= Duration::from_millis(300),
        "stopped before the duration: {:?}",
        run.elapsed
    );
    assert!(run.elapsed < TIMEOUT, "took {:?}", run.elapsed);
    summary_line(&run, "stopped:");
    let summary = read_summary(&json);
    let [records_in, records_out, elapsed_s] =
        ["records_in", "records_out", "elapsed_s"].map(|k| number(&summary, k));
    assert!(records_in > 0.0, "no records generated");
    assert_eq!(records_in, records_out, "the blackhole lost rows");
    assert!(elapsed_s >= 0.25, "elapsed_s {elapsed_s}");
}

#[test]
fn ctrl_c_stops_a_run_cleanly_and_flushes_file_sinks() {
    let dir = TempDir::new("ctrl_c_stops_a_run_cleanly_and_flushes_file_sinks");
    let pipeline = dir.write("to-file.ron", UNBOUNDED_TO_FILE);
    let out = dir.path().join("out.csv");
    let json = dir.path().join("summary.json");
    let child = streamlab()
        .args(["run", arg(&pipeline), "--summary-json", arg(&json)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start streamlab");
    // The sink creates its staging file once the job runs, after the Ctrl-C handler is in
    // place; the stop commits it to `out.csv`.
    let started = Instant::now();
    while staging_files(dir.path()).is_empty() && started.elapsed() < TIMEOUT {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success(), "kill -INT failed");
    let output = wait_for(child, "run (interrupted)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{:?}\n{stderr}",
        output.status
    );
    assert!(
        stderr.lines().any(|l| l.starts_with("stopped:")),
        "no `stopped:` summary\n{stderr}"
    );
    assert!(
        staging_files(dir.path()).is_empty(),
        "the stop committed the sink's file"
    );
    let text = std::fs::read_to_string(&out).expect("the sink's file");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("a,b"), "no header in\n{text}");
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty(), "no rows flushed after 300 ms");
    for row in &rows {
        let fields: Vec<&str> = row.split(',').collect();
        assert!(
            fields.len() == 2 && fields.iter().all(|f| f.parse::<i64>().is_ok()),
            "a partial or malformed row {row:?}"
        );
    }
    assert!(text.ends_with('\n'), "the last row was cut off");
    let records_out = number(&read_summary(&json), "records_out");
    assert_eq!(
        records_out,
        rows.len() as f64,
        "the sink counted rows it did not write"
    );
}

#[test]
fn a_missing_pipeline_file_is_named() {
    let dir = TempDir::new("a_missing_pipeline_file_is_named");
    let missing = dir.path().join("nowhere.ron");
    for command in ["run", "validate", "bench"] {
        let run = run(&[command, arg(&missing)]);
        run.assert_code(1).assert_stderr_has(arg(&missing));
        assert!(run.stderr.starts_with("error: "), "{}", run.dump());
    }
}

#[test]
fn malformed_ron_names_line_and_column() {
    let dir = TempDir::new("malformed_ron_names_line_and_column");
    // A comma is missing after `id: "a"`: line 4, column 14 is where `kind` starts.
    let pipeline = dir.write(
        "broken.ron",
        "(\n  version: 1,\n  nodes: [\n    (id: \"a\" kind: Console()),\n  ],\n)\n",
    );
    for command in ["run", "validate"] {
        run(&[command, arg(&pipeline)])
            .assert_code(1)
            .assert_stderr_has(arg(&pipeline))
            .assert_stderr_has("line 4, column 14");
    }
    // An unknown node kind is named with its place.
    let pipeline = dir.write(
        "bogus.ron",
        "(\n  version: 1,\n  nodes: [\n    (id: \"a\", kind: Bogus()),\n  ],\n)\n",
    );
    run(&["run", arg(&pipeline)])
        .assert_code(1)
        .assert_stderr_has("line 4, column ")
        .assert_stderr_has("Bogus");
}

#[test]
fn a_newer_version_is_refused_by_version() {
    let dir = TempDir::new("a_newer_version_is_refused_by_version");
    // A field this build does not know must not hide the version.
    let pipeline = dir.write(
        "future.ron",
        "(\n  version: 99,\n  nodes: [(id: \"x\", kind: Hologram(depth: 3))],\n  future: true,\n)\n",
    );
    for command in ["run", "validate"] {
        run(&[command, arg(&pipeline)])
            .assert_code(1)
            .assert_stderr_has(arg(&pipeline))
            .assert_stderr_has("version 99");
    }
}

#[test]
fn an_invalid_pipeline_does_not_run() {
    let dir = TempDir::new("an_invalid_pipeline_does_not_run");
    let pipeline = dir.write(
        "unknown-column.ron",
        &EVENS.replace("id % 2 = 0", "nosuch > 3"),
    );
    let run = run(&["run", arg(&pipeline)]);
    run.assert_code(1)
        .assert_stderr_has("`even`")
        .assert_stderr_has("nosuch");
    assert!(run.stdout.is_empty(), "{}", run.dump());
    assert!(!run.stderr.contains("finished:"), "{}", run.dump());
}

#[test]
fn a_missing_csv_names_the_node_and_the_path() {
    let dir = TempDir::new("a_missing_csv_names_the_node_and_the_path");
    let pipeline = dir.write("csv.ron", CSV_TO_CONSOLE);
    run(&["run", arg(&pipeline)])
        .assert_code(1)
        .assert_stderr_has("`csv`")
        .assert_stderr_has(arg(&dir.path().join("data").join("in.csv")));
}

#[test]
fn a_bad_csv_value_names_the_line_and_the_column() {
    let dir = TempDir::new("a_bad_csv_value_names_the_line_and_the_column");
    let pipeline = dir.write("csv.ron", CSV_TO_CONSOLE);
    // Line 1 is the header: `abc` is on line 4.
    dir.write("data/in.csv", "a,b\n1,x\n2,y\nabc,z\n4,w\n");
    let run = run(&["run", arg(&pipeline)]);
    run.assert_code(1)
        .assert_stderr_has("`csv`")
        .assert_stderr_has("in.csv")
        .assert_stderr_has("line 4")
        .assert_stderr_has("column `a`")
        .assert_stderr_has("abc");
    assert!(!run.stderr.contains("finished:"), "{}", run.dump());
}

#[test]
fn division_by_zero_fails_the_run() {
    let dir = TempDir::new("division_by_zero_fails_the_run");
    let pipeline = dir.write(
        "divide.ron",
        r#"(
  version: 1,
  nodes: [
    (id: "gen", kind: Datagen(
      fields: [(name: "id", type: Int64, kind: Sequence(start: -3, end: 3))],
      rows_per_second: None,
    )),
    (id: "divide", kind: Map(columns: ["100 / id AS q"])),
    (id: "print", kind: Console()),
  ],
  edges: [(from: "gen", to: "divide"), (from: "divide", to: "print")],
)
"#,
    );
    let run = run(&["run", arg(&pipeline)]);
    run.assert_code(1)
        .assert_stderr_has("`divide`")
        .assert_stderr_has("division by zero");
    assert!(!run.stderr.contains("finished:"), "{}", run.dump());
}

#[test]
fn validate_shows_the_tasks_of_a_valid_pipeline() {
    let dir = TempDir::new("validate_shows_the_tasks_of_a_valid_pipeline");
    let pipeline = dir.write("evens.ron", EVENS);
    let run = run(&["validate", arg(&pipeline)]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("task 1: gen -> even -> print"),
        "{}",
        run.dump()
    );
    assert!(run.stdout.contains("valid"), "{}", run.dump());
    assert!(
        !run.stdout.contains("+I["),
        "validate ran the pipeline\n{}",
        run.dump()
    );
}

#[test]
fn validate_lists_every_problem() {
    let dir = TempDir::new("validate_lists_every_problem");
    let pipeline = dir.write(
        "two-problems.ron",
        r#"(
  version: 1,
  nodes: [
    (id: "gen", kind: Datagen(
      fields: [(name: "id", type: Int64, kind: Sequence(start: 1, end: 10))],
      rows_per_second: None,
    )),
    (id: "keep", kind: Filter(condition: "missing_a > 3")),
    (id: "shape", kind: Map(columns: ["missing_b + 1 AS x"])),
    (id: "print", kind: Console()),
    (id: "print2", kind: Console()),
  ],
  edges: [
    (from: "gen", to: "keep"), (from: "keep", to: "print"),
    (from: "gen", to: "shape"), (from: "shape", to: "print2"),
  ],
)
"#,
    );
    let run = run(&["validate", arg(&pipeline)]);
    run.assert_code(1)
        .assert_stderr_has("`keep`")
        .assert_stderr_has("missing_a")
        .assert_stderr_has("`shape`")
        .assert_stderr_has("missing_b")
        .assert_stderr_has("2 problems");
    assert!(!run.stdout.contains("task 1"), "{}", run.dump());
}

#[test]
fn bench_reports_the_median() {
    let dir = TempDir::new("bench_reports_the_median");
    let pipeline = dir.write("evens.ron", EVENS_BLACKHOLE);
    let run = run(&["bench", arg(&pipeline), "--runs", "1", "--warmup", "0"]);
    run.assert_code(0);
    let median = run
        .stdout
        .lines()
        .find(|l| l.starts_with("median:"))
        .unwrap_or_else(|| panic!("no median\n{}", run.dump()));
    assert!(median.contains("records/s"), "{median}");
    assert!(run.stderr.contains("run 1:"), "{}", run.dump());
    assert!(!run.stderr.contains("run 2:"), "{}", run.dump());
    assert!(!run.stderr.contains("warm-up:"), "{}", run.dump());
}

#[test]
fn bench_refuses_an_unbounded_pipeline_and_zero_runs() {
    let dir = TempDir::new("bench_refuses_an_unbounded_pipeline_and_zero_runs");
    let unbounded = dir.write("unbounded.ron", UNBOUNDED);
    let run_unbounded = run(&["bench", arg(&unbounded), "--runs", "1"]);
    run_unbounded.assert_code(1);
    assert!(
        run_unbounded.stderr.contains("never ends"),
        "{}",
        run_unbounded.dump()
    );
    let bounded = dir.write("evens.ron", EVENS_BLACKHOLE);
    run(&["bench", arg(&bounded), "--runs", "0"]).assert_code(2);
}

#[test]
fn relative_paths_resolve_against_the_pipeline_folder() {
    let dir = TempDir::new("relative_paths_resolve_against_the_pipeline_folder");
    let pipeline = dir.write(
        "pipelines/copy.ron",
        r#"(
  version: 1,
  nodes: [
    (id: "csv", kind: FileSource(
      path: "data/in.csv",
      schema: [(name: "a", type: Int64), (name: "b", type: Utf8)],
    )),
    (id: "sink", kind: FileSink(path: "copy.csv")),
  ],
  edges: [(from: "csv", to: "sink")],
)
"#,
    );
    dir.write("pipelines/data/in.csv", "a,b\n1,pipeline\n2,folder\n");
    // Decoys where the working directory would put them.
    dir.write("elsewhere/data/in.csv", "a,b\n9,working\n");
    dir.write("data/in.csv", "a,b\n9,working\n");
    let elsewhere = dir.path().join("elsewhere");
    let expected = "a,b\n1,pipeline\n2,folder\n";

    // An absolute pipeline path, run from another folder.
    run_in(Some(&elsewhere), &["run", arg(&pipeline)]).assert_code(0);
    let copy = dir.path().join("pipelines").join("copy.csv");
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), expected);
    assert!(!elsewhere.join("copy.csv").exists(), "wrote to the cwd");
    std::fs::remove_file(&copy).unwrap();

    // A relative pipeline path: its folder is relative to the working directory.
    run_in(Some(dir.path()), &["run", "pipelines/copy.ron"]).assert_code(0);
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), expected);
    assert!(!dir.path().join("copy.csv").exists(), "wrote to the cwd");
}

#[test]
fn a_closed_stdout_stops_an_unbounded_run() {
    use std::io::{BufRead, BufReader};
    let dir = TempDir::new("a_closed_stdout_stops_an_unbounded_run");
    let pipeline = dir.write(
        "print.ron",
        r#"(version: 1, nodes: [
            (id: "gen", kind: Datagen(fields: [(name: "n", type: Int64)], rows_per_second: 1000)),
            (id: "out", kind: Console()),
        ], edges: [(from: "gen", to: "out")], job: (batch_size: 10, buffer_timeout_ms: 10))"#,
    );
    let mut child = streamlab()
        .args(["run", arg(&pipeline)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a line and hang up, as `| head -1` does.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("+I["), "{first}");
    let output = wait_for(child, "run print.ron | head -1");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("stopped:"));
}

#[test]
fn export_flink_sql_writes_a_script_or_names_each_node_flink_cannot_run() {
    let dir = TempDir::new("export");
    let pipeline = dir.write("evens.ron", EVENS);
    let out = dir.path().join("evens.sql");
    run(&["export", "flink-sql", arg(&pipeline), "-o", arg(&out)])
        .assert_code(0)
        .assert_stderr_has("wrote");
    let sql = std::fs::read_to_string(&out).unwrap();
    assert!(sql.contains("'fields.id.kind' = 'sequence'"), "{sql}");
    assert!(sql.contains("WHERE `id` % 2 = 0"), "{sql}");
    assert!(sql.contains("INSERT INTO `print`"), "{sql}");

    let program = run(&["export", "flink-sql", "--pyflink", arg(&pipeline)]);
    program.assert_code(0);
    assert!(
        program.stdout.contains("TableEnvironment.create"),
        "{}",
        program.dump()
    );

    // Nexmark needs the connector said to be there; then the cascaded windows and the
    // window join of Q5 export.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let q5 = "saved-graphs/nexmark/q5.ron";
    run_in(Some(root), &["export", "flink-sql", q5])
        .assert_code(1)
        .assert_stderr_has(
            "node `bids`: Nexmark events come from the benchmark's `nexmark` connector",
        );
    let with = run_in(
        Some(root),
        &["export", "flink-sql", "--nexmark-connector", q5],
    );
    with.assert_code(0);
    assert!(
        with.stdout.contains("TABLE(HOP(TABLE `by_auction`"),
        "{}",
        with.dump()
    );

    run_in(
        Some(root),
        &[
            "export",
            "flink-sql",
            "saved-graphs/windows/late-events.ron",
        ],
    )
    .assert_code(1)
    .assert_stderr_has("node `per_5s`: its late output is connected")
    .assert_stderr_has("1 node cannot be exported to Flink");
    run(&["export", "flink-sql", arg(&pipeline), "-o", arg(&pipeline)])
        .assert_code(1)
        .assert_stderr_has("is the pipeline itself");
    assert_eq!(std::fs::read_to_string(&pipeline).unwrap(), EVENS);
}
