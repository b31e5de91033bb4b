use std::path::Path;

use engine::{JobHandle, PipelineSpec, RunOptions};

use super::terminal::{err, out};
use super::{base_dir, load, rate, thousands};

/// The standard benchmark: datagen of 30 M bids → filter `auction % 123 = 0` → currency map → blackhole.
const BUILT_IN: &str = include_str!("../../../saved-graphs/bench/datagen-q1q2.ron");

/// `streamlab bench`: runs a bounded pipeline several times and reports records/s.
pub fn bench(file: Option<&Path>, runs: usize, warmup: usize) -> Result<(), String> {
    let (spec, options, name): (PipelineSpec, RunOptions, String) = match file {
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
    let mut rates = Vec::new();
    let mut event_rates = Vec::new();
    for i in 0..warmup + runs {
        let job = JobHandle::start(&spec, options.clone()).map_err(|e| format!("{name}: {e}"))?;
        let summary = job.wait().map_err(|e| format!("{name}: {e}"))?;
        let per_second = summary.records_in as f64 / summary.elapsed.as_secs_f64().max(1e-9);
        let label = if i < warmup {
            "warm-up".to_string()
        } else {
            format!("run {}", i - warmup + 1)
        };
        let seconds = summary.elapsed.as_secs_f64().max(1e-9);
        let events_line = events.map_or(String::new(), |n| {
            format!("  ({} events/s)", rate(n as f64 / seconds))
        });
        err(format!(
            "  {label:>8}: {} records in {:.3} s  {} records/s{events_line}",
            thousands(summary.records_in),
            summary.elapsed.as_secs_f64(),
            rate(per_second)
        ));
        if i >= warmup {
            rates.push(per_second);
            if let Some(n) = events {
                event_rates.push(n as f64 / seconds);
            }
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    };
    let records = median(&mut rates).unwrap_or(0.0);
    let events_line = median(&mut event_rates).map_or(String::new(), |e| {
        format!(", {} events/s of the Nexmark stream ({e:.0})", rate(e))
    });
    out(format!(
        "median: {} records/s ({records:.0}){events_line}",
        rate(records)
    ));
    Ok(())
}
