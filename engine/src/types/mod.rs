//! Data types, schemas and the columnar batch that flows on every channel.

mod batch;
mod batch_builder;
mod column;
pub mod decimal;
#[cfg(test)]
mod decimal_tests;
mod encoding;
mod row_kind;
mod schema;
mod time;
mod value;

pub use batch::{Batch, oldest_created};
pub use batch_builder::BatchBuilder;
pub use column::{Column, ColumnBuilder, ColumnRef, Utf8Values, Values};
pub use decimal::DecimalType;
pub use encoding::{ColumnState, ColumnsState};
pub use row_kind::RowKind;
pub use schema::{DataType, Field, Schema, SchemaRef};
pub use time::{format_timestamp, parse_timestamp};
pub use value::{Value, write_double};
