//! A peek keeps the last rows that left a node's output while it is open, and nothing while
//! it is closed.

use std::time::Duration;

use engine::types::Value;
use engine::{JobHandle, RunOptions};

#[test]
fn a_peek_shows_the_last_rows_a_node_sent_while_it_is_open() {
    let spec = engine::spec::parse(
        r#"(version: 1, nodes: [
            (id: "gen", kind: Datagen(fields: [(name: "id", type: Int64, kind: Sequence(start: 1, end: 100000000))],
                rows_per_second: 2000)),
            (id: "even", kind: Filter(condition: "id % 2 = 0")),
            (id: "sink", kind: Blackhole()),
        ], edges: [(from: "gen", to: "even"), (from: "even", to: "sink")],
        job: (batch_size: 32))"#,
    )
    .unwrap();
    let job = JobHandle::start(&spec, RunOptions::default()).unwrap();
    let source = job.peek("gen", 0).expect("a peek at the source");
    let filter = job.peek("even", 0).expect("a peek at the filter");
    assert!(job.peek("even", 1).is_none(), "a Filter has one output");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(source.rows().1, 0, "closed, it keeps nothing");
    source.open();
    filter.open();
    std::thread::sleep(Duration::from_millis(300));
    let (rows, seen) = source.rows();
    assert!(seen >= 100 && !rows.is_empty(), "{seen} seen");
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| match r[0] {
            Value::Int64(v) => v,
            ref other => panic!("{other:?}"),
        })
        .collect();
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "the newest rows in order: {ids:?}"
    );
    let (even, _) = filter.rows();
    assert!(!even.is_empty());
    assert!(
        even.iter()
            .all(|r| matches!(r[0], Value::Int64(v) if v % 2 == 0)),
        "{even:?}"
    );
    job.stop();
    job.wait().unwrap();
}
