//! `streamlab`: design, run and watch stream-processing pipelines.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
