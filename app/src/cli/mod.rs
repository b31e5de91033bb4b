//! The command line: `streamlab` (the designer), `open`, `run`, `validate`, `export` and
//! `bench`.

mod bench;
mod export;
mod progress;
mod run;
mod terminal;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use engine::PipelineSpec;

/// Exit code of a pipeline error (invalid pipeline, I/O, a failed job). Usage errors exit 2.
const PIPELINE_ERROR: u8 = 1;

#[derive(Parser)]
#[command(
    name = "streamlab",
    version,
    about = "Design, run and watch stream-processing pipelines",
    after_help = "With no command, opens the designer on an example. Pipelines are RON files; examples are in saved-graphs/."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open a pipeline in the designer window
    Open {
        /// The pipeline file (.ron)
        file: PathBuf,
    },
    /// Run a pipeline until its sources are drained, it is stopped (Ctrl-C) or --duration passes
    Run(run::RunArgs),
    /// Check a pipeline without running it, and show how it would run
    Validate {
        /// The pipeline file (.ron)
        file: PathBuf,
    },
    /// Write a pipeline for another engine
    #[command(subcommand)]
    Export(ExportTarget),
    /// Measure throughput: runs a pipeline several times and reports records/s
    Bench {
        /// The pipeline to measure (default: the built-in datagen → filter → map → blackhole)
        file: Option<PathBuf>,
        /// How many measured runs (1 to 1000)
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
        runs: u64,
        /// Runs before the measured ones, to warm caches (0 to 100)
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(0..=100))]
        warmup: u64,
        /// Measure at each of these batch sizes in turn, e.g. 1,16,256,4096 (default: the
        /// pipeline's own)
        #[arg(long, value_delimiter = ',', value_name = "ROWS")]
        batch_sizes: Vec<usize>,
        /// Draw the last run's throughput, latency, watermark lag and backpressure to this
        /// .svg or .png
        #[arg(long, value_name = "PATH")]
        report: Option<PathBuf>,
        /// Also measure each run with a checkpoint this often (e.g. 1s), into a temporary
        /// folder, alternating with runs without: the cost of checkpoints, side by side
        #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
        checkpoint_interval: Option<std::time::Duration>,
    },
}

#[derive(Subcommand)]
enum ExportTarget {
    /// A Flink SQL script (or with --pyflink a PyFlink job) computing the same results on
    /// Apache Flink
    FlinkSql(export::FlinkSqlArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let result = match cli.command {
        None => crate::gui::open(None),
        Some(Command::Open { file }) => crate::gui::open(Some(file)),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Validate { file }) => validate::validate(&file),
        Some(Command::Export(ExportTarget::FlinkSql(args))) => export::flink(&args),
        Some(Command::Bench {
            file,
            runs,
            warmup,
            batch_sizes,
            report,
            checkpoint_interval,
        }) => bench::bench(
            file.as_deref(),
            runs as usize,
            warmup as usize,
            &batch_sizes,
            report.as_deref(),
            checkpoint_interval,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // An empty message was said already.
            if !message.is_empty() {
                terminal::err(format!("error: {message}"));
            }
            ExitCode::from(PIPELINE_ERROR)
        }
    }
}

/// Reads a pipeline file; errors name the file and, for syntax errors, the line and column.
pub(crate) fn load(path: &Path) -> Result<PipelineSpec, String> {
    engine::spec::load_file(path).map_err(|e| match e {
        engine::spec::SpecError::Io { message } => message,
        other => format!("{}: {other}", path.display()),
    })
}

/// Prints warnings; returns every error of the pipeline as one message, a line each, each
/// naming the file and the node, closed by their count.
fn check(file: &Path, spec: &PipelineSpec) -> Result<(), String> {
    let mut analysis = engine::validate::analyze(spec);
    analysis
        .problems
        .extend(engine::validate::check_files(spec, &base_dir(file)));
    // A server that does not answer is a warning: the run retries it before failing.
    analysis.problems.extend(engine::validate::check_servers(
        &engine::validate::server_urls(spec),
        engine::validate::PROBE_TIMEOUT,
    ));
    for warning in analysis.problems.iter().filter(|p| !p.is_error()) {
        terminal::err(format!("{}: {warning}", file.display()));
    }
    let errors: Vec<String> = analysis
        .errors()
        .map(|p| format!("{}: {p}", file.display()))
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let count = errors.len();
    Err(format!(
        "{}\n{count} problem{} found",
        errors.join("\nerror: "),
        if count == 1 { "" } else { "s" }
    ))
}

/// The folder relative paths in a pipeline file resolve against.
fn base_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `12345678` → `12,345,678`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate with a unit: `63.2 M`, `4.1 k`, `12`.
fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.1} M", per_second / 1e6)
    } else if per_second >= 1e3 {
        format!("{:.1} k", per_second / 1e3)
    } else {
        format!("{per_second:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn formats_numbers_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(30_000_000), "30,000,000");
        assert_eq!(rate(63_200_000.0), "63.2 M");
        assert_eq!(rate(4_100.0), "4.1 k");
        assert_eq!(rate(12.0), "12");
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
