//! Checkpoints of windows: restored where they were taken, at another parallelism, or
//! damaged.

use proptest::prelude::*;

use super::Window;
use crate::operators::state_harness::{
    Make, Step, rescaled, restored, state_after, whole, whole_rows,
};
use crate::operators::{Context, Operator, Outputs};
use crate::spec::{TimeKind, WindowConfig, WindowKind};
use crate::types::{Batch, Column, ColumnBuilder, DataType, Field, Schema, Value, Values};
use crate::validate::{PortType, TimeAttr};

/// How far the watermark trails the latest time seen.
const DELAY: i64 = 50;

/// A row: its key (NULL for `None`), how far the clock moves before it, how far behind the
/// clock its time lies (late rows), and a value.
type Event = (Option<i64>, i64, i64, i64);

fn events() -> impl Strategy<Value = Vec<Event>> {
    let lag = prop_oneof![4 => Just(0i64), 1 => 0i64..300];
    prop::collection::vec(
        (
            prop::option::weighted(0.9, 0i64..5),
            0i64..40,
            lag,
            -5i64..20,
        ),
        1..60,
    )
}

/// Batch sizes, each with whether a watermark follows the batch.
fn cuts() -> impl Strategy<Value = Vec<(usize, bool)>> {
    prop::collection::vec((1usize..12, any::<bool>()), 1..8)
}

/// Each event's time (from `time_of` its clock time), and the watermark in force before it.
fn timeline(events: &[Event], time_of: impl Fn(i64) -> i64) -> Vec<(i64, i64)> {
    let mut clock = 1_000;
    let mut latest = i64::MIN;
    events
        .iter()
        .map(|&(_, step, lag, _)| {
            clock += step;
            let t = time_of(clock - lag);
            let before = latest.saturating_sub(DELAY);
            latest = latest.max(t);
            (t, before)
        })
        .collect()
}

/// The events in batches of `cuts` (cycled), built by `batch`; watermarks where the cuts
/// say, and the last one at the end.
fn script(
    events: &[Event],
    cuts: &[(usize, bool)],
    time_of: impl Fn(i64) -> i64,
    batch: impl Fn(&[Event], &[(i64, i64)]) -> Batch,
) -> Vec<Step> {
    let times = timeline(events, time_of);
    let mut steps = Vec::new();
    let mut at = 0;
    for &(size, watermark) in cuts.iter().cycle() {
        if at >= events.len() {
            break;
        }
        let end = (at + size).min(events.len());
        let mut b = batch(&events[at..end], &times[at..end]);
        b.set_watermarks(Some(times[at..end].iter().map(|t| t.1).collect()));
        steps.push(Step::Rows(0, b));
        if watermark {
            let latest = times[..end].iter().map(|t| t.0).max().expect("rows");
            steps.push(Step::Watermark(latest - DELAY));
        }
        at = end;
    }
    steps.push(Step::Watermark(i64::MAX));
    steps
}

fn plain_input(keys: &[&str]) -> PortType {
    PortType {
        keys: Some(keys.iter().map(|k| k.to_string()).collect()),
        time: Some(TimeAttr::column("ts")),
        ..PortType::plain(Schema::new(vec![
            Field::new("k", DataType::Int64),
            Field::new("ts", DataType::Timestamp),
            Field::new("v", DataType::Int64),
            Field::new("s", DataType::Utf8),
        ]))
    }
}

fn key_column(events: &[Event]) -> Column {
    let mut keys = ColumnBuilder::new(DataType::Int64, events.len());
    for e in events {
        keys.push(&e.0.map_or(Value::Null, Value::Int64));
    }
    keys.finish()
}

/// Rows of [`plain_input`]; `s` depends on the value, NULL now and then.
fn plain_batch(events: &[Event], times: &[(i64, i64)]) -> Batch {
    let mut s = ColumnBuilder::new(DataType::Utf8, events.len());
    for e in events {
        match e.3 {
            v if v % 7 == 0 => s.push_null(),
            v => s.push_str(&format!("s{}", v.rem_euclid(3))),
        }
    }
    Batch::from_columns(vec![
        key_column(events),
        Column::new(Values::Timestamp(times.iter().map(|t| t.0).collect())),
        Column::new(Values::Int64(events.iter().map(|e| e.3).collect())),
        s.finish(),
    ])
}

const SIZE: i64 = 100;

/// A Window's rows (bounds, key, count), as a cascade reads them.
fn windowed_input() -> PortType {
    PortType {
        keys: Some(vec!["k".into()]),
        time: Some(TimeAttr {
            column: "window_end".into(),
            shift_ms: -1,
        }),
        window: Some(WindowKind::Tumbling {
            size_ms: SIZE as u64,
        }),
        ..PortType::plain(Schema::new(vec![
            Field::new("window_start", DataType::Timestamp),
            Field::new("window_end", DataType::Timestamp),
            Field::new("k", DataType::Int64),
            Field::new("n", DataType::Int64),
        ]))
    }
}

/// A row's time in a cascade: the last millisecond of its window.
fn window_time(t: i64) -> i64 {
    t.div_euclid(SIZE) * SIZE + SIZE - 1
}

fn windowed_batch(events: &[Event], times: &[(i64, i64)]) -> Batch {
    let ends: Vec<i64> = times.iter().map(|t| t.0 + 1).collect();
    Batch::from_columns(vec![
        Column::new(Values::Timestamp(ends.iter().map(|e| e - SIZE).collect())),
        Column::new(Values::Timestamp(ends)),
        key_column(events),
        Column::new(Values::Int64(events.iter().map(|e| e.3).collect())),
    ])
}

fn window(config: WindowConfig, input: PortType) -> impl Fn(usize, usize) -> Box<dyn Operator> {
    move |subtask, parallelism| {
        let ctx = Context {
            subtask,
            parallelism,
            inputs: vec![input.clone()],
            ..Context::default()
        };
        Box::new(Window::new(&config, &ctx).expect("a valid window"))
    }
}

fn config(window: WindowKind, aggregates: &[&str], lateness: u64) -> WindowConfig {
    WindowConfig {
        window,
        time: TimeKind::EventTime,
        aggregates: aggregates.iter().map(|a| a.to_string()).collect(),
        allowed_lateness_ms: lateness,
    }
}

const AGGREGATES: [&str; 3] = ["COUNT(*) AS n", "SUM(v) AS total", "MIN(v) AS low"];

/// Restored after `at` steps, the window outputs what it would have; restored at another
/// parallelism, its instances output between them what one would.
fn survives_checkpoints(make: Make, steps: &[Step], at: usize, keys: &[usize]) {
    let at = at % (steps.len() + 1);
    let expected = whole(make, steps);
    assert_eq!(
        restored(make, steps, at),
        expected,
        "restored after {at} steps"
    );
    let rows = whole_rows(make, steps);
    for scale in [(1, 2), (2, 1), (2, 3)] {
        assert_eq!(
            rescaled(make, steps, at, scale, &[keys]),
            rows,
            "rescaled {scale:?} after {at} steps"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn tumbling_windows_survive_checkpoints_and_rescaling(
        events in events(), cuts in cuts(), at in 0usize..64, lateness in prop_oneof![Just(0u64), Just(120)]
    ) {
        let steps = script(&events, &cuts, |t| t, plain_batch);
        let make = window(config(WindowKind::Tumbling { size_ms: 100 }, &AGGREGATES, lateness), plain_input(&["k"]));
        survives_checkpoints(&make, &steps, at, &[0]);
    }

    #[test]
    fn sliding_windows_survive_checkpoints_and_rescaling(
        events in events(), cuts in cuts(), at in 0usize..64, lateness in prop_oneof![Just(0u64), Just(90)]
    ) {
        let steps = script(&events, &cuts, |t| t, plain_batch);
        let hop = WindowKind::Sliding { size_ms: 100, slide_ms: 40 };
        let make = window(config(hop, &AGGREGATES, lateness), plain_input(&["k"]));
        survives_checkpoints(&make, &steps, at, &[0]);
    }

    #[test]
    fn session_windows_survive_checkpoints_and_rescaling(
        events in events(), cuts in cuts(), at in 0usize..64, lateness in prop_oneof![Just(0u64), Just(100)]
    ) {
        let steps = script(&events, &cuts, |t| t, plain_batch);
        let make = window(config(WindowKind::Session { gap_ms: 30 }, &AGGREGATES, lateness), plain_input(&["k"]));
        survives_checkpoints(&make, &steps, at, &[0]);
    }

    #[test]
    fn cascaded_windows_survive_checkpoints_and_rescaling(
        events in events(), cuts in cuts(), at in 0usize..64
    ) {
        let steps = script(&events, &cuts, window_time, windowed_batch);
        let tumble = WindowKind::Tumbling { size_ms: SIZE as u64 };
        let make = window(config(tumble, &["COUNT(*) AS windows", "SUM(n) AS n"], 0), windowed_input());
        survives_checkpoints(&make, &steps, at, &[2]);
    }

    #[test]
    fn windows_keyed_by_text_and_number_survive_checkpoints_and_rescaling(
        events in events(), cuts in cuts(), at in 0usize..64
    ) {
        let steps = script(&events, &cuts, |t| t, plain_batch);
        let aggregates = ["AVG(v) AS mean", "MAX(s) AS top", "COUNT(s) AS named"];
        let make = window(config(WindowKind::Tumbling { size_ms: 100 }, &aggregates, 50), plain_input(&["s", "k"]));
        survives_checkpoints(&make, &steps, at, &[3, 0]);
    }

    #[test]
    fn a_window_over_the_whole_stream_survives_checkpoints(
        events in events(), cuts in cuts(), at in 0usize..64
    ) {
        let steps = script(&events, &cuts, |t| t, plain_batch);
        let hop = WindowKind::Sliding { size_ms: 100, slide_ms: 50 };
        let input = PortType { keys: None, ..plain_input(&[]) };
        let make = window(config(hop, &AGGREGATES, 80), input);
        let at = at % (steps.len() + 1);
        prop_assert_eq!(restored(&make, &steps, at), whole(&make, &steps));
    }

    #[test]
    fn a_damaged_window_state_is_an_error(
        events in events(), cuts in cuts(), at in any::<prop::sample::Index>(), flip in 1u8..=255
    ) {
        let steps = script(&events, &cuts, |t| t, plain_batch);
        for kind in [WindowKind::Sliding { size_ms: 100, slide_ms: 40 }, WindowKind::Session { gap_ms: 30 }] {
            let make = window(config(kind, &AGGREGATES, 60), plain_input(&["s", "k"]));
            let cut = steps.len() / 2;
            let mut state = state_after(&make, &steps[..cut]);
            let at = at.index(state.len());
            state[at] ^= flip;
            let error = make(0, 1).restore(&[state]).expect_err("a damaged state");
            prop_assert!(error.starts_with("the state of window instance 0 (of 1) is not readable: "), "{}", error);
        }
    }
}

/// A few rows in every kind of window state: open windows, fired ones within the allowed
/// lateness, sessions.
fn some_steps() -> Vec<Step> {
    let events: Vec<Event> = (0..40)
        .map(|i| (Some(i % 4), 7, if i % 9 == 0 { 120 } else { 0 }, i))
        .collect();
    script(&events, &[(5, true)], |t| t, plain_batch)
}

#[test]
fn a_truncated_window_state_is_an_error() {
    let steps = some_steps();
    let steps = &steps[..steps.len() - 1];
    let windowed: Vec<Step> = {
        let events: Vec<Event> = (0..40).map(|i| (Some(i % 4), 7, 0, i)).collect();
        let all = script(&events, &[(5, true)], window_time, windowed_batch);
        all[..all.len() - 1].to_vec()
    };
    let tumble = WindowKind::Tumbling {
        size_ms: SIZE as u64,
    };
    let hop = WindowKind::Sliding {
        size_ms: 100,
        slide_ms: 40,
    };
    let session = WindowKind::Session { gap_ms: 30 };
    let cases = [
        (config(tumble, &AGGREGATES, 100), plain_input(&["k"]), steps),
        (config(hop, &AGGREGATES, 0), plain_input(&["s", "k"]), steps),
        (
            config(session, &AGGREGATES, 100),
            plain_input(&["k"]),
            steps,
        ),
        (
            config(tumble, &["SUM(n) AS n"], 0),
            windowed_input(),
            &windowed,
        ),
    ];
    for (config, input, steps) in cases {
        let make = window(config, input);
        let state = state_after(&make, steps);
        assert!(state.len() > 30, "{} bytes", state.len());
        for len in 0..state.len() {
            let error = make(0, 1)
                .restore(&[state.clone(), state[..len].to_vec()])
                .expect_err("a truncated state");
            assert!(
                error.starts_with("the state of window instance 1 (of 2) is not readable: "),
                "{error}"
            );
        }
    }
}

#[test]
fn a_state_of_other_windows_is_refused() {
    let steps = some_steps();
    let tumble = |size_ms| config(WindowKind::Tumbling { size_ms }, &AGGREGATES, 0);
    let state = state_after(&window(tumble(100), plain_input(&["k"])), &steps[..4]);
    let restore = |config: WindowConfig, input: PortType| {
        window(config, input)(0, 1)
            .restore(std::slice::from_ref(&state))
            .unwrap_err()
    };
    assert!(
        restore(tumble(200), plain_input(&["k"])).ends_with(
            "it was taken of windows of 100 ms every 100 ms, not of 200 ms every 200 ms"
        )
    );
    assert!(
        restore(tumble(100), plain_input(&["s"])).contains("its keys are (BIGINT), not (STRING)")
    );
    let other = config(WindowKind::Tumbling { size_ms: 100 }, &["COUNT(*) AS n"], 0);
    assert!(
        restore(other, plain_input(&["k"]))
            .contains("its aggregates are not those of this window (n)")
    );
    let session = config(WindowKind::Session { gap_ms: 100 }, &AGGREGATES, 0);
    assert!(
        restore(session, plain_input(&["k"])).ends_with("it was taken of another kind of window")
    );
}

#[test]
fn a_processing_time_window_keeps_its_open_windows() {
    // One window from 2001 to 2033: the clock stays in it while the test runs.
    let mut config = config(
        WindowKind::Tumbling {
            size_ms: 1_000_000_000_000,
        },
        &AGGREGATES,
        0,
    );
    config.time = TimeKind::ProcessingTime;
    let mut input = plain_input(&["k"]);
    input.time = None;
    let make = window(config, input);
    let events: Vec<Event> = (0..30).map(|i| (Some(i % 3), 1, 0, i)).collect();
    let times = timeline(&events, |t| t);
    let (first, second) = (
        plain_batch(&events[..12], &times[..12]),
        plain_batch(&events[12..], &times[12..]),
    );
    let mut out = Outputs::default();
    let mut original = make(0, 1);
    original.process(0, first, &mut out).unwrap();
    let states = vec![original.snapshot(1).unwrap().unwrap()];
    let mut halves: Vec<Box<dyn Operator>> = vec![make(0, 2), make(1, 2)];
    for (i, op) in halves.iter_mut().enumerate() {
        op.restore(&states).unwrap();
        let mine = crate::runtime::split_by_key(&second, &[0], 2).swap_remove(i);
        op.process(0, second.take(&mine), &mut out).unwrap();
        op.finish(&mut out).unwrap();
    }
    let mut rows: Vec<Vec<Value>> = out
        .take()
        .into_iter()
        .flat_map(|(_, b)| b.rows())
        .map(|r| r[2..].to_vec())
        .collect();
    rows.sort_by_key(|r| format!("{r:?}"));
    let expected: Vec<Vec<Value>> = (0..3)
        .map(|k| {
            let values: Vec<i64> = (0..30).filter(|v| v % 3 == k).collect();
            let sum = values.iter().sum();
            vec![
                Value::Int64(k),
                Value::Int64(10),
                Value::Int64(sum),
                Value::Int64(values[0]),
            ]
        })
        .collect();
    assert_eq!(rows, expected);
}

/// Times near the ends of the 64-bit range: a tumbling or sliding window that would start
/// before `i64::MIN` or end after `i64::MAX` cannot be written, so its rows are late; a
/// session stops at `i64::MAX`. Nothing overflows, here or in a checkpoint.
#[test]
fn windows_at_the_ends_of_time_neither_overflow_nor_wrap() {
    const MIN: i64 = i64::MIN;
    const MAX: i64 = i64::MAX;
    let rows = |times: &[(i64, i64)]| {
        let events: Vec<Event> = (0..times.len() as i64)
            .map(|v| (Some(1), 0, 0, v))
            .collect();
        let mut batch = plain_batch(&events, times);
        batch.set_watermarks(Some(times.iter().map(|t| t.1).collect()));
        Step::Rows(0, batch)
    };
    let first = [MIN, MIN + 1000, 0, MAX - 1000, MAX - 1, MAX].map(|t| (t, MIN));
    // Late for the window of MAX - 1000, within a lateness of 1000.
    let again = MAX - 950;
    let steps = [
        rows(&first),
        Step::Watermark(MAX - 500),
        rows(&[(again, MAX - 500)]),
        Step::Watermark(MAX),
    ];
    let kinds = [
        WindowKind::Tumbling { size_ms: 100 },
        WindowKind::Sliding {
            size_ms: 100,
            slide_ms: 40,
        },
        WindowKind::Session { gap_ms: 100 },
    ];
    for kind in kinds {
        for lateness in [0, 1000] {
            let make = window(config(kind, &AGGREGATES, lateness), plain_input(&["k"]));
            let out = whole(&make, &steps);
            let late: Vec<&String> = out
                .iter()
                .flatten()
                .filter(|l| l.starts_with("1 "))
                .collect();
            let late_at = |t: i64| late.iter().any(|l| l.contains(&format!("Timestamp({t}),")));
            let session = matches!(kind, WindowKind::Session { .. });
            let mut expected = if session {
                vec![]
            } else {
                vec![MIN, MAX - 1, MAX]
            };
            if lateness == 0 {
                expected.push(again);
            }
            assert_eq!(late.len(), expected.len(), "{kind:?} {lateness}: {late:#?}");
            assert!(
                expected.into_iter().all(late_at),
                "{kind:?} {lateness}: {late:#?}"
            );
            if session {
                let last = format!(
                    "0 +I [Timestamp({}), Timestamp({MAX}), Int64(1), Int64(2), Int64(9), Int64(4)] @{}",
                    MAX - 1,
                    MAX - 500
                );
                assert_eq!(out[3], [last], "{kind:?} {lateness}");
            }
            for at in 0..=steps.len() {
                survives_checkpoints(&make, &steps, at, &[0]);
            }
        }
    }
}
