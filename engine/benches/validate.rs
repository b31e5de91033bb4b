//! Validation runs on every edit in the designer, so it must stay linear in nodes, edges and
//! columns: these are the shapes that were once quadratic or worse.

use criterion::{Criterion, criterion_group, criterion_main};
use engine::spec::{
    BlackholeConfig, DatagenConfig, EdgeSpec, FilterConfig, MapConfig, NodeKind, NodeSpec,
    PipelineSpec,
};
use engine::validate::analyze;

fn filter(id: String) -> NodeSpec {
    NodeSpec::new(
        id,
        NodeKind::Filter(FilterConfig {
            condition: "value > 1".into(),
        }),
    )
}

/// datagen → `n - 2` filters → blackhole.
fn chain(n: usize) -> PipelineSpec {
    let mut spec = PipelineSpec::new("chain");
    spec.nodes.push(NodeSpec::new(
        "n0",
        NodeKind::Datagen(DatagenConfig::default()),
    ));
    for i in 1..n - 1 {
        spec.nodes.push(filter(format!("n{i}")));
    }
    spec.nodes.push(NodeSpec::new(
        format!("n{}", n - 1),
        NodeKind::Blackhole(BlackholeConfig {}),
    ));
    for i in 1..n {
        spec.edges
            .push(EdgeSpec::new(format!("n{}", i - 1), format!("n{i}")));
    }
    spec
}

/// A chain of `tail` nodes whose end loops back into its start.
fn cycle_with_tail(tail: usize) -> PipelineSpec {
    let mut spec = chain(tail);
    spec.nodes.push(filter("loop".into()));
    spec.edges
        .push(EdgeSpec::new(format!("n{}", tail / 2), "loop"));
    spec.edges.push(EdgeSpec::new("loop", "n1"));
    spec
}

/// datagen → a Map of `columns` columns → blackhole.
fn wide_map(columns: usize) -> PipelineSpec {
    let mut spec = chain(3);
    spec.nodes[1] = NodeSpec::new(
        "n1",
        NodeKind::Map(MapConfig {
            columns: (0..columns)
                .map(|i| format!("value + {i} AS c{i}"))
                .collect(),
        }),
    );
    spec
}

fn validation(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate");
    group.sample_size(10);
    // Linear: the 20,000-node chain takes about four times the 5,000-node one.
    for n in [5_000, 20_000] {
        let chain = chain(n);
        group.bench_function(format!("chain of {n} nodes"), |b| {
            b.iter(|| analyze(&chain))
        });
    }
    let cycle = cycle_with_tail(3_000);
    group.bench_function("cycle with a 3,000-node tail", |b| {
        b.iter(|| analyze(&cycle))
    });
    let wide = wide_map(100_000);
    group.bench_function("map of 100,000 columns", |b| b.iter(|| analyze(&wide)));
    group.finish();
}

criterion_group!(benches, validation);
criterion_main!(benches);
