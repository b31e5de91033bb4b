//! `--report`: a run drawn as SVG or PNG, read back by an XML parser and a PNG decoder.

mod common;

use common::{TempDir, arg, run};

/// About 1.5 s of paced readings with event time, counted in windows.
const PIPELINE: &str = r#"(
  version: 1,
  name: "reported",
  nodes: [
    (id: "readings", kind: Datagen(
      fields: [
        (name: "id", type: Int64, kind: Sequence(start: 1, end: 6000)),
        (name: "sensor", type: Int64, kind: Random(min: 1, max: 3)),
        (name: "ts", type: Timestamp, kind: Random(max_past_ms: 500)),
      ],
      rows_per_second: 4000,
      event_time: "ts",
      watermark_delay_ms: 200,
    )),
    (id: "by_sensor", kind: KeyBy(columns: ["sensor"])),
    (id: "counts", kind: Window(window: Tumbling(size_ms: 250), aggregates: ["COUNT(*) AS n"])),
    (id: "sink", kind: Blackhole()),
  ],
  edges: [
    (from: "readings", to: "by_sensor"),
    (from: "by_sensor", to: "counts"),
    (from: "counts", to: "sink"),
  ],
  job: (batch_size: 64),
)"#;

#[test]
fn a_run_is_drawn_as_an_svg_with_a_line_per_node_and_its_titles() {
    let dir = TempDir::new("report-svg");
    let file = dir.write("reported.ron", PIPELINE);
    let picture = dir.path().join("run.svg");
    run(&["run", arg(&file), "--report", arg(&picture)])
        .assert_code(0)
        .assert_stderr_has("report: ");
    let text = std::fs::read_to_string(&picture).expect("the report is written");
    let svg = roxmltree::Document::parse(&text).expect("the report is well-formed XML");
    let root = svg.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("1400"));
    let words: String = svg
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "reported: 6,000 rows",
        "Throughput",
        "latency p99",
        "Watermark lag",
        "Backpressure",
        "readings",
        "counts",
        "sink",
    ] {
        assert!(
            words.contains(expected),
            "{expected:?} is not in the report: {words}"
        );
    }
    // A data line has many points; axes and legend marks have two.
    let lines = svg
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| {
            n.attribute("points")
                .is_some_and(|p| p.split_whitespace().count() > 5)
        })
        .count();
    // Four nodes' throughput and backpressure, the sink's latency, three nodes' watermark lag.
    assert!(lines >= 4 + 4 + 1 + 3, "{lines} data lines");
    assert!(
        !dir.path().read_dir().expect("list").any(|e| e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .contains("inprogress")),
        "no staged picture is left"
    );
}

#[test]
fn a_benchmark_is_drawn_as_a_png() {
    let dir = TempDir::new("report-png");
    let file = dir.write(
        "reported.ron",
        &PIPELINE.replace("rows_per_second: 4000,", ""),
    );
    let picture = dir.path().join("bench.png");
    run(&[
        "bench",
        arg(&file),
        "--runs",
        "1",
        "--warmup",
        "0",
        "--report",
        arg(&picture),
    ])
    .assert_code(0)
    .assert_stderr_has("report of the last run");
    let decoder = png::Decoder::new(std::fs::File::open(&picture).expect("the report is written"));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("its pixels decode");
    assert_eq!((frame.width, frame.height), (1400, 900));
    let bytes = &pixels[..frame.buffer_size()];
    let step = frame.color_type.samples();
    let colours: std::collections::HashSet<&[u8]> = bytes.chunks(step).collect();
    // White paper, grey grid, black text and the line colours, with anti-aliasing between.
    assert!(colours.len() > 50, "{} colours", colours.len());
    let white = bytes
        .chunks(step)
        .filter(|p| p.iter().all(|&c| c == 255))
        .count();
    let share = white as f64 / (frame.width * frame.height) as f64;
    assert!(
        (0.5..0.99).contains(&share),
        "{share} of the picture is white"
    );
}

#[test]
fn a_report_that_cannot_be_written_is_refused_before_the_run() {
    let dir = TempDir::new("report-refused");
    let file = dir.write("reported.ron", PIPELINE);
    let run_with = |report: &std::path::Path| run(&["run", arg(&file), "--report", arg(report)]);
    let pdf = run_with(&dir.path().join("run.pdf"));
    pdf.assert_code(1).assert_stderr_has(".svg or .png");
    assert!(!pdf.stderr.contains("records in"), "{}", pdf.dump());
    run_with(&dir.path().join("no/such/folder/run.svg"))
        .assert_code(1)
        .assert_stderr_has("its folder does not exist");
    // An older report stays when a new one cannot replace it: a folder stands in its way.
    let blocked = dir.path().join("blocked.svg");
    std::fs::create_dir(&blocked).expect("a folder");
    std::fs::write(blocked.join("keep"), "kept").expect("a file");
    run_with(&blocked)
        .assert_code(1)
        .assert_stderr_has("cannot write the report");
    assert_eq!(
        std::fs::read_to_string(blocked.join("keep"))
            .ok()
            .as_deref(),
        Some("kept")
    );
}
