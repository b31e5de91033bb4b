//! The checks of transport nodes' settings: the server's URL, the stream, the payload's
//! columns and where reading starts. Whether the server answers is for `check_servers`.

use super::{Problem, check_field_names, check_field_types};
use crate::operators::nats_stream;
use crate::operators::redis_stream::{EntryId, check_url};
use crate::spec::{
    NatsSinkConfig, NatsSourceConfig, RedisSinkConfig, RedisSourceConfig, StreamStart,
};
use crate::types::{DataType, Field, Schema};

fn check_common(id: &str, url: &str, stream: &str, field: &str, problems: &mut Vec<Problem>) {
    if let Err(e) = check_url(url) {
        problems.push(Problem::error(Some(id), e));
    }
    if stream.trim().is_empty() {
        problems.push(Problem::error(Some(id), "the stream key is empty"));
    }
    if field.trim().is_empty() {
        problems.push(Problem::error(
            Some(id),
            "the payload field is empty; name the entry field that holds the row (data)",
        ));
    }
}

/// The columns a Redis source gives: the payload's, then the entry time if asked for.
pub(super) fn check_redis_source(
    id: &str,
    config: &RedisSourceConfig,
) -> Result<Schema, Vec<Problem>> {
    let mut problems = Vec::new();
    check_common(
        id,
        &config.url,
        &config.stream,
        &config.field,
        &mut problems,
    );
    let fields = source_columns(
        id,
        &config.schema,
        config.entry_time_column.as_deref(),
        &mut problems,
    );
    let offset = |entry: &str| EntryId::parse(entry).map(|_| ());
    check_start(id, &config.start, config.bounded, offset, &mut problems);
    if problems.is_empty() {
        Ok(Schema::new(fields))
    } else {
        Err(problems)
    }
}

/// The payload's columns, then the transport's own time column if asked for.
fn source_columns(
    id: &str,
    schema: &[Field],
    time_column: Option<&str>,
    problems: &mut Vec<Problem>,
) -> Vec<Field> {
    if schema.is_empty() {
        problems.push(Problem::error(
            Some(id),
            "declare the columns of the stream's rows in its schema",
        ));
    }
    let mut fields = schema.to_vec();
    if let Some(name) = time_column {
        fields.push(Field::new(name, DataType::Timestamp));
    }
    check_field_names(id, fields.iter().map(|f| f.name.as_str()), problems);
    check_field_types(
        id,
        fields.iter().map(|f| (f.name.as_str(), f.data_type)),
        problems,
    );
    fields
}

fn check_start(
    id: &str,
    start: &StreamStart,
    bounded: bool,
    offset: impl Fn(&str) -> Result<(), String>,
    problems: &mut Vec<Problem>,
) {
    match start {
        StreamStart::AtId(at) => {
            if let Err(e) = offset(at) {
                problems.push(Problem::error(Some(id), format!("start: {e}")));
            }
        }
        StreamStart::AtTime(time) => {
            if crate::types::parse_timestamp(time).is_none() {
                problems.push(Problem::error(
                    Some(id),
                    format!("start: `{time}` is not a time like 2024-01-02 09:30:00"),
                ));
            }
        }
        StreamStart::NewOnly if bounded => problems.push(Problem::error(
            Some(id),
            "a bounded source that reads only new entries would read none: start elsewhere \
             or let it wait for new entries",
        )),
        StreamStart::Beginning | StreamStart::NewOnly => {}
    }
}

pub(super) fn check_redis_sink(id: &str, config: &RedisSinkConfig) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    check_common(
        id,
        &config.url,
        &config.stream,
        &config.field,
        &mut problems,
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn check_nats_common(id: &str, url: &str, stream: &str, problems: &mut Vec<Problem>) {
    if let Err(e) = nats_stream::check_url(url) {
        problems.push(Problem::error(Some(id), e));
    }
    if let Err(e) = nats_stream::check_stream_name(stream) {
        problems.push(Problem::error(Some(id), e));
    }
}

/// The columns a NATS source gives: the payload's, then the message time if asked for.
pub(super) fn check_nats_source(
    id: &str,
    config: &NatsSourceConfig,
) -> Result<Schema, Vec<Problem>> {
    let mut problems = Vec::new();
    check_nats_common(id, &config.url, &config.stream, &mut problems);
    if !config.subject.trim().is_empty()
        && let Err(e) = nats_stream::check_subject(&config.subject, true)
    {
        problems.push(Problem::error(Some(id), e));
    }
    let fields = source_columns(
        id,
        &config.schema,
        config.message_time_column.as_deref(),
        &mut problems,
    );
    let offset = |sequence: &str| nats_stream::parse_sequence(sequence).map(|_| ());
    check_start(id, &config.start, config.bounded, offset, &mut problems);
    if problems.is_empty() {
        Ok(Schema::new(fields))
    } else {
        Err(problems)
    }
}

pub(super) fn check_nats_sink(id: &str, config: &NatsSinkConfig) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    check_nats_common(id, &config.url, &config.stream, &mut problems);
    if let Err(e) = nats_stream::check_subject(&config.subject, false) {
        problems.push(Problem::error(Some(id), e));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
