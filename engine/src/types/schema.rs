use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::DecimalType;

/// The type of a column. Names follow Flink SQL so expressions and exports read the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TypeName", into = "TypeName")]
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
    /// `DECIMAL(precision, scale)`: exact, `precision` digits of which `scale` decimals.
    Decimal { precision: u8, scale: u8 },
}

/// How a type is written in files: `Decimal(10, 2)` rather than a struct, and checked on
/// reading so that a file cannot hold a DECIMAL of 40 digits.
#[derive(Serialize, Deserialize)]
enum TypeName {
    Int64,
    Float64,
    Bool,
    Utf8,
    Timestamp,
    Int32,
    Decimal(u8, u8),
}

impl From<DataType> for TypeName {
    fn from(t: DataType) -> TypeName {
        match t {
            DataType::Int64 => TypeName::Int64,
            DataType::Float64 => TypeName::Float64,
            DataType::Bool => TypeName::Bool,
            DataType::Utf8 => TypeName::Utf8,
            DataType::Timestamp => TypeName::Timestamp,
            DataType::Int32 => TypeName::Int32,
            DataType::Decimal { precision, scale } => TypeName::Decimal(precision, scale),
        }
    }
}

impl TryFrom<TypeName> for DataType {
    type Error = String;

    fn try_from(t: TypeName) -> Result<DataType, String> {
        Ok(match t {
            TypeName::Int64 => DataType::Int64,
            TypeName::Float64 => DataType::Float64,
            TypeName::Bool => DataType::Bool,
            TypeName::Utf8 => DataType::Utf8,
            TypeName::Timestamp => DataType::Timestamp,
            TypeName::Int32 => DataType::Int32,
            TypeName::Decimal(p, s) => {
                DataType::decimal(DecimalType::new(u32::from(p), u32::from(s))?)
            }
        })
    }
}

impl DataType {
    /// One of each kind of type; DECIMAL at its default precision and scale.
    pub const ALL: [DataType; 7] = [
        DataType::Int32,
        DataType::Int64,
        DataType::Float64,
        DataType::Bool,
        DataType::Utf8,
        DataType::Timestamp,
        DataType::DEFAULT_DECIMAL,
    ];

    /// Flink's DECIMAL without precision or scale: DECIMAL(10, 0).
    pub const DEFAULT_DECIMAL: DataType = DataType::Decimal {
        precision: 10,
        scale: 0,
    };

    pub fn decimal(t: DecimalType) -> DataType {
        DataType::Decimal {
            precision: t.precision,
            scale: t.scale,
        }
    }

    /// The precision and scale of a DECIMAL.
    pub fn as_decimal(self) -> Option<DecimalType> {
        match self {
            DataType::Decimal { precision, scale } => Some(DecimalType { precision, scale }),
            _ => None,
        }
    }

    /// The Flink SQL name of the type.
    pub fn sql_name(self) -> String {
        match self {
            DataType::Decimal { precision, scale } => format!("DECIMAL({precision}, {scale})"),
            DataType::Int32 => "INT".into(),
            DataType::Int64 => "BIGINT".into(),
            DataType::Float64 => "DOUBLE".into(),
            DataType::Bool => "BOOLEAN".into(),
            DataType::Utf8 => "STRING".into(),
            DataType::Timestamp => "TIMESTAMP(3)".into(),
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            DataType::Int32 | DataType::Int64 | DataType::Float64 | DataType::Decimal { .. }
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_is_written_with_its_precision_and_scale() {
        let t = DataType::Decimal {
            precision: 10,
            scale: 2,
        };
        assert_eq!(ron::to_string(&t).unwrap(), "Decimal(10,2)");
        assert_eq!(ron::from_str::<DataType>("Decimal(10, 2)").unwrap(), t);
        assert_eq!(ron::from_str::<DataType>("Int64").unwrap(), DataType::Int64);
        assert_eq!(t.sql_name(), "DECIMAL(10, 2)");
        let e = ron::from_str::<DataType>("Decimal(40, 2)").unwrap_err();
        assert!(e.to_string().contains("precision must be 1 to 38"), "{e}");
        let e = ron::from_str::<DataType>("Decimal(3, 4)").unwrap_err();
        assert!(e.to_string().contains("scale"), "{e}");
        // Checkpoints number the variants: the older ones keep their numbers.
        let bytes = postcard::to_allocvec(&DataType::Int32).unwrap();
        assert_eq!(bytes, [5]);
        let bytes = postcard::to_allocvec(&t).unwrap();
        assert_eq!(bytes, [6, 10, 2]);
    }
}
