//! Checkpoints of joins: restored where they were taken, at another parallelism, or
//! damaged.

use proptest::prelude::*;

use super::Join;
use crate::operators::state_harness::{
    Make, Step, rescaled, restored, state_after, whole, whole_rows,
};
use crate::operators::{Context, Operator};
use crate::spec::{JoinConfig, JoinKey, JoinKind, JoinType, WindowKind};
use crate::types::{Batch, Column, ColumnBuilder, DataType, Field, Schema, Value, Values};
use crate::validate::{PortType, TimeAttr};

/// How far the watermark trails the latest time seen.
const DELAY: i64 = 40;

/// A row: its input, its key (NULL for `None`), how far the clock moves before it, how far
/// behind the clock its time lies (late rows), and a value.
type Event = (usize, Option<i64>, i64, i64, i64);

fn events() -> impl Strategy<Value = Vec<Event>> {
    let lag = prop_oneof![4 => Just(0i64), 1 => 0i64..200];
    prop::collection::vec(
        (
            0usize..2,
            prop::option::weighted(0.9, 0i64..4),
            0i64..30,
            lag,
            0i64..50,
        ),
        1..60,
    )
}

/// The most rows a batch takes (an input's run of rows is cut there too), and whether a
/// watermark follows it.
fn cuts() -> impl Strategy<Value = Vec<(usize, bool)>> {
    prop::collection::vec((1usize..8, any::<bool>()), 1..6)
}

fn input(third: (&str, DataType)) -> PortType {
    PortType {
        keys: Some(vec!["k".into()]),
        time: Some(TimeAttr::column("ts")),
        ..PortType::plain(Schema::new(vec![
            Field::new("k", DataType::Int64),
            Field::new("ts", DataType::Timestamp),
            Field::new(third.0, third.1),
        ]))
    }
}

/// Rows of the left input (`k`, `ts`, a number `v`) or the right one (`k`, `ts`, a text).
fn batch(side: usize, events: &[(Event, i64)]) -> Batch {
    let mut keys = ColumnBuilder::new(DataType::Int64, events.len());
    let mut third = ColumnBuilder::new([DataType::Int64, DataType::Utf8][side], events.len());
    for ((_, key, _, _, value), _) in events {
        keys.push(&key.map_or(Value::Null, Value::Int64));
        match side {
            0 => third.push_i64(*value),
            _ if value % 5 == 0 => third.push_null(),
            _ => third.push_str(&format!("r{value}")),
        }
    }
    Batch::from_columns(vec![
        keys.finish(),
        Column::new(Values::Timestamp(events.iter().map(|(_, t)| *t).collect())),
        third.finish(),
    ])
}

/// The events as batches of one input each, every row carrying the watermark before it;
/// watermarks where the cuts say, and the last one at the end.
fn script(events: &[Event], cuts: &[(usize, bool)]) -> Vec<Step> {
    let mut clock = 1_000;
    let mut latest = i64::MIN;
    let timed: Vec<(Event, i64, i64)> = events
        .iter()
        .map(|&e| {
            clock += e.2;
            let t = clock - e.3;
            let before = latest.saturating_sub(DELAY);
            latest = latest.max(t);
            (e, t, before)
        })
        .collect();
    let mut steps = Vec::new();
    let mut at = 0;
    for &(size, watermark) in cuts.iter().cycle() {
        if at >= timed.len() {
            break;
        }
        let side = timed[at].0.0;
        let run = timed[at..]
            .iter()
            .take(size)
            .take_while(|(e, _, _)| e.0 == side)
            .count();
        let rows: Vec<(Event, i64)> = timed[at..at + run]
            .iter()
            .map(|(e, t, _)| (*e, *t))
            .collect();
        let mut b = batch(side, &rows);
        b.set_watermarks(Some(timed[at..at + run].iter().map(|r| r.2).collect()));
        steps.push(Step::Rows(side, b));
        at += run;
        if watermark {
            let latest = timed[..at].iter().map(|r| r.1).max().expect("rows");
            steps.push(Step::Watermark(latest - DELAY));
        }
    }
    steps.push(Step::Watermark(i64::MAX));
    steps
}

fn join(kind: JoinKind, join_type: JoinType) -> impl Fn(usize, usize) -> Box<dyn Operator> {
    let config = JoinConfig {
        kind,
        join_type,
        keys: vec![JoinKey {
            left: "k".into(),
            right: "k".into(),
        }],
    };
    move |subtask, parallelism| {
        let ctx = Context {
            subtask,
            parallelism,
            inputs: vec![input(("v", DataType::Int64)), input(("w", DataType::Utf8))],
            ..Context::default()
        };
        Box::new(Join::new(&config, &ctx).expect("a valid join"))
    }
}

const TUMBLING: JoinKind = JoinKind::Window {
    window: WindowKind::Tumbling { size_ms: 100 },
};
const SLIDING: JoinKind = JoinKind::Window {
    window: WindowKind::Sliding {
        size_ms: 100,
        slide_ms: 50,
    },
};
const INTERVAL: JoinKind = JoinKind::Interval {
    before_ms: 30,
    after_ms: 20,
};

fn join_type(outer: bool) -> JoinType {
    if outer {
        JoinType::LeftOuter
    } else {
        JoinType::Inner
    }
}

/// Restored after `at` steps, the join outputs what it would have; restored at another
/// parallelism, its instances output between them what one would.
fn survives_checkpoints(make: Make, steps: &[Step], at: usize) {
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
            rescaled(make, steps, at, scale, &[&[0], &[0]]),
            rows,
            "rescaled {scale:?} after {at} steps"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn window_joins_survive_checkpoints_and_rescaling(
        events in events(), cuts in cuts(), at in 0usize..64, outer: bool, sliding: bool
    ) {
        let kind = if sliding { SLIDING } else { TUMBLING };
        survives_checkpoints(&join(kind, join_type(outer)), &script(&events, &cuts), at);
    }

    #[test]
    fn interval_joins_survive_checkpoints_and_rescaling(
        events in events(), cuts in cuts(), at in 0usize..64, outer: bool
    ) {
        survives_checkpoints(&join(INTERVAL, join_type(outer)), &script(&events, &cuts), at);
    }

    #[test]
    fn a_damaged_join_state_is_an_error(
        events in events(), cuts in cuts(), at in any::<prop::sample::Index>(), flip in 1u8..=255
    ) {
        let steps = script(&events, &cuts);
        for kind in [SLIDING, INTERVAL] {
            let make = join(kind, JoinType::LeftOuter);
            let cut = steps.len() / 2;
            let mut state = state_after(&make, &steps[..cut]);
            let at = at.index(state.len());
            state[at] ^= flip;
            let error = make(0, 1).restore(&[state]).expect_err("a damaged state");
            prop_assert!(error.starts_with("the state of join instance 0 (of 1) is not readable: "), "{}", error);
        }
    }
}

/// Rows of both inputs, none yet past its window or interval.
fn some_steps() -> Vec<Step> {
    let events: Vec<Event> = (0..30)
        .map(|i| ((i / 3 % 2) as usize, Some(i % 3), 3, 0, i))
        .collect();
    let mut steps = script(&events, &[(3, false)]);
    steps.pop();
    steps
}

#[test]
fn a_truncated_join_state_is_an_error() {
    for kind in [TUMBLING, SLIDING, INTERVAL] {
        let make = join(kind, JoinType::LeftOuter);
        let state = state_after(&make, &some_steps());
        assert!(state.len() > 100, "{} bytes", state.len());
        for len in 0..state.len() {
            let error = make(0, 1)
                .restore(&[state.clone(), state[..len].to_vec()])
                .expect_err("a truncated state");
            assert!(
                error.starts_with("the state of join instance 1 (of 2) is not readable: "),
                "{error}"
            );
        }
    }
}

#[test]
fn a_state_of_another_join_is_refused() {
    let state = state_after(&join(TUMBLING, JoinType::Inner), &some_steps());
    let restore = |kind| {
        join(kind, JoinType::Inner)(0, 1)
            .restore(std::slice::from_ref(&state))
            .unwrap_err()
    };
    assert!(
        restore(SLIDING)
            .ends_with("it was taken of windows of 100 ms every 100 ms, not of 100 ms every 50 ms"),
        "{}",
        restore(SLIDING)
    );
    assert!(restore(INTERVAL).ends_with("it was taken of another kind of join"));
}

#[test]
fn an_outer_join_remembers_which_rows_matched() {
    // Left rows of keys 1 and 2; a right row matches key 1's. Checkpointed then, the join
    // pads only key 2's row with NULLs when the rows leave.
    let row = |side, key, value| ((side, Some(key), 0, 0, value), 1_000 + value);
    let steps = [
        Step::Rows(0, batch(0, &[row(0, 1, 0), row(0, 2, 0)])),
        Step::Rows(1, batch(1, &[row(1, 1, 11)])),
        Step::Watermark(i64::MAX),
    ];
    let make = join(INTERVAL, JoinType::LeftOuter);
    let outputs = restored(&make, &steps, 2);
    assert_eq!(outputs, whole(&make, &steps));
    assert_eq!(
        outputs[1],
        [
            "0 +I [Int64(1), Timestamp(1000), Int64(0), Int64(1), Timestamp(1011), Utf8(\"r11\")] @-9223372036854775808"
        ]
    );
    assert_eq!(
        outputs[2],
        ["0 +I [Int64(2), Timestamp(1000), Int64(0), Null, Null, Null] @-9223372036854775808"]
    );
}
