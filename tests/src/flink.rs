//! Where the tests find Apache Flink: PyPI's `apache-flink`, which bundles the Flink runtime,
//! in a Python environment that `.ci/run` makes.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// A standalone Flink cluster of one JobManager and one TaskManager on 127.0.0.1, its
/// configuration, logs, temporary files and checkpoints all under one folder. Dropping it
/// stops every daemon it started.
pub struct Cluster {
    home: PathBuf,
    python: PathBuf,
    dir: PathBuf,
    rest_port: u16,
}

/// How long a daemon has to end after SIGTERM before it is killed, as `flink-daemon.sh stop`
/// allows.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

impl Cluster {
    /// Writes the cluster's configuration into `dir` (which must exist); [`Cluster::start`]
    /// starts it.
    pub fn new(flink: &Flink, dir: &Path) -> Result<Cluster, String> {
        let cluster = Cluster {
            home: flink.home.clone(),
            python: flink.python.clone(),
            dir: dir.to_path_buf(),
            rest_port: free_port()?,
        };
        cluster.write_conf()?;
        Ok(cluster)
    }

    /// Runs `start-cluster.sh`. The cluster is on its way up when this returns: its REST API
    /// answers a few seconds later.
    pub fn start(&self) -> Result<(), String> {
        let out = self
            .command(self.home.join("bin/start-cluster.sh"))
            .output()
            .map_err(|e| format!("cannot run start-cluster.sh: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "start-cluster.sh failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }

    /// `127.0.0.1:<rest port>`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.rest_port)
    }

    pub fn checkpoint_dir(&self) -> PathBuf {
        self.dir.join("checkpoints")
    }

    fn conf_dir(&self) -> PathBuf {
        self.dir.join("conf")
    }

    fn log_dir(&self) -> PathBuf {
        self.dir.join("log")
    }

    fn pid_dir(&self) -> PathBuf {
        self.dir.join("pid")
    }

    /// The shipped `conf/` with every address on loopback, free ports, small memory, and
    /// every folder under this cluster's own.
    fn write_conf(&self) -> Result<(), String> {
        let conf = self.conf_dir();
        for dir in [
            &conf,
            &self.log_dir(),
            &self.pid_dir(),
            &self.dir.join("tmp"),
        ] {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        }
        let shipped = self.home.join("conf");
        let entries = std::fs::read_dir(&shipped)
            .map_err(|e| format!("cannot read {}: {e}", shipped.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_file() {
                let to = conf.join(path.file_name().unwrap());
                std::fs::copy(&path, &to).map_err(|e| {
                    format!("cannot copy {} to {}: {e}", path.display(), to.display())
                })?;
            }
        }
        let config_path = shipped.join("config.yaml");
        let shipped_config = std::fs::read_to_string(&config_path)
            .map_err(|e| format!("cannot read {}: {e}", config_path.display()))?;
        let rpc_port = free_port()?;
        let dir = self.dir.display();
        let settings = [
            ("rest.address", "127.0.0.1".to_string()),
            ("rest.bind-address", "127.0.0.1".into()),
            ("rest.port", self.rest_port.to_string()),
            ("jobmanager.rpc.address", "127.0.0.1".into()),
            ("jobmanager.rpc.port", rpc_port.to_string()),
            ("jobmanager.bind-host", "127.0.0.1".into()),
            ("taskmanager.bind-host", "127.0.0.1".into()),
            ("taskmanager.host", "127.0.0.1".into()),
            // Any free port for the rest.
            ("blob.server.port", "0".into()),
            ("taskmanager.rpc.port", "0".into()),
            ("taskmanager.data.port", "0".into()),
            ("metrics.internal.query-service.port", "0".into()),
            ("jobmanager.memory.process.size", "1g".into()),
            ("taskmanager.memory.process.size", "1280m".into()),
            ("taskmanager.memory.managed.fraction", "0.1".into()),
            ("taskmanager.numberOfTaskSlots", "3".into()),
            ("parallelism.default", "1".into()),
            ("io.tmp.dirs", format!("{dir}/tmp")),
            (
                "execution.checkpointing.dir",
                format!("file://{dir}/checkpoints"),
            ),
            (
                "execution.checkpointing.savepoint-dir",
                format!("file://{dir}/savepoints"),
            ),
            // The REST API serves metrics fetched at most this often: a second, not ten.
            ("metrics.fetcher.update-interval", "1000".into()),
        ];
        // Of the shipped file only `env:` is kept (the JVM options Java 17 needs); every
        // other setting is written here, flat, so none is set twice.
        let mut config = String::new();
        let mut keep = false;
        for line in shipped_config.lines() {
            if !line.starts_with([' ', '#']) && !line.is_empty() {
                keep = line.starts_with("env:");
            }
            if keep {
                config.push_str(line);
                config.push('\n');
            }
        }
        for (key, value) in settings {
            config.push_str(&format!("{key}: {value}\n"));
        }
        let write = |name: &str, text: &str| {
            let path = conf.join(name);
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        write("config.yaml", &config)?;
        write("masters", &format!("127.0.0.1:{}\n", self.rest_port))?;
        write("workers", "127.0.0.1\n")
    }

    /// A Flink script or the Python, with this cluster's configuration, logs and pid files.
    fn command(&self, program: PathBuf) -> Command {
        let mut command = Command::new(program);
        command
            .env("FLINK_CONF_DIR", self.conf_dir())
            .env("FLINK_LOG_DIR", self.log_dir())
            .env("FLINK_PID_DIR", self.pid_dir())
            .env("FLINK_IDENT_STRING", "streamlab-test")
            .stdin(Stdio::null());
        command
    }

    /// Submits `statements` (Flink SQL, the last an `INSERT`) as one job named `name` with
    /// `settings` through PyFlink's Table API, and returns its job id. It may be called while
    /// the cluster starts: Python and its planner start meanwhile, and the job is submitted
    /// once the REST API answers. The wheel's SQL client
    /// cannot run (it lacks the SQL gateway's jar), so Python submits instead.
    pub fn submit_sql(
        &self,
        name: &str,
        settings: &[(&str, &str)],
        statements: &[&str],
    ) -> Result<String, String> {
        let script = self.dir.join("submit.py");
        std::fs::write(&script, SUBMIT_PY)
            .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
        let mut args = vec![
            script.display().to_string(),
            self.rest_port.to_string(),
            name.to_string(),
            settings.len().to_string(),
        ];
        for (key, value) in settings {
            args.push(key.to_string());
            args.push(value.to_string());
        }
        args.extend(statements.iter().map(|s| s.to_string()));
        let mut child = self
            .command(self.python.clone())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.python.display()))?;
        let out = wait_or_kill(&mut child, Duration::from_secs(120))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        stdout
            .lines()
            .find_map(|l| l.strip_prefix("submitted job "))
            .map(|id| id.trim().to_string())
            .ok_or_else(|| {
                format!(
                    "PyFlink did not submit the job: {stdout}{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            })
    }

    /// The end of each daemon's log, to say why a test against the cluster failed.
    pub fn logs(&self) -> String {
        let mut text = String::new();
        if let Ok(entries) = std::fs::read_dir(self.log_dir()) {
            for entry in entries.flatten() {
                let path = entry.path();
                let log = std::fs::read_to_string(&path).unwrap_or_default();
                let lines: Vec<&str> = log.lines().collect();
                let tail = lines[lines.len().saturating_sub(20)..].join("\n");
                text.push_str(&format!("== {}\n{tail}\n", path.display()));
            }
        }
        text
    }

    /// The daemons' process ids from their pid files.
    fn pids(&self) -> Vec<u32> {
        let Ok(entries) = std::fs::read_dir(self.pid_dir()) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .flat_map(|text| {
                text.lines()
                    .filter_map(|l| l.trim().parse().ok())
                    .collect::<Vec<u32>>()
            })
            .collect()
    }
}

impl Drop for Cluster {
    /// What `stop-cluster.sh` does, without the ten seconds and more its configuration
    /// parsing (a JVM per script) takes: SIGTERM to each daemon in the pid files, SIGKILL to
    /// those still running after [`STOP_TIMEOUT`].
    fn drop(&mut self) {
        let pids = self.pids();
        let running = |pid: &u32| Path::new(&format!("/proc/{pid}")).exists();
        for pid in &pids {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
        let asked = Instant::now();
        while pids.iter().any(running) && asked.elapsed() < STOP_TIMEOUT {
            std::thread::sleep(Duration::from_millis(100));
        }
        for pid in pids.iter().filter(|p| running(p)) {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
        let _ = std::fs::remove_dir_all(self.pid_dir());
    }
}

/// Waits for `child`, killing it after `timeout`; its output is read meanwhile, so a full
/// pipe never holds it up.
fn wait_or_kill(child: &mut Child, timeout: Duration) -> Result<Output, String> {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(100))
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("it did not end within {} s", timeout.as_secs()));
            }
            Err(e) => return Err(e.to_string()),
        }
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Submits SQL to the cluster at 127.0.0.1:<port>: `submit.py PORT NAME N (KEY VALUE)×N SQL…`.
const SUBMIT_PY: &str = r#"
import sys
import time
import urllib.request
from pyflink.common import Configuration
from pyflink.table import EnvironmentSettings, TableEnvironment

port, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
pairs = sys.argv[4:4 + 2 * count]
statements = sys.argv[4 + 2 * count:]
conf = Configuration()
conf.set_string("execution.target", "remote")
conf.set_string("rest.address", "127.0.0.1")
conf.set_string("rest.port", port)
conf.set_string("pipeline.name", name)
for key, value in zip(pairs[0::2], pairs[1::2]):
    conf.set_string(key, value)
settings = EnvironmentSettings.new_instance().in_streaming_mode().with_configuration(conf).build()
tables = TableEnvironment.create(settings)
for statement in statements[:-1]:
    tables.execute_sql(statement)
# The cluster may still be starting: its REST API answers before the job is submitted.
deadline = time.time() + 90
while True:
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/overview" % port, timeout=2).read()
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("the cluster's REST API never answered on port %s" % port)
        time.sleep(0.3)
result = tables.execute_sql(statements[-1])
print("submitted job", result.get_job_client().get_job_id(), flush=True)
"#;
