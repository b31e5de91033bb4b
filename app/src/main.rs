//! `streamlab`: design, run and watch stream-processing pipelines.

use std::process::ExitCode;

fn main() -> ExitCode {
    streamlab::cli::main()
}
