//! `streamlab export flink-sql`: a pipeline as a Flink SQL script or a PyFlink job.

use std::path::{Path, PathBuf};

use engine::export::{FlinkOptions, flink_sql};

#[derive(clap::Args)]
pub struct FlinkSqlArgs {
    /// The pipeline file (.ron)
    file: PathBuf,
    /// Write the script here instead of to standard output
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Write a PyFlink program (python3 job.py) instead of a SQL script
    #[arg(long)]
    pyflink: bool,
    /// The Flink cluster has the Nexmark benchmark's `nexmark` connector: export Nexmark
    /// sources to it
    #[arg(long)]
    nexmark_connector: bool,
    /// Submit to the Flink cluster whose REST API is at HOST:PORT (the PyFlink program
    /// returns once the job is submitted; watch it with File → Watch a running job)
    #[arg(long, value_name = "HOST:PORT")]
    cluster: Option<String>,
}

/// The pipeline's folder as an absolute path, so the script's file paths work from anywhere.
fn absolute_base(file: &Path) -> PathBuf {
    let base = super::base_dir(file);
    std::fs::canonicalize(&base).unwrap_or(base)
}

pub fn flink(args: &FlinkSqlArgs) -> Result<(), String> {
    let spec = super::load(&args.file)?;
    let options = FlinkOptions {
        nexmark_connector: args.nexmark_connector,
        cluster: args.cluster.clone(),
    };
    let script = flink_sql(&spec, &absolute_base(&args.file), &options).map_err(|errors| {
        let count = errors.len();
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {e}", args.file.display()))
            .collect();
        format!(
            "{}\n{count} node{} cannot be exported to Flink",
            lines.join("\nerror: "),
            if count == 1 { "" } else { "s" }
        )
    })?;
    let text = if args.pyflink {
        script.to_pyflink()
    } else {
        script.to_sql()
    };
    let Some(output) = &args.output else {
        print!("{text}");
        return Ok(());
    };
    if std::fs::canonicalize(output).ok() == std::fs::canonicalize(&args.file).ok()
        && output.exists()
    {
        return Err(format!(
            "{} is the pipeline itself; write the script to another file",
            output.display()
        ));
    }
    std::fs::write(output, text).map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    super::terminal::err(format!("wrote {}", output.display()));
    Ok(())
}
