use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use engine::operators::StdoutConsole;
use engine::operators::WrittenFile;
use engine::{JobHandle, JobSummary, RunOptions};

use super::progress::{Progress, milliseconds};
use super::terminal::err;
use super::{base_dir, check, load, rate, thousands};

/// `streamlab run`: runs until the sources drain, Ctrl-C, or `duration`.
pub fn run(
    file: &Path,
    duration: Option<Duration>,
    summary_json: Option<&Path>,
) -> Result<(), String> {
    let spec = load(file)?;
    check(file, &spec)?;
    if let Some(path) = summary_json {
        // Find out now, not after a long run, that the summary cannot be written.
        let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
        if folder.is_some_and(|d| !d.is_dir()) {
            return Err(format!(
                "cannot write {}: its folder does not exist",
                path.display()
            ));
        }
    }
    let stdout = Arc::new(StdoutConsole::default());
    let options = RunOptions {
        base_dir: base_dir(file),
        console: stdout.clone(),
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let interrupted = interrupted.clone();
        // A first Ctrl-C, SIGTERM or SIGHUP stops the job cleanly (sinks flush); a second
        // one leaves at once, removing the files not yet written whole.
        let _ = ctrlc::set_handler(move || {
            if interrupted.swap(true, Ordering::SeqCst) {
                engine::operators::remove_all_staged();
                std::process::exit(130);
            }
        });
    }
    let job = JobHandle::start(&spec, options).map_err(|e| format!("{}: {e}", file.display()))?;
    let started = Instant::now();
    let mut progress = Progress::new();
    while !job.is_finished() {
        std::thread::sleep(Duration::from_millis(50));
        let out_of_time = duration.is_some_and(|d| started.elapsed() >= d);
        // Printing into a closed pipe (`streamlab run … | head`) has no reader left: stop.
        if out_of_time || interrupted.load(Ordering::SeqCst) || stdout.is_closed() {
            job.stop();
        }
        progress.update(&job);
    }
    progress.clear();
    let summary = job.wait().map_err(|e| format!("{}: {e}", file.display()))?;
    err(summary_line(&summary));
    for file in &summary.files {
        err(file_line(file));
    }
    if let Some(path) = summary_json {
        write_summary(path, &summary)?;
    }
    Ok(())
}

fn records_per_second(summary: &JobSummary) -> f64 {
    summary.records_in as f64 / summary.elapsed.as_secs_f64().max(1e-9)
}

fn summary_line(summary: &JobSummary) -> String {
    let latency = summary.latency.map_or(String::new(), |l| {
        format!(
            "; latency p50 {}, p99 {}, max {}",
            milliseconds(l.p50_ms),
            milliseconds(l.p99_ms),
            milliseconds(l.max_ms)
        )
    });
    format!(
        "{}: {} records in, {} records out in {:.2} s ({} records/s){latency}",
        if summary.stopped {
            "stopped"
        } else {
            "finished"
        },
        thousands(summary.records_in),
        thousands(summary.records_out),
        summary.elapsed.as_secs_f64(),
        rate(records_per_second(summary)),
    )
}

/// Where a sink's rows went: `  wrote out/trades.csv (1,234 rows)`, or beside the target
/// when the run stopped before its input ended.
fn file_line(file: &WrittenFile) -> String {
    let rows = match file.rows {
        1 => "1 row".to_string(),
        n => format!("{} rows", thousands(n)),
    };
    if file.partial {
        format!(
            "  `{}` stopped before the input ended: its {rows} are in {}, and the file it writes was kept as it was",
            file.node,
            file.path.display()
        )
    } else {
        format!("  `{}` wrote {} ({rows})", file.node, file.path.display())
    }
}

fn write_summary(path: &Path, summary: &JobSummary) -> Result<(), String> {
    let files: Vec<serde_json::Value> = summary
        .files
        .iter()
        .map(|f| {
            serde_json::json!({
                "node": f.node,
                "path": f.path.display().to_string(),
                "rows": f.rows,
                "partial": f.partial,
            })
        })
        .collect();
    let json = serde_json::json!({
        "records_in": summary.records_in,
        "records_out": summary.records_out,
        "elapsed_s": summary.elapsed.as_secs_f64(),
        "records_per_s": records_per_second(summary),
        "stopped": summary.stopped,
        "latency_p50_ms": summary.latency.map(|l| l.p50_ms),
        "latency_p99_ms": summary.latency.map(|l| l.p99_ms),
        "latency_max_ms": summary.latency.map(|l| l.max_ms),
        "files": files,
    });
    std::fs::write(path, format!("{json:#}\n"))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
