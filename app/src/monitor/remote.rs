//! A job watched over its REST API (a headless `streamlab run --serve`) instead of the
//! embedded engine: a thread polls the samples, the checkpoints and the state, and the same
//! charts and checkpoint panel read them through [`MetricsSource`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use engine::checkpoint::{CheckpointStats, CheckpointStatus};
use engine::metrics::MetricsSnapshot;
use serde_json::Value;

use super::source::{Marker, MetricsSource, markers_of};

/// How often the job is asked for what is new.
const POLL: Duration = Duration::from_millis(300);

#[derive(Default)]
struct Polled {
    samples: Vec<Arc<MetricsSnapshot>>,
    checkpoints: Vec<CheckpointStats>,
    /// Flink's name of the job's state: `RUNNING`, `FINISHED`, …
    state: String,
    /// Why the last poll failed, if it did.
    error: Option<String>,
}

pub struct RemoteJob {
    base: String,
    job: String,
    pub name: String,
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

/// `GET url` as JSON; a non-2xx answer is an error with Flink's message.
fn get(agent: &ureq::Agent, url: &str) -> Result<Value, String> {
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| format!("cannot reach {url}: {e}"))?;
    let status = response.status().as_u16();
    let json: Value = response
        .body_mut()
        .read_json()
        .map_err(|e| format!("{url} did not answer JSON: {e}"))?;
    if status >= 300 {
        let message = json["errors"][0].as_str().unwrap_or("no reason given");
        return Err(format!("{url}: {status} {message}"));
    }
    Ok(json)
}

impl RemoteJob {
    /// Connects to the REST API at `address` (`127.0.0.1:8081` or `http://…`) and watches
    /// its first job.
    pub fn connect(address: &str) -> Result<RemoteJob, String> {
        let address = address.trim().trim_end_matches('/');
        let base = if address.contains("://") {
            address.to_string()
        } else {
            format!("http://{address}")
        };
        let agent = agent();
        let jobs = get(&agent, &format!("{base}/jobs/overview"))?;
        let job = &jobs["jobs"][0];
        let id = job["jid"]
            .as_str()
            .ok_or_else(|| format!("{base} serves no job"))?
            .to_string();
        let started_ms = job["start-time"].as_i64().unwrap_or(0).max(0) as u64;
        let checkpointing = get(&agent, &format!("{base}/jobs/{id}/checkpoints/config"))
            .ok()
            .map(|c| {
                let dir = c["checkpoint_dir"].as_str().unwrap_or("on the server");
                let interval = c["interval"]
                    .as_i64()
                    .filter(|ms| *ms > 0)
                    .map(|ms| Duration::from_millis(ms as u64));
                (PathBuf::from(format!("{dir} (at {base})")), interval)
            });
        let remote = RemoteJob {
            name: job["name"].as_str().unwrap_or("job").to_string(),
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
        std::thread::Builder::new()
            .name("remote monitor".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(POLL);
                    poll(&agent, &job, &polled);
                }
            })
            .map_err(|e| format!("the system refused the monitor's thread ({e})"))?;
        Ok(remote)
    }

    fn job_url(&self, rest: &str) -> String {
        format!("{}/jobs/{}{rest}", self.base, self.job)
    }

    fn poll_once(&self) {
        poll(&self.agent, &self.job_url(""), &self.polled);
    }

    pub fn address(&self) -> &str {
        &self.base
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
fn poll(agent: &ureq::Agent, job: &str, polled: &Mutex<Polled>) {
    let since = polled
        .lock()
        .unwrap()
        .samples
        .last()
        .map(|s| s.elapsed.as_secs_f64() * 1000.0);
    let history = match since {
        Some(ms) => format!("{job}/metrics/history?since_ms={ms}"),
        None => format!("{job}/metrics/history"),
    };
    let result = get(agent, &history).and_then(|samples| {
        let samples: Vec<MetricsSnapshot> = serde_json::from_value(samples)
            .map_err(|e| format!("the samples are not readable: {e}"))?;
        let checkpoints = get(agent, &format!("{job}/checkpoints"))?;
        let state = get(agent, job)?;
        Ok((samples, checkpoints, state))
    });
    let mut polled = polled.lock().unwrap();
    match result {
        Ok((samples, checkpoints, state)) => {
            polled.samples.extend(samples.into_iter().map(Arc::new));
            polled.checkpoints = checkpoint_history(&checkpoints);
            polled.state = state["state"].as_str().unwrap_or("").to_string();
            polled.error = None;
        }
        Err(e) => polled.error = Some(e),
    }
}

/// Flink's checkpoint history (newest first) as the panel's, oldest first.
fn checkpoint_history(json: &Value) -> Vec<CheckpointStats> {
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

    fn checkpoint_now(&self) -> Result<u64, String> {
        let url = self.job_url("/checkpoints");
        let mut response = self
            .agent
            .post(&url)
            .send_empty()
            .map_err(|e| format!("cannot reach {url}: {e}"))?;
        let json: Value = response.body_mut().read_json().map_err(|e| e.to_string())?;
        match json["request-id"].as_str().and_then(|id| id.parse().ok()) {
            Some(id) => {
                self.poll_once();
                Ok(id)
            }
            None => Err(json["errors"][0]
                .as_str()
                .unwrap_or("the checkpoint was refused")
                .to_string()),
        }
    }

    fn markers(&self) -> Vec<Marker> {
        markers_of(&self.checkpoints(), &[], self.started)
    }
}
