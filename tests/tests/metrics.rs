//! Metrics tell the truth: counters equal the exact counts of a bounded run, and a paced
//! source shows the watermark lag its delay makes, low latency and no backpressure.

use std::time::Duration;

use engine::metrics::{MetricsSnapshot, NodeSnapshot};
use engine::spec::parse;
use engine::{JobHandle, RunOptions};

fn start(ron: &str) -> JobHandle {
    let spec = parse(ron).expect("a valid pipeline");
    JobHandle::start(&spec, RunOptions::default()).expect("the job starts")
}

fn node<'a>(sample: &'a MetricsSnapshot, id: &str) -> &'a NodeSnapshot {
    sample.node(id).unwrap_or_else(|| panic!("no node {id}"))
}

#[test]
fn counters_equal_the_exact_counts_of_a_bounded_run() {
    for (parallelism, batch_size) in [(1, 1024), (2, 7)] {
        let job = start(&format!(
            r#"(version: 1, nodes: [
                (id: "gen", kind: Datagen(fields: [
                    (name: "id", type: Int64, kind: Sequence(start: 1, end: 30000)),
                    (name: "name", type: Utf8, kind: Random(length: 5)),
                ])),
                (id: "thirds", kind: Filter(condition: "id % 3 = 0")),
                (id: "twice", kind: Map(columns: ["id", "id * 2 AS double"])),
                (id: "sink", kind: Blackhole()),
            ], edges: [
                (from: "gen", to: "thirds"), (from: "thirds", to: "twice"), (from: "twice", to: "sink"),
            ], job: (parallelism: {parallelism}, batch_size: {batch_size}))"#
        ));
        let watched = job.watched();
        let summary = job.wait().expect("the job finishes");
        let last = watched.latest().expect("a last sample when the job ends");
        let counts = |id: &str| {
            let n = node(&last, id);
            (n.records_in, n.records_out, n.bytes_in, n.bytes_out)
        };
        // An id and a 5-character name take 8 + 5 + 4 (its offset) bytes; two ids 16.
        assert_eq!(counts("gen"), (0, 30000, 0, 30000 * 17), "p{parallelism}");
        assert_eq!(counts("thirds"), (30000, 10000, 30000 * 17, 10000 * 17));
        assert_eq!(counts("twice"), (10000, 10000, 10000 * 17, 10000 * 16));
        assert_eq!(counts("sink"), (10000, 0, 10000 * 16, 0));
        assert_eq!(node(&last, "gen").instances.len(), parallelism);
        // The summary and the last sample agree, and every row reaching the sink was timed.
        assert_eq!((summary.records_in, summary.records_out), (30000, 10000));
        let latency = summary.latency.expect("rows reached the sink");
        assert_eq!(latency.count, 10000);
        assert!(latency.p50_ms <= latency.p99_ms && latency.p99_ms <= latency.max_ms);
        // A drained input closes event time, with or without event time in its rows.
        assert_eq!(node(&last, "sink").watermark, Some(i64::MAX));
        assert_eq!(node(&last, "sink").watermark_lag_ms, None);
    }
}

#[test]
fn a_paced_source_lags_by_its_delay_with_low_latency_and_no_backpressure() {
    let job = start(
        r#"(version: 1, nodes: [
            (id: "gen", kind: Datagen(fields: [
                (name: "ts", type: Timestamp, kind: Random(max_past_ms: 0)),
                (name: "v", type: Int64),
            ], rows_per_second: 10000, event_time: "ts", watermark_delay_ms: 2000)),
            (id: "pass", kind: Filter(condition: "v IS NOT NULL")),
            (id: "sink", kind: Blackhole()),
        ], edges: [(from: "gen", to: "pass"), (from: "pass", to: "sink")],
        job: (batch_size: 100, buffer_timeout_ms: 10))"#,
    );
    let watched = job.watched();
    let updates = watched.subscribe(100);
    std::thread::sleep(Duration::from_millis(2500));
    job.stop();
    job.wait().expect("the job stops");
    // The samples of the second and third seconds, after the start has settled.
    let samples: Vec<_> = updates
        .try_iter()
        .filter(|s| s.elapsed >= Duration::from_secs(1) && s.elapsed <= Duration::from_millis(2400))
        .collect();
    assert!(samples.len() >= 8, "{} samples", samples.len());
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let lag = median(
        samples
            .iter()
            .filter_map(|s| node(s, "gen").watermark_lag_ms)
            .map(|l| l as f64)
            .collect(),
    );
    assert!((1900.0..2600.0).contains(&lag), "watermark lag {lag} ms");
    let rate = median(
        samples
            .iter()
            .map(|s| node(s, "gen").records_out_rate)
            .collect(),
    );
    assert!((8000.0..12000.0).contains(&rate), "rate {rate}/s");
    let backpressure = median(
        samples
            .iter()
            .map(|s| node(s, "gen").backpressure)
            .collect(),
    );
    assert!(backpressure < 0.05, "backpressure {backpressure}");
    let idle = median(samples.iter().map(|s| node(s, "gen").idle).collect());
    assert!(idle > 0.5, "a paced source mostly waits: idle {idle}");
    let p99 = median(
        samples
            .iter()
            .filter_map(|s| node(s, "sink").latency)
            .map(|l| l.p99_ms)
            .collect(),
    );
    // A batch of 100 rows gathers in 10 ms at this rate.
    assert!(p99 < 60.0, "p99 latency {p99} ms");
}

#[test]
fn the_history_keeps_every_sample_and_a_late_subscriber_sees_the_past() {
    let job = start(
        r#"(version: 1, nodes: [
            (id: "gen", kind: Datagen(fields: [(name: "v", type: Int64)], rows_per_second: 1000)),
            (id: "sink", kind: Blackhole()),
        ], edges: [(from: "gen", to: "sink")])"#,
    );
    std::thread::sleep(Duration::from_millis(650));
    let watched = job.watched();
    let history = watched.history();
    assert!(
        (4..=8).contains(&history.len()),
        "{} samples",
        history.len()
    );
    assert!(history.windows(2).all(|w| w[0].elapsed < w[1].elapsed));
    assert!(
        history
            .windows(2)
            .all(|w| node(&w[0], "sink").records_in <= node(&w[1], "sink").records_in),
        "counters only grow"
    );
    job.stop();
    job.wait().expect("the job stops");
}

#[test]
fn a_slow_step_backpressures_the_steps_before_it_and_sets_the_pace() {
    let spec = engine::spec::load_file(
        &streamlab_tests::repo_root().join("saved-graphs/monitor/backpressure.ron"),
    )
    .expect("the example loads");
    let job = JobHandle::start(&spec, RunOptions::default()).expect("the job starts");
    let updates = job.watched().subscribe(100);
    std::thread::sleep(Duration::from_millis(2500));
    job.stop();
    let stopping = std::time::Instant::now();
    let summary = job.wait().expect("the job stops");
    assert!(
        stopping.elapsed() < Duration::from_secs(2),
        "a stopping job drains without the pacing"
    );
    assert!(summary.records_out > 0);
    let samples: Vec<_> = updates
        .try_iter()
        .filter(|s| {
            s.elapsed >= Duration::from_millis(500) && s.elapsed <= Duration::from_millis(2400)
        })
        .collect();
    assert!(samples.len() >= 10, "{} samples", samples.len());
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let source = median(
        samples
            .iter()
            .map(|s| node(s, "readings").backpressure)
            .collect(),
    );
    assert!(
        source > 0.8,
        "the source waits for room: backpressure {source}"
    );
    let step = median(
        samples
            .iter()
            .map(|s| node(s, "slow_step").backpressure)
            .collect(),
    );
    assert!(
        step < 0.05,
        "nothing holds the slow step up: backpressure {step}"
    );
    let busy = median(samples.iter().map(|s| node(s, "slow_step").busy).collect());
    assert!(busy > 0.8, "the slow step is busy: {busy}");
    let fill = median(
        samples
            .iter()
            .map(|s| node(s, "slow_step").queue_fill)
            .collect(),
    );
    assert!(fill >= 0.5, "its input channel is full: {fill}");
    // The rate at the sink's input is the step's pace (its 100-row batches come every 50 ms,
    // so a 100 ms sample holds about two).
    let rate = {
        let (first, last) = (samples.first().unwrap(), samples.last().unwrap());
        let rows = node(last, "slow_step").records_out - node(first, "slow_step").records_out;
        rows as f64 / (last.elapsed - first.elapsed).as_secs_f64()
    };
    assert!((1600.0..2400.0).contains(&rate), "rate {rate}/s");
}

#[test]
fn a_sink_that_receives_once_a_second_has_a_latency_in_every_sample_between() {
    // Results of 1 s windows reach the sink once a second; latency is over five seconds of
    // samples, so it does not vanish between them.
    let job = start(
        r#"(version: 1, nodes: [
            (id: "gen", kind: Datagen(fields: [
                (name: "ts", type: Timestamp, kind: Random(max_past_ms: 0)),
                (name: "v", type: Int64, kind: Random(min: 1, max: 3)),
            ], rows_per_second: 2000, event_time: "ts")),
            (id: "counts", kind: Window(window: Tumbling(size_ms: 1000), aggregates: ["COUNT(*) AS n"])),
            (id: "sink", kind: Blackhole()),
        ], edges: [(from: "gen", to: "counts"), (from: "counts", to: "sink")],
        job: (batch_size: 100, watermark_interval_ms: 50))"#,
    );
    let watched = job.watched();
    std::thread::sleep(Duration::from_millis(3300));
    job.stop();
    job.wait().expect("the job stops");
    let history = watched.history();
    let first = history
        .iter()
        .position(|s| node(s, "sink").records_in > 0)
        .expect("a window fired");
    let after = &history[first..];
    let without = after
        .iter()
        .filter(|s| node(s, "sink").latency.is_none())
        .count();
    assert!(after.len() >= 10, "{} samples", after.len());
    assert_eq!(
        without,
        0,
        "{without} of {} samples without a latency",
        after.len()
    );
}
