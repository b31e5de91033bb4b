use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use engine::checkpoint::{CheckpointOptions, CheckpointStatus, RestoreFrom};
use engine::metrics::Watched;
use engine::operators::StdoutConsole;
use engine::operators::WrittenFile;
use engine::{JobHandle, JobSummary, PipelineSpec, RunOptions};

use super::progress::Progress;
use super::terminal::err;
use super::{base_dir, check, load, rate, thousands};
use crate::format::millis;

#[derive(clap::Args)]
pub struct RunArgs {
    /// The pipeline file (.ron)
    file: PathBuf,
    /// Stop after this long, e.g. 10s, 500ms, 2m
    #[arg(long, value_parser = humantime::parse_duration)]
    duration: Option<Duration>,
    /// Write the run's counts, rate and end-to-end latency (p50, p99, max) as JSON to this file
    #[arg(long, value_name = "PATH")]
    summary_json: Option<PathBuf>,
    /// Draw the run's throughput, latency, watermark lag and backpressure to this .svg or .png
    #[arg(long, value_name = "PATH")]
    report: Option<PathBuf>,
    /// Serve the job's REST API (Flink's paths), Prometheus metrics and a stream of samples
    /// on this address, e.g. 127.0.0.1:8081 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT")]
    serve: Option<String>,
    /// Allow --serve on an address other computers can reach
    #[arg(long, requires = "serve")]
    allow_remote: bool,
    /// Keep serving after the job ends, until Ctrl-C, so its final state can be read
    #[arg(long, requires = "serve")]
    keep_serving: bool,
    /// Write checkpoints to this folder (one chk-<n> folder each), so that the job can go
    /// on from its last one after a crash (--restore latest); Ctrl-C then stops the job
    /// after a final checkpoint
    #[arg(long, value_name = "DIR")]
    checkpoint_dir: Option<PathBuf>,
    /// Take a checkpoint this often, e.g. 1s (overrides the pipeline's setting)
    #[arg(long, value_parser = humantime::parse_duration, requires = "checkpoint_dir")]
    checkpoint_interval: Option<Duration>,
    /// Start from a checkpoint: `latest` or a number (in --checkpoint-dir), or the path of
    /// a chk-<n> folder
    #[arg(long, value_name = "latest|N|PATH")]
    restore: Option<RestoreFrom>,
    /// With --restore into a changed pipeline: start the nodes whose state cannot be mapped
    /// empty, rather than refuse (Flink's --allowNonRestoredState)
    #[arg(long, requires = "restore")]
    drop_unmapped_state: bool,
}

/// `streamlab run`: runs until the sources drain, Ctrl-C, or `--duration`.
pub fn run(args: &RunArgs) -> Result<(), String> {
    let file = args.file.as_path();
    let (duration, summary_json) = (args.duration, args.summary_json.as_deref());
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
    if let Some(path) = &args.report {
        crate::report::check_path(path)?;
    }
    let bound = match &args.serve {
        Some(address) => Some(streamlab_server::Server::bind(address, args.allow_remote)?),
        None => None,
    };
    let checkpoints = checkpoint_options(args)?;
    let checkpointing = checkpoints.is_some();
    let stdout = Arc::new(StdoutConsole::default());
    let options = RunOptions {
        base_dir: base_dir(file),
        console: stdout.clone(),
        checkpoints,
        ..RunOptions::default()
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let interrupted = interrupted.clone();
        // A first Ctrl-C, SIGTERM or SIGHUP stops the job cleanly (sinks flush; with
        // checkpoints, after a final one); a second one leaves at once, removing the files
        // not yet written whole (a later --restore goes on from the last checkpoint).
        let _ = ctrlc::set_handler(move || {
            if interrupted.swap(true, Ordering::SeqCst) {
                engine::operators::remove_all_staged();
                std::process::exit(130);
            }
        });
    }
    let job = JobHandle::start(&spec, options).map_err(|e| format!("{}: {e}", file.display()))?;
    let server = match bound {
        Some(bound) => Some(serve(bound, &spec, &job, args.allow_remote)?),
        None => None,
    };
    let started = Instant::now();
    let mut progress = Progress::new();
    let mut last_checkpoint = None;
    while !job.is_finished() {
        std::thread::sleep(Duration::from_millis(50));
        let out_of_time = duration.is_some_and(|d| started.elapsed() >= d);
        // Printing into a closed pipe (`streamlab run … | head`) has no reader left: stop.
        if stdout.is_closed() {
            job.stop();
        } else if out_of_time || interrupted.load(Ordering::SeqCst) {
            match last_checkpoint {
                None if checkpointing => match job.stop_with_checkpoint() {
                    Ok(id) => {
                        progress.clear();
                        err(format!("stopping after a final checkpoint ({id})"));
                        last_checkpoint = Some(id);
                    }
                    Err(_) => job.stop(),
                },
                // A final checkpoint that fails still ends the run.
                Some(id) if final_checkpoint_failed(&job, id) => job.stop(),
                Some(_) => {}
                None => job.stop(),
            }
        }
        progress.update(&job);
    }
    progress.clear();
    let watched = job.watched();
    let outcome = job.wait().map_err(|e| format!("{}: {e}", file.display()));
    // Everything is written before the server may keep serving, so nothing waits on Ctrl-C.
    let result = finish(args, &spec, &watched, outcome);
    if let Some(server) = server {
        if args.keep_serving {
            if let Err(message) = &result {
                err(format!("error: {message}"));
            }
            err(format!(
                "the job has ended; still serving on http://{} until Ctrl-C",
                server.address()
            ));
            while !interrupted.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            server.shutdown();
            // Said already.
            return result.map_err(|_| String::new());
        }
        server.shutdown();
    }
    result
}

/// Whether checkpoint `id` has failed.
fn final_checkpoint_failed(job: &JobHandle, id: u64) -> bool {
    job.checkpoints()
        .iter()
        .any(|c| c.id == id && matches!(c.status, CheckpointStatus::Failed(_)))
}

/// The checkpoint folder and the checkpoint to start from, read and checked now, so a bad
/// one is said before anything runs.
fn checkpoint_options(args: &RunArgs) -> Result<Option<CheckpointOptions>, String> {
    let dir = match (&args.checkpoint_dir, &args.restore) {
        (Some(dir), _) => dir.clone(),
        // A checkpoint named by its path goes on writing beside it.
        (None, Some(RestoreFrom::Path(path))) => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        (None, Some(_)) => {
            return Err(
                "--restore latest or a number needs --checkpoint-dir, the folder to \
                        find it in"
                    .into(),
            );
        }
        (None, None) => {
            let spec = load(&args.file)?;
            if let Some(ms) = spec.job.checkpoint_interval_ms {
                err(format!(
                    "warning: the pipeline takes a checkpoint every {} ms, but without \
                     --checkpoint-dir there is nowhere to keep them: none are taken",
                    ms
                ));
            }
            return Ok(None);
        }
    };
    let restore = match &args.restore {
        None => None,
        Some(which) => {
            let restore = engine::checkpoint::load(&dir, which)?;
            for skipped in &restore.skipped {
                err(format!("warning: skipped {skipped}"));
            }
            err(format!(
                "restoring checkpoint {} ({}, taken {})",
                restore.id(),
                restore.path.display(),
                restore.metadata.triggered_at
            ));
            Some(restore)
        }
    };
    Ok(Some(CheckpointOptions {
        dir,
        interval: args.checkpoint_interval,
        restore,
        drop_unmapped: args.drop_unmapped_state,
    }))
}

/// Says how the run ended and writes what was asked for: the summary first, then the report
/// (a failed run's report shows how it went until it failed).
fn finish(
    args: &RunArgs,
    spec: &PipelineSpec,
    watched: &Watched,
    outcome: Result<JobSummary, String>,
) -> Result<(), String> {
    let summary = match outcome {
        Ok(summary) => summary,
        Err(e) => {
            if let Err(report) = write_report(args, spec, watched, Some("failed")) {
                err(format!("error: {report}"));
            }
            return Err(e);
        }
    };
    err(summary_line(&summary));
    for file in &summary.files {
        err(file_line(file));
    }
    if let Some(path) = &args.summary_json {
        write_summary(path, &summary)?;
    }
    write_report(args, spec, watched, summary.stopped.then_some("stopped"))
}

fn write_report(
    args: &RunArgs,
    spec: &PipelineSpec,
    watched: &Watched,
    ended: Option<&str>,
) -> Result<(), String> {
    let Some(path) = &args.report else {
        return Ok(());
    };
    let name = if spec.name.is_empty() {
        "pipeline"
    } else {
        &spec.name
    };
    crate::report::Report::new(name, &watched.history(), ended).write(path)?;
    err(format!("  report: {}", path.display()));
    Ok(())
}

/// Serves the job's REST API on the address bound, and says where.
fn serve(
    bound: streamlab_server::Bound,
    spec: &PipelineSpec,
    job: &JobHandle,
    remote: bool,
) -> Result<streamlab_server::Server, String> {
    let served = streamlab_server::ServedJob {
        id: streamlab_server::job_id(),
        name: spec.name.clone(),
        spec: Arc::new(spec.clone()),
        monitor: job.monitor(),
    };
    let id = served.id.clone();
    let server = bound.serve(served)?;
    let address = server.address();
    if remote && !address.ip().is_loopback() {
        err(format!(
            "warning: serving on {address}, which other computers can reach: anyone who can \
             connect can watch and cancel this job"
        ));
    }
    err(format!(
        "serving the REST API on http://{address} (job {id})"
    ));
    Ok(server)
}

fn records_per_second(summary: &JobSummary) -> f64 {
    summary.records_in as f64 / summary.elapsed.as_secs_f64().max(1e-9)
}

fn summary_line(summary: &JobSummary) -> String {
    let latency = summary.latency.map_or(String::new(), |l| {
        format!(
            "; latency p50 {}, p99 {}, max {}",
            millis(l.p50_ms),
            millis(l.p99_ms),
            millis(l.max_ms)
        )
    });
    let restarts = match summary.restarts {
        0 => String::new(),
        1 => "; restarted once after a failure".to_string(),
        n => format!("; restarted {n} times after failures"),
    };
    format!(
        "{}: {} records in, {} records out in {:.2} s ({} records/s){latency}{restarts}",
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
    if let Some(checkpoint) = file.checkpoint {
        return format!(
            "  `{}` stopped: {} holds the {rows} of checkpoint {checkpoint}; --restore goes on from there",
            file.node,
            file.path.display()
        );
    }
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
                "checkpoint": f.checkpoint,
            })
        })
        .collect();
    let json = serde_json::json!({
        "records_in": summary.records_in,
        "records_out": summary.records_out,
        "elapsed_s": summary.elapsed.as_secs_f64(),
        "records_per_s": records_per_second(summary),
        "stopped": summary.stopped,
        "restarts": summary.restarts,
        "latency_p50_ms": summary.latency.map(|l| l.p50_ms),
        "latency_p99_ms": summary.latency.map(|l| l.p99_ms),
        "latency_max_ms": summary.latency.map(|l| l.max_ms),
        "files": files,
    });
    std::fs::write(path, format!("{json:#}\n"))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
