//! Writes rows to a CSV file (with a header row) or a JSON Lines file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use super::{Context, OpResult, Operator};
use crate::spec::{FileFormat, FileSinkConfig};
use crate::types::{Batch, Schema, Value};

enum Writer {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Json(BufWriter<File>),
}

/// One file sink; it runs with parallelism 1.
pub struct FileSink {
    path: PathBuf,
    schema: Schema,
    writer: Writer,
}

impl FileSink {
    pub fn create(config: &FileSinkConfig, ctx: &Context) -> OpResult<Self> {
        let path = ctx.resolve(&config.path);
        let fail = |e: std::io::Error| format!("cannot create {}: {e}", path.display());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let file = BufWriter::new(File::create(&path).map_err(fail)?);
        let schema = (*ctx.input_schema).clone();
        let writer = match config.format {
            FileFormat::Csv => {
                let mut w = csv::Writer::from_writer(file);
                w.write_record(schema.names())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Writer::Csv(Box::new(w))
            }
            FileFormat::JsonLines => Writer::Json(file),
        };
        Ok(FileSink {
            path,
            schema,
            writer,
        })
    }

    fn write(&mut self, batch: &Batch) -> std::io::Result<()> {
        match &mut self.writer {
            Writer::Csv(w) => {
                let mut record = Vec::with_capacity(self.schema.len());
                for row in 0..batch.num_rows() {
                    record.clear();
                    record.extend(batch.columns().iter().map(|c| match c.value(row) {
                        Value::Null => String::new(),
                        v => v.to_string(),
                    }));
                    w.write_record(&record)?;
                }
            }
            Writer::Json(w) => {
                for row in 0..batch.num_rows() {
                    let object: serde_json::Map<String, serde_json::Value> = self
                        .schema
                        .names()
                        .zip(batch.columns())
                        .map(|(name, c)| (name.to_string(), c.value(row).to_json()))
                        .collect();
                    serde_json::to_writer(&mut *w, &object)?;
                    w.write_all(b"\n")?;
                }
            }
        }
        Ok(())
    }
}

impl Operator for FileSink {
    fn process(&mut self, _port: usize, batch: Batch, _out: &mut Vec<Batch>) -> OpResult {
        self.write(&batch)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    fn finish(&mut self, _out: &mut Vec<Batch>) -> OpResult {
        let result = match &mut self.writer {
            Writer::Csv(w) => w.flush(),
            Writer::Json(w) => w.flush(),
        };
        result.map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}
