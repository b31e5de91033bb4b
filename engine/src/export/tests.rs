use std::path::Path;

use super::*;
use crate::spec::parse;

fn export(ron: &str) -> Result<FlinkScript, Vec<ExportError>> {
    flink_sql(
        &parse(ron).expect("the test pipeline parses"),
        Path::new("/data"),
        &FlinkOptions::default(),
    )
}

const WINDOWED: &str = r#"(
  version: 1,
  name: "spend",
  nodes: [
    (id: "events", kind: FileSource(path: "events.jsonl", format: JsonLines,
      schema: [(name: "ts", type: Timestamp), (name: "user", type: Utf8), (name: "amount", type: Int64)],
      event_time: "ts", watermark_delay_ms: 2000)),
    (id: "big", kind: Filter(condition: "AMOUNT > 10")),
    (id: "by_user", kind: KeyBy(columns: ["user"])),
    (id: "per_5s", kind: Window(window: Tumbling(size_ms: 5000), aggregates: ["SUM(amount) AS spent"])),
    (id: "out", kind: FileSink(path: "out.jsonl", format: JsonLines)),
    (id: "print", kind: Console(print_identifier: "spend")),
  ],
  edges: [
    (from: "events", to: "big"), (from: "big", to: "by_user"), (from: "by_user", to: "per_5s"),
    (from: "per_5s", to: "out"), (from: "per_5s", to: "print"),
  ],
  job: (watermark_interval_ms: 0),
)"#;

#[test]
fn a_keyed_window_becomes_a_window_function_grouped_by_key() {
    let script = export(WINDOWED).unwrap();
    let sql = script.to_sql();
    for part in [
        "SET 'pipeline.auto-watermark-interval' = '0 ms';",
        "WATERMARK FOR `ts` AS `ts` - INTERVAL '2' SECOND",
        "'path' = '/data/events.jsonl'",
        "WHERE `amount` > 10",
        "FROM TABLE(TUMBLE(TABLE `by_user`, DESCRIPTOR(`ts`), INTERVAL '5' SECOND))",
        "GROUP BY `window_start`, `window_end`, `window_time`, `user`",
        "SUM(`amount`) AS `spent`, `window_time` AS `window_time`",
        "EXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO `out`\n  SELECT CAST(`window_start` AS TIMESTAMP(3)) AS `window_start`, CAST(`window_end` AS TIMESTAMP(3)) AS `window_end`, `user`, `spent`\n  FROM `per_5s`;",
        "'print-identifier' = 'spend'",
    ] {
        assert!(sql.contains(part), "missing {part:?} in:\n{sql}");
    }
    let py = script.to_pyflink();
    assert!(
        py.contains("config.set_string(\"parallelism.default\", \"1\")"),
        "{py}"
    );
    assert_eq!(py.matches("inserts.add_insert_sql(").count(), 2, "{py}");
}

#[test]
fn what_flink_cannot_do_is_an_error_naming_the_node() {
    let late = WINDOWED
        .replace(
            r#"(from: "per_5s", to: "print")"#,
            r#"(from: "per_5s", from_port: "late", to: "print")"#,
        )
        .replace("aggregates: [", "allowed_lateness_ms: 1000, aggregates: [");
    let errors = export(&late).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|e| e.starts_with("node `per_5s`: its late output is connected")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|e| e.contains("no allowed lateness")),
        "{text:?}"
    );

    let csv = WINDOWED.replace("format: JsonLines,\n", "format: Csv,\n");
    let errors = export(&csv).unwrap_err();
    assert_eq!(errors[0].node.as_deref(), Some("events"), "{errors:?}");
    assert!(errors[0].message.contains("header line"), "{errors:?}");
    let headless = WINDOWED.replace("format: JsonLines,\n", "format: Csv, header: false,\n");
    assert!(
        export(&headless)
            .unwrap()
            .to_sql()
            .contains("'format' = 'csv'")
    );

    let nexmark = r#"(version: 1, name: "n", nodes: [(id: "bids", kind: Nexmark()), (id: "p", kind: Console())],
        edges: [(from: "bids", to: "p")])"#;
    let errors = export(nexmark).unwrap_err();
    assert!(
        errors[0]
            .to_string()
            .starts_with("node `bids`: Nexmark events come from"),
        "{errors:?}"
    );
    let script = flink_sql(
        &parse(nexmark).unwrap(),
        Path::new("/"),
        &FlinkOptions {
            nexmark_connector: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(script.to_sql().contains("'connector' = 'nexmark'"));
}

#[test]
fn an_invalid_pipeline_is_not_exported() {
    let bad = WINDOWED.replace("AMOUNT > 10", "nope > 10");
    let errors = export(&bad).unwrap_err();
    assert_eq!(errors[0].node.as_deref(), Some("big"));
    assert!(
        errors[0].message.contains("unknown column `nope`"),
        "{errors:?}"
    );
}

#[test]
fn a_job_for_a_cluster_is_submitted_there_and_not_awaited() {
    let spec = parse(WINDOWED).unwrap();
    let to = |cluster: &str| {
        flink_sql(
            &spec,
            Path::new("/data"),
            &FlinkOptions {
                cluster: Some(cluster.into()),
                ..Default::default()
            },
        )
    };
    let script = to("http://10.0.0.5:8081/").unwrap();
    let sql = script.to_sql();
    assert!(sql.contains("SET 'execution.target' = 'remote';"), "{sql}");
    assert!(sql.contains("SET 'rest.address' = '10.0.0.5';"), "{sql}");
    assert!(sql.contains("SET 'rest.port' = '8081';"), "{sql}");
    let py = script.to_pyflink();
    assert!(py.contains("print(\"submitted job\""), "{py}");
    assert!(!py.contains(".wait()"), "{py}");
    let errors = to("localhost").unwrap_err();
    assert!(
        errors[0].message.contains("is not a cluster address"),
        "{errors:?}"
    );
}

#[test]
fn redis_streams_are_refused_by_name_as_flink_sql_has_no_connector_for_them() {
    let errors = export(
        r#"(
  version: 1,
  name: "relay",
  nodes: [
    (id: "orders", kind: RedisSource(stream: "orders", schema: [(name: "id", type: Int64)])),
    (id: "copy", kind: RedisSink(stream: "copies")),
  ],
  edges: [(from: "orders", to: "copy")],
)"#,
    )
    .unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{text:?}");
    assert!(
        text[0].starts_with("node `orders`: a RedisSource reads or writes a Redis stream"),
        "{text:?}"
    );
    assert!(text[1].starts_with("node `copy`: a RedisSink"), "{text:?}");
}

#[test]
fn a_nats_stream_cannot_be_exported_and_says_so() {
    let errors = export(
        r#"(
  version: 1,
  name: "relay",
  nodes: [
    (id: "orders", kind: NatsSource(stream: "ORDERS", schema: [(name: "id", type: Int64)])),
    (id: "copy", kind: NatsSink(stream: "COPIES", subject: "copies")),
  ],
  edges: [(from: "orders", to: "copy")],
)"#,
    )
    .unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{text:?}");
    assert!(
        text[0].starts_with(
            "node `orders`: a NatsSource reads or writes a NATS JetStream stream, and Flink \
             SQL has no connector for NATS JetStream"
        ),
        "{text:?}"
    );
    assert!(text[1].starts_with("node `copy`: a NatsSink"), "{text:?}");
}
