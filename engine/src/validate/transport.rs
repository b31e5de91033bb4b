//! The checks of transport nodes' settings: the server's URL, the stream, the payload's
//! columns and where reading starts. Whether the server answers is for `check_servers`.

use super::{Problem, check_field_names, check_field_types};
use crate::operators::redis_stream::{EntryId, check_url};
use crate::spec::{RedisSinkConfig, RedisSourceConfig, StreamStart};
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
    if config.schema.is_empty() {
        problems.push(Problem::error(
            Some(id),
            "declare the columns of the stream's rows in its schema",
        ));
    }
    let mut fields = config.schema.clone();
    if let Some(name) = &config.entry_time_column {
        fields.push(Field::new(name, DataType::Timestamp));
    }
    check_field_names(id, fields.iter().map(|f| f.name.as_str()), &mut problems);
    check_field_types(
        id,
        fields.iter().map(|f| (f.name.as_str(), f.data_type)),
        &mut problems,
    );
    match &config.start {
        StreamStart::AtId(entry) => {
            if let Err(e) = EntryId::parse(entry) {
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
        StreamStart::NewOnly if config.bounded => problems.push(Problem::error(
            Some(id),
            "a bounded source that reads only new entries would read none: start elsewhere \
             or let it wait for new entries",
        )),
        StreamStart::Beginning | StreamStart::NewOnly => {}
    }
    if problems.is_empty() {
        Ok(Schema::new(fields))
    } else {
        Err(problems)
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
