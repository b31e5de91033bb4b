//! Joins over two small, hand-checked streams in event time (`tests/data/orders.jsonl` and
//! `clicks.jsonl`, each in order, 2 s watermark delay): the expected rows written out by
//! hand. Apache Flink SQL 2.3 gives the same rows for each query (window join with
//! `TUMBLE` on both sides, interval join with `l.ts BETWEEN r.ts - INTERVAL '1' SECOND AND
//! r.ts + INTERVAL '2' SECOND`).
//!
//! ```text
//! orders (left)              clicks (right)
//! 01.000 alice 10            00.500 alice home
//! 02.000 bob   20            02.500 bob   cart
//! 03.500 alice 30            04.000 alice cart
//! 06.000 bob   40            05.500 bob   home
//! 07.000 carol 50            09.000 alice pay
//! 11.000 alice 60            12.000 bob   pay
//! 12.500 bob   70            14.000 dave  home
//! ```

use std::sync::Arc;

use engine::operators::ConsoleCapture;
use engine::spec::parse;
use engine::{JobHandle, RunOptions};
use streamlab_tests::repo_root;

/// orders and clicks, each keyed by user when `keyed`, into `join` → console.
fn run(join: &str, batch_size: usize, parallelism: usize) -> Vec<String> {
    let keyed = parallelism > 1;
    let (key_nodes, edges) = if keyed {
        (
            r#"(id: "ko", kind: KeyBy(columns: ["user"])), (id: "kc", kind: KeyBy(columns: ["user"])),"#,
            r#"(from: "orders", to: "ko"), (from: "clicks", to: "kc"),
               (from: "ko", to: "j", to_port: "left"), (from: "kc", to: "j", to_port: "right"),"#,
        )
    } else {
        (
            "",
            r#"(from: "orders", to: "j", to_port: "left"), (from: "clicks", to: "j", to_port: "right"),"#,
        )
    };
    let text = format!(
        r#"(version: 1, nodes: [
            (id: "orders", kind: FileSource(path: "orders.jsonl", format: JsonLines, schema: [
                (name: "ts", type: Timestamp), (name: "user", type: Utf8), (name: "amount", type: Int64),
            ], event_time: "ts", watermark_delay_ms: 2000)),
            (id: "clicks", kind: FileSource(path: "clicks.jsonl", format: JsonLines, schema: [
                (name: "ts", type: Timestamp), (name: "user", type: Utf8), (name: "page", type: Utf8),
            ], event_time: "ts", watermark_delay_ms: 2000)),
            {key_nodes}
            (id: "j", parallelism: {parallelism}, kind: Join({join}, keys: [(left: "user", right: "user")])),
            (id: "out", parallelism: 1, kind: Console()),
        ], edges: [{edges} (from: "j", to: "out")],
        job: (batch_size: {batch_size}))"#
    );
    let console = Arc::new(ConsoleCapture::new(1000));
    let options = RunOptions {
        base_dir: repo_root().join("tests/data"),
        console: console.clone(),
        ..Default::default()
    };
    JobHandle::start(&parse(&text).unwrap(), options)
        .unwrap()
        .wait()
        .unwrap();
    let mut lines = console.lines();
    lines.sort();
    lines
}

/// The same rows at every batch size and parallelism.
fn rows(join: &str) -> Vec<String> {
    let first = run(join, 1, 1);
    for (batch_size, parallelism) in [(1024, 1), (1, 2), (1024, 2)] {
        assert_eq!(
            run(join, batch_size, parallelism),
            first,
            "batch size {batch_size}, parallelism {parallelism}"
        );
    }
    first
}

fn expected(rows: &[&str]) -> Vec<String> {
    let mut rows: Vec<String> = rows
        .iter()
        .map(|r| format!("+I[{}]", r.replace('~', "2024-01-01 00:00:")))
        .collect();
    rows.sort();
    rows
}

/// Each window's pairs of equal users: [0, 5) has alice twice on each side (4 pairs) and
/// bob once; [5, 10) bob; [10, 15) bob. Carol (07.000) and alice (11.000) find no click in
/// their window.
const WINDOW_PAIRS: &[&str] = &[
    "~00.000, ~05.000, ~01.000, alice, 10, ~00.500, alice, home",
    "~00.000, ~05.000, ~01.000, alice, 10, ~04.000, alice, cart",
    "~00.000, ~05.000, ~03.500, alice, 30, ~00.500, alice, home",
    "~00.000, ~05.000, ~03.500, alice, 30, ~04.000, alice, cart",
    "~00.000, ~05.000, ~02.000, bob, 20, ~02.500, bob, cart",
    "~05.000, ~10.000, ~06.000, bob, 40, ~05.500, bob, home",
    "~10.000, ~15.000, ~12.500, bob, 70, ~12.000, bob, pay",
];

#[test]
fn a_window_join_pairs_rows_of_equal_key_in_the_same_window() {
    let rows = rows("kind: Window(window: Tumbling(size_ms: 5000))");
    assert_eq!(rows, expected(WINDOW_PAIRS));
}

#[test]
fn a_left_outer_window_join_keeps_left_rows_without_a_match() {
    let rows = rows("kind: Window(window: Tumbling(size_ms: 5000)), join_type: LeftOuter");
    let mut all = WINDOW_PAIRS.to_vec();
    all.push("~05.000, ~10.000, ~07.000, carol, 50, NULL, NULL, NULL");
    all.push("~10.000, ~15.000, ~11.000, alice, 60, NULL, NULL, NULL");
    assert_eq!(rows, expected(&all));
}

/// `l.ts BETWEEN r.ts - 1 s AND r.ts + 2 s`: each order with the clicks of its user from
/// 2 s before it to 1 s after it.
const INTERVAL_PAIRS: &[&str] = &[
    "~01.000, alice, 10, ~00.500, alice, home",
    "~02.000, bob, 20, ~02.500, bob, cart",
    "~03.500, alice, 30, ~04.000, alice, cart",
    "~06.000, bob, 40, ~05.500, bob, home",
    "~11.000, alice, 60, ~09.000, alice, pay",
    "~12.500, bob, 70, ~12.000, bob, pay",
];

#[test]
fn an_interval_join_pairs_rows_within_the_interval() {
    let rows = rows("kind: Interval(before_ms: 1000, after_ms: 2000)");
    assert_eq!(rows, expected(INTERVAL_PAIRS));
}

#[test]
fn a_left_outer_interval_join_emits_unmatched_rows_once_no_match_can_come() {
    let rows = rows("kind: Interval(before_ms: 1000, after_ms: 2000), join_type: LeftOuter");
    let mut all = INTERVAL_PAIRS.to_vec();
    all.push("~07.000, carol, 50, NULL, NULL, NULL");
    assert_eq!(rows, expected(&all));
}
