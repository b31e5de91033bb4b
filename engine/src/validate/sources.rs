//! The checks of source nodes: their fields, files and event time.

use super::{MAX_STRING_LENGTH, Problem, check_field_names, check_field_types};
use crate::spec::*;
use crate::types::{DataType, Field, Schema};

pub(super) fn check_datagen(id: &str, config: &DatagenConfig) -> Result<Schema, Vec<Problem>> {
    let mut problems = Vec::new();
    if config.fields.is_empty() {
        problems.push(Problem::error(
            Some(id),
            "a Datagen needs at least one field",
        ));
    }
    check_field_names(
        id,
        config.fields.iter().map(|f| f.name.as_str()),
        &mut problems,
    );
    check_field_types(
        id,
        config.fields.iter().map(|f| (f.name.as_str(), f.data_type)),
        &mut problems,
    );
    if config.rows_per_second == Some(0) {
        problems.push(Problem::error(
            Some(id),
            "rows per second must be at least 1 (or unset for full speed)",
        ));
    }
    for field in &config.fields {
        let column = Some(field.name.clone());
        let mut bad = |message: String| {
            problems.push(Problem::error(Some(id), message).with_column(column.clone()))
        };
        let name = &field.name;
        match &field.kind {
            FieldKind::Sequence { start, end } => {
                if matches!(field.data_type, DataType::Bool | DataType::Decimal { .. }) {
                    bad(format!(
                        "field `{name}`: a sequence cannot fill a {} field",
                        field.data_type
                    ));
                }
                if start > end {
                    bad(format!(
                        "field `{name}`: the sequence start {start} is after its end {end}"
                    ));
                }
            }
            FieldKind::Random {
                min,
                max,
                null_rate,
                length,
                ..
            } => {
                if let Some(length) = length
                    && *length > MAX_STRING_LENGTH
                {
                    bad(format!(
                        "field `{name}`: length {length} is more than the {MAX_STRING_LENGTH} characters a string may have"
                    ));
                }
                if let (Some(min), Some(max)) = (min, max)
                    && min > max
                {
                    bad(format!(
                        "field `{name}`: min {min} is greater than max {max}"
                    ));
                }
                if !(0.0..=1.0).contains(null_rate) {
                    bad(format!(
                        "field `{name}`: null rate {null_rate} is not between 0 and 1"
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(Schema::new(
            config
                .fields
                .iter()
                .map(|f| Field::new(&f.name, f.data_type))
                .collect(),
        ))
    } else {
        Err(problems)
    }
}

pub(super) const NULL_LITERAL_IS_CSV: &str =
    "a null literal applies to CSV files; JSON Lines writes NULL as null";

pub(super) fn check_file_source(
    id: &str,
    config: &FileSourceConfig,
) -> Result<Schema, Vec<Problem>> {
    let mut problems = Vec::new();
    if config.path.trim().is_empty() {
        problems.push(Problem::error(Some(id), "the file path is empty"));
    }
    if config.rows_per_second == Some(0) {
        problems.push(Problem::error(
            Some(id),
            "rows per second must be at least 1 (or unset for full speed)",
        ));
    }
    if config.schema.is_empty() {
        problems.push(Problem::error(
            Some(id),
            "declare the file's columns in its schema",
        ));
    }
    check_field_names(
        id,
        config.schema.iter().map(|f| f.name.as_str()),
        &mut problems,
    );
    check_field_types(
        id,
        config.schema.iter().map(|f| (f.name.as_str(), f.data_type)),
        &mut problems,
    );
    if config.null_literal.is_some() && config.format != FileFormat::Csv {
        problems.push(Problem::error(Some(id), NULL_LITERAL_IS_CSV));
    }
    let schema = Schema::new(config.schema.clone());
    if problems.is_empty() {
        Ok(schema)
    } else {
        Err(problems)
    }
}

pub(super) fn check_nexmark(id: &str, config: &NexmarkConfig) -> Result<Schema, Vec<Problem>> {
    let mut problems = Vec::new();
    if config.events == Some(0) {
        problems.push(Problem::error(
            Some(id),
            "events must be at least 1 (or unset for an endless stream)",
        ));
    }
    if config.events_per_second == Some(0) {
        problems.push(Problem::error(
            Some(id),
            "events per second must be at least 1 (or unset for full speed)",
        ));
    }
    if let Some(t) = &config.base_time
        && crate::types::parse_timestamp(t).is_none()
    {
        problems.push(Problem::error(
            Some(id),
            format!("base time `{t}` is not a timestamp like 2024-01-02 09:30:00"),
        ));
    }
    if problems.is_empty() {
        Ok(config.stream.schema())
    } else {
        Err(problems)
    }
}
