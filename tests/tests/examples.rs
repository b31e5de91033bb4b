//! Every example in `saved-graphs/` loads, validates and runs, with the results it promises.

use std::path::Path;
use std::sync::Arc;

use engine::operators::ConsoleCapture;
use engine::spec::{FieldKind, NodeKind, load_file, to_ron};
use engine::{JobHandle, JobSummary, PipelineSpec, RunOptions};
use streamlab_tests::nats_server::NatsServer;
use streamlab_tests::redis_server::RedisServer;
use streamlab_tests::{example_files, repo_root};

fn load(name: &str) -> PipelineSpec {
    load_file(&repo_root().join("saved-graphs").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs an example from its own folder, with file sinks moved to a temporary folder.
fn run(name: &str, mut spec: PipelineSpec) -> (JobSummary, Vec<String>, std::path::PathBuf) {
    let out = std::env::temp_dir().join(format!(
        "streamlab-example-{}-{}",
        name.replace('/', "-"),
        std::process::id()
    ));
    std::fs::create_dir_all(&out).unwrap();
    for node in &mut spec.nodes {
        if let NodeKind::FileSink(sink) = &mut node.kind {
            let file = Path::new(&sink.path).file_name().unwrap().to_owned();
            sink.path = out.join(file).display().to_string();
        }
    }
    let console = Arc::new(ConsoleCapture::new(2_000_000));
    let options = RunOptions {
        base_dir: repo_root()
            .join("saved-graphs")
            .join(name)
            .parent()
            .unwrap()
            .to_path_buf(),
        console: console.clone(),
        ..Default::default()
    };
    let summary = JobHandle::start(&spec, options)
        .unwrap()
        .wait()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (summary, console.lines(), out)
}

#[test]
fn every_example_is_valid_and_round_trips() {
    let files = example_files();
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let spec = load_file(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let Err(problems) = engine::validate::validate(&spec) {
            panic!("{}: {problems:?}", file.display());
        }
        assert_eq!(
            engine::spec::parse(&to_ron(&spec)).unwrap(),
            spec,
            "{}",
            file.display()
        );
    }
}

#[test]
fn hello_prints_the_hot_readings() {
    let (summary, lines, _) = run("hello.ron", load("hello.ron"));
    assert_eq!(summary.records_in, 100);
    assert!(summary.records_out > 0 && summary.records_out < 100);
    assert_eq!(lines.len() as u64, summary.records_out);
    for line in &lines {
        let cells: Vec<&str> = line
            .trim_start_matches("+I[")
            .trim_end_matches(']')
            .split(", ")
            .collect();
        assert!(cells[1].starts_with("sensor-"), "{line}");
        let celsius: f64 = cells[2].parse().unwrap();
        assert!((25.0..35.0).contains(&celsius), "{line}");
    }
}

#[test]
fn stock_quotes_writes_large_trades() {
    let (summary, _, out) = run("stock-quotes.ron", load("stock-quotes.ron"));
    assert_eq!(summary.records_in, 400);
    let csv = std::fs::read_to_string(out.join("large-trades.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("ts,symbol,price,volume,notional,size"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as u64, summary.records_out);
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        let volume: i64 = cells[3].parse().unwrap();
        assert!(volume >= 2500, "{row}");
        let notional: f64 = cells[4].parse().unwrap();
        let expected = cells[2].parse::<f64>().unwrap() * volume as f64;
        assert!((notional - expected).abs() < 1e-6, "{row}");
        assert_eq!(
            cells[5],
            if notional > 1e6 { "block" } else { "large" },
            "{row}"
        );
    }
}

#[test]
fn nexmark_q0_passes_every_bid() {
    let (summary, _, _) = run("nexmark/q0.ron", load("nexmark/q0.ron"));
    assert_eq!(summary.records_in, 920_000);
    assert_eq!(summary.records_out, 920_000);
}

#[test]
fn nexmark_q1_converts_prices() {
    let (summary, lines, _) = run("nexmark/q1.ron", load("nexmark/q1.ron"));
    assert_eq!(summary.records_in, 920);
    assert_eq!(lines.len(), 920);
    let price: f64 = lines[0].split(", ").nth(2).unwrap().parse().unwrap();
    assert!(price > 0.0 && price.fract() != 0.0, "{}", lines[0]);
}

#[test]
fn nexmark_q2_selects_every_123rd_auction() {
    let (summary, lines, _) = run("nexmark/q2.ron", load("nexmark/q2.ron"));
    assert_eq!(summary.records_in, 92_000);
    assert!(!lines.is_empty());
    for line in &lines {
        let auction: i64 = line
            .trim_start_matches("+I[")
            .split(", ")
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(auction % 123, 0, "{line}");
    }
}

#[test]
fn the_benchmark_pipeline_is_the_specified_query() {
    let mut spec = load("bench/datagen-q1q2.ron");
    let NodeKind::Datagen(datagen) = &mut spec.nodes[0].kind else {
        panic!("datagen first")
    };
    assert_eq!(datagen.number_of_rows, Some(30_000_000));
    assert_eq!(datagen.rows_per_second, None);
    let ranges: Vec<(String, Option<f64>, Option<f64>)> = datagen
        .fields
        .iter()
        .map(|f| match &f.kind {
            FieldKind::Random { min, max, .. } => (f.name.clone(), *min, *max),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        ranges,
        [
            ("auction".into(), Some(1000.0), Some(1999.0)),
            ("bidder".into(), Some(1.0), Some(100_000.0)),
            ("price".into(), Some(1.0), Some(100_000.0)),
        ]
    );
    // The full 30 M rows are for `streamlab bench`; a slice of them checks the results here.
    datagen.number_of_rows = Some(300_000);
    let (summary, _, _) = run("bench/datagen-q1q2.ron", spec);
    assert_eq!(summary.records_in, 300_000);
    let expected = 300_000.0 * 8.0 / 1000.0; // auctions 1107, 1230, …, 1968: 8 of 1000
    assert!(
        (summary.records_out as f64 - expected).abs() < expected * 0.15,
        "{}",
        summary.records_out
    );
}

#[test]
fn late_events_counts_per_window_and_sends_two_rows_late() {
    let (summary, lines, _) = run("windows/late-events.ron", load("windows/late-events.ron"));
    assert_eq!(summary.records_in, 14);
    let late: Vec<&String> = lines.iter().filter(|l| l.starts_with("late> ")).collect();
    assert_eq!(late.len(), 2, "{lines:?}");
    let windows = lines.len() - late.len();
    assert_eq!(windows, 8, "{lines:?}");
    assert!(
        lines.contains(
            &"+I[2024-01-01 00:00:00.000, 2024-01-01 00:00:05.000, alice, 2, 17]".to_string()
        ),
        "{lines:?}"
    );
}

#[test]
fn orders_clicks_pairs_each_order_with_its_users_clicks() {
    let (_, lines, _) = run("joins/orders-clicks.ron", load("joins/orders-clicks.ron"));
    assert_eq!(lines.len(), 7, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("carol, 50, NULL, NULL, NULL")),
        "{lines:?}"
    );
}

/// The values of a console row: `+I[a, b]` → `["a", "b"]`.
fn cells(line: &str) -> Vec<&str> {
    line.trim_start_matches("+I[")
        .trim_end_matches(']')
        .split(", ")
        .collect()
}

#[test]
fn nexmark_q5_finds_the_hottest_auctions() {
    let (summary, lines, _) = run("nexmark/q5.ron", load("nexmark/q5.ron"));
    assert_eq!(summary.records_in, 184_000);
    // One hottest auction (or a tie) for each of the sliding windows over 20 s of bids:
    // the same rows Flink SQL's Q5 gives on these events.
    assert_eq!(lines.len(), 28, "{lines:?}");
    for line in &lines {
        let num: i64 = cells(line)[1].parse().unwrap();
        assert!(num > 100, "{line}");
    }
}

#[test]
fn nexmark_q7_finds_the_highest_bid_of_each_window() {
    let (_, lines, _) = run("nexmark/q7.ron", load("nexmark/q7.ron"));
    // 20 s of bids: two 10 s windows, each with its one highest bid (as Flink's Q7 gives).
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("+I[3100, 99958591, 1438, "),
        "{lines:?}"
    );
}

#[test]
fn nexmark_q8_finds_new_sellers() {
    let (summary, lines, _) = run("nexmark/q8.ron", load("nexmark/q8.ron"));
    assert_eq!(summary.records_in, 16_000);
    // The persons who opened an auction in the window they signed up in (1,723 rows, as
    // Flink's Q8 gives on these events).
    assert_eq!(lines.len(), 1723);
}

#[test]
fn the_nexmark_benchmarks_are_the_example_queries_over_ten_million_events() {
    for q in ["q5", "q7", "q8"] {
        let bench = load(&format!("bench/nexmark-{q}.ron"));
        let example = load(&format!("nexmark/{q}.ron"));
        assert_eq!(bench.nodes.len(), example.nodes.len(), "{q}");
        for (b, e) in bench.nodes.iter().zip(&example.nodes) {
            match (&b.kind, &e.kind) {
                (NodeKind::Nexmark(b), NodeKind::Nexmark(e)) => {
                    assert_eq!(b.events, Some(10_000_000), "{q}");
                    assert_eq!(b.events_per_second, None, "{q}");
                    assert_eq!((b.stream, &b.base_time), (e.stream, &e.base_time), "{q}");
                }
                (NodeKind::Blackhole(_), NodeKind::Console(_)) => {}
                (b, e) => assert_eq!(b, e, "{q}"),
            }
        }
        assert_eq!(bench.edges.len(), example.edges.len(), "{q}");
    }
}

#[test]
fn the_tumbling_benchmark_is_the_specified_query() {
    let mut spec = load("bench/datagen-tumble.ron");
    let NodeKind::Datagen(datagen) = &mut spec.nodes[0].kind else {
        panic!("datagen first")
    };
    assert_eq!(datagen.event_time.as_deref(), Some("id"));
    assert!(matches!(
        datagen.fields[0].kind,
        FieldKind::Sequence {
            start: 0,
            end: 29_999_999
        }
    ));
    // A slice of the rows: 300,000 ms of event time are 30 windows of 10 s with 10,000 rows
    // over 1,000 keys each; a key misses a window now and then (e^-10 of the time).
    datagen.fields[0].kind = FieldKind::Sequence {
        start: 0,
        end: 299_999,
    };
    let (summary, _, _) = run("bench/datagen-tumble.ron", spec);
    assert_eq!(summary.records_in, 300_000);
    assert!(
        (29_990..=30_000).contains(&summary.records_out),
        "{} window rows",
        summary.records_out
    );
}

#[test]
fn sensor_windows_counts_every_reading_once_in_its_window_or_as_late() {
    let mut spec = load("monitor/sensor-windows.ron");
    // Ten times the pace: the same rows in a second.
    for node in &mut spec.nodes {
        if let NodeKind::Datagen(source) = &mut node.kind {
            source.rows_per_second = Some(60_000);
        }
    }
    let (summary, lines, _) = run("monitor/sensor-windows.ron", spec);
    assert_eq!(summary.records_in, 60_000);
    let counted: u64 = lines
        .iter()
        .map(|line| {
            let cells = cells(line);
            assert_eq!(cells.len(), 5, "{line}");
            cells[3].parse::<u64>().unwrap()
        })
        .sum();
    let late = summary
        .nodes
        .iter()
        .find(|n| n.id == "per_second")
        .unwrap()
        .late_records;
    assert!(
        late > 0,
        "readings up to 2 s out of order with a 1 s delay: some are late"
    );
    assert_eq!(counted + late, 60_000, "{lines:?}");
}

#[test]
fn crash_and_recover_fails_twice_and_still_writes_every_window_once() {
    use engine::checkpoint::CheckpointOptions;
    let name = "checkpoints/crash-and-recover.ron";
    let spec = load(name);
    let mut clean = spec.clone();
    clean.job.inject_failure = None;
    let (_, _, clean_dir) = run(name, clean);
    let expected = std::fs::read_to_string(clean_dir.join("sensor-counts.csv")).unwrap();
    // 40 windows of 8 sensors, and the header.
    assert_eq!(expected.lines().count(), 321, "{expected}");
    let mut with_failures = spec.clone();
    let out = std::env::temp_dir().join(format!("streamlab-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    for node in &mut with_failures.nodes {
        if let NodeKind::FileSink(sink) = &mut node.kind {
            sink.path = out.join("sensor-counts.csv").display().to_string();
        }
    }
    let job = JobHandle::start(
        &with_failures,
        RunOptions {
            checkpoints: Some(CheckpointOptions {
                dir: out.join("chk"),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .unwrap();
    let summary = job.wait().unwrap();
    assert_eq!(summary.restarts, 2);
    assert_eq!(
        std::fs::read_to_string(out.join("sensor-counts.csv")).unwrap(),
        expected,
        "the windows, each once, in the order they fired"
    );
}

/// The example with its transport nodes pointed at `url`, a server of the test's own.
fn at_server(mut spec: PipelineSpec, url: &str) -> PipelineSpec {
    for node in &mut spec.nodes {
        match &mut node.kind {
            NodeKind::RedisSource(c) => c.url = url.to_string(),
            NodeKind::RedisSink(c) => c.url = url.to_string(),
            NodeKind::NatsSource(c) => c.url = url.to_string(),
            NodeKind::NatsSink(c) => c.url = url.to_string(),
            _ => {}
        }
    }
    spec
}

/// Runs the producer example `produce` against the server at `url`, checks what it put in
/// the stream (`payloads` reads it), then replays it twice with `replay`: the same 16
/// windows (`out`) of all 20,000 readings each time.
fn produce_and_replay(
    url: &str,
    produce: &str,
    payloads: impl Fn() -> Vec<String>,
    replay: &str,
    out: &str,
) {
    let (summary, _, _) = run(produce, at_server(load(produce), url));
    assert_eq!(summary.records_in, 20_000);
    let payloads = payloads();
    assert_eq!(payloads.len(), 20_000);
    assert!(
        payloads[0].starts_with(r#"{"id":1,"sensor":"#),
        "{}",
        payloads[0]
    );
    let windows = || {
        let (_, _, folder) = run(replay, at_server(load(replay), url));
        std::fs::read_to_string(folder.join(out)).unwrap()
    };
    let first = windows();
    let rows: Vec<Vec<&str>> = first
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // 20 s of event time in 5 s windows, for each of 4 sensors.
    assert_eq!(rows.len(), 16, "{first}");
    let counted: u64 = rows.iter().map(|r| r[3].parse::<u64>().unwrap()).sum();
    assert_eq!(counted, 20_000);
    assert_eq!(windows(), first, "a replay gives the same windows");
}

#[test]
fn the_transport_examples_produce_into_a_stream_and_replay_it_the_same_each_time() {
    let Some(server) = RedisServer::start("examples-replay") else {
        return;
    };
    produce_and_replay(
        &server.url(),
        "transport/produce-readings.ron",
        || server.payloads("readings"),
        "transport/replay-readings.ron",
        "readings-per-5s.csv",
    );
}

#[test]
fn the_nats_examples_publish_to_a_stream_and_replay_it_the_same_each_time() {
    let Some(server) = NatsServer::start("examples-nats-replay") else {
        return;
    };
    produce_and_replay(
        &server.url(),
        "transport/nats-produce-readings.ron",
        || server.payloads("READINGS"),
        "transport/nats-replay-readings.ron",
        "nats-readings-per-5s.csv",
    );
}

#[test]
fn the_nats_benchmark_reads_its_whole_stream_through_the_filter() {
    let Some(server) = NatsServer::start("examples-nats-bench") else {
        return;
    };
    server.create_stream("BENCH", &["bench"]);
    let records: Vec<String> = (1..=3000u64)
        .map(|i| format!(r#"{{"id":{i},"sensor":{},"v":{}}}"#, i % 16, (i * 37) % 101))
        .collect();
    server.publish("bench", &records);
    let file = "bench/nats-filter.ron";
    let (summary, _, _) = run(file, at_server(load(file), &server.url()));
    assert_eq!(summary.records_in, 3000);
    let kept = (1..=3000u64).filter(|i| (i * 37) % 101 % 3 == 0).count() as u64;
    assert_eq!(summary.records_out, kept);
}

#[test]
fn the_decoupled_example_takes_the_whole_burst_while_the_slow_job_reads_behind() {
    use std::time::{Duration, Instant};
    let Some(server) = RedisServer::start("examples-decoupled") else {
        return;
    };
    let spec = at_server(load("transport/decoupled.ron"), &server.url());
    let job = JobHandle::start(
        &spec,
        RunOptions {
            console: Arc::new(ConsoleCapture::new(100_000)),
            ..Default::default()
        },
    )
    .unwrap();
    let monitor = job.monitor();
    let count = |id: &str, out: bool| {
        let metrics = monitor.metrics();
        let node = metrics.iter().find(|n| n.id == id).unwrap();
        if out {
            node.records_out
        } else {
            node.records_in
        }
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while count("produce", false) < 20_000 {
        assert!(
            Instant::now() < deadline,
            "the burst did not reach the stream"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The sink counts a batch as it takes it in, before its write is answered.
    let mut c = server.connection();
    loop {
        let length: usize = redis::cmd("XLEN")
            .arg("readings-live")
            .query(&mut c)
            .unwrap();
        if length == 20_000 {
            break;
        }
        assert!(Instant::now() < deadline, "the stream holds {length}");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The producer is done after about 2 s; the job behind, at 2,000 rows a second, is not.
    let read = count("consume", true);
    assert!(read > 0 && read < 15_000, "the slow job read {read}");
    job.stop();
    job.wait().unwrap();
}
