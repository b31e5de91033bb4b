//! Frame time of the designer on a large pipeline: 200 nodes in 50 chains of
//! datagen → filter → map → console, every node on screen, the pointer over the canvas.
//! A frame here is the whole UI pass plus tessellation; the GPU upload is not included.

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use engine::spec::{
    ConsoleConfig, DatagenConfig, EdgeSpec, FilterConfig, MapConfig, NodeKind, NodeSpec,
    PipelineSpec,
};
use streamlab::editor::Editor;

fn large_pipeline() -> PipelineSpec {
    let mut spec = PipelineSpec::new("large");
    for chain in 0..50 {
        let ids = ["gen", "keep", "shape", "print"].map(|n| format!("{n}{chain}"));
        let kinds = [
            NodeKind::Datagen(DatagenConfig::default()),
            NodeKind::Filter(FilterConfig {
                condition: format!("value > {chain}"),
            }),
            NodeKind::Map(MapConfig {
                columns: vec!["id".into(), "value * 2 AS doubled".into()],
            }),
            NodeKind::Console(ConsoleConfig::default()),
        ];
        for (id, kind) in ids.iter().zip(kinds) {
            spec.nodes.push(NodeSpec::new(id.clone(), kind));
        }
        for pair in ids.windows(2) {
            spec.edges
                .push(EdgeSpec::new(pair[0].clone(), pair[1].clone()));
        }
    }
    spec
}

fn frame(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("streamlab-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("large.ron");
    std::fs::write(&path, engine::spec::to_ron(&large_pipeline())).unwrap();

    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, editor: &mut Editor| editor.ui(ui),
            Editor::new(Some(&path)),
        );
    harness.run();
    assert_eq!(harness.state().spec().nodes.len(), 200);
    harness.hover_at(egui::pos2(560.0, 360.0));
    harness.run();

    c.bench_function("designer frame, 200 nodes", |b| {
        b.iter(|| {
            harness.step();
            let shapes = harness.output().shapes.clone();
            let ppp = harness.output().pixels_per_point;
            std::hint::black_box(harness.ctx.tessellate(shapes, ppp));
        })
    });
    std::fs::remove_dir_all(dir).unwrap();
}

criterion_group!(benches, frame);
criterion_main!(benches);
