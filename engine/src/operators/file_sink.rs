//! Writes rows to a CSV file (with a header row) or a JSON Lines file.
//!
//! Rows go to a hidden in-progress file beside the target (`.out.csv.inprogress`), which
//! replaces the target only when the job ends well (drained or stopped). A job that fails
//! leaves the previous output as it was, as Flink's file sink commits only finished parts.

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
    /// Where rows go until the job ends well.
    in_progress: PathBuf,
    schema: Schema,
    /// `None` once committed.
    writer: Option<Writer>,
}

/// `dir/out.csv` → `dir/.out.csv.inprogress`.
fn in_progress_path(path: &std::path::Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.inprogress"))
}

impl FileSink {
    pub fn create(config: &FileSinkConfig, ctx: &Context) -> OpResult<Self> {
        let path = ctx.resolve(&config.path);
        let fail = |e: std::io::Error| format!("cannot create {}: {e}", path.display());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let in_progress = in_progress_path(&path);
        let file = BufWriter::new(File::create(&in_progress).map_err(fail)?);
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
            in_progress,
            schema,
            writer: Some(writer),
        })
    }

    fn write(&mut self, batch: &Batch) -> std::io::Result<()> {
        let Some(writer) = &mut self.writer else {
            return Ok(());
        };
        match writer {
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

    /// The job ended well: the rows written replace the target file.
    fn finish(&mut self, _out: &mut Vec<Batch>) -> OpResult {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let flushed = match writer {
            Writer::Csv(mut w) => w.flush(),
            Writer::Json(mut w) => w.flush(),
        };
        flushed
            .and_then(|()| std::fs::rename(&self.in_progress, &self.path))
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

impl Drop for FileSink {
    /// A sink dropped before `finish` belongs to a failed job: its partial rows go.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.in_progress);
        }
    }
}
