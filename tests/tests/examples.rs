//! Every example in `saved-graphs/` loads, validates and runs, with the results it promises.

use std::path::Path;
use std::sync::Arc;

use engine::operators::ConsoleCapture;
use engine::spec::{FieldKind, NodeKind, load_file, to_ron};
use engine::{JobHandle, JobSummary, PipelineSpec, RunOptions};
use streamlab_tests::{example_files, repo_root};

fn load(name: &str) -> PipelineSpec {
    load_file(&repo_root().join("saved-graphs").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs an example from its own folder, with file sinks moved to a temporary folder.
fn run(name: &str, mut spec: PipelineSpec) -> (JobSummary, Vec<String>, std::path::PathBuf) {
    let out = std::env::temp_dir().join(format!(
        "streamlab-example-{}-{}",
        name.replace('/', "-"),
        std::process::id()
    ));
    std::fs::create_dir_all(&out).unwrap();
    for node in &mut spec.nodes {
        if let NodeKind::FileSink(sink) = &mut node.kind {
            let file = Path::new(&sink.path).file_name().unwrap().to_owned();
            sink.path = out.join(file).display().to_string();
        }
    }
    let console = Arc::new(ConsoleCapture::new(2_000_000));
    let options = RunOptions {
        base_dir: repo_root()
            .join("saved-graphs")
            .join(name)
            .parent()
            .unwrap()
            .to_path_buf(),
        console: console.clone(),
    };
    let summary = JobHandle::start(&spec, options)
        .unwrap()
        .wait()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (summary, console.lines(), out)
}

#[test]
fn every_example_is_valid_and_round_trips() {
    let files = example_files();
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let spec = load_file(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let Err(problems) = engine::validate::validate(&spec) {
            panic!("{}: {problems:?}", file.display());
        }
        assert_eq!(
            engine::spec::parse(&to_ron(&spec)).unwrap(),
            spec,
            "{}",
            file.display()
        );
    }
}

#[test]
fn hello_prints_the_hot_readings() {
    let (summary, lines, _) = run("hello.ron", load("hello.ron"));
    assert_eq!(summary.records_in, 100);
    assert!(summary.records_out > 0 && summary.records_out < 100);
    assert_eq!(lines.len() as u64, summary.records_out);
    for line in &lines {
        let cells: Vec<&str> = line
            .trim_start_matches("+I[")
            .trim_end_matches(']')
            .split(", ")
            .collect();
        assert!(cells[1].starts_with("sensor-"), "{line}");
        let celsius: f64 = cells[2].parse().unwrap();
        assert!((25.0..35.0).contains(&celsius), "{line}");
    }
}

#[test]
fn stock_quotes_writes_large_trades() {
    let (summary, _, out) = run("stock-quotes.ron", load("stock-quotes.ron"));
    assert_eq!(summary.records_in, 400);
    let csv = std::fs::read_to_string(out.join("large-trades.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("ts,symbol,price,volume,notional,size"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as u64, summary.records_out);
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        let volume: i64 = cells[3].parse().unwrap();
        assert!(volume >= 2500, "{row}");
        let notional: f64 = cells[4].parse().unwrap();
        let expected = cells[2].parse::<f64>().unwrap() * volume as f64;
        assert!((notional - expected).abs() < 1e-6, "{row}");
        assert_eq!(
            cells[5],
            if notional > 1e6 { "block" } else { "large" },
            "{row}"
        );
    }
}

#[test]
fn nexmark_q0_passes_every_bid() {
    let (summary, _, _) = run("nexmark/q0.ron", load("nexmark/q0.ron"));
    assert_eq!(summary.records_in, 920_000);
    assert_eq!(summary.records_out, 920_000);
}

#[test]
fn nexmark_q1_converts_prices() {
    let (summary, lines, _) = run("nexmark/q1.ron", load("nexmark/q1.ron"));
    assert_eq!(summary.records_in, 920);
    assert_eq!(lines.len(), 920);
    let price: f64 = lines[0].split(", ").nth(2).unwrap().parse().unwrap();
    assert!(price > 0.0 && price.fract() != 0.0, "{}", lines[0]);
}

#[test]
fn nexmark_q2_selects_every_123rd_auction() {
    let (summary, lines, _) = run("nexmark/q2.ron", load("nexmark/q2.ron"));
    assert_eq!(summary.records_in, 92_000);
    assert!(!lines.is_empty());
    for line in &lines {
        let auction: i64 = line
            .trim_start_matches("+I[")
            .split(", ")
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(auction % 123, 0, "{line}");
    }
}

#[test]
fn the_benchmark_pipeline_is_the_specified_query() {
    let mut spec = load("bench/datagen-q1q2.ron");
    let NodeKind::Datagen(datagen) = &mut spec.nodes[0].kind else {
        panic!("datagen first")
    };
    assert_eq!(datagen.number_of_rows, Some(30_000_000));
    assert_eq!(datagen.rows_per_second, None);
    let ranges: Vec<(String, Option<f64>, Option<f64>)> = datagen
        .fields
        .iter()
        .map(|f| match &f.kind {
            FieldKind::Random { min, max, .. } => (f.name.clone(), *min, *max),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        ranges,
        [
            ("auction".into(), Some(1000.0), Some(1999.0)),
            ("bidder".into(), Some(1.0), Some(100_000.0)),
            ("price".into(), Some(1.0), Some(100_000.0)),
        ]
    );
    // The full 30 M rows are for `streamlab bench`; a slice of them checks the results here.
    datagen.number_of_rows = Some(300_000);
    let (summary, _, _) = run("bench/datagen-q1q2.ron", spec);
    assert_eq!(summary.records_in, 300_000);
    let expected = 300_000.0 * 8.0 / 1000.0; // auctions 1107, 1230, …, 1968: 8 of 1000
    assert!(
        (summary.records_out as f64 - expected).abs() < expected * 0.15,
        "{}",
        summary.records_out
    );
}
