//! A job watched over a REST API instead of the embedded engine: a headless
//! `streamlab run --serve`, or a job on an Apache Flink cluster (read by [`flink_rest`]). A
//! thread polls the samples, the checkpoints and the state, and the same charts and
//! checkpoint panel read them through [`MetricsSource`].
//!
//! Both answer Flink's paths for the job, its checkpoints and the checkpoint trigger; only
//! streamlab's server also keeps the job's samples (`/jobs/:id/metrics/history`). So a server
//! whose `/config` names a Flink version but that does not know that path is a Flink cluster,
//! and its samples are read from its metrics instead.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use engine::checkpoint::{CheckpointStats, CheckpointStatus};
use engine::metrics::MetricsSnapshot;
use serde_json::Value;

use super::flink_rest;
use super::source::{Marker, MetricsSource, markers_of};

/// How often streamlab's server is asked for what is new.
const POLL: Duration = Duration::from_millis(300);

/// How long a checkpoint asked for is followed before the panel says it is still running.
const FOLLOW_TRIGGER: Duration = Duration::from_secs(60);

/// What serves the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    /// `streamlab run --serve`: it keeps the samples the charts draw.
    Streamlab,
    /// An Apache Flink cluster: the samples are made from its metrics.
    Flink,
}

#[derive(Default)]
struct Polled {
    samples: Vec<Arc<MetricsSnapshot>>,
    checkpoints: Vec<CheckpointStats>,
    /// Flink's name of the job's state: `RUNNING`, `FINISHED`, …
    state: String,
    /// Why the last poll failed, if it did.
    error: Option<String>,
    /// What became of the last checkpoint asked for.
    checkpoint_progress: Option<String>,
}

pub struct RemoteJob {
    base: String,
    job: String,
    pub name: String,
    pub server: Server,
    started: SystemTime,
    checkpointing: Option<(PathBuf, Option<Duration>)>,
    polled: Arc<Mutex<Polled>>,
    stop: Arc<AtomicBool>,
    agent: ureq::Agent,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// A failed request: its HTTP status, if it got an answer, and what to show.
struct Failure {
    status: Option<u16>,
    message: String,
}

/// `GET url` as JSON; a non-2xx answer is an error with the server's message.
fn get(agent: &ureq::Agent, url: &str) -> Result<Value, String> {
    request(agent, url).map_err(|f| f.message)
}

fn request(agent: &ureq::Agent, url: &str) -> Result<Value, Failure> {
    let mut response = agent.get(url).call().map_err(|e| Failure {
        status: None,
        message: format!("cannot reach {url}: {e}"),
    })?;
    read_answer(url, &mut response)
}

fn read_answer(
    url: &str,
    response: &mut ureq::http::Response<ureq::Body>,
) -> Result<Value, Failure> {
    let status = response.status().as_u16();
    let json: Value = response.body_mut().read_json().map_err(|e| Failure {
        status: Some(status),
        message: format!("{url} did not answer JSON ({status}): {e}"),
    })?;
    if status >= 300 {
        return Err(Failure {
            status: Some(status),
            message: format!("{url}: {status} {}", error_message(&json)),
        });
    }
    Ok(json)
}

/// The first of Flink's `errors`, without the Java stack trace Flink appends to it.
fn error_message(json: &Value) -> String {
    let first = json["errors"][0].as_str().unwrap_or("no reason given");
    first.lines().next().unwrap_or(first).trim().to_string()
}

/// Which server answers at `base` for job `id`.
fn server_at(agent: &ureq::Agent, base: &str, id: &str) -> Result<Server, String> {
    let config = get(agent, &format!("{base}/config"))?;
    if config["flink-version"].as_str().is_none() {
        return Err(format!(
            "{base} is not a Flink REST API: its /config names no flink-version"
        ));
    }
    // A time far ahead: streamlab's server answers an empty list, cheaply.
    let history = format!("{base}/jobs/{id}/metrics/history?since_ms=1e15");
    match request(agent, &history) {
        Ok(_) => Ok(Server::Streamlab),
        Err(Failure {
            status: Some(404), ..
        }) => Ok(Server::Flink),
        Err(f) => Err(f.message),
    }
}

/// The REST API's address, and the job id an address of one job names.
fn split_job(address: &str) -> (&str, Option<&str>) {
    let Some(at) = address.find("/#/").or_else(|| address.find("/jobs/")) else {
        return (address, None);
    };
    let id = address[at..]
        .split('/')
        .find(|part| part.len() == 32 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    (&address[..at], id)
}

impl RemoteJob {
    /// Connects to the REST API at `address` (`127.0.0.1:8081` or `http://…`) and watches
    /// its running job (its first job if none runs), or the job the address names, as
    /// `…/jobs/<id>` or a Flink web page's `…/#/job/running/<id>/overview` does.
    pub fn connect(address: &str) -> Result<RemoteJob, String> {
        let (address, wanted) = split_job(address.trim());
        let address = address.trim_end_matches('/');
        if address.is_empty() {
            return Err("no address given: a REST API's host:port, as 127.0.0.1:8081".into());
        }
        let base = if address.contains("://") {
            address.to_string()
        } else {
            format!("http://{address}")
        };
        let agent = agent();
        let jobs = get(&agent, &format!("{base}/jobs/overview"))?;
        let listed = jobs["jobs"].as_array().cloned().unwrap_or_default();
        let job = match wanted {
            Some(wanted) => listed
                .iter()
                .find(|j| j["jid"].as_str() == Some(wanted))
                .ok_or_else(|| format!("{base} has no job {wanted}"))?,
            None => listed
                .iter()
                .find(|j| j["state"].as_str() == Some("RUNNING"))
                .or(listed.first())
                .ok_or_else(|| format!("{base} serves no job"))?,
        };
        let id = job["jid"]
            .as_str()
            .ok_or_else(|| format!("{base} lists a job without an id: {job}"))?
            .to_string();
        let server = server_at(&agent, &base, &id)?;
        let started_ms = job["start-time"].as_i64().unwrap_or(0).max(0) as u64;
        let checkpointing = get(&agent, &format!("{base}/jobs/{id}/checkpoints/config"))
            .ok()
            .map(|c| {
                // Flink does not say where its checkpoints go; streamlab's server does.
                let dir = c["checkpoint_dir"].as_str().unwrap_or("on the server");
                let interval = c["interval"]
                    .as_i64()
                    .filter(|ms| *ms > 0)
                    .map(|ms| Duration::from_millis(ms as u64));
                (PathBuf::from(format!("{dir} (at {base})")), interval)
            });
        let remote = RemoteJob {
            name: job["name"].as_str().unwrap_or("job").to_string(),
            server,
            started: UNIX_EPOCH + Duration::from_millis(started_ms),
            checkpointing,
            polled: Arc::default(),
            stop: Arc::default(),
            base,
            job: id,
            agent,
        };
        remote.poll_once();
        let (polled, stop) = (remote.polled.clone(), remote.stop.clone());
        let (agent, job) = (remote.agent.clone(), remote.job_url(""));
        let every = match server {
            Server::Streamlab => POLL,
            Server::Flink => flink_rest::POLL,
        };
        std::thread::Builder::new()
            .name("remote monitor".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(every);
                    poll(&agent, server, &job, &polled);
                }
            })
            .map_err(|e| format!("the system refused the monitor's thread ({e})"))?;
        Ok(remote)
    }

    fn job_url(&self, rest: &str) -> String {
        format!("{}/jobs/{}{rest}", self.base, self.job)
    }

    fn poll_once(&self) {
        poll(&self.agent, self.server, &self.job_url(""), &self.polled);
    }

    pub fn address(&self) -> &str {
        &self.base
    }

    /// The id of the job watched.
    pub fn job_id(&self) -> &str {
        &self.job
    }

    /// The job's state as the server says it, and the last error reaching it.
    pub fn state(&self) -> (String, Option<String>) {
        let polled = self.polled.lock().unwrap();
        (polled.state.clone(), polled.error.clone())
    }
}

impl Drop for RemoteJob {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Asks for the samples after the last one, the checkpoints and the state.
fn poll(agent: &ureq::Agent, server: Server, job: &str, polled: &Mutex<Polled>) {
    let last = polled.lock().unwrap().samples.last().cloned();
    let result = match server {
        Server::Streamlab => streamlab_samples(agent, job, last.as_deref()),
        Server::Flink => flink_rest::read(&|url| get(agent, url), job, last.as_deref())
            .map(|(sample, details)| (vec![sample], details)),
    }
    .and_then(|(samples, details)| {
        let checkpoints = get(agent, &format!("{job}/checkpoints"))?;
        Ok((samples, checkpoints, details))
    });
    let mut polled = polled.lock().unwrap();
    match result {
        Ok((samples, checkpoints, details)) => {
            for sample in samples {
                let keep = match server {
                    Server::Streamlab => true,
                    Server::Flink => {
                        flink_rest::worth_keeping(polled.samples.last().map(|s| &**s), &sample)
                    }
                };
                if keep {
                    polled.samples.push(Arc::new(sample));
                }
            }
            polled.checkpoints = checkpoint_history(&checkpoints);
            polled.state = details["state"].as_str().unwrap_or("").to_string();
            polled.error = None;
        }
        Err(e) => polled.error = Some(e),
    }
}

/// The samples streamlab's server kept after `last`, and the job's details.
fn streamlab_samples(
    agent: &ureq::Agent,
    job: &str,
    last: Option<&MetricsSnapshot>,
) -> Result<(Vec<MetricsSnapshot>, Value), String> {
    let history = match last {
        Some(s) => format!(
            "{job}/metrics/history?since_ms={}",
            s.elapsed.as_secs_f64() * 1000.0
        ),
        None => format!("{job}/metrics/history"),
    };
    let samples: Vec<MetricsSnapshot> = serde_json::from_value(get(agent, &history)?)
        .map_err(|e| format!("the samples at {history} are not readable: {e}"))?;
    Ok((samples, get(agent, job)?))
}

/// What a checkpoint trigger's status (`GET /jobs/:id/checkpoints/:trigger`) says.
#[derive(Clone, Debug, PartialEq)]
pub enum TriggerStatus {
    InProgress,
    Completed(u64),
    Failed(String),
}

/// Reads `{"status": {"id": …}, "operation": {"checkpointId": …} | {"failure-cause": …}}`.
pub fn trigger_status(json: &Value) -> Result<TriggerStatus, String> {
    match json["status"]["id"].as_str() {
        Some("IN_PROGRESS") => Ok(TriggerStatus::InProgress),
        Some("COMPLETED") => {
            let operation = &json["operation"];
            if let Some(id) = operation["checkpointId"].as_u64() {
                return Ok(TriggerStatus::Completed(id));
            }
            let cause = &operation["failure-cause"];
            let why = cause["stack-trace"]
                .as_str()
                .or(cause["class"].as_str())
                .map(|t| t.lines().next().unwrap_or(t).trim().to_string())
                .unwrap_or_else(|| format!("no reason given ({operation})"));
            Ok(TriggerStatus::Failed(why))
        }
        _ => Err(format!(
            "a checkpoint trigger's status is unreadable: {json}"
        )),
    }
}

/// Asks for a checkpoint at `job` (its URL) and follows it to its end, telling `progress`.
fn checkpoint_and_follow(agent: &ureq::Agent, job: &str, polled: &Mutex<Polled>) {
    let tell = |message: String| polled.lock().unwrap().checkpoint_progress = Some(message);
    let url = format!("{job}/checkpoints");
    let answer = agent
        .post(&url)
        .header("Content-Type", "application/json")
        .send("{}")
        .map_err(|e| format!("cannot reach {url}: {e}"))
        .and_then(|mut r| read_answer(&url, &mut r).map_err(|f| f.message));
    let trigger = match answer {
        Ok(json) => match json["request-id"].as_str() {
            Some(id) => id.to_string(),
            None => return tell(format!("{url} answered no request-id: {json}")),
        },
        Err(e) => return tell(format!("the checkpoint was refused: {e}")),
    };
    let asked = Instant::now();
    while asked.elapsed() < FOLLOW_TRIGGER {
        let status = get(agent, &format!("{url}/{trigger}")).and_then(|j| trigger_status(&j));
        match status {
            Ok(TriggerStatus::InProgress) => std::thread::sleep(Duration::from_millis(200)),
            Ok(TriggerStatus::Completed(id)) => return tell(format!("checkpoint {id} completed")),
            Ok(TriggerStatus::Failed(why)) => return tell(format!("the checkpoint failed: {why}")),
            Err(e) => return tell(e),
        }
    }
    tell(format!(
        "the checkpoint asked for is still running after {} s",
        FOLLOW_TRIGGER.as_secs()
    ));
}

/// Flink's checkpoint history (newest first) as the panel's, oldest first.
pub fn checkpoint_history(json: &Value) -> Vec<CheckpointStats> {
    let millis = |v: &Value| Duration::from_millis(v.as_u64().unwrap_or(0));
    let mut history: Vec<CheckpointStats> = json["history"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|c| CheckpointStats {
                    id: c["id"].as_u64().unwrap_or(0),
                    status: match c["status"].as_str() {
                        Some("COMPLETED") => CheckpointStatus::Completed,
                        Some("FAILED") => CheckpointStatus::Failed(
                            c["failure_message"].as_str().unwrap_or("").to_string(),
                        ),
                        _ => CheckpointStatus::InProgress,
                    },
                    manual: c["is_savepoint"].as_bool().unwrap_or(false),
                    triggered_at: UNIX_EPOCH
                        + Duration::from_millis(c["trigger_timestamp"].as_u64().unwrap_or(0)),
                    duration: millis(&c["end_to_end_duration"]),
                    alignment: millis(&c["alignment_duration"]),
                    size: c["state_size"].as_u64().unwrap_or(0),
                    acknowledged: (
                        c["num_acknowledged_subtasks"].as_u64().unwrap_or(0) as usize,
                        c["num_subtasks"].as_u64().unwrap_or(0) as usize,
                    ),
                    sources: c["source_positions"]
                        .as_array()
                        .map(|s| {
                            s.iter()
                                .map(|p| {
                                    (
                                        p["node"].as_str().unwrap_or("").to_string(),
                                        p["subtask"].as_u64().unwrap_or(0) as usize,
                                        p["position"].as_str().unwrap_or("").to_string(),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    // The folder is on the server's machine: not one to restore here.
                    path: None,
                })
                .collect()
        })
        .unwrap_or_default();
    history.reverse();
    history
}

impl MetricsSource for RemoteJob {
    fn latest(&self) -> Option<Arc<MetricsSnapshot>> {
        self.polled.lock().unwrap().samples.last().cloned()
    }

    fn history(&self) -> Vec<Arc<MetricsSnapshot>> {
        self.polled.lock().unwrap().samples.clone()
    }

    fn checkpoints(&self) -> Vec<CheckpointStats> {
        self.polled.lock().unwrap().checkpoints.clone()
    }

    fn checkpoint_settings(&self) -> Option<(PathBuf, Option<Duration>)> {
        self.checkpointing.clone()
    }

    fn checkpoint_now(&self) -> Result<String, String> {
        // The trigger and its outcome are asked on their own thread: the UI does not wait.
        self.polled.lock().unwrap().checkpoint_progress =
            Some(format!("checkpoint asked of {}…", self.base));
        let (agent, job, polled) = (self.agent.clone(), self.job_url(""), self.polled.clone());
        std::thread::Builder::new()
            .name("remote checkpoint".into())
            .spawn(move || checkpoint_and_follow(&agent, &job, &polled))
            .map_err(|e| format!("the system refused the checkpoint's thread ({e})"))?;
        Ok(format!("checkpoint asked of {}", self.base))
    }

    fn checkpoint_progress(&self) -> Option<String> {
        self.polled.lock().unwrap().checkpoint_progress.clone()
    }

    fn markers(&self) -> Vec<Marker> {
        markers_of(&self.checkpoints(), &[], self.started)
    }
}
