//! Flink's REST answers, recorded from an Apache Flink 2.3 cluster running datagen → filter
//! → blackhole at parallelism 2, read into the monitor's samples.

use std::path::PathBuf;

use engine::spec::Category;
use serde_json::{Value, json};
use streamlab::monitor::flink_rest::{self, Vertex};
use streamlab::monitor::remote::{self, RemoteJob, TriggerStatus};

fn recorded(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/flink")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const SOURCE: &str = "Source: readings[1] -> WatermarkAssigner[2] -> Calc[3]";
const SINK: &str = "discard[4]: Writer";

#[test]
fn a_chain_of_operators_is_one_vertex_named_as_flink_names_it() {
    let vertices = flink_rest::vertices(&recorded("job.json")).unwrap();
    assert_eq!(
        vertices,
        vec![
            Vertex {
                id: "cbc357ccb763df2852fee8c4fc7d55f2".into(),
                name: SOURCE.into(),
                parallelism: 2,
                category: Category::Source,
            },
            Vertex {
                id: "306d8342cb5b2ad8b53f1be57f65bee8".into(),
                name: SINK.into(),
                parallelism: 2,
                category: Category::Sink,
            },
        ]
    );
}

#[test]
fn subtask_metrics_sum_into_the_vertex_and_stay_apart_per_instance() {
    let job = recorded("job.json");
    let vertices = flink_rest::vertices(&job).unwrap();
    let answers = vec![
        vec![recorded("source-metrics.json")],
        vec![recorded("sink-metrics.json")],
    ];
    let sample = flink_rest::sample(&job, &vertices, &answers, None).unwrap();
    assert_eq!(sample.wall_ms, job["now"].as_i64().unwrap());
    assert_eq!(
        sample.elapsed.as_millis() as i64,
        job["now"].as_i64().unwrap() - job["start-time"].as_i64().unwrap()
    );
    let source = sample.node(SOURCE).expect("the source vertex");
    assert_eq!(source.records_out, 13_600);
    assert_eq!(source.records_in, 0);
    assert!((source.records_out_rate - 200.0).abs() < 1e-9);
    assert_eq!(source.instances.len(), 2);
    assert_eq!(source.instances[1].records_out, 6_800);
    // A source task has no input watermark, and measures no busy time (NaN).
    assert_eq!(source.watermark, None);
    assert_eq!(source.busy, 1.0);
    assert_eq!(source.backpressure, 0.0);
    let sink = sample.node(SINK).expect("the sink vertex");
    assert_eq!(sink.records_in, 13_400);
    assert!((sink.records_in_rate - 200.0).abs() < 1e-9);
    assert_eq!(sink.watermark, Some(1_796_186_768_727));
    assert_eq!(
        sink.watermark_lag_ms,
        Some(sample.wall_ms - 1_796_186_768_727)
    );
    assert!((sink.idle - 0.9965).abs() < 1e-9, "{}", sink.idle);
    assert!((sink.busy - 0.0035).abs() < 1e-9, "{}", sink.busy);
    assert_eq!(sink.instances[0].idle_total_ms, 67_161);
}

#[test]
fn every_subtask_is_asked_for_in_requests_flink_accepts() {
    let wide = Vertex {
        id: "v".into(),
        name: "wide".into(),
        parallelism: 64,
        category: Category::Transform,
    };
    let queries = flink_rest::metric_queries(&wide);
    assert!(queries.len() > 1, "split: {}", queries.len());
    assert!(queries.iter().all(|q| q.len() <= 3000));
    let names: Vec<&str> = queries.iter().flat_map(|q| q.split(',')).collect();
    assert!(names.contains(&"63.currentInputWatermark"));
    assert!(names.contains(&"0.numRecordsIn"));
    assert_eq!(names.len(), 64 * 15);
}

#[test]
fn an_unreadable_metric_is_an_error_naming_the_vertex_and_the_metric() {
    let job = recorded("job.json");
    let vertices = flink_rest::vertices(&job).unwrap();
    let bad = json!([{"id": "0.numRecordsOut", "value": "many"}]);
    let e = flink_rest::node(&vertices[0], &[bad], 0).unwrap_err();
    assert!(
        e.contains(SOURCE) && e.contains("numRecordsOut") && e.contains("many"),
        "{e}"
    );
    let not_a_list = json!({"errors": ["nope"]});
    let e = flink_rest::node(&vertices[1], &[not_a_list], 0).unwrap_err();
    assert!(e.contains(SINK), "{e}");
    let e = flink_rest::vertices(&json!({"jid": "x"})).unwrap_err();
    assert!(e.contains("no vertices"), "{e}");
}

#[test]
fn a_sample_is_kept_when_a_count_moves_or_after_a_while() {
    let job = recorded("job.json");
    let vertices = flink_rest::vertices(&job).unwrap();
    let answers = vec![
        vec![recorded("source-metrics.json")],
        vec![recorded("sink-metrics.json")],
    ];
    let first = flink_rest::sample(&job, &vertices, &answers, None).unwrap();
    assert!(flink_rest::worth_keeping(None, &first));
    let mut later = job.clone();
    later["now"] = json!(job["now"].as_i64().unwrap() + 1000);
    let same = flink_rest::sample(&later, &vertices, &answers, Some(&first)).unwrap();
    assert_eq!(same.interval.as_millis(), 1000);
    assert!(
        !flink_rest::worth_keeping(Some(&first), &same),
        "nothing moved"
    );
    later["now"] = json!(job["now"].as_i64().unwrap() + 10_000);
    let stalled = flink_rest::sample(&later, &vertices, &answers, Some(&first)).unwrap();
    assert!(
        flink_rest::worth_keeping(Some(&first), &stalled),
        "stalled is news"
    );
}

#[test]
fn a_checkpoint_trigger_reads_as_completed_failed_or_in_progress() {
    assert_eq!(
        remote::trigger_status(&recorded("trigger-status.json")),
        Ok(TriggerStatus::Completed(5))
    );
    assert_eq!(
        remote::trigger_status(&json!({"status": {"id": "IN_PROGRESS"}})),
        Ok(TriggerStatus::InProgress)
    );
    let failed = json!({"status": {"id": "COMPLETED"}, "operation": {"failure-cause": {
        "class": "org.apache.flink.runtime.checkpoint.CheckpointException",
        "stack-trace": "CheckpointException: Checkpoint expired\n\tat org.apache..."}}});
    assert_eq!(
        remote::trigger_status(&failed),
        Ok(TriggerStatus::Failed(
            "CheckpointException: Checkpoint expired".into()
        ))
    );
    assert!(remote::trigger_status(&json!({})).is_err());
}

#[test]
fn flinks_checkpoint_history_reads_oldest_first() {
    let history = remote::checkpoint_history(&recorded("checkpoints.json"));
    let ids: Vec<u64> = history.iter().map(|c| c.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert!(!history.is_empty());
    let last = history.last().unwrap();
    assert_eq!(last.status, engine::checkpoint::CheckpointStatus::Completed);
    assert_eq!(last.acknowledged, (4, 4));
}

#[test]
fn an_address_where_nothing_answers_is_named_in_the_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    drop(listener);
    let e = RemoteJob::connect(&address).err().expect("nothing answers");
    assert!(e.contains(&address), "{e}");
    let e = RemoteJob::connect("  ").err().expect("no address");
    assert!(e.contains("no address"), "{e}");
}
