//! Frame time of the designer on a large pipeline: 200 nodes in 50 chains of
//! datagen → filter → map → console, all in view at the least zoom (20%), the pointer moving
//! over the canvas.
//! A frame here is the whole UI pass plus tessellation; the GPU upload is not included.

use criterion::{Criterion, criterion_group, criterion_main};
use engine::spec::{
    ConsoleConfig, DatagenConfig, EdgeSpec, FilterConfig, MapConfig, NodeKind, NodeSpec,
    PipelineSpec, Position,
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
        // Two chains side by side per row: the whole graph fits the view at the least zoom.
        let (row, side) = ((chain / 2) as f32, (chain % 2) as f32);
        for (i, (id, kind)) in ids.iter().zip(kinds).enumerate() {
            spec.nodes.push(NodeSpec::new(id.clone(), kind));
            let position = Position {
                x: side * 1700.0 + i as f32 * 400.0,
                y: row * 115.0,
            };
            spec.layout.nodes.insert(id.clone(), position);
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

    // A plain egui context, as the window has: no test harness and no screen reader, so no
    // accessibility tree is built.
    let ctx = egui::Context::default();
    let mut editor = Editor::new(Some(&path));
    assert_eq!(editor.spec().nodes.len(), 200);
    let input = |time: f64| egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        time: Some(time),
        events: vec![egui::Event::PointerMoved(egui::pos2(
            560.0,
            360.0 + (time * 60.0) as f32 % 40.0,
        ))],
        ..Default::default()
    };
    let mut time = 0.0;
    let mut frame = |editor: &mut Editor, zoom: f32| {
        time += 1.0 / 60.0;
        let mut raw = input(time);
        if zoom != 1.0 {
            raw.events.push(egui::Event::Zoom(zoom));
        }
        let output = ctx.run_ui(raw, |ui| editor.ui(ui));
        ctx.tessellate(output.shapes, output.pixels_per_point)
    };
    // Settle (fonts, first layout, fit to view), then zoom out as far as the canvas goes:
    // Fit stops at a readable zoom, where only part of this pipeline is in view.
    for _ in 0..10 {
        frame(&mut editor, 1.0);
    }
    for _ in 0..10 {
        frame(&mut editor, 0.7);
    }
    frame(&mut editor, 1.0);
    let canvas = editor.canvas_rect();
    let in_view = editor
        .spec()
        .nodes
        .iter()
        .filter(|n| {
            editor
                .screen_rect_of(&n.id)
                .is_some_and(|r| canvas.contains_rect(r))
        })
        .count();
    assert_eq!(in_view, 200, "every node is in view");
    c.bench_function("designer frame, 200 nodes", |b| {
        b.iter(|| std::hint::black_box(frame(&mut editor, 1.0)))
    });
    std::fs::remove_dir_all(dir).unwrap();
}

/// 8 chains of paced datagen → filter → map → blackhole: 32 nodes, running.
fn running_pipeline() -> PipelineSpec {
    let mut spec = PipelineSpec::new("running");
    for chain in 0..8 {
        let ids = ["gen", "keep", "shape", "drop"].map(|n| format!("{n}{chain}"));
        let kinds = [
            NodeKind::Datagen(DatagenConfig {
                rows_per_second: Some(5_000),
                number_of_rows: None,
                ..DatagenConfig::default()
            }),
            NodeKind::Filter(FilterConfig {
                condition: "value > 10".into(),
            }),
            NodeKind::Map(MapConfig {
                columns: vec!["id".into(), "value * 2 AS doubled".into()],
            }),
            NodeKind::Blackhole(Default::default()),
        ];
        for (i, (id, kind)) in ids.iter().zip(kinds).enumerate() {
            spec.nodes.push(NodeSpec::new(id.clone(), kind));
            let position = Position {
                x: i as f32 * 300.0,
                y: chain as f32 * 120.0,
            };
            spec.layout.nodes.insert(id.clone(), position);
        }
        for pair in ids.windows(2) {
            spec.edges
                .push(EdgeSpec::new(pair[0].clone(), pair[1].clone()));
        }
    }
    spec
}

/// A frame of the monitor: 32 running nodes with live rates on the canvas and the job's
/// charts open over five seconds of samples.
fn monitor_frame(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("streamlab-bench-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("running.ron");
    std::fs::write(&path, engine::spec::to_ron(&running_pipeline())).unwrap();
    let ctx = egui::Context::default();
    let mut editor = Editor::new(Some(&path));
    let mut time = 0.0;
    let mut frame = |editor: &mut Editor| {
        time += 1.0 / 60.0;
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1280.0, 800.0),
            )),
            time: Some(time),
            ..Default::default()
        };
        let output = ctx.run_ui(raw, |ui| editor.ui(ui));
        ctx.tessellate(output.shapes, output.pixels_per_point)
    };
    editor.run();
    editor.show_metrics();
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(5) {
        frame(&mut editor);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    c.bench_function("monitor frame, 32 running nodes, charts open", |b| {
        b.iter(|| std::hint::black_box(frame(&mut editor)))
    });
    editor.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

criterion_group!(benches, frame, monitor_frame);
criterion_main!(benches);
