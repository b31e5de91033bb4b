use std::path::{Path, PathBuf};
use std::time::Duration;

use engine::checkpoint::{CheckpointOptions, CheckpointStatus};

use engine::{JobHandle, PipelineSpec, RunOptions};

use super::terminal::{err, out};
use super::{base_dir, load, rate, thousands};
use crate::format::millis;

/// The standard benchmark: datagen of 30 M bids → filter `auction % 123 = 0` → currency map → blackhole.
const BUILT_IN: &str = include_str!("../../../saved-graphs/bench/datagen-q1q2.ron");

/// `streamlab bench`: runs a bounded pipeline several times (at each batch size asked for)
/// and reports records/s and end-to-end latency.
pub fn bench(
    file: Option<&Path>,
    runs: usize,
    warmup: usize,
    batch_sizes: &[usize],
    report: Option<&Path>,
    checkpoint_interval: Option<Duration>,
) -> Result<(), String> {
    let (mut spec, options, name): (PipelineSpec, RunOptions, String) = match file {
        Some(path) => (
            load(path)?,
            RunOptions {
                base_dir: base_dir(path),
                ..RunOptions::default()
            },
            path.display().to_string(),
        ),
        None => (
            engine::spec::parse(BUILT_IN).map_err(|e| format!("built-in benchmark: {e}"))?,
            RunOptions::default(),
            "bench/datagen-q1q2.ron (built in)".into(),
        ),
    };
    if let Some(source) = spec.unbounded_source() {
        return Err(format!(
            "{name}: source `{}` never ends; a benchmark needs bounded sources (set its row or event count)",
            source.id
        ));
    }
    if let Some(path) = report {
        crate::report::check_path(path)?;
    }
    if checkpoint_interval.is_some() && batch_sizes.len() > 1 {
        return Err("--checkpoint-interval measures at one batch size; give one".into());
    }
    let sizes = if batch_sizes.is_empty() {
        vec![spec.job.batch_size]
    } else {
        batch_sizes.to_vec()
    };
    err(format!(
        "benchmark {name}: {warmup} warm-up, {runs} measured run(s)"
    ));
    // Nexmark queries are measured in events of the whole stream, as the benchmark does:
    // a source of bids sees every event but keeps only the bids.
    let events = spec
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            engine::spec::NodeKind::Nexmark(c) => c.events,
            _ => None,
        })
        .max();
    // Every batch size is checked before the first run, not after the others have run.
    for &batch_size in &sizes {
        spec.job.batch_size = batch_size;
        engine::validate::validate(&spec).map_err(|problems| {
            let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
            format!("{name} at batch size {batch_size}: {first}")
        })?;
    }
    let mut table = Vec::new();
    let mut last_history = Vec::new();
    for &batch_size in &sizes {
        spec.job.batch_size = batch_size;
        if sizes.len() > 1 {
            err(format!("  batch size {batch_size}:"));
        }
        let mut measured = Measured::default();
        let mut checkpointed = Measured::default();
        let variants: &[bool] = if checkpoint_interval.is_some() {
            &[false, true]
        } else {
            &[false]
        };
        for (i, &with_checkpoints) in
            (0..warmup + runs).flat_map(|i| variants.iter().map(move |v| (i, v)))
        {
            let mut options = options.clone();
            let folder = with_checkpoints.then(|| scratch_folder(i));
            options.checkpoints = folder.as_ref().map(|dir| CheckpointOptions {
                dir: dir.clone(),
                interval: checkpoint_interval,
                ..Default::default()
            });
            let measured = if with_checkpoints {
                &mut checkpointed
            } else {
                &mut measured
            };
            let job =
                JobHandle::start(&spec, options.clone()).map_err(|e| format!("{name}: {e}"))?;
            let monitor = job.monitor();
            let watched = job.watched();
            let summary = job.wait().map_err(|e| format!("{name}: {e}"))?;
            let taken = monitor
                .checkpoints()
                .iter()
                .filter(|c| c.status == CheckpointStatus::Completed)
                .count();
            if let Some(dir) = &folder {
                let _ = std::fs::remove_dir_all(dir);
            }
            let seconds = summary.elapsed.as_secs_f64().max(1e-9);
            let per_second = summary.records_in as f64 / seconds;
            let label = if i < warmup {
                "warm-up".to_string()
            } else {
                format!("run {}", i - warmup + 1)
            };
            let label = if with_checkpoints {
                format!("{label} with {taken} checkpoints")
            } else {
                label
            };
            let events_line = events.map_or(String::new(), |n| {
                format!("  ({} events/s)", rate(n as f64 / seconds))
            });
            let latency_line = summary
                .latency
                .map_or(String::new(), |l| format!("  p99 {}", millis(l.p99_ms)));
            err(format!(
                "  {label:>8}: {} records in {seconds:.3} s  {} records/s{events_line}{latency_line}",
                thousands(summary.records_in),
                rate(per_second)
            ));
            if i >= warmup {
                measured.records.push(per_second);
                if let Some(n) = events {
                    measured.events.push(n as f64 / seconds);
                }
                if let Some(l) = summary.latency {
                    measured.p50.push(l.p50_ms);
                    measured.p99.push(l.p99_ms);
                    measured.max.push(l.max_ms);
                }
                last_history = watched.history();
            }
        }
        if let Some(interval) = checkpoint_interval {
            let plain = median(&mut measured.records).unwrap_or(0.0);
            let with = median(&mut checkpointed.records).unwrap_or(0.0);
            out(format!(
                "median without checkpoints: {} records/s; with one every {}: {} records/s ({:+.1}%)",
                rate(plain),
                humantime::format_duration(interval),
                rate(with),
                (with / plain.max(1e-9) - 1.0) * 100.0
            ));
            return Ok(());
        }
        table.push((batch_size, measured));
    }
    if let [(_, measured)] = table.as_mut_slice() {
        let records = median(&mut measured.records).unwrap_or(0.0);
        let events_line = median(&mut measured.events).map_or(String::new(), |e| {
            format!(", {} events/s of the Nexmark stream ({e:.0})", rate(e))
        });
        let latency_line = median(&mut measured.p99).map_or(String::new(), |p99| {
            format!(", latency p99 {}", millis(p99))
        });
        out(format!(
            "median: {} records/s ({records:.0}){events_line}{latency_line}",
            rate(records)
        ));
    } else {
        out("medians by batch size:".to_string());
        out(format!(
            "{:>10}  {:>14}  {:>10}  {:>10}  {:>10}",
            "batch", "records/s", "p50", "p99", "max"
        ));
        for (batch_size, measured) in &mut table {
            let shown = |v: Option<f64>| v.map_or("-".to_string(), millis);
            out(format!(
                "{batch_size:>10}  {:>14}  {:>10}  {:>10}  {:>10}",
                rate(median(&mut measured.records).unwrap_or(0.0)),
                shown(median(&mut measured.p50)),
                shown(median(&mut measured.p99)),
                shown(median(&mut measured.max)),
            ));
        }
    }
    if let Some(path) = report {
        let title = format!("{} at batch size {}", spec.name, spec.job.batch_size);
        crate::report::Report::new(&title, &last_history, None).write(path)?;
        err(format!("  report of the last run: {}", path.display()));
    }
    Ok(())
}

/// A fresh folder for one run's checkpoints, removed after the run.
fn scratch_folder(run: usize) -> PathBuf {
    std::env::temp_dir().join(format!(
        "streamlab-bench-checkpoints-{}-{run}",
        std::process::id()
    ))
}

/// The figures of the measured runs at one batch size.
#[derive(Default)]
struct Measured {
    records: Vec<f64>,
    events: Vec<f64>,
    p50: Vec<f64>,
    p99: Vec<f64>,
    max: Vec<f64>,
}

fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}
