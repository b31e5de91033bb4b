//! The paths the server answers, and its errors: JSON `{"errors": [...]}` with a 4xx status
//! for an unknown path, job or vertex, a wrong method or a bad parameter, as Flink answers.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, State as Shared};
use axum::http::{StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, http::Method};
use engine::checkpoint::{CheckpointStats, CheckpointStatus};
use engine::metrics::{MetricsSnapshot, SAMPLE_INTERVAL};
use futures_util::Stream;
use serde_json::{Value, json};

use crate::ServedJob;
use crate::flink::{self, JobState, Times, VertexInfo};
use crate::prometheus;

/// What every request reads: the job and its vertices.
pub struct State {
    job: ServedJob,
    vertices: Vec<VertexInfo>,
    /// When a client asked to cancel, in epoch milliseconds.
    cancelled_at: Mutex<Option<i64>>,
}

impl State {
    pub fn new(job: ServedJob) -> State {
        let vertices = flink::vertices(&job);
        State {
            job,
            vertices,
            cancelled_at: Mutex::new(None),
        }
    }

    fn cancelled_at(&self) -> Option<i64> {
        *self.cancelled_at.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn state(&self) -> JobState {
        JobState::of(&self.job.monitor.status(), self.cancelled_at().is_some())
    }

    fn times(&self, state: JobState) -> Times {
        Times::of(&self.job, state, self.cancelled_at())
    }

    /// The job, if `id` names it.
    fn job(&self, id: &str) -> Result<&ServedJob, Error> {
        if id.len() != 32 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::bad_request(format!(
                "invalid job id {id:?}: a job id is 32 hexadecimal digits"
            )));
        }
        if !id.eq_ignore_ascii_case(&self.job.id) {
            return Err(Error::not_found(format!("job {id} not found")));
        }
        Ok(&self.job)
    }

    /// The vertex `vid` of job `id`.
    fn vertex(&self, id: &str, vid: &str) -> Result<&VertexInfo, Error> {
        self.job(id)?;
        self.vertices
            .iter()
            .find(|v| v.id.eq_ignore_ascii_case(vid))
            .ok_or_else(|| Error::not_found(format!("vertex {vid} not found in job {id}")))
    }
}

type App = Arc<State>;

pub fn router(state: App) -> Router {
    Router::new()
        .route("/overview", get(overview))
        .route("/config", get(config))
        .route("/jobs", get(jobs))
        .route("/jobs/overview", get(jobs_overview))
        .route("/jobs/{jid}", get(job).patch(cancel))
        .route("/jobs/{jid}/plan", get(plan))
        .route("/jobs/{jid}/exceptions", get(exceptions))
        .route(
            "/jobs/{jid}/checkpoints",
            get(checkpoints).post(trigger_checkpoint),
        )
        .route("/jobs/{jid}/checkpoints/config", get(checkpoint_config))
        .route(
            "/jobs/{jid}/checkpoints/details/{cid}",
            get(checkpoint_details),
        )
        .route("/jobs/{jid}/checkpoints/{trigger}", get(trigger_status))
        .route("/jobs/{jid}/vertices/{vid}", get(vertex))
        .route("/jobs/{jid}/vertices/{vid}/metrics", get(vertex_metrics))
        .route("/jobs/{jid}/vertices/{vid}/backpressure", get(backpressure))
        .route("/jobs/{jid}/vertices/{vid}/watermarks", get(watermarks))
        .route("/jobs/{jid}/metrics/history", get(history))
        .route("/jobs/{jid}/metrics/stream", get(stream))
        .route("/metrics", get(metrics))
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        // As Flink's `web.access-control-allow-origin` default: a dashboard elsewhere may read.
        .layer(axum::middleware::map_response(allow_any_origin))
        .with_state(state)
}

async fn allow_any_origin(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        axum::http::HeaderValue::from_static("*"),
    );
    response
}

/// An error as Flink's REST API gives one.
pub struct Error {
    status: StatusCode,
    message: String,
}

impl Error {
    fn bad_request(message: String) -> Error {
        Error {
            status: StatusCode::BAD_REQUEST,
            message,
        }
    }

    fn not_found(message: String) -> Error {
        Error {
            status: StatusCode::NOT_FOUND,
            message,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "errors": [self.message] }))).into_response()
    }
}

type Answer = Result<Json<Value>, Error>;

async fn unknown_path(uri: Uri) -> Error {
    Error::not_found(format!("not found: {}", shortened(uri.path())))
}

/// A path as an error quotes it: its first 200 characters.
fn shortened(path: &str) -> String {
    match path.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &path[..at]),
        None => path.to_string(),
    }
}

async fn wrong_method(method: Method, uri: Uri) -> Error {
    Error {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: format!("{method} is not allowed on {}", shortened(uri.path())),
    }
}

async fn overview(Shared(app): Shared<App>) -> Json<Value> {
    let slots = app
        .vertices
        .iter()
        .map(|v| v.parallelism)
        .max()
        .unwrap_or(1);
    Json(flink::cluster_overview(app.state(), slots))
}

async fn config(Shared(_): Shared<App>) -> Json<Value> {
    Json(json!({
        "refresh-interval": SAMPLE_INTERVAL.as_millis() as u64,
        "timezone-name": "Coordinated Universal Time",
        "timezone-offset": 0,
        "flink-version": flink::FLINK_VERSION,
        "flink-revision": env!("CARGO_PKG_VERSION"),
        "features": {"web-submit": false, "web-cancel": true, "web-rescale": false, "web-history": false},
    }))
}

async fn jobs(Shared(app): Shared<App>) -> Json<Value> {
    Json(json!({"jobs": [{"id": app.job.id, "status": app.state().name()}]}))
}

async fn jobs_overview(Shared(app): Shared<App>) -> Json<Value> {
    let state = app.state();
    let times = app.times(state);
    Json(json!({
        "jobs": [flink::job_overview(&app.job, &app.vertices, state, &times)],
    }))
}

async fn job(Shared(app): Shared<App>, Path(jid): Path<String>) -> Answer {
    let job = app.job(&jid)?;
    let state = app.state();
    let times = app.times(state);
    let sample = job.monitor.latest_sample();
    Ok(Json(flink::job_details(
        job,
        &app.vertices,
        state,
        &times,
        sample.as_deref(),
    )))
}

/// `PATCH /jobs/:id?mode=cancel`: stops the job, as Flink cancels one (no mode means cancel).
async fn cancel(
    Shared(app): Shared<App>,
    Path(jid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let job = app.job(&jid)?;
    match query.get("mode").map(String::as_str) {
        None | Some("cancel") => {}
        Some(other) => {
            return Err(Error::bad_request(format!(
                "unknown mode {other:?}: the only mode is cancel"
            )));
        }
    }
    if !app.state().is_terminal() {
        let now = Times::of(job, JobState::Running, None).now;
        app.cancelled_at
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(now);
        job.monitor.stop();
    }
    Ok((StatusCode::ACCEPTED, Json(json!({}))))
}

/// `GET /jobs/:id/plan`: the plan alone, as Flink gives it.
async fn plan(Shared(app): Shared<App>, Path(jid): Path<String>) -> Answer {
    let job = app.job(&jid)?;
    let state = app.state();
    let times = app.times(state);
    let details = flink::job_details(job, &app.vertices, state, &times, None);
    Ok(Json(json!({ "plan": details["plan"] })))
}

/// `GET /jobs/:id/exceptions`: why the job failed, in Flink's exception history.
async fn exceptions(Shared(app): Shared<App>, Path(jid): Path<String>) -> Answer {
    let job = app.job(&jid)?;
    // Every failure, newest first: those the job restarted after, and the one it ended on.
    let entries: Vec<Value> = job
        .monitor
        .failures()
        .iter()
        .rev()
        .map(|(at, error)| {
            let task = match error {
                engine::JobError::Failed { node, .. } => json!(node),
                _ => Value::Null,
            };
            let timestamp = at
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            json!({
                "exceptionName": "JobError",
                "stacktrace": error.to_string(),
                "timestamp": timestamp,
                "taskName": task,
                "location": null,
                "endpoint": null,
                "taskManagerId": null,
                "failureLabels": {},
                "concurrentExceptions": [],
            })
        })
        .collect();
    Ok(Json(json!({
        "exceptionHistory": {"entries": entries, "truncated": false},
    })))
}

async fn checkpoints(Shared(app): Shared<App>, Path(jid): Path<String>) -> Answer {
    let job = app.job(&jid)?;
    Ok(Json(flink::checkpoints(
        &job.monitor.checkpoints(),
        job.monitor.restored_from(),
    )))
}

/// `POST /jobs/:id/checkpoints`: takes a checkpoint now, as Flink 1.19's trigger; the
/// request id is the checkpoint's number.
async fn trigger_checkpoint(Shared(app): Shared<App>, Path(jid): Path<String>) -> Answer {
    let job = app.job(&jid)?;
    let id = job.monitor.checkpoint().map_err(Error::bad_request)?;
    Ok(Json(json!({ "request-id": id.to_string() })))
}

/// `GET /jobs/:id/checkpoints/config`: how the job checkpoints, in Flink's fields, with the
/// folder beside them.
async fn checkpoint_config(Shared(app): Shared<App>, Path(jid): Path<String>) -> Answer {
    let job = app.job(&jid)?;
    let (dir, interval) = job
        .monitor
        .checkpoint_settings()
        .ok_or_else(|| Error::not_found("checkpointing is not enabled for this job".into()))?;
    Ok(Json(json!({
        "mode": "exactly_once",
        "interval": interval.map_or(-1, |d| d.as_millis() as i64),
        "timeout": job.spec.job.checkpoint_timeout_ms,
        "min_pause": 0,
        "max_concurrent": 1,
        "externalization": {"enabled": true, "delete_on_cancellation": false},
        "state_backend": "HashMapStateBackend",
        "checkpoint_storage": "FileSystemCheckpointStorage",
        "unaligned_checkpoints": false,
        "tolerable_failed_checkpoints": -1,
        "checkpoint_dir": dir.display().to_string(),
    })))
}

/// `GET /jobs/:id/checkpoints/:trigger`: how a triggered checkpoint went.
async fn trigger_status(
    Shared(app): Shared<App>,
    Path((jid, trigger)): Path<(String, String)>,
) -> Answer {
    let job = app.job(&jid)?;
    let c = find_checkpoint(&job.monitor, &trigger)?;
    let (status, operation) = match &c.status {
        CheckpointStatus::InProgress => ("IN_PROGRESS", Value::Null),
        CheckpointStatus::Completed => ("COMPLETED", json!({ "checkpointId": c.id })),
        CheckpointStatus::Failed(reason) => (
            "COMPLETED",
            json!({ "failure-cause": { "class": "CheckpointException", "stack-trace": reason } }),
        ),
    };
    Ok(Json(
        json!({ "status": { "id": status }, "operation": operation }),
    ))
}

async fn checkpoint_details(
    Shared(app): Shared<App>,
    Path((jid, cid)): Path<(String, String)>,
) -> Answer {
    let job = app.job(&jid)?;
    Ok(Json(flink::checkpoint(&find_checkpoint(
        &job.monitor,
        &cid,
    )?)))
}

fn find_checkpoint(monitor: &engine::JobMonitor, id: &str) -> Result<CheckpointStats, Error> {
    let wanted: u64 = id
        .parse()
        .map_err(|_| Error::bad_request(format!("`{id}` is not a checkpoint number")))?;
    monitor
        .checkpoints()
        .into_iter()
        .find(|c| c.id == wanted)
        .ok_or_else(|| Error::not_found(format!("the job has no checkpoint {wanted}")))
}

async fn vertex(Shared(app): Shared<App>, Path((jid, vid)): Path<(String, String)>) -> Answer {
    let vertex = app.vertex(&jid, &vid)?;
    let state = app.state();
    let times = app.times(state);
    let sample = app.job.monitor.latest_sample();
    Ok(Json(flink::vertex_details(
        vertex,
        state,
        &times,
        sample.as_deref(),
    )))
}

/// `GET …/metrics`: the names of a vertex's metrics, or with `?get=a,b` their values.
async fn vertex_metrics(
    Shared(app): Shared<App>,
    Path((jid, vid)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let vertex = app.vertex(&jid, &vid)?;
    // A second of samples, for rates over it.
    let recent = app.job.monitor.watched().last(11);
    let all = flink::vertex_metrics(
        vertex,
        recent.last().map(|s| &**s),
        recent.first().map(|s| &**s),
    );
    let Some(wanted) = query.get("get") else {
        let names: Vec<Value> = all.into_iter().map(|(id, _)| json!({ "id": id })).collect();
        return Ok(Json(Value::Array(names)));
    };
    // As Flink: names it does not know are left out of the answer.
    let rows: Vec<Value> = wanted
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .filter_map(|name| {
            all.iter()
                .find(|(id, _)| id == name)
                .map(|(id, value)| json!({ "id": id, "value": value }))
        })
        .collect();
    Ok(Json(Value::Array(rows)))
}

async fn backpressure(
    Shared(app): Shared<App>,
    Path((jid, vid)): Path<(String, String)>,
) -> Answer {
    let vertex = app.vertex(&jid, &vid)?;
    let second = (Duration::from_secs(1).as_millis() / SAMPLE_INTERVAL.as_millis()) as usize;
    let samples = app.job.monitor.watched().last(second);
    let now = Times::of(&app.job, JobState::Running, None).now;
    Ok(Json(flink::backpressure(vertex, &samples, now)))
}

async fn watermarks(Shared(app): Shared<App>, Path((jid, vid)): Path<(String, String)>) -> Answer {
    let vertex = app.vertex(&jid, &vid)?;
    let sample = app.job.monitor.latest_sample();
    Ok(Json(flink::watermarks(vertex, sample.as_deref())))
}

/// `GET /jobs/:id/metrics/history[?since_ms=T]`: the samples kept, oldest first, or those
/// taken after `T` milliseconds into the run.
async fn history(
    Shared(app): Shared<App>,
    Path(jid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Error> {
    let job = app.job(&jid)?;
    let since = match query.get("since_ms") {
        None => None,
        Some(text) => Some(
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    Error::bad_request(format!(
                        "since_ms must be a number of milliseconds, not {text:?}"
                    ))
                })?,
        ),
    };
    let kept = job
        .monitor
        .watched()
        .history()
        .into_iter()
        .filter(|s| since.is_none_or(|t| s.elapsed.as_secs_f64() * 1000.0 > t))
        .collect::<Vec<_>>();
    let samples: Vec<&MetricsSnapshot> = kept.iter().map(|s| &**s).collect();
    let body = serde_json::to_string(&samples).map_err(|e| Error {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: e.to_string(),
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /jobs/:id/metrics/stream`: each new sample as a server-sent event `sample`, then one
/// `end` event with the job's final state when it ends.
async fn stream(
    Shared(app): Shared<App>,
    Path(jid): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Error> {
    app.job(&jid)?;
    let ticks = tokio::time::interval(SAMPLE_INTERVAL / 2);
    let events = futures_util::stream::unfold(
        (app, ticks, None::<Duration>, false),
        |(app, mut ticks, mut sent, done)| async move {
            if done {
                return None;
            }
            loop {
                ticks.tick().await;
                let ended = app.job.monitor.is_finished();
                let latest = app.job.monitor.latest_sample();
                let fresh = latest.filter(|s| sent.is_none_or(|t| s.elapsed > t));
                if let Some(sample) = fresh {
                    sent = Some(sample.elapsed);
                    let event = Event::default()
                        .event("sample")
                        .json_data(&*sample)
                        .unwrap_or_else(|_| Event::default().event("sample"));
                    return Some((Ok(event), (app, ticks, sent, false)));
                }
                // The sampler takes its last sample once every task has ended.
                if ended && app.job.monitor.watched().is_complete() {
                    let state = app.state().name();
                    let event = Event::default()
                        .event("end")
                        .data(json!({ "state": state }).to_string());
                    return Some((Ok(event), (app, ticks, sent, true)));
                }
            }
        },
    );
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

async fn metrics(Shared(app): Shared<App>) -> Response {
    let monitor = &app.job.monitor;
    let text = prometheus::render(
        &app.job.id,
        &app.job.name,
        !monitor.is_finished(),
        monitor.elapsed().as_secs_f64(),
        monitor.latest_sample(),
    );
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
