//! A checkpoint of a large window: a tumbling window holding 1,000,000 BIGINT keys, each
//! with a COUNT and a SUM. Writing the state and taking it up again are measured apart;
//! the state's size is printed. Restoring must stay well under a second.

use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use engine::operators::{Context, Operator, Outputs, build_operator};
use engine::spec::{NodeKind, NodeSpec, TimeKind, WindowConfig, WindowKind};
use engine::types::{Batch, Column, DataType, Field, Schema, Values};
use engine::validate::{PortType, TimeAttr};

const KEYS: i64 = 1_000_000;
const SIZE_MS: i64 = 60_000;

fn window() -> Box<dyn Operator> {
    let schema = Schema::new(vec![
        Field::new("k", DataType::Int64),
        Field::new("ts", DataType::Timestamp),
        Field::new("v", DataType::Int64),
    ]);
    let input = PortType {
        keys: Some(vec!["k".into()]),
        time: Some(TimeAttr::column("ts")),
        ..PortType::plain(schema)
    };
    let ctx = Context {
        inputs: vec![input],
        ..Context::default()
    };
    let config = WindowConfig {
        window: WindowKind::Tumbling {
            size_ms: SIZE_MS as u64,
        },
        time: TimeKind::EventTime,
        aggregates: vec!["COUNT(*) AS n".into(), "SUM(v) AS total".into()],
        allowed_lateness_ms: 0,
    };
    build_operator(&NodeSpec::new("w", NodeKind::Window(config)), &ctx).expect("a window")
}

/// A window whose one open window holds every key, fed in batches as a job would.
fn full_window() -> Box<dyn Operator> {
    let mut op = window();
    let mut out = Outputs::default();
    let batch_rows = 10_000;
    for first in (0..KEYS).step_by(batch_rows) {
        let keys: Vec<i64> = (first..first + batch_rows as i64).collect();
        let batch = Batch::new(
            vec![
                Arc::new(Column::new(Values::Int64(keys.clone()))),
                Arc::new(Column::new(Values::Timestamp(
                    keys.iter().map(|k| k % SIZE_MS).collect(),
                ))),
                Arc::new(Column::new(Values::Int64(
                    keys.iter().map(|k| k * 3).collect(),
                ))),
            ],
            batch_rows,
        );
        op.process(0, batch, &mut out).expect("rows are taken");
    }
    assert!(out.is_empty(), "the window fired early");
    op
}

fn window_state(c: &mut Criterion) {
    let mut op = full_window();
    let states = vec![op.snapshot(1).expect("a snapshot").expect("a state")];
    println!(
        "window_state: the state of {KEYS} keys takes {} bytes",
        states[0].len()
    );
    // The restored window gives every key's result once.
    let mut restored = window();
    restored.restore(&states).expect("the state is restored");
    let mut out = Outputs::default();
    restored
        .on_watermark(i64::MAX, &mut out)
        .expect("the window fires");
    let rows: usize = out.take().iter().map(|(_, b)| b.num_rows()).sum();
    assert_eq!(rows, KEYS as usize);

    let mut group = c.benchmark_group("window_state");
    group.sample_size(10);
    group.bench_function("snapshot of 1,000,000 keys", |b| {
        b.iter(|| op.snapshot(1).expect("a snapshot"))
    });
    group.bench_function("restore of 1,000,000 keys", |b| {
        b.iter_batched(
            window,
            |mut fresh| {
                fresh.restore(&states).expect("the state is restored");
                fresh
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, window_state);
criterion_main!(benches);
