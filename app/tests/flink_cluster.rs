//! The monitor watching a job on a real Apache Flink cluster (PyPI's `apache-flink`): a
//! standalone cluster on 127.0.0.1 runs datagen → filter → blackhole with checkpointing, and
//! `RemoteJob` reads its vertices, rates, watermarks and backpressure, and takes a
//! checkpoint that shows in the history.

mod common;

use std::time::{Duration, Instant};

use common::TempDir;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use engine::checkpoint::CheckpointStatus;
use serde_json::Value;
use streamlab::editor::Editor;
use streamlab::monitor::MetricsSource;
use streamlab::monitor::remote::{RemoteJob, Server};
use streamlab_tests::flink::{self, Cluster};

const SOURCE: &str = "Source: readings";
const SINK: &str = "discard";

/// Polls `ready` every 200 ms until it is `Some`, failing after `timeout` with `what` and
/// the cluster's logs.
fn wait_for<T>(
    cluster: &Cluster,
    what: &str,
    timeout: Duration,
    mut ready: impl FnMut() -> Option<T>,
) -> T {
    let started = Instant::now();
    loop {
        if let Some(found) = ready() {
            return found;
        }
        if started.elapsed() > timeout {
            panic!("{what}: not within {timeout:?}\n{}", cluster.logs());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn get(url: &str) -> Option<Value> {
    let mut response = ureq::get(url).call().ok()?;
    response.body_mut().read_json().ok()
}

#[test]
fn a_flink_jobs_vertices_rates_watermarks_and_checkpoints_are_watched() {
    let Some(flink) = flink::for_test("a_flink_jobs_vertices_rates_watermarks_and_checkpoints")
    else {
        return;
    };
    let started = Instant::now();
    let dir = TempDir::new("flink-cluster");
    let cluster = Cluster::new(&flink, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://{}", cluster.address());
    // Python starts while the cluster does: each takes a good part of the test's time.
    let (job, up) = std::thread::scope(|s| {
        let submitted = s.spawn(|| {
            cluster.submit_sql(
                "watched-by-streamlab",
                &[
                    ("parallelism.default", "2"),
                    // Only the checkpoints asked for: the one the test takes is the only one.
                    ("execution.checkpointing.interval", "1h"),
                ],
                &[
                    "CREATE TABLE readings (id BIGINT, reading DOUBLE, at_time TIMESTAMP(3), \
                     WATERMARK FOR at_time AS at_time - INTERVAL '1' SECOND) \
                     WITH ('connector' = 'datagen', 'rows-per-second' = '400')",
                    "CREATE TABLE discard (id BIGINT, reading DOUBLE) \
                     WITH ('connector' = 'blackhole')",
                    "INSERT INTO discard SELECT id, reading FROM readings WHERE reading > 0",
                ],
            )
        });
        cluster.start().unwrap_or_else(|e| panic!("{e}"));
        wait_for(
            &cluster,
            "the REST API answers",
            Duration::from_secs(60),
            || get(&format!("{base}/overview")),
        );
        let up = started.elapsed();
        let job = submitted
            .join()
            .expect("the submission thread")
            .unwrap_or_else(|e| panic!("{e}\n{}", cluster.logs()));
        (job, up)
    });
    wait_for(&cluster, "the job runs", Duration::from_secs(60), || {
        let details = get(&format!("{base}/jobs/{job}"))?;
        let vertices = details["vertices"].as_array()?;
        (details["state"] == "RUNNING" && vertices.iter().all(|v| v["status"] == "RUNNING"))
            .then_some(())
    });
    let running = started.elapsed();

    let remote = RemoteJob::connect(&cluster.address()).expect("it connects");
    assert_eq!(
        remote.server,
        Server::Flink,
        "a Flink cluster, not streamlab's server"
    );
    assert_eq!(remote.job_id(), job);
    assert_eq!(remote.name, "watched-by-streamlab");
    let flowing = wait_for(&cluster, "rows flow", Duration::from_secs(30), || {
        let sample = remote.latest()?;
        let source = sample.nodes.iter().find(|n| n.id.starts_with(SOURCE))?;
        let sink = sample.nodes.iter().find(|n| n.id.starts_with(SINK))?;
        (source.records_out_rate > 0.0 && sink.records_in_rate > 0.0 && sink.watermark.is_some())
            .then_some(sample)
    });
    assert_eq!(remote.state(), ("RUNNING".to_string(), None));
    let names: Vec<&str> = flowing.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(names.len(), 2, "one node per task vertex: {names:?}");
    let source = flowing
        .nodes
        .iter()
        .find(|n| n.id.starts_with(SOURCE))
        .unwrap();
    assert!(
        source.id.contains(" -> "),
        "the chain, named as Flink names it: {}",
        source.id
    );
    let sink = flowing
        .nodes
        .iter()
        .find(|n| n.id.starts_with(SINK))
        .unwrap();
    assert_eq!(sink.instances.len(), 2, "one instance per subtask");
    let lag = sink.watermark_lag_ms.expect("a watermark lag");
    assert!(
        (0..60_000).contains(&lag),
        "the watermark trails the clock: {lag} ms"
    );
    for node in &flowing.nodes {
        assert!(
            (0.0..=1.0).contains(&node.backpressure) && (0.0..=1.0).contains(&node.busy),
            "{node:?}"
        );
    }
    // Counts go on rising from sample to sample.
    let before = sink.records_in;
    wait_for(
        &cluster,
        "the sink's count rises",
        Duration::from_secs(15),
        || {
            let sample = remote.latest()?;
            let sink = sample.nodes.iter().find(|n| n.id.starts_with(SINK))?;
            (sink.records_in > before).then_some(())
        },
    );

    let asked = remote.checkpoint_now().expect("a checkpoint is asked for");
    assert!(asked.contains(&cluster.address()), "{asked}");
    let id = wait_for(
        &cluster,
        "the checkpoint completes",
        Duration::from_secs(30),
        || {
            let progress = remote.checkpoint_progress()?;
            if progress.contains("refused") || progress.contains("failed") {
                panic!("{progress}");
            }
            progress
                .strip_prefix("checkpoint ")?
                .strip_suffix(" completed")?
                .parse::<u64>()
                .ok()
        },
    );
    wait_for(
        &cluster,
        "the checkpoint shows in the history",
        Duration::from_secs(10),
        || {
            remote
                .checkpoints()
                .iter()
                .any(|c| c.id == id && c.status == CheckpointStatus::Completed)
                .then_some(())
        },
    );
    let watched = started.elapsed();

    through_the_designer(&cluster, &remote);
    let shown = started.elapsed();

    submitted_from_an_exported_pipeline(&cluster, dir.path());
    let exported = started.elapsed();

    // A stopped cluster is an error naming where it was.
    drop(cluster);
    let address = remote.address().to_string();
    let started_stop = Instant::now();
    while remote.state().1.is_none() && started_stop.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let error = remote.state().1.expect("the cluster is gone");
    assert!(error.contains(&address), "{error}");
    eprintln!(
        "flink cluster: REST up after {:.1} s, job running after {:.1} s, watched and \
         checkpointed after {:.1} s, shown in the designer after {:.1} s, an exported pipeline \
         running after {:.1} s, stopped after {:.1} s",
        up.as_secs_f64(),
        running.as_secs_f64(),
        watched.as_secs_f64(),
        shown.as_secs_f64(),
        exported.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

/// Design here, export, submit, watch: the designer submits a pipeline to the cluster from
/// its export dialog, where it runs under its own name, and watches it.
fn submitted_from_an_exported_pipeline(cluster: &Cluster, dir: &std::path::Path) {
    let pipeline = dir.join("sensors.ron");
    std::fs::write(
        &pipeline,
        r#"(version: 1, name: "sensors-on-flink", nodes: [
            (id: "sensors", kind: Datagen(fields: [
                (name: "id", type: Int64, kind: Random(min: 1, max: 50)),
                (name: "celsius", type: Float64, kind: Random(min: -10, max: 40)),
            ], rows_per_second: 200)),
            (id: "hot", kind: Filter(condition: "celsius > 25")),
            (id: "nowhere", kind: Blackhole()),
        ], edges: [(from: "sensors", to: "hot"), (from: "hot", to: "nowhere")])"#,
    )
    .unwrap();
    // File → Export to Flink SQL…, the cluster's address, Submit and watch.
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(
            |ui, editor: &mut Editor| editor.ui(ui),
            Editor::new(Some(&pipeline)),
        );
    h.run();
    // The widget of that name, not a plain label of the same words.
    fn widget<'a>(h: &'a Harness<'_, Editor>, label: &'a str) -> egui_kittest::Node<'a> {
        h.get_all_by_label(label)
            .find(|n| n.accesskit_node().role() != egui::accesskit::Role::Label)
            .unwrap_or_else(|| panic!("no widget {label:?}"))
    }
    let click = |h: &mut Harness<'_, Editor>, label: &str| {
        widget(h, label).click();
        h.run_steps(20);
    };
    click(&mut h, "File");
    click(&mut h, "Export to Flink SQL…");
    let field = h.get_by_label("Cluster address");
    field.focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Cluster address")
        .type_text(&cluster.address());
    h.run_steps(5);
    click(&mut h, "Submit and watch");
    let status = format!(
        "Watching `sensors-on-flink` at http://{}",
        cluster.address()
    );
    let deadline = Instant::now() + Duration::from_secs(150);
    while !shows(&h, &status) {
        assert!(
            Instant::now() < deadline,
            "the designer never watched the submitted job: {:?}\n{}",
            texts(&h),
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(100));
        h.run_steps(2);
    }
    let jobs = get(&format!("http://{}/jobs/overview", cluster.address())).unwrap();
    let id = jobs["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "sensors-on-flink")
        .and_then(|j| j["jid"].as_str())
        .expect("the submitted job is listed")
        .to_string();
    let base = format!("http://{}", cluster.address());
    wait_for(
        cluster,
        "the exported job runs",
        Duration::from_secs(60),
        || {
            let details = get(&format!("{base}/jobs/{id}"))?;
            (details["state"] == "RUNNING" && details["name"] == "sensors-on-flink").then_some(())
        },
    );
    // Flink's web page of the job is an address the monitor takes.
    let page = format!("{}/#/job/running/{id}/overview", cluster.address());
    let remote = RemoteJob::connect(&page).expect("it connects to that job");
    assert_eq!(remote.job_id(), id);
    assert_eq!(remote.name, "sensors-on-flink");
    wait_for(
        cluster,
        "the exported job's rows flow",
        Duration::from_secs(30),
        || {
            let sample = remote.latest()?;
            sample
                .nodes
                .iter()
                .any(|n| n.id.contains("sensors") && n.records_out_rate > 0.0)
                .then_some(())
        },
    );
}

/// Whether some text on screen contains `text`.
fn shows(harness: &Harness<'_, Editor>, text: &str) -> bool {
    harness.root().children_recursive().any(|n| {
        let node = n.accesskit_node();
        node.value().is_some_and(|v| v.contains(text))
            || node.label().is_some_and(|l| l.contains(text))
    })
}

fn texts(harness: &Harness<'_, Editor>) -> Vec<String> {
    harness
        .root()
        .children_recursive()
        .filter_map(|n| {
            let node = n.accesskit_node();
            node.label().or(node.value())
        })
        .collect()
}

/// File → Watch a running job's path: the designer shows the Flink job's state, its
/// vertices by Flink's names and its charts.
fn through_the_designer(cluster: &Cluster, remote: &RemoteJob) {
    let hello = streamlab_tests::repo_root().join("saved-graphs/hello.ron");
    let mut editor = Editor::new(Some(&hello));
    editor
        .watch_remote(&cluster.address())
        .expect("the designer connects");
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, editor: &mut Editor| editor.ui(ui), editor);
    let status = format!(
        "Watching `watched-by-streamlab` at {} (Flink cluster): RUNNING",
        remote.address()
    );
    let sink = remote
        .latest()
        .and_then(|s| s.nodes.iter().find(|n| n.id.starts_with(SINK)).cloned())
        .expect("the sink vertex")
        .id;
    let deadline = Instant::now() + Duration::from_secs(15);
    while !(shows(&h, &status) && shows(&h, &sink) && shows(&h, "Rows per second")) {
        assert!(
            Instant::now() < deadline,
            "the designer never showed {status:?}, {sink:?} and the charts: {:?}",
            texts(&h)
        );
        std::thread::sleep(Duration::from_millis(50));
        h.run_steps(2);
    }
}
