//! Apache Flink judges the engine: every differential pipeline runs on the engine and,
//! exported to Flink SQL, on Flink's local mode, over the same input. The rows of every sink
//! must be equal as multisets, after normalising only how numbers and timestamps are spelt.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use engine::export::{FlinkOptions, flink_sql};
use engine::spec::{Category, FileFormat, FileSinkConfig, NodeKind, load_file};
use engine::types::{format_timestamp, parse_timestamp};
use engine::{JobHandle, PipelineSpec, RunOptions};
use serde_json::Value;
use streamlab_tests::{flink, repo_root};

/// The pipelines judged: the differential set, and examples that read and write files.
fn cases() -> Vec<PathBuf> {
    let root = repo_root().join("saved-graphs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("flink"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files.push(root.join("joins/orders-clicks.ron"));
    files
}

/// Every sink of `spec` as a JSON Lines file sink writing to `folder/<sink id><suffix>`.
fn sinks_into(spec: &PipelineSpec, folder: &Path, suffix: &str) -> PipelineSpec {
    let mut spec = spec.clone();
    for node in &mut spec.nodes {
        if node.kind.category() == Category::Sink {
            node.kind = NodeKind::FileSink(FileSinkConfig {
                path: folder
                    .join(format!("{}{suffix}", node.id))
                    .display()
                    .to_string(),
                format: FileFormat::JsonLines,
                null_literal: None,
            });
        }
    }
    spec
}

fn sink_ids(spec: &PipelineSpec) -> Vec<String> {
    spec.nodes
        .iter()
        .filter(|n| n.kind.category() == Category::Sink)
        .map(|n| n.id.clone())
        .collect()
}

/// A value as both sides must agree on it: numbers by value, timestamps by instant.
fn normal(value: &Value) -> String {
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => (f as i64).to_string(),
            (None, Some(f)) => format!("{f:?}"),
            _ => n.to_string(),
        },
        Value::String(s) => {
            let looks_like_time = s.len() >= 16
                && s.as_bytes()[4] == b'-'
                && s.as_bytes()[..4].iter().all(u8::is_ascii_digit);
            match parse_timestamp(s).filter(|_| looks_like_time) {
                Some(ms) => format_timestamp(ms),
                None => format!("{s:?}"),
            }
        }
        other => other.to_string(),
    }
}

/// The rows of JSON Lines files (a file, or every visible file of a folder), each as
/// `{column=value, …}` in column order of name, sorted.
fn rows(path: &Path) -> Vec<String> {
    let files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect()
    } else if path.exists() {
        vec![path.to_path_buf()]
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for file in files {
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            if line.trim().is_empty() {
                continue;
            }
            let object: BTreeMap<String, Value> = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: {e}: {line}", file.display()));
            let cells: Vec<String> = object
                .iter()
                .map(|(k, v)| format!("{k}={}", normal(v)))
                .collect();
            out.push(format!("{{{}}}", cells.join(", ")));
        }
    }
    out.sort();
    out
}

/// What one side has that the other lacks, each row as often as it is missing.
fn difference(a: &[String], b: &[String]) -> Vec<String> {
    let mut b = b.to_vec();
    let mut only = Vec::new();
    for row in a {
        match b.iter().position(|r| r == row) {
            Some(i) => {
                b.swap_remove(i);
            }
            None => only.push(row.clone()),
        }
    }
    only
}

struct Case {
    name: String,
    job: PathBuf,
    sinks: Vec<(String, PathBuf, PathBuf)>,
}

fn prepare(file: &Path, work: &Path) -> Case {
    let name = file.file_stem().unwrap().to_string_lossy().into_owned();
    let spec = load_file(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let base = std::fs::canonicalize(file.parent().unwrap()).unwrap();
    let folder = work.join(&name);
    let (ours, theirs) = (folder.join("engine"), folder.join("flink"));
    std::fs::create_dir_all(&ours).unwrap();
    std::fs::create_dir_all(&theirs).unwrap();

    let engine_spec = sinks_into(&spec, &ours, ".jsonl");
    let options = RunOptions {
        base_dir: base.clone(),
        ..Default::default()
    };
    JobHandle::start(&engine_spec, options)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .wait()
        .unwrap_or_else(|e| panic!("{name}: {e}"));

    let flink_spec = sinks_into(&spec, &theirs, "");
    let script = flink_sql(&flink_spec, &base, &FlinkOptions::default()).unwrap_or_else(|e| {
        let errors: Vec<String> = e.iter().map(ToString::to_string).collect();
        panic!("{name} does not export: {}", errors.join("; "))
    });
    let job = folder.join("job.py");
    std::fs::write(&job, script.to_pyflink()).unwrap();
    let sinks = sink_ids(&spec)
        .into_iter()
        .map(|id| {
            let (a, b) = (ours.join(format!("{id}.jsonl")), theirs.join(&id));
            (id, a, b)
        })
        .collect();
    Case { name, job, sinks }
}

/// Runs the job files in one PyFlink process; the result line of each job.
fn run_on_flink(flink: &flink::Flink, jobs: &[&Path]) -> Vec<Value> {
    let mut child = Command::new(&flink.python)
        .arg(repo_root().join("tests/flink/run_jobs.py"))
        .args(jobs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("PyFlink starts");
    let deadline = Instant::now() + Duration::from_secs(540);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Flink did not finish the jobs within 9 minutes");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let results: Vec<Value> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("STREAMLAB-RESULT "))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        results.len(),
        jobs.len(),
        "PyFlink stopped early:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    results
}

#[test]
fn the_engine_and_flink_give_the_same_rows() {
    let Some(flink) = flink::for_test("the differential tests against Flink") else {
        return;
    };
    let work = std::env::temp_dir().join(format!("streamlab-flink-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let cases: Vec<Case> = cases().iter().map(|f| prepare(f, &work)).collect();
    let jobs: Vec<&Path> = cases.iter().map(|c| c.job.as_path()).collect();
    let results = run_on_flink(&flink, &jobs);

    let mut failures = Vec::new();
    let (mut sinks, mut compared) = (0, 0);
    for (case, result) in cases.iter().zip(&results) {
        eprintln!("{}: Flink ran it in {} s", case.name, result["seconds"]);
        if result["ok"] != true {
            failures.push(format!(
                "{}: Flink failed: {}",
                case.name,
                result["error"].as_str().unwrap_or("")
            ));
            continue;
        }
        for (sink, ours, theirs) in &case.sinks {
            let (a, b) = (rows(ours), rows(theirs));
            if a.is_empty() {
                failures.push(format!(
                    "{} / {sink}: no rows, so nothing to compare",
                    case.name
                ));
            }
            sinks += 1;
            compared += a.len();
            let (only_ours, only_flink) = (difference(&a, &b), difference(&b, &a));
            if only_ours.is_empty() && only_flink.is_empty() {
                continue;
            }
            let show = |rows: &[String]| {
                rows.iter()
                    .take(8)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n    ")
            };
            failures.push(format!(
                "{} / {sink}: {} rows here, {} in Flink\n  only here ({}):\n    {}\n  only in Flink ({}):\n    {}",
                case.name,
                a.len(),
                b.len(),
                only_ours.len(),
                show(&only_ours),
                only_flink.len(),
                show(&only_flink)
            ));
        }
    }
    eprintln!(
        "{} pipelines, {sinks} sinks, {compared} rows compared with Flink",
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn rows_differ_by_value_not_by_spelling() {
    let dir = std::env::temp_dir().join(format!("streamlab-rows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b) = (dir.join("a.jsonl"), dir.join("b"));
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(
        &a,
        "{\"t\": \"2024-01-01 00:00:05.000\", \"x\": 2.0, \"s\": \"a\"}\n{\"t\": null, \"x\": 1, \"s\": \"a\"}\n",
    )
    .unwrap();
    std::fs::write(b.join("part-0"), "{\"x\":1,\"s\":\"a\",\"t\":null}\n").unwrap();
    std::fs::write(
        b.join("part-1"),
        "{\"s\":\"a\",\"x\":2,\"t\":\"2024-01-01 00:00:05\"}\n",
    )
    .unwrap();
    std::fs::write(b.join(".part-2.inprogress"), "{\"x\":9}\n").unwrap();
    assert_eq!(rows(&a), rows(&b));
    std::fs::write(
        b.join("part-1"),
        "{\"s\":\"a\",\"x\":2,\"t\":\"2024-01-01 00:00:06\"}\n",
    )
    .unwrap();
    let (ra, rb) = (rows(&a), rows(&b));
    assert_eq!(
        difference(&ra, &rb),
        vec!["{s=\"a\", t=2024-01-01 00:00:05.000, x=2}"]
    );
    assert_eq!(difference(&rb, &ra).len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
