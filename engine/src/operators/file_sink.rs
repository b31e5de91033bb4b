//! Writes rows to a CSV file (with a header row) or a JSON Lines file.
//!
//! Rows go to a staging file beside the target, published by one rename when the job ends
//! well, as Flink's file sink commits only finished parts: a failed job leaves the previous
//! output as it was. A run stopped before its bounded input ended publishes its rows beside
//! the target (`out.partial.csv`), so the target only ever holds a complete result; a job
//! with an endless source has no end but a stop, so a stop publishes it to the target.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::report::{JobReport, WrittenFile};
use super::staged_file::StagedFile;
use super::{Context, OpResult, Operator, Outputs};
use crate::spec::{FileFormat, FileSinkConfig};
use crate::types::{Batch, Schema, Value};

enum Writer {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Json(BufWriter<File>),
}

/// One file sink; it runs with parallelism 1.
pub struct FileSink {
    node: String,
    path: PathBuf,
    /// Where rows go until the job ends well; `None` once published.
    staged: Option<(StagedFile, Writer)>,
    schema: Schema,
    /// The input is a changelog: each row's kind goes first, as column `op`.
    changelog: bool,
    /// How a NULL is written in CSV.
    null_literal: String,
    rows: u64,
    report: Arc<JobReport>,
}

/// The first column of a changelog's file: each row's kind, `+I`, `-U`, `+U` or `-D`.
const OP: &str = "op";

/// `dir/out.csv` → `dir/out.partial.csv`; `dir/out` → `dir/out.partial`.
pub fn partial_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.partial.{}", ext.to_string_lossy()),
        None => format!("{stem}.partial"),
    };
    path.with_file_name(name)
}

impl FileSink {
    pub fn create(config: &FileSinkConfig, ctx: &Context) -> OpResult<Self> {
        let path = ctx.resolve(&config.path);
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let (staged, file) = StagedFile::create(&path).map_err(fail)?;
        let file = BufWriter::new(file);
        let schema = (*ctx.input_schema).clone();
        let changelog = ctx.inputs.first().is_some_and(|t| t.changelog);
        let writer = match config.format {
            FileFormat::Csv => {
                let mut w = csv::Writer::from_writer(file);
                let names = changelog.then_some(OP).into_iter().chain(schema.names());
                w.write_record(names)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Writer::Csv(Box::new(w))
            }
            FileFormat::JsonLines => Writer::Json(file),
        };
        Ok(FileSink {
            node: ctx.node_id.clone(),
            path,
            staged: Some((staged, writer)),
            schema,
            changelog,
            null_literal: config.null_literal.clone().unwrap_or_default(),
            rows: 0,
            report: ctx.report.clone(),
        })
    }

    fn write(&mut self, batch: &Batch) -> std::io::Result<()> {
        let Some((_, writer)) = &mut self.staged else {
            return Ok(());
        };
        match writer {
            Writer::Csv(w) => {
                let mut record = Vec::with_capacity(self.schema.len());
                for row in 0..batch.num_rows() {
                    record.clear();
                    if self.changelog {
                        record.push(batch.kind(row).short().to_string());
                    }
                    record.extend(batch.columns().iter().map(|c| match c.value(row) {
                        Value::Null => self.null_literal.clone(),
                        Value::Utf8(s) => s,
                        v => v.to_string(),
                    }));
                    w.write_record(&record)?;
                }
            }
            Writer::Json(w) => {
                for row in 0..batch.num_rows() {
                    let kind = self.changelog.then(|| {
                        let op = serde_json::Value::from(batch.kind(row).short());
                        (OP.to_string(), op)
                    });
                    let object: serde_json::Map<String, serde_json::Value> = kind
                        .into_iter()
                        .chain(
                            self.schema
                                .names()
                                .zip(batch.columns())
                                .map(|(name, c)| (name.to_string(), c.value(row).to_json())),
                        )
                        .collect();
                    serde_json::to_writer(&mut *w, &object)?;
                    w.write_all(b"\n")?;
                }
            }
        }
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Flushes the staging file and publishes it to `to`.
    fn publish(staged: StagedFile, writer: Writer, to: &Path) -> std::io::Result<()> {
        let buffered = match writer {
            Writer::Csv(w) => w.into_inner().map_err(|e| e.into_error())?,
            Writer::Json(w) => w,
        };
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        staged.publish(file, to)
    }
}

impl Operator for FileSink {
    fn process(&mut self, _port: usize, batch: Batch, _out: &mut Outputs) -> OpResult {
        self.write(&batch)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    /// The job ended well: the rows written replace the target file, or go beside it when
    /// the run stopped before its input ended.
    fn finish(&mut self, _out: &mut Outputs) -> OpResult {
        let Some((staged, writer)) = self.staged.take() else {
            return Ok(());
        };
        let partial = self.report.incomplete();
        let to = if partial {
            partial_path(staged.target())
        } else {
            self.path.clone()
        };
        Self::publish(staged, writer, &to)
            .map_err(|e| format!("cannot write {}: {e}", to.display()))?;
        self.report.add_file(WrittenFile {
            node: self.node.clone(),
            path: to,
            rows: self.rows,
            partial,
        });
        Ok(())
    }
}
