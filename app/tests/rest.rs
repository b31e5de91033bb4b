//! `streamlab run --serve`: the REST API read by a real HTTP client while a job runs, as a
//! Flink client reads Flink's; Prometheus text read by a parser; errors as JSON with 4xx.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStderr, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{TempDir, arg, streamlab};
use serde_json::Value;

/// A paced source at parallelism 2 with event time, a filter, and a Throttle that holds the
/// rows back: both vertices stay busy for as long as the test needs.
const PIPELINE: &str = r#"(
  version: 1,
  name: "served",
  nodes: [
    (id: "gen", parallelism: 2, kind: Datagen(
      fields: [
        (name: "id", type: Int64, kind: Sequence(start: 1, end: 1000000)),
        (name: "ts", type: Timestamp, kind: Random(max_past_ms: 0)),
      ],
      rows_per_second: 4000,
      event_time: "ts",
      watermark_delay_ms: 500,
    )),
    (id: "odd", parallelism: 2, kind: Filter(condition: "id % 2 = 1")),
    (id: "slow", kind: Throttle(rows_per_second: 500)),
    (id: "sink", kind: Blackhole()),
  ],
  edges: [
    (from: "gen", to: "odd"),
    (from: "odd", to: "slow"),
    (from: "slow", to: "sink"),
  ],
  job: (batch_size: 50, channel_capacity: 2),
)"#;

/// A running `streamlab run --serve`, with the address and job id it printed.
struct Served {
    child: Child,
    base: String,
    job: String,
    /// The rest of its standard error, line by line.
    stderr: mpsc::Receiver<String>,
}

impl Served {
    fn start(file: &str, extra: &[&str]) -> Served {
        let mut child = streamlab()
            .args(["run", file, "--serve", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start streamlab");
        let stderr = lines(child.stderr.take().expect("piped stderr"));
        // Held from here, so a failure below still ends the process.
        let mut served = Served {
            child,
            base: String::new(),
            job: String::new(),
            stderr,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let line = served
                .stderr
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("streamlab says where it serves");
            // serving the REST API on http://127.0.0.1:PORT (job ID)
            if let Some(rest) = line.strip_prefix("serving the REST API on ") {
                let (base, job) = rest.split_once(" (job ").expect("the job id");
                served.base = base.to_string();
                served.job = job.trim_end_matches(')').to_string();
                return served;
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn job_path(&self, rest: &str) -> String {
        self.url(&format!("/jobs/{}{rest}", self.job))
    }

    /// Sends Ctrl-C and waits for the process to leave; returns its exit code and the rest of
    /// its standard error.
    fn interrupt(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("streamlab did not leave after Ctrl-C");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let rest: Vec<String> = self.stderr.try_iter().collect();
        (status.code(), rest.join("\n"))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(stderr: ChildStderr) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// A client that hands back 4xx and 5xx answers rather than failing on them.
fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into()
}

/// The status and JSON body of an answer.
fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Value) {
    let mut response = response.expect("the server answers");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.body_mut().read_to_string().expect("a body");
    assert!(
        kind.starts_with("application/json"),
        "{status} {kind}: {text}"
    );
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, json)
}

fn get(agent: &ureq::Agent, url: &str) -> (u16, Value) {
    answer(agent.get(url).call())
}

fn get_ok(agent: &ureq::Agent, url: &str) -> Value {
    let (status, json) = get(agent, url);
    assert_eq!(status, 200, "GET {url}: {json}");
    json
}

/// Asks until `done` holds of the answer, for at most 10 s.
fn poll(agent: &ureq::Agent, url: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let json = get_ok(agent, url);
        if done(&json) {
            return json;
        }
        assert!(Instant::now() < deadline, "{what}: never so in {json:#}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The error message of a 4xx answer.
fn error_of(status_and_json: (u16, Value), status: u16) -> String {
    let (got, json) = status_and_json;
    assert_eq!(got, status, "{json}");
    json["errors"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no errors list: {json}"))
        .to_string()
}

/// A metric's value from `?get=` answers: Flink gives values as strings.
fn metric(json: &Value, id: &str) -> f64 {
    json.as_array()
        .expect("a list of metrics")
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {json}"))["value"]
        .as_str()
        .expect("values are strings")
        .parse()
        .expect("a number")
}

#[test]
fn the_rest_api_answers_as_flinks_does_while_the_job_runs_and_cancels_it() {
    let dir = TempDir::new("rest-api");
    let file = dir.write("served.ron", PIPELINE);
    let served = Served::start(arg(&file), &["--keep-serving"]);
    let agent = client();
    assert_eq!(served.job.len(), 32, "{}", served.job);

    let overview = get_ok(&agent, &served.url("/overview"));
    assert_eq!(overview["taskmanagers"], 1);
    assert_eq!(overview["jobs-running"], 1);
    assert_eq!(overview["slots-total"], 2);
    assert!(overview["flink-version"].is_string());

    let jobs = get_ok(&agent, &served.url("/jobs/overview"));
    let listed = &jobs["jobs"][0];
    assert_eq!(listed["jid"], served.job.as_str());
    assert_eq!(listed["name"], "served");
    assert_eq!(listed["state"], "RUNNING");
    assert_eq!(listed["end-time"], -1);
    // gen+odd chain at 2, slow+sink at 1.
    assert_eq!(listed["tasks"]["total"], 3);
    assert_eq!(listed["tasks"]["running"], 3);

    // Vertices once rows have reached the throttled one.
    let details = poll(&agent, &served.job_path(""), "rows reach the sink", |j| {
        j["vertices"][1]["metrics"]["read-records"].as_u64() > Some(0)
    });
    assert_eq!(details["jid"], served.job.as_str());
    assert_eq!(details["state"], "RUNNING");
    let vertices = details["vertices"].as_array().expect("vertices");
    assert_eq!(vertices.len(), 2, "{details:#}");
    let (source, throttled) = (&vertices[0], &vertices[1]);
    assert_eq!(source["name"], "Source: gen -> odd");
    assert_eq!(source["parallelism"], 2);
    assert_eq!(source["tasks"]["RUNNING"], 2);
    assert_eq!(throttled["name"], "slow -> Sink: sink");
    assert_eq!(throttled["status"], "RUNNING");
    assert_eq!(
        source["metrics"]["read-records"], 0,
        "a source reads no records"
    );
    assert!(
        source["metrics"]["write-records"].as_u64()
            >= throttled["metrics"]["read-records"].as_u64()
    );
    let plan = &details["plan"]["nodes"];
    assert_eq!(plan[1]["inputs"][0]["id"], source["id"]);
    assert_eq!(plan[1]["inputs"][0]["ship_strategy"], "REBALANCE");
    assert!(plan[0].get("inputs").is_none(), "a source has no inputs");

    let source_id = source["id"].as_str().expect("an id").to_string();
    let throttled_id = throttled["id"].as_str().expect("an id").to_string();
    let vertex = |vid: &str, rest: &str| served.job_path(&format!("/vertices/{vid}{rest}"));

    // A vertex and its subtasks, each with its I/O.
    let detail = get_ok(&agent, &vertex(&source_id, ""));
    assert_eq!(detail["name"], "Source: gen -> odd");
    let subtasks = detail["subtasks"].as_array().expect("subtasks");
    assert_eq!(subtasks.len(), 2);
    assert_eq!(subtasks[1]["subtask"], 1);
    assert_eq!(subtasks[1]["status"], "RUNNING");
    assert!(
        subtasks[0]["metrics"]["write-records"].as_u64() > Some(0),
        "{detail}"
    );

    // Metrics: the names, then values of some, unknown names left out as Flink does.
    let names = get_ok(&agent, &vertex(&source_id, "/metrics"));
    let names: Vec<&str> = names
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| m["id"].as_str().expect("an id"))
        .collect();
    for expected in [
        "0.numRecordsIn",
        "1.numRecordsOut",
        "0.numBytesOut",
        "1.currentInputWatermark",
        "0.backPressuredTimeMsPerSecond",
        "0.busyTimeMsPerSecond",
        "0.idleTimeMsPerSecond",
        "0.buffers.inPoolUsage",
        "1.odd.numRecordsOut",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let values = get_ok(
        &agent,
        &vertex(
            &throttled_id,
            "/metrics?get=0.numRecordsIn,0.sink.numRecordsIn,no.such.metric",
        ),
    );
    assert_eq!(values.as_array().map(Vec::len), Some(2), "{values}");
    assert!(metric(&values, "0.numRecordsIn") >= metric(&values, "0.sink.numRecordsIn"));
    assert!(metric(&values, "0.numRecordsIn") > 0.0);

    // The source waits on the Throttle: high backpressure, measured over the last second.
    let pressure = poll(
        &agent,
        &vertex(&source_id, "/backpressure"),
        "backpressure",
        |j| j["backpressure-level"] == "high",
    );
    assert_eq!(pressure["status"], "ok");
    let subtasks = pressure["subtasks"].as_array().expect("subtasks");
    assert_eq!(subtasks.len(), 2);
    for (i, s) in subtasks.iter().enumerate() {
        assert_eq!(s["subtask"], i);
        let share = |k: &str| s[k].as_f64().expect("a ratio");
        assert!((0.0..=1.0).contains(&share("ratio")), "{s}");
        assert!(
            share("ratio") + share("idleRatio") + share("busyRatio") <= 1.0 + 1e-9,
            "{s}"
        );
    }
    let busy = get_ok(
        &agent,
        &vertex(&source_id, "/metrics?get=0.backPressuredTimeMsPerSecond"),
    );
    assert!(
        metric(&busy, "0.backPressuredTimeMsPerSecond") > 500.0,
        "{busy}"
    );

    // Watermarks: each subtask's, in epoch milliseconds, behind the wall clock by the delay.
    let marks = poll(
        &agent,
        &vertex(&throttled_id, "/watermarks"),
        "a watermark",
        |j| j[0]["value"].as_str().and_then(|v| v.parse::<i64>().ok()) > Some(0),
    );
    assert_eq!(marks[0]["id"], "0.currentInputWatermark");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i64;
    let mark: i64 = marks[0]["value"]
        .as_str()
        .expect("a string")
        .parse()
        .expect("ms");
    assert!(
        mark < now_ms && mark > now_ms - 60_000,
        "{mark} against {now_ms}"
    );

    // The plan alone, and no exception while it runs.
    let plan = get_ok(&agent, &served.job_path("/plan"));
    assert_eq!(plan["plan"]["nodes"], details["plan"]["nodes"]);
    let exceptions = get_ok(&agent, &served.job_path("/exceptions"));
    assert_eq!(
        exceptions["exceptionHistory"]["entries"],
        Value::Array(vec![])
    );
    let response = agent
        .get(served.url("/overview"))
        .call()
        .expect("an answer");
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("*"),
        "a dashboard served elsewhere may read the API, as Flink's default allows"
    );

    // No checkpoints yet, in Flink's shape; triggering one is refused with a reason.
    let checkpoints = get_ok(&agent, &served.job_path("/checkpoints"));
    assert_eq!(checkpoints["counts"]["total"], 0);
    assert_eq!(checkpoints["counts"]["completed"], 0);
    assert!(checkpoints["summary"]["end_to_end_duration"]["p99"].is_number());
    assert!(checkpoints["latest"]["completed"].is_null());
    assert_eq!(checkpoints["history"], Value::Array(vec![]));
    let refused = error_of(
        answer(agent.post(served.job_path("/checkpoints")).send_empty()),
        400,
    );
    assert!(refused.contains("checkpoint"), "{refused}");

    // Prometheus text, read by a parser.
    let mut response = agent.get(served.url("/metrics")).call().expect("metrics");
    assert_eq!(response.status().as_u16(), 200);
    let text = response.body_mut().read_to_string().expect("text");
    let scrape = openmetrics_parser::openmetrics::parse_openmetrics(&text)
        .unwrap_or_else(|e| panic!("the text does not parse as OpenMetrics: {e:?}\n{text}"));
    use openmetrics_parser::{OpenMetricsType, OpenMetricsValue};
    let family = |name: &str| {
        scrape
            .families
            .get(name)
            .unwrap_or_else(|| panic!("no family {name} in\n{text}"))
    };
    let value = |name: &str, node: &str, subtask: &str| {
        let found = family(name).iter_samples().find(|s| {
            let labels = s.get_labelset().expect("labels");
            labels.get_label_value("node") == Some(node)
                && labels.get_label_value("subtask") == Some(subtask)
        });
        match found.map(|s| &s.value) {
            Some(OpenMetricsValue::Counter(c)) => c.value.as_f64(),
            Some(OpenMetricsValue::Gauge(g)) => g.as_f64(),
            other => panic!("{name} of {node}/{subtask}: {other:?}\n{text}"),
        }
    };
    assert_eq!(
        family("streamlab_records_out").family_type,
        OpenMetricsType::Counter
    );
    assert!(value("streamlab_records_out", "gen", "1") > 0.0);
    assert!(value("streamlab_backpressured_ratio", "gen", "0") <= 1.0);
    assert!(value("streamlab_watermark", "odd", "0") > 0.0);
    let running = family("streamlab_job_running")
        .iter_samples()
        .next()
        .expect("a sample");
    let labels = running.get_labelset().expect("labels");
    assert_eq!(labels.get_label_value("job_id"), Some(served.job.as_str()));

    // Samples as server-sent events, newer each time.
    let stream = agent
        .get(served.job_path("/metrics/stream"))
        .call()
        .expect("a stream");
    assert!(
        stream.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/event-stream"))
    );
    let mut events = BufReader::new(stream.into_body().into_reader()).lines();
    let mut elapsed = Vec::new();
    while elapsed.len() < 3 {
        let line = events.next().expect("more events").expect("a line");
        if let Some(data) = line.strip_prefix("data: ") {
            let sample: Value = serde_json::from_str(data).expect("a sample");
            assert!(
                sample["nodes"].as_array().is_some_and(|n| n.len() == 4),
                "{sample}"
            );
            elapsed.push(sample["elapsed_ms"].as_f64().expect("elapsed_ms"));
        }
    }
    assert!(elapsed.windows(2).all(|w| w[0] < w[1]), "{elapsed:?}");

    // History: every sample kept, or those after a point.
    let history = get_ok(&agent, &served.job_path("/metrics/history"));
    let all = history.as_array().expect("samples").len();
    assert!(all >= 3, "{all}");
    let later = get_ok(
        &agent,
        &served.job_path(&format!("/metrics/history?since_ms={}", elapsed[0])),
    );
    assert!(later.as_array().expect("samples").len() < all);

    // Bad requests and unknown things: JSON errors, the right status.
    let message = error_of(get(&agent, &served.url("/no/such/path")), 404);
    assert!(message.contains("/no/such/path"), "{message}");
    error_of(get(&agent, &served.url("/jobs/not-a-job-id")), 400);
    let other_job = "0123456789abcdef0123456789abcdef";
    error_of(get(&agent, &served.url(&format!("/jobs/{other_job}"))), 404);
    error_of(get(&agent, &vertex(other_job, "/metrics")), 404);
    error_of(
        get(
            &agent,
            &vertex("00000000000000000000000000000000", "/metrics"),
        ),
        404,
    );
    error_of(
        get(&agent, &served.job_path("/metrics/history?since_ms=soon")),
        400,
    );
    error_of(answer(agent.delete(served.url("/overview")).call()), 405);
    let mode = error_of(
        answer(agent.patch(served.job_path("?mode=stop")).send_empty()),
        400,
    );
    assert!(mode.contains("cancel"), "{mode}");
    assert!(get_ok(&agent, &served.job_path(""))["state"] == "RUNNING");

    // Cancel: accepted, then the job is cancelled and says so.
    let (status, body) = answer(agent.patch(served.job_path("?mode=cancel")).send_empty());
    assert_eq!((status, body), (202, serde_json::json!({})));
    let cancelled = poll(&agent, &served.job_path(""), "cancelled", |j| {
        j["state"] == "CANCELED"
    });
    assert!(cancelled["end-time"].as_i64() >= cancelled["start-time"].as_i64());
    assert_eq!(
        cancelled["vertices"][0]["metrics"]["write-records-complete"],
        true
    );
    let overview = get_ok(&agent, &served.url("/overview"));
    assert_eq!(
        (
            overview["jobs-running"].as_u64(),
            overview["jobs-cancelled"].as_u64()
        ),
        (Some(0), Some(1))
    );
    // A stream opened after the end says so and closes.
    let stream = agent
        .get(served.job_path("/metrics/stream"))
        .call()
        .expect("a stream");
    let text = std::io::read_to_string(stream.into_body().into_reader()).expect("the stream ends");
    assert!(
        text.contains("event: end") && text.contains("CANCELED"),
        "{text}"
    );

    let (code, stderr) = served.interrupt();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("stopped:"), "{stderr}");
}

#[test]
fn a_failed_job_says_why_in_its_exceptions_and_keeps_serving_until_ctrl_c() {
    let dir = TempDir::new("rest-failed");
    let file = dir.write(
        "fails.ron",
        &PIPELINE.replace(
            r#"(id: "odd", parallelism: 2, kind: Filter(condition: "id % 2 = 1")),"#,
            r#"(id: "odd", parallelism: 2, kind: Filter(condition: "100 / (id - 600) > 0")),"#,
        ),
    );
    let summary = dir.path().join("summary.json");
    let served = Served::start(
        arg(&file),
        &["--keep-serving", "--summary-json", arg(&summary)],
    );
    let agent = client();
    let failed = poll(&agent, &served.job_path(""), "failed", |j| {
        j["state"] == "FAILED"
    });
    assert!(failed["end-time"].as_i64() > Some(0));
    let exceptions = get_ok(&agent, &served.job_path("/exceptions"));
    let entry = &exceptions["exceptionHistory"]["entries"][0];
    assert_eq!(entry["taskName"], "odd", "{exceptions}");
    let trace = entry["stacktrace"].as_str().expect("a message");
    assert!(trace.contains("division by zero"), "{trace}");
    // The terminal has said so already, while the server goes on.
    let said: Vec<String> = served.stderr.try_iter().collect();
    assert!(
        said.iter().any(|l| l.contains("division by zero")),
        "{said:?}"
    );
    let (code, _) = served.interrupt();
    assert_eq!(code, Some(1));
}

#[test]
fn a_bounded_job_ends_and_its_server_with_it() {
    let dir = TempDir::new("rest-bounded");
    let file = dir.write(
        "short.ron",
        &PIPELINE
            .replace("end: 1000000", "end: 200")
            .replace("rows_per_second: 4000,", ""),
    );
    let mut served = Served::start(arg(&file), &[]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while served.child.try_wait().expect("poll").is_none() {
        assert!(Instant::now() < deadline, "the run did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        served
            .child
            .try_wait()
            .expect("poll")
            .is_some_and(|s| s.success())
    );
    assert!(
        std::net::TcpStream::connect(served.base.trim_start_matches("http://")).is_err(),
        "nothing serves once the run is over"
    );
}

#[test]
fn a_port_in_use_and_a_remote_address_are_refused_before_the_job_starts() {
    let dir = TempDir::new("rest-refused");
    let file = dir.write("served.ron", PIPELINE);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = taken.local_addr().expect("an address").to_string();
    let run = common::run(&["run", arg(&file), "--serve", &address]);
    run.assert_code(1).assert_stderr_has("the port is in use");
    assert!(
        !run.stderr.contains("records in"),
        "the job never started\n{}",
        run.dump()
    );

    let run = common::run(&["run", arg(&file), "--serve", "0.0.0.0:0"]);
    run.assert_code(1)
        .assert_stderr_has("not a loopback address")
        .assert_stderr_has("--allow-remote");

    let run = common::run(&["run", arg(&file), "--serve", "no-such-host.invalid:80"]);
    run.assert_code(1).assert_stderr_has("cannot serve on");

    let run = common::run(&["run", arg(&file), "--allow-remote"]);
    run.assert_code(2).assert_stderr_has("--serve");
}

#[test]
fn a_remote_address_is_served_with_a_warning_when_allowed() {
    let dir = TempDir::new("rest-remote");
    let file = dir.write("short.ron", &PIPELINE.replace("end: 1000000", "end: 100"));
    let run = common::run(&["run", arg(&file), "--serve", "0.0.0.0:0", "--allow-remote"]);
    run.assert_code(0)
        .assert_stderr_has("warning: serving on 0.0.0.0:")
        .assert_stderr_has("serving the REST API on http://0.0.0.0:");
}

#[test]
fn checkpoints_are_triggered_and_listed_as_flink_lists_them() {
    let dir = TempDir::new("rest-checkpoints");
    // Unthrottled: a barrier waits behind the rows queued before it.
    let quick = PIPELINE.replace(
        "Throttle(rows_per_second: 500)",
        "Throttle(rows_per_second: 1000000)",
    );
    let file = dir.write("job.ron", &quick);
    let chk = dir.path().join("chk");
    let served = Served::start(arg(&file), &["--checkpoint-dir", arg(&chk)]);
    let agent = client();
    let (status, answer) = answer(agent.post(served.job_path("/checkpoints")).send_empty());
    assert_eq!(status, 200, "{answer}");
    let request = answer["request-id"]
        .as_str()
        .expect("a request id")
        .to_string();
    let done = poll(
        &agent,
        &served.job_path(&format!("/checkpoints/{request}")),
        "the checkpoint completes",
        |j| j["status"]["id"] == "COMPLETED",
    );
    let id = done["operation"]["checkpointId"]
        .as_u64()
        .expect("its number");
    assert_eq!(id.to_string(), request);
    let stats = get_ok(&agent, &served.job_path("/checkpoints"));
    assert_eq!(stats["counts"]["completed"], 1, "{stats:#}");
    let latest = &stats["latest"]["savepoint"];
    assert_eq!(latest["id"], id, "{stats:#}");
    assert_eq!(latest["status"], "COMPLETED");
    assert_eq!(latest["num_acknowledged_subtasks"], latest["num_subtasks"]);
    let path = latest["external_path"]
        .as_str()
        .expect("where it was written");
    assert!(Path::new(path).join("_metadata").is_file(), "{path}");
    assert_eq!(stats["history"][0]["id"], id);
    let one = get_ok(
        &agent,
        &served.job_path(&format!("/checkpoints/details/{id}")),
    );
    assert_eq!(one["id"], id);
    assert!(
        one["source_positions"][0]["position"].is_string(),
        "{one:#}"
    );
    let missing = error_of(
        get(&agent, &served.job_path("/checkpoints/details/999")),
        404,
    );
    assert!(missing.contains("no checkpoint 999"), "{missing}");
    let (code, _) = served.interrupt();
    assert_eq!(code, Some(0));
}
