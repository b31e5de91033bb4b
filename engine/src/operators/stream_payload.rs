//! A row as the text of a stream entry (a NATS message's payload, a Redis entry's field): a
//! JSON object (the columns by name) or one CSV record (the columns in order). Decoding
//! gives a whole row or says why not, so a bad entry can be skipped without leaving half a
//! row behind.

use std::sync::Arc;

use crate::spec::PayloadFormat;
use crate::types::{Batch, ColumnBuilder, DataType, Field, RowKind, Schema, Value};

use super::file_sink::{csv_cell, json_field};
use super::text_value;

/// The name of the row-kind field written ahead of a changelog's columns, as file sinks do.
const OP: &str = "op";

/// Entries skipped for a bad payload are logged one by one up to this many; after that, one
/// line every [`LOG_EVERY`].
const LOGGED_ONE_BY_ONE: u64 = 100;
const LOG_EVERY: u64 = 1000;

/// Whether the `skipped`th entry skipped is logged: a stream of bad entries must not flood
/// the console.
pub fn should_log_skip(skipped: u64) -> bool {
    skipped <= LOGGED_ONE_BY_ONE || skipped.is_multiple_of(LOG_EVERY)
}

/// Gathers decoded rows into a batch of columns.
pub struct RowBuilder {
    builders: Vec<ColumnBuilder>,
    rows: usize,
}

impl RowBuilder {
    pub fn new(types: &[DataType], capacity: usize) -> Self {
        RowBuilder {
            builders: types
                .iter()
                .map(|&t| ColumnBuilder::new(t, capacity))
                .collect(),
            rows: 0,
        }
    }

    pub fn push(&mut self, row: &[Value]) {
        for (builder, value) in self.builders.iter_mut().zip(row) {
            builder.push(value);
        }
        self.rows += 1;
    }

    /// The batch, `None` if no row was pushed.
    pub fn finish(self) -> Option<Batch> {
        (self.rows > 0).then(|| {
            let columns = self
                .builders
                .into_iter()
                .map(|b| Arc::new(b.finish()))
                .collect();
            Batch::new(columns, self.rows)
        })
    }
}

/// Reads payloads against the declared columns.
pub struct Decoder {
    schema: Schema,
    format: PayloadFormat,
}

impl Decoder {
    pub fn new(schema: Schema, format: PayloadFormat) -> Self {
        Decoder { schema, format }
    }

    /// One row of the schema's values, or why the payload is not one.
    pub fn decode(&self, payload: &[u8]) -> Result<Vec<Value>, String> {
        let text = std::str::from_utf8(payload).map_err(|_| "the payload is not UTF-8 text")?;
        match self.format {
            PayloadFormat::Json => self.decode_json(text),
            PayloadFormat::Csv => self.decode_csv(text),
        }
    }

    fn decode_json(&self, text: &str) -> Result<Vec<Value>, String> {
        use serde::de::DeserializeSeed;
        let mut reader = serde_json::Deserializer::from_str(text);
        let found = Columns(&self.schema.fields)
            .deserialize(&mut reader)
            .and_then(|found| reader.end().map(|()| found))
            .map_err(|e| format!("not a JSON object: {e}"))?;
        self.schema
            .fields
            .iter()
            .zip(&found)
            .map(|(f, json)| {
                text_value::from_json(f.data_type, json.as_ref())
                    .map_err(|e| format!("column `{}`: {e}", f.name))
            })
            .collect()
    }

    fn decode_csv(&self, text: &str) -> Result<Vec<Value>, String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let record = match records.next() {
            Some(Ok(record)) => record,
            Some(Err(e)) => return Err(format!("not a CSV record: {e}")),
            None => return Err("the payload is empty".into()),
        };
        if records.next().is_some() {
            return Err("the payload holds more than one CSV record".into());
        }
        if record.len() != self.schema.len() {
            return Err(format!(
                "{} fields where the schema has {}",
                record.len(),
                self.schema.len()
            ));
        }
        self.schema
            .fields
            .iter()
            .zip(record.iter())
            .map(|(f, cell)| {
                text_value::from_text(f.data_type, cell)
                    .map_err(|e| format!("column `{}`: {e}", f.name))
            })
            .collect()
    }
}

/// Reads a JSON object keeping only the schema's columns, each by its place in the schema:
/// no map of every key is built, and keys without escapes are not copied.
struct Columns<'a>(&'a [Field]);

impl<'de> serde::de::DeserializeSeed<'de> for Columns<'_> {
    type Value = Vec<Option<serde_json::Value>>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Columns<'_> {
    type Value = Vec<Option<serde_json::Value>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = vec![None; self.0.len()];
        while let Some(Key(key)) = map.next_key()? {
            match self.0.iter().position(|f| f.name == *key) {
                // A key given twice counts with its last value, as in a JSON Lines file.
                Some(i) => values[i] = Some(map.next_value()?),
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(values)
    }
}

/// An object's key, borrowed from the text where it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Writes rows as payloads.
pub struct Encoder {
    names: Vec<String>,
    format: PayloadFormat,
    /// The input is a changelog: each row's kind goes first, as `op`.
    changelog: bool,
}

impl Encoder {
    pub fn new(schema: &Schema, format: PayloadFormat, changelog: bool) -> Self {
        Encoder {
            names: schema.names().map(str::to_string).collect(),
            format,
            changelog,
        }
    }

    /// The payload of row `row` of `batch`.
    pub fn encode(&self, batch: &Batch, row: usize) -> String {
        let kind = self.changelog.then(|| batch.kind(row));
        let values = batch.columns().iter().map(|c| c.value(row));
        match self.format {
            PayloadFormat::Json => {
                let mut line = String::from("{");
                if let Some(kind) = kind {
                    json_field(&mut line, OP, &Value::Utf8(kind.short().into()));
                }
                for (name, value) in self.names.iter().zip(values) {
                    json_field(&mut line, name, &value);
                }
                line.push('}');
                line
            }
            PayloadFormat::Csv => {
                let cells = kind
                    .map(|k: RowKind| k.short().to_string())
                    .into_iter()
                    .chain(values.map(|v| csv_cell(v, "")));
                let mut writer = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(Vec::new());
                // Writing to memory cannot fail.
                let _ = writer.write_record(cells);
                let mut text =
                    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default();
                text.pop();
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::DataType;

    fn schema() -> Schema {
        Schema::new(vec![
            Field::new("id", DataType::Int64),
            Field::new("name", DataType::Utf8),
            Field::new("price", DataType::Float64),
        ])
    }

    #[test]
    fn json_payloads_give_whole_rows_or_say_why_not() {
        let d = Decoder::new(schema(), PayloadFormat::Json);
        assert_eq!(
            d.decode(br#"{"id": 1, "name": "a", "price": 2.5, "extra": true}"#)
                .unwrap(),
            vec![
                Value::Int64(1),
                Value::Utf8("a".into()),
                Value::Float64(2.5)
            ]
        );
        assert_eq!(
            d.decode(br#"{"id": 1}"#).unwrap(),
            vec![Value::Int64(1), Value::Null, Value::Null]
        );
        let bad = d.decode(br#"{"id": "x"}"#).unwrap_err();
        assert!(
            bad.contains("column `id`") && bad.contains("BIGINT"),
            "{bad}"
        );
        assert!(d.decode(b"[1]").unwrap_err().contains("not a JSON object"));
        assert!(
            d.decode(br#"{"id": 1} x"#)
                .unwrap_err()
                .contains("not a JSON object")
        );
        assert_eq!(
            d.decode(br#"{"n\u0061me": "esc", "id": 1, "id": 2, "skip": {"deep": [1, {}]}}"#)
                .unwrap(),
            vec![Value::Int64(2), Value::Utf8("esc".into()), Value::Null]
        );
        assert!(d.decode(b"\xff").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn csv_payloads_are_one_record_in_schema_order() {
        let d = Decoder::new(schema(), PayloadFormat::Csv);
        assert_eq!(
            d.decode(b"7,\"x, y\",1.5").unwrap(),
            vec![
                Value::Int64(7),
                Value::Utf8("x, y".into()),
                Value::Float64(1.5)
            ]
        );
        assert!(d.decode(b"7,x").unwrap_err().contains("2 fields"));
        assert!(
            d.decode(b"7,x,1\n8,y,2")
                .unwrap_err()
                .contains("more than one")
        );
        assert!(d.decode(b"q,x,1").unwrap_err().contains("column `id`"));
    }

    #[test]
    fn encoded_rows_decode_to_themselves() {
        let batch = Batch::from_columns(vec![
            crate::types::Column::new(crate::types::Values::Int64(vec![3])),
            crate::types::Column::new(crate::types::Values::Utf8(
                ["a \"b\", c"].into_iter().collect(),
            )),
            crate::types::Column::new(crate::types::Values::Float64(vec![0.25])),
        ]);
        for format in [PayloadFormat::Json, PayloadFormat::Csv] {
            let text = Encoder::new(&schema(), format, false).encode(&batch, 0);
            let row = Decoder::new(schema(), format)
                .decode(text.as_bytes())
                .unwrap();
            assert_eq!(row, batch.row(0), "{format:?}: {text}");
        }
    }
}
