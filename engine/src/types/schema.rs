use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The type of a column. Names follow Flink SQL so expressions and exports read the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataType {
    /// 64-bit signed integer (`BIGINT`).
    Int64,
    /// 64-bit float (`DOUBLE`).
    Float64,
    /// `BOOLEAN`.
    Bool,
    /// UTF-8 text (`STRING`).
    Utf8,
    /// Milliseconds since the Unix epoch, no time zone (`TIMESTAMP(3)`).
    Timestamp,
    /// 32-bit signed integer (`INT`). New variants go last: checkpoints number them.
    Int32,
}

impl DataType {
    pub const ALL: [DataType; 6] = [
        DataType::Int32,
        DataType::Int64,
        DataType::Float64,
        DataType::Bool,
        DataType::Utf8,
        DataType::Timestamp,
    ];

    /// The Flink SQL name of the type.
    pub fn sql_name(self) -> String {
        match self {
            DataType::Int32 => "INT".into(),
            DataType::Int64 => "BIGINT".into(),
            DataType::Float64 => "DOUBLE".into(),
            DataType::Bool => "BOOLEAN".into(),
            DataType::Utf8 => "STRING".into(),
            DataType::Timestamp => "TIMESTAMP(3)".into(),
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, DataType::Int32 | DataType::Int64 | DataType::Float64)
    }

    /// INT or BIGINT.
    pub fn is_integer(self) -> bool {
        matches!(self, DataType::Int32 | DataType::Int64)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql_name())
    }
}

/// A named, typed column of a schema.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: DataType,
}

impl Field {
    pub fn new(name: impl Into<String>, data_type: DataType) -> Self {
        Field {
            name: name.into(),
            data_type,
        }
    }
}

/// The ordered columns of a stream. Every port of a pipeline has one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schema {
    pub fields: Vec<Field>,
}

pub type SchemaRef = Arc<Schema>;

impl Schema {
    pub fn new(fields: Vec<Field>) -> Self {
        Schema { fields }
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Position of the column called `name`. An exact match wins; otherwise a single
    /// case-insensitive match is accepted, as unquoted SQL identifiers are case-insensitive.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.fields.iter().position(|f| f.name == name) {
            return Some(i);
        }
        let mut matches = self
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name.eq_ignore_ascii_case(name));
        match (matches.next(), matches.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.index_of(name).map(|i| &self.fields[i])
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, field) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {}", field.name, field.data_type)?;
        }
        f.write_str(")")
    }
}
