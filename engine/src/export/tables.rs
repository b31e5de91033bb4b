//! Sources and sinks as Flink tables: `CREATE TABLE … WITH (connector options)`.

use std::path::Path;

use super::sql_text::{interval, name, string};
use super::{Context, ExportError, Relation, Statement, Translated};
use crate::spec::{
    DatagenConfig, FieldKind, FileFormat, FileSinkConfig, FileSourceConfig, NexmarkConfig,
    NexmarkStream, NodeKind, NodeSpec,
};
use crate::types::{DataType, Field, Schema};

/// `CREATE TABLE name (columns, watermark) WITH (options)`.
fn create_table(
    table: &str,
    columns: &[Field],
    watermark: Option<(&str, u64)>,
    options: &[(String, String)],
) -> String {
    let mut lines: Vec<String> = columns
        .iter()
        .map(|f| format!("  {} {}", name(&f.name), f.data_type.sql_name()))
        .collect();
    if let Some((column, delay_ms)) = watermark {
        let column = name(column);
        lines.push(match delay_ms {
            0 => format!("  WATERMARK FOR {column} AS {column}"),
            d => format!("  WATERMARK FOR {column} AS {column} - {}", interval(d)),
        });
    }
    let options: Vec<String> = options
        .iter()
        .map(|(k, v)| format!("  {} = {}", string(k), string(v)))
        .collect();
    format!(
        "CREATE TABLE {} (\n{}\n) WITH (\n{}\n)",
        name(table),
        lines.join(",\n"),
        options.join(",\n")
    )
}

fn option(key: &str, value: impl ToString) -> (String, String) {
    (key.to_string(), value.to_string())
}

/// A source's event time: its column, which Flink needs as a TIMESTAMP(3), and the delay.
fn watermark<'a>(
    node: &'a NodeSpec,
    schema: &[Field],
) -> Result<Option<(&'a str, u64)>, ExportError> {
    let Some(time) = node.kind.source_time() else {
        return Ok(None);
    };
    let ty = schema
        .iter()
        .find(|f| f.name == time.column)
        .map(|f| f.data_type);
    if ty != Some(DataType::Timestamp) {
        return Err(ExportError::at(
            &node.id,
            format!(
                "its event time column `{}` is a BIGINT of milliseconds; Flink takes a \
                 watermark only on a TIMESTAMP(3) column: declare the column TIMESTAMP(3)",
                time.column
            ),
        ));
    }
    Ok(Some((time.column, time.delay_ms)))
}

fn absolute(base_dir: &Path, path: &str) -> String {
    let path = Path::new(path);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base_dir.join(path)
    };
    // Without `..` parts where the folder exists, so the script reads plainly.
    let tidy = match (path.parent(), path.file_name()) {
        (Some(dir), Some(file)) => std::fs::canonicalize(dir).map(|d| d.join(file)).ok(),
        _ => None,
    };
    tidy.unwrap_or(path).to_string_lossy().into_owned()
}

fn format_options(format: FileFormat, null_literal: Option<&str>) -> Vec<(String, String)> {
    match format {
        FileFormat::Csv => {
            let mut options = vec![option("format", "csv")];
            if let Some(literal) = null_literal {
                options.push(option("csv.null-literal", literal));
            }
            options
        }
        FileFormat::JsonLines => vec![option("format", "json")],
    }
}

/// A source node as a table (and for Nexmark a view over the connector's table).
pub(super) fn source(ctx: &Context, node: &NodeSpec) -> Result<Option<Translated>, ExportError> {
    let translated = match &node.kind {
        NodeKind::FileSource(c) => file_source(ctx, node, c)?,
        NodeKind::Datagen(c) => datagen(node, c)?,
        NodeKind::Nexmark(c) => nexmark(ctx, node, c)?,
        NodeKind::RedisSource(_) | NodeKind::NatsSource(_) => return Err(no_transport(node)),
        other => unreachable!("{} is not a source", other.name()),
    };
    Ok(Some(translated))
}

/// Flink SQL has no connector for Redis Streams or NATS JetStream: such a node cannot be
/// exported.
fn no_transport(node: &NodeSpec) -> ExportError {
    let (stream, transport) = match node.kind {
        NodeKind::NatsSource(_) | NodeKind::NatsSink(_) => {
            ("a NATS JetStream stream", "NATS JetStream")
        }
        _ => ("a Redis stream", "Redis Streams"),
    };
    ExportError::at(
        &node.id,
        format!(
            "a {} reads or writes {stream}, and Flink SQL has no connector for {transport}; \
             replace it with a file or datagen node to export the pipeline",
            node.kind.name()
        ),
    )
}

fn relation_of(node: &NodeSpec, schema: &[Field]) -> Relation {
    Relation {
        name: node.id.clone(),
        columns: schema.iter().map(|f| f.name.clone()).collect(),
        hidden_time: None,
    }
}

fn file_source(
    ctx: &Context,
    node: &NodeSpec,
    c: &FileSourceConfig,
) -> Result<Translated, ExportError> {
    if c.format == FileFormat::Csv && c.header {
        return Err(ExportError::at(
            &node.id,
            "its CSV file starts with a header line, and Flink's csv format reads every line \
             as data (it has no option to skip one): remove the header line from the file and \
             turn off \"header\" on the node",
        ));
    }
    let mut options = vec![
        option("connector", "filesystem"),
        option("path", absolute(ctx.base_dir, &c.path)),
    ];
    options.extend(format_options(c.format, c.null_literal.as_deref()));
    let sql = create_table(&node.id, &c.schema, watermark(node, &c.schema)?, &options);
    let mut translated = Translated::relation(Statement::new(sql), relation_of(node, &c.schema));
    if let Some(rate) = c.rows_per_second {
        translated.notes.push(format!(
            "`{}` replays its file at {rate} rows a second here; Flink's filesystem source \
             reads it as fast as it can (the rows are the same).",
            node.id
        ));
    }
    Ok(translated)
}

/// A bound of a random field, as Flink reads it for the field's type.
fn bound(v: f64, ty: DataType) -> String {
    match ty {
        DataType::Float64 => format!("{v:?}"),
        _ => format!("{}", v as i64),
    }
}

fn datagen(node: &NodeSpec, c: &DatagenConfig) -> Result<Translated, ExportError> {
    let mut options = vec![option("connector", "datagen")];
    let mut random = false;
    for field in &c.fields {
        let key = |k: &str| format!("fields.{}.{k}", field.name);
        match &field.kind {
            FieldKind::Sequence { start, end } => {
                if field.data_type == DataType::Timestamp {
                    return Err(ExportError::at(
                        &node.id,
                        format!(
                            "field `{}` is a sequence of timestamps, which Flink's datagen \
                             cannot make (its sequences are numbers and strings)",
                            field.name
                        ),
                    ));
                }
                options.push(option(&key("kind"), "sequence"));
                options.push(option(&key("start"), start));
                options.push(option(&key("end"), end));
            }
            FieldKind::Random {
                min,
                max,
                length,
                max_past_ms,
                null_rate,
            } => {
                random = true;
                options.push(option(&key("kind"), "random"));
                if let Some(min) = min {
                    options.push(option(&key("min"), bound(*min, field.data_type)));
                }
                if let Some(max) = max {
                    options.push(option(&key("max"), bound(*max, field.data_type)));
                }
                if field.data_type == DataType::Utf8 {
                    options.push(option(&key("length"), length.unwrap_or(100)));
                }
                if field.data_type == DataType::Timestamp {
                    options.push(option(
                        &key("max-past"),
                        format!("{} ms", max_past_ms.unwrap_or(0)),
                    ));
                }
                if *null_rate > 0.0 {
                    options.push(option(&key("null-rate"), null_rate));
                }
            }
        }
    }
    let mut notes = Vec::new();
    match c.rows_per_second {
        Some(rate) => options.push(option("rows-per-second", rate)),
        None => notes.push(format!(
            "`{}` generates as fast as it can here; Flink's datagen makes at most 10,000 rows \
             a second when no rate is set.",
            node.id
        )),
    }
    if let Some(rows) = c.number_of_rows {
        options.push(option("number-of-rows", rows));
    }
    if random {
        notes.push(format!(
            "Flink's datagen has no seed: the random values of `{}` differ from this \
             pipeline's (sequences are the same).",
            node.id
        ));
    }
    let schema: Vec<Field> = c
        .fields
        .iter()
        .map(|f| Field::new(f.name.clone(), f.data_type))
        .collect();
    let sql = create_table(&node.id, &schema, watermark(node, &schema)?, &options);
    let mut translated = Translated::relation(Statement::new(sql), relation_of(node, &schema));
    translated.notes = notes;
    Ok(translated)
}

/// The Nexmark connector's table (the benchmark's DDL: one row per event, the event kind in
/// `event_type` and each kind in its own ROW column) and a view of the chosen stream.
fn nexmark(ctx: &Context, node: &NodeSpec, c: &NexmarkConfig) -> Result<Translated, ExportError> {
    if !ctx.options.nexmark_connector {
        return Err(ExportError::at(
            &node.id,
            "Nexmark events come from the benchmark's `nexmark` connector, which a Flink \
             cluster has only when its jar is installed; export with the Nexmark connector \
             option once the cluster has it",
        ));
    }
    let row = |stream: NexmarkStream| -> String {
        let fields: Vec<String> = stream
            .schema()
            .fields
            .iter()
            .map(|f| format!("{} {}", name(&f.name), f.data_type.sql_name()))
            .collect();
        format!("ROW<{}>", fields.join(", "))
    };
    let events = format!("{}_events", node.id);
    let rate = c.events_per_second.unwrap_or(10_000_000);
    let mut options = vec![
        option("connector", "nexmark"),
        option("first-event.rate", rate),
        option("next-event.rate", rate),
        option("person.proportion", 1),
        option("auction.proportion", 3),
        option("bid.proportion", 46),
    ];
    if let Some(n) = c.events {
        options.push(option("events.num", n));
    }
    let options: Vec<String> = options
        .iter()
        .map(|(k, v)| format!("  {} = {}", string(k), string(v)))
        .collect();
    let time = name("dateTime");
    let table = format!(
        "CREATE TABLE {} (\n  `event_type` INT,\n  `person` {},\n  `auction` {},\n  `bid` {},\n  \
         {time} AS CASE WHEN `event_type` = 0 THEN `person`.`dateTime` WHEN `event_type` = 1 \
         THEN `auction`.`dateTime` ELSE `bid`.`dateTime` END,\n  WATERMARK FOR {time} AS {time}{}\n\
         ) WITH (\n{}\n)",
        name(&events),
        row(NexmarkStream::Person),
        row(NexmarkStream::Auction),
        row(NexmarkStream::Bid),
        match c.watermark_delay_ms {
            0 => String::new(),
            d => format!(" - {}", interval(d)),
        },
        options.join(",\n")
    );
    let (column, kind) = match c.stream {
        NexmarkStream::Person => ("person", 0),
        NexmarkStream::Auction => ("auction", 1),
        NexmarkStream::Bid => ("bid", 2),
    };
    let schema: Schema = c.stream.schema();
    let columns: Vec<String> = schema
        .fields
        .iter()
        .map(|f| match f.name.as_str() {
            "dateTime" => time.clone(),
            n => format!("{}.{} AS {}", name(column), name(n), name(n)),
        })
        .collect();
    let view = format!(
        "CREATE TEMPORARY VIEW {} AS\nSELECT {}\nFROM {}\nWHERE `event_type` = {kind}",
        name(&node.id),
        columns.join(", "),
        name(&events)
    );
    let mut notes = vec![format!(
        "`{}` reads Flink's nexmark connector, whose events are random: they differ from \
         this pipeline's generator (seed {}), and their times start when the job starts.",
        node.id, c.seed
    )];
    if c.events_per_second.is_none() {
        notes.push(format!(
            "`{}` generates as fast as it can here; the connector is given 10,000,000 events \
             a second.",
            node.id
        ));
    }
    Ok(Translated {
        definitions: vec![Statement::new(table), Statement::new(view)],
        insert: None,
        relation: Some(relation_of(node, &schema.fields)),
        notes,
    })
}

/// A sink as a table, and the insert that fills it from the sink's input.
pub(super) fn sink(ctx: &Context, node: &NodeSpec) -> Result<Option<Translated>, ExportError> {
    // Said even when its input cannot be exported either.
    if let NodeKind::RedisSink(_) | NodeKind::NatsSink(_) = node.kind {
        return Err(no_transport(node));
    }
    let Some(input) = ctx.input(node) else {
        return Ok(None);
    };
    let columns: Vec<Field> = input.port.schema.fields.clone();
    let mut notes = Vec::new();
    let options = match &node.kind {
        NodeKind::FileSink(c) => file_sink(ctx, node, c, &mut notes),
        NodeKind::Console(c) => {
            let mut options = vec![option("connector", "print")];
            if let Some(id) = &c.print_identifier {
                options.push(option("print-identifier", id));
            }
            options
        }
        NodeKind::Blackhole(_) => vec![option("connector", "blackhole")],
        other => unreachable!("{} is not a sink", other.name()),
    };
    let table = create_table(&node.id, &columns, None, &options);
    let insert = format!(
        "INSERT INTO {}\nSELECT {}\nFROM {}",
        name(&node.id),
        columns
            .iter()
            .map(|f| match f.data_type {
                // A sink takes at most one event-time column; plain timestamps it takes all.
                DataType::Timestamp => format!("CAST({0} AS TIMESTAMP(3)) AS {0}", name(&f.name)),
                _ => name(&f.name),
            })
            .collect::<Vec<_>>()
            .join(", "),
        name(&input.relation.name)
    );
    Ok(Some(Translated {
        definitions: vec![Statement::new(table)],
        insert: Some(Statement::new(insert)),
        relation: None,
        notes,
    }))
}

fn file_sink(
    ctx: &Context,
    node: &NodeSpec,
    c: &FileSinkConfig,
    notes: &mut Vec<String>,
) -> Vec<(String, String)> {
    let path = absolute(ctx.base_dir, &c.path);
    let mut options = vec![option("connector", "filesystem"), option("path", &path)];
    options.extend(format_options(c.format, c.null_literal.as_deref()));
    let header = match c.format {
        FileFormat::Csv => ", without a header line",
        FileFormat::JsonLines => "",
    };
    notes.push(format!(
        "`{}` writes one file here; Flink writes part files into the folder {path}{header}.",
        node.id
    ));
    options
}
