//! Properties of windows over random events, checked against a sort-then-aggregate model:
//!
//! - With disorder within the watermark delay no row is late, so every window holds exactly
//!   the rows of its time span: the results equal the model's, whatever the batch size and
//!   the window's parallelism.
//! - With disorder beyond the delay, rows are late; which ones is decided per row, so the
//!   results (late rows included) do not depend on the batch size or watermark interval.
//!
//! Times are multiples of 10 ms and the delay ends in 5, so no row lands exactly on the
//! watermark's last millisecond, where "late" and "touching" meet.

use std::collections::BTreeMap;
use std::sync::Arc;

use engine::operators::ConsoleCapture;
use engine::spec::parse;
use engine::types::format_timestamp;
use engine::{JobHandle, RunOptions};
use proptest::prelude::*;

const DELAY: i64 = 505;

#[derive(Clone, Debug)]
struct Event {
    ts: i64,
    key: i64,
    value: i64,
}

/// Events whose times step forward by up to 2 s or back by up to `back` ms from the
/// largest so far.
fn events(back: i64) -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec((-(back / 10)..=200i64, 0..5i64, -100..100i64), 1..200).prop_map(
        move |steps| {
            let mut max = 1_000_000;
            steps
                .into_iter()
                .map(|(step, key, value)| {
                    let ts = max + step * 10;
                    max = max.max(ts);
                    Event { ts, key, value }
                })
                .collect()
        },
    )
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Tumbling(i64),
    Sliding(i64, i64),
    Session(i64),
}

impl Kind {
    fn spec(self) -> String {
        match self {
            Kind::Tumbling(size) => format!("Tumbling(size_ms: {size})"),
            Kind::Sliding(size, slide) => format!("Sliding(size_ms: {size}, slide_ms: {slide})"),
            Kind::Session(gap) => format!("Session(gap_ms: {gap})"),
        }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        (1..=30i64).prop_map(|s| Kind::Tumbling(s * 100)),
        (1..=10i64, 1..=4i64).prop_map(|(slide, n)| Kind::Sliding(slide * 100 * n, slide * 100)),
        (1..=20i64).prop_map(|g| Kind::Session(g * 100)),
    ]
}

/// Aggregates per window and key: count, sum, min, max.
type Results = BTreeMap<(i64, i64, i64), (i64, i64, i64, i64)>;

fn add(results: &mut Results, window: (i64, i64), e: &Event) {
    let entry = results
        .entry((window.0, window.1, e.key))
        .or_insert((0, 0, i64::MAX, i64::MIN));
    entry.0 += 1;
    entry.1 += e.value;
    entry.2 = entry.2.min(e.value);
    entry.3 = entry.3.max(e.value);
}

/// The model: sort by time, then aggregate every window each event falls in.
fn model(kind: Kind, events: &[Event]) -> Vec<String> {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| e.ts);
    let mut results = Results::new();
    match kind {
        Kind::Tumbling(size) => {
            for e in &sorted {
                let start = e.ts.div_euclid(size) * size;
                add(&mut results, (start, start + size), e);
            }
        }
        Kind::Sliding(size, slide) => {
            for e in &sorted {
                let mut start = e.ts.div_euclid(slide) * slide;
                while start > e.ts - size {
                    add(&mut results, (start, start + size), e);
                    start -= slide;
                }
            }
        }
        Kind::Session(gap) => {
            // Per key, an event within the session (touching its end) extends it.
            let mut open: BTreeMap<i64, (i64, i64, Vec<Event>)> = BTreeMap::new();
            let mut closed = Vec::new();
            for e in &sorted {
                match open.get_mut(&e.key) {
                    Some((_, end, members)) if e.ts <= *end => {
                        *end = (*end).max(e.ts + gap);
                        members.push(e.clone());
                    }
                    _ => {
                        if let Some(done) = open.insert(e.key, (e.ts, e.ts + gap, vec![e.clone()]))
                        {
                            closed.push(done);
                        }
                    }
                }
            }
            closed.extend(open.into_values());
            for (start, end, members) in closed {
                for e in &members {
                    add(&mut results, (start, end), e);
                }
            }
        }
    }
    let mut lines: Vec<String> = results
        .into_iter()
        .map(|((start, end, key), (n, sum, lo, hi))| {
            format!(
                "+I[{}, {}, {key}, {n}, {sum}, {lo}, {hi}]",
                format_timestamp(start),
                format_timestamp(end)
            )
        })
        .collect();
    lines.sort();
    lines
}

/// Runs the window over `events`; returns its rows and its late rows, each sorted.
fn engine(
    dir: &std::path::Path,
    kind: Kind,
    batch_size: usize,
    parallelism: usize,
    interval: u64,
) -> (Vec<String>, Vec<String>) {
    let text = format!(
        r#"(version: 1, nodes: [
            (id: "events", kind: FileSource(path: "events.jsonl", format: JsonLines, schema: [
                (name: "ts", type: Timestamp), (name: "k", type: Int64), (name: "v", type: Int64),
            ], event_time: "ts", watermark_delay_ms: {DELAY})),
            (id: "by_key", kind: KeyBy(columns: ["k"])),
            (id: "w", parallelism: {parallelism}, kind: Window(window: {},
                aggregates: ["COUNT(*) AS n", "SUM(v) AS total", "MIN(v) AS lo", "MAX(v) AS hi"])),
            (id: "out", kind: Console()),
            (id: "late", parallelism: 1, kind: Console(print_identifier: "late")),
        ], edges: [(from: "events", to: "by_key"), (from: "by_key", to: "w"),
                   (from: "w", to: "out"), (from: "w", from_port: "late", to: "late")],
        job: (batch_size: {batch_size}, watermark_interval_ms: {interval}))"#,
        kind.spec()
    );
    let console = Arc::new(ConsoleCapture::new(100_000));
    let options = RunOptions {
        base_dir: dir.to_path_buf(),
        console: console.clone(),
        ..Default::default()
    };
    JobHandle::start(&parse(&text).unwrap(), options)
        .unwrap()
        .wait()
        .unwrap();
    // Parallel consoles prefix rows with their instance (`2> `); the rows are what count.
    let (mut late, mut rows): (Vec<String>, Vec<String>) = console
        .lines()
        .into_iter()
        .map(|l| match l.split_once("> ") {
            Some((prefix, row)) if !prefix.starts_with("late") => row.to_string(),
            _ => l,
        })
        .partition(|l| l.starts_with("late> "));
    rows.sort();
    late.sort();
    (rows, late)
}

fn write_events(events: &[Event]) -> tempdir::Dir {
    let dir = tempdir::Dir::new();
    let lines: Vec<String> = events
        .iter()
        .map(|e| format!(r#"{{"ts": {}, "k": {}, "v": {}}}"#, e.ts, e.key, e.value))
        .collect();
    std::fs::write(dir.path().join("events.jsonl"), lines.join("\n")).unwrap();
    dir
}

/// A folder per case, removed when dropped.
mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU64, Ordering};

    static NEXT: AtomicU64 = AtomicU64::new(0);

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("streamlab-window-props-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&path).unwrap();
            Dir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn within_the_delay_results_are_the_models_at_any_batch_size_and_parallelism(
        events in events(DELAY - 5),
        kind in kind(),
    ) {
        let dir = write_events(&events);
        let expected = model(kind, &events);
        for batch_size in [1, 7, 1024] {
            for parallelism in [1, 2, 4] {
                let (rows, late) = engine(dir.path(), kind, batch_size, parallelism, 200);
                prop_assert!(late.is_empty(), "late rows {:?}", late);
                prop_assert_eq!(
                    &rows, &expected,
                    "batch size {}, parallelism {}", batch_size, parallelism
                );
            }
        }
    }

    #[test]
    fn beyond_the_delay_late_rows_do_not_depend_on_batching(
        events in events(5 * DELAY),
        kind in kind(),
    ) {
        let dir = write_events(&events);
        let first = engine(dir.path(), kind, 1, 1, 0);
        for (batch_size, interval) in [(7, 0), (1024, 0), (1, 200), (1024, 200)] {
            let other = engine(dir.path(), kind, batch_size, 1, interval);
            prop_assert_eq!(
                &other, &first,
                "batch size {}, watermark interval {} ms", batch_size, interval
            );
        }
    }
}
