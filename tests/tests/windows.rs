//! Windows over a hand-checked, out-of-order data set with late rows
//! (`tests/data/late-events.jsonl`): the expected rows of each window type, written out by
//! hand, for every batch size and watermark interval. Apache Flink SQL 2.3 gives the same
//! rows for the tumbling, sliding, session and global windows (checked with
//! `pipeline.auto-watermark-interval: 0`, parallelism 1).
//!
//! The data (time within 2024-01-01 00:00, user, amount) and the watermark with a 2 s delay
//! (largest time seen minus 2 s) in force before each row:
//!
//! ```text
//!  #  time    user   amount  watermark before it
//!  1  01.000  alice    10    none
//!  2  03.000  bob       5    -1.000
//!  3  02.000  alice     7    01.000
//!  4  06.000  alice     1    01.000
//!  5  04.500  bob       2    04.000
//!  6  09.000  bob       3    04.000
//!  7  04.000  alice   100    07.000   late for [0 s, 5 s): its last millisecond, 04.999, has passed
//!  8  11.000  alice     4    07.000
//!  9  07.000  bob       8    09.000   on time for [5 s, 10 s): 09.999 has not passed
//! 10  16.000  bob       1    09.000
//! 11  12.000  alice    50    14.000
//! 12  13.000  bob       6    14.000
//! 13  21.000  alice     2    14.000
//! 14  14.999  bob       9    19.000   late for [10 s, 15 s)
//! ```

use std::sync::Arc;

use engine::operators::ConsoleCapture;
use engine::spec::parse;
use engine::{JobHandle, RunOptions};
use streamlab_tests::repo_root;

/// `events` (the data set, event time `ts`, 2 s delay) → [KeyBy user] → `window` → console,
/// with the late rows to a console of their own.
fn pipeline(window: &str, keyed: bool, batch_size: usize, interval_ms: u64) -> String {
    let (key_node, edges) = if keyed {
        (
            r#"(id: "by_user", kind: KeyBy(columns: ["user"])),"#,
            r#"(from: "events", to: "by_user"), (from: "by_user", to: "w"),"#,
        )
    } else {
        ("", r#"(from: "events", to: "w"),"#)
    };
    format!(
        r#"(version: 1, nodes: [
            (id: "events", kind: FileSource(path: "late-events.jsonl", format: JsonLines, schema: [
                (name: "ts", type: Timestamp), (name: "user", type: Utf8), (name: "amount", type: Int64),
            ], event_time: "ts", watermark_delay_ms: 2000)),
            {key_node}
            (id: "w", kind: Window({window})),
            (id: "out", kind: Console()),
            (id: "late", kind: Console(print_identifier: "late")),
        ], edges: [{edges} (from: "w", to: "out"), (from: "w", from_port: "late", to: "late")],
        job: (batch_size: {batch_size}, watermark_interval_ms: {interval_ms}))"#
    )
}

/// The window rows and the late rows, each sorted, for every batch size and watermark
/// interval; all must agree.
fn run(window: &str, keyed: bool) -> (Vec<String>, Vec<String>) {
    let mut seen: Option<(Vec<String>, Vec<String>)> = None;
    for batch_size in [1, 3, 1024] {
        for interval in [0, 200] {
            let spec = parse(&pipeline(window, keyed, batch_size, interval)).unwrap();
            let console = Arc::new(ConsoleCapture::new(10_000));
            let options = RunOptions {
                base_dir: repo_root().join("tests/data"),
                console: console.clone(),
                ..Default::default()
            };
            JobHandle::start(&spec, options).unwrap().wait().unwrap();
            let (mut late, mut rows): (Vec<String>, Vec<String>) = console
                .lines()
                .into_iter()
                .partition(|l| l.starts_with("late> "));
            rows.sort();
            late.sort();
            match &seen {
                None => seen = Some((rows, late)),
                Some(first) => assert_eq!(
                    first,
                    &(rows, late),
                    "batch size {batch_size}, watermark interval {interval} ms"
                ),
            }
        }
    }
    seen.unwrap()
}

fn sorted(lines: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    lines.sort();
    lines
}

const T: &str = "2024-01-01 00:00:";

/// `+I[start, end, rest]` with times within the minute.
fn row(kind: &str, start: &str, end: &str, rest: &str) -> String {
    format!("{kind}[{T}{start}, {T}{end}, {rest}]")
}

#[test]
fn tumbling_windows_drop_late_rows_to_the_late_output() {
    let (rows, late) = run(
        r#"window: Tumbling(size_ms: 5000), aggregates: ["COUNT(*) AS n", "SUM(amount) AS total"]"#,
        true,
    );
    let expected = [
        // [0, 5): alice 10 + 7 (row 7, 100, is late); bob 5 + 2.
        row("+I", "00.000", "05.000", "alice, 2, 17"),
        row("+I", "00.000", "05.000", "bob, 2, 7"),
        // [5, 10): alice 1; bob 3 + 8.
        row("+I", "05.000", "10.000", "alice, 1, 1"),
        row("+I", "05.000", "10.000", "bob, 2, 11"),
        // [10, 15): alice 4 + 50; bob 6 (row 14, 9, is late).
        row("+I", "10.000", "15.000", "alice, 2, 54"),
        row("+I", "10.000", "15.000", "bob, 1, 6"),
        row("+I", "15.000", "20.000", "bob, 1, 1"),
        row("+I", "20.000", "25.000", "alice, 1, 2"),
    ];
    assert_eq!(
        rows,
        sorted(&expected.iter().map(String::as_str).collect::<Vec<_>>())
    );
    assert_eq!(
        late,
        [
            format!("late> +I[{T}04.000, alice, 100]"),
            format!("late> +I[{T}14.999, bob, 9]"),
        ]
    );
}

#[test]
fn allowed_lateness_updates_the_result_and_drops_what_comes_later() {
    let (rows, late) = run(
        r#"window: Tumbling(size_ms: 5000), aggregates: ["COUNT(*) AS n", "SUM(amount) AS total"], allowed_lateness_ms: 3000"#,
        true,
    );
    let mut expected = vec![
        row("+I", "00.000", "05.000", "alice, 2, 17"),
        row("+I", "00.000", "05.000", "bob, 2, 7"),
        // Row 7 comes at watermark 07.000, within 3 s of 04.999: [0, 5) of alice changes.
        row("-U", "00.000", "05.000", "alice, 2, 17"),
        row("+U", "00.000", "05.000", "alice, 3, 117"),
        row("+I", "05.000", "10.000", "alice, 1, 1"),
        row("+I", "05.000", "10.000", "bob, 2, 11"),
        row("+I", "10.000", "15.000", "alice, 2, 54"),
        row("+I", "10.000", "15.000", "bob, 1, 6"),
        row("+I", "15.000", "20.000", "bob, 1, 1"),
        row("+I", "20.000", "25.000", "alice, 1, 2"),
    ];
    expected.sort();
    assert_eq!(rows, expected);
    // Row 14 comes at 19.000, more than 3 s after 14.999.
    assert_eq!(late, [format!("late> +I[{T}14.999, bob, 9]")]);
}

#[test]
fn sliding_windows_count_a_row_in_every_window_it_falls_in() {
    let (rows, late) = run(
        r#"window: Sliding(size_ms: 6000, slide_ms: 2000), aggregates: ["COUNT(*) AS n", "SUM(amount) AS total", "MIN(amount) AS lo", "MAX(amount) AS hi", "AVG(amount) AS mean"]"#,
        true,
    );
    // Row 7 (04.000) falls in [0, 6), which fired at watermark 05.999 without it, and in
    // [2, 8) and [4, 10), which have not fired: it counts in those two.
    // Row 12 (13.000, bob) comes at 14.000: [8, 14) has fired without it; [10, 16) and
    // [12, 18) count it. Row 14 (14.999) comes at 19.000: [10, 16) and [12, 18) have fired,
    // [14, 20) has not.
    let expected = [
        row("+I", "02.000", "08.000", "alice, 3, 108, 1, 100, 36"),
        row("+I", "02.000", "08.000", "bob, 2, 7, 2, 5, 3"),
        row("+I", "04.000", "10.000", "alice, 2, 101, 1, 100, 50"),
        row("+I", "04.000", "10.000", "bob, 3, 13, 2, 8, 4"),
        row("+I", "00.000", "06.000", "alice, 2, 17, 7, 10, 8"),
        row("+I", "00.000", "06.000", "bob, 2, 7, 2, 5, 3"),
        row("+I", "06.000", "12.000", "alice, 2, 5, 1, 4, 2"),
        row("+I", "06.000", "12.000", "bob, 2, 11, 3, 8, 5"),
        row("+I", "08.000", "14.000", "alice, 1, 4, 4, 4, 4"),
        row("+I", "08.000", "14.000", "bob, 1, 3, 3, 3, 3"),
        row("+I", "10.000", "16.000", "alice, 2, 54, 4, 50, 27"),
        row("+I", "10.000", "16.000", "bob, 1, 6, 6, 6, 6"),
        row("+I", "12.000", "18.000", "alice, 1, 50, 50, 50, 50"),
        row("+I", "12.000", "18.000", "bob, 2, 7, 1, 6, 3"),
        row("+I", "14.000", "20.000", "bob, 2, 10, 1, 9, 5"),
        row("+I", "16.000", "22.000", "alice, 1, 2, 2, 2, 2"),
        row("+I", "16.000", "22.000", "bob, 1, 1, 1, 1, 1"),
        row("+I", "18.000", "24.000", "alice, 1, 2, 2, 2, 2"),
        row("+I", "20.000", "26.000", "alice, 1, 2, 2, 2, 2"),
        format!("+I[2023-12-31 23:59:56.000, {T}02.000, alice, 1, 10, 10, 10, 10]"),
        format!("+I[2023-12-31 23:59:58.000, {T}04.000, alice, 2, 17, 7, 10, 8]"),
        format!("+I[2023-12-31 23:59:58.000, {T}04.000, bob, 1, 5, 5, 5, 5]"),
    ];
    assert_eq!(
        rows,
        sorted(&expected.iter().map(String::as_str).collect::<Vec<_>>())
    );
    assert!(late.is_empty(), "{late:?}");
}

#[test]
fn sessions_merge_within_the_gap_but_not_into_fired_ones() {
    let (rows, late) = run(
        r#"window: Session(gap_ms: 3000), aggregates: ["COUNT(*) AS n", "SUM(amount) AS total"]"#,
        true,
    );
    let expected = [
        // alice 01, 02 → [1, 5). It fires at watermark 07.000, before row 7 (04.000) comes;
        // row 7 then joins the open [6, 9) instead: [4, 9) with 100 + 1.
        row("+I", "01.000", "05.000", "alice, 2, 17"),
        row("+I", "04.000", "09.000", "alice, 2, 101"),
        // bob 03, 04.5 → [3, 7.5); 09 → [9, 12), then 07 → [7, 10) overlaps it: [7, 12).
        row("+I", "03.000", "07.500", "bob, 2, 7"),
        row("+I", "07.000", "12.000", "bob, 2, 11"),
        // alice 11 → [11, 14), fired at 14.000 before 12 comes: 12 opens [12, 15).
        row("+I", "11.000", "14.000", "alice, 1, 4"),
        row("+I", "12.000", "15.000", "alice, 1, 50"),
        // bob 16 → [16, 19); 13 → [13, 16), which touches it: merged [13, 19).
        row("+I", "13.000", "19.000", "bob, 2, 7"),
        row("+I", "21.000", "24.000", "alice, 1, 2"),
    ];
    assert_eq!(
        rows,
        sorted(&expected.iter().map(String::as_str).collect::<Vec<_>>())
    );
    // Row 14 (14.999 → [14.999, 17.999)) comes at 19.000: [13, 19) has fired and is gone.
    assert_eq!(late, [format!("late> +I[{T}14.999, bob, 9]")]);
}

#[test]
fn a_window_without_a_key_aggregates_the_whole_stream() {
    let (rows, late) = run(
        r#"window: Tumbling(size_ms: 5000), aggregates: ["COUNT(*) AS n", "SUM(amount) AS total"]"#,
        false,
    );
    let expected = [
        row("+I", "00.000", "05.000", "4, 24"),
        row("+I", "05.000", "10.000", "3, 12"),
        row("+I", "10.000", "15.000", "3, 60"),
        row("+I", "15.000", "20.000", "1, 1"),
        row("+I", "20.000", "25.000", "1, 2"),
    ];
    assert_eq!(
        rows,
        sorted(&expected.iter().map(String::as_str).collect::<Vec<_>>())
    );
    assert_eq!(late.len(), 2);
}

#[test]
fn a_window_takes_rows_until_the_watermark_reaches_its_last_millisecond() {
    // Tumbling 10 s windows, 1 s delay (Flink gives the same):
    //   00.000 a      watermark none
    //   10.998 b      watermark none; after it 09.998
    //   10.500 x      09.998
    //   09.999 c      09.998: [0, 10) has not fired (its last millisecond is 09.999): counted
    //   10.999 d      09.998; after it 09.999, which fires [0, 10)
    //   09.999 e      09.999: late
    let text = r#"(version: 1, nodes: [
        (id: "events", kind: FileSource(path: "window-edge.jsonl", format: JsonLines, schema: [
            (name: "ts", type: Timestamp), (name: "user", type: Utf8), (name: "amount", type: Int64),
        ], event_time: "ts", watermark_delay_ms: 1000)),
        (id: "w", kind: Window(window: Tumbling(size_ms: 10000), aggregates: ["COUNT(*) AS n", "SUM(amount) AS total"])),
        (id: "out", kind: Console()),
        (id: "late", kind: Console(print_identifier: "late")),
    ], edges: [(from: "events", to: "w"), (from: "w", to: "out"), (from: "w", from_port: "late", to: "late")],
    job: (batch_size: 1))"#;
    let console = Arc::new(ConsoleCapture::new(100));
    let options = RunOptions {
        base_dir: repo_root().join("tests/data"),
        console: console.clone(),
        ..Default::default()
    };
    JobHandle::start(&parse(text).unwrap(), options)
        .unwrap()
        .wait()
        .unwrap();
    let mut lines = console.lines();
    lines.sort();
    assert_eq!(
        lines,
        [
            "+I[1970-01-01 00:00:00.000, 1970-01-01 00:00:10.000, 2, 4]",
            "+I[1970-01-01 00:00:10.000, 1970-01-01 00:00:20.000, 3, 16]",
            "late> +I[1970-01-01 00:00:09.999, e, 5]",
        ]
    );
}
