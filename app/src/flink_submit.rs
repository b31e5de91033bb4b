//! Submitting a pipeline to an Apache Flink cluster: its PyFlink program, exported for that
//! cluster, run by a Python that has PyFlink. The wheel's SQL client lacks the SQL gateway
//! it needs, so Python submits, as Flink's own PyFlink jobs are submitted.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long Python may take to start PyFlink's JVM, plan the job and submit it.
const SUBMIT_TIMEOUT: Duration = Duration::from_secs(180);

/// The Python that submits: `STREAMLAB_FLINK_PYTHON`, else the environment `.ci/run` makes
/// (`~/.cache/streamlab/flink-venv`), else `python3` from the PATH.
pub fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("STREAMLAB_FLINK_PYTHON") {
        return PathBuf::from(python);
    }
    let cached = std::env::var_os("HOME")
        .map(PathBuf::from)
        .map(|home| home.join(".cache/streamlab/flink-venv/bin/python"));
    cached
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("python3"))
}

/// Runs `program` (a PyFlink program exported with a cluster) and returns the id of the job
/// it submitted, or why it did not.
pub fn submit(program: &str) -> Result<String, String> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let file = std::env::temp_dir().join(format!(
        "streamlab-submit-{}-{}.py",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&file, program).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let result = run(&file);
    let _ = std::fs::remove_file(&file);
    result
}

fn run(file: &std::path::Path) -> Result<String, String> {
    let python = python();
    let mut child = Command::new(&python)
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {} to submit the job: {e}", python.display()))?;
    // Read both pipes meanwhile, so a chatty JVM never blocks on a full one.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > SUBMIT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{} did not submit the job within {} s",
                python.display(),
                SUBMIT_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (stdout, stderr) = (
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    );
    if let Some(id) = stdout
        .lines()
        .find_map(|l| l.strip_prefix("submitted job "))
        .and_then(|rest| rest.split_whitespace().next())
    {
        return Ok(id.to_string());
    }
    Err(format!(
        "the job was not submitted ({status}): {}",
        reason(&stderr).unwrap_or_else(|| "Python said nothing".into())
    ))
}

/// The telling line of a failed submission: a missing PyFlink, or Java's innermost cause.
fn reason(stderr: &str) -> Option<String> {
    if stderr.contains("No module named 'pyflink'") {
        return Some(format!(
            "{} has no PyFlink; install it with pip install apache-flink, or name a Python \
             that has it in STREAMLAB_FLINK_PYTHON",
            python().display()
        ));
    }
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    lines
        .iter()
        .rev()
        .find(|l| l.starts_with("Caused by") || l.contains("Exception:"))
        .or(lines.last())
        .map(|l| l.trim().to_string())
}

/// [`submit`] on a thread of its own: the answer arrives on the receiver.
pub fn submit_in_background(program: String) -> Receiver<Result<String, String>> {
    let (send, receive) = channel();
    std::thread::spawn(move || {
        let _ = send.send(submit(&program));
    });
    receive
}
