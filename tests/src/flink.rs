//! Where the tests find Apache Flink: PyPI's `apache-flink`, which bundles the Flink runtime,
//! in a Python environment that `.ci/run` makes.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A Python with PyFlink, and the Flink distribution inside it (`bin/`, `lib/`, `conf/`).
#[derive(Clone, Debug)]
pub struct Flink {
    pub python: PathBuf,
    pub home: PathBuf,
}

/// The Python `.ci/run` installs PyFlink into, unless `STREAMLAB_FLINK_PYTHON` names one.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("STREAMLAB_FLINK_PYTHON") {
        return PathBuf::from(python);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    home.join(".cache/streamlab/flink-venv/bin/python")
}

/// PyFlink and its Flink home, if this machine has them.
pub fn find() -> Result<Flink, String> {
    let python = python();
    if !python.exists() {
        return Err(format!("no Python at {}", python.display()));
    }
    let out = Command::new(&python)
        .args([
            "-c",
            "import os, pyflink; print(os.path.dirname(os.path.abspath(pyflink.__file__)))",
        ])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} has no pyflink: {}",
            python.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let home = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !Path::new("/usr/bin/java").exists() && which("java").is_none() {
        return Err("Flink needs Java (17), and `java` is not on the PATH".into());
    }
    Ok(Flink { python, home })
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.exists())
}

/// Flink for a test that needs it. Without it the test is skipped with a message saying how
/// to install it, except where `STREAMLAB_REQUIRE_FLINK` is set (as `.ci/run` sets it): there
/// a missing Flink fails the test.
pub fn for_test(test: &str) -> Option<Flink> {
    match find() {
        Ok(flink) => Some(flink),
        Err(why) if std::env::var_os("STREAMLAB_REQUIRE_FLINK").is_some() => {
            panic!("{test} needs Apache Flink: {why}")
        }
        Err(why) => {
            eprintln!(
                "skipping {test}: it needs Apache Flink ({why}); `bash .ci/run` installs it, or \
                 `python3 -m venv ~/.cache/streamlab/flink-venv && \
                 ~/.cache/streamlab/flink-venv/bin/pip install 'apache-flink==2.3.*'`"
            );
            None
        }
    }
}
