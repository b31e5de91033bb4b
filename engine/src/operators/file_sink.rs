//! Writes rows to a CSV file (with a header row) or a JSON Lines file.
//!
//! Rows go to a staging file beside the target, published by one rename when the job ends
//! well, as Flink's file sink commits only finished parts: a failed job leaves the previous
//! output as it was. A run stopped before its bounded input ended publishes its rows beside
//! the target (`out.partial.csv`), so the target only ever holds a complete result; a job
//! with an endless source has no end but a stop, so a stop publishes it to the target.
//!
//! In a job that takes checkpoints the sink is exactly-once instead ([`TwoPhaseFile`]): the
//! target holds the rows of completed checkpoints, growing as they complete, and all rows
//! once the input has ended.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::report::{JobReport, WrittenFile};
use super::staged_file::StagedFile;
use super::two_phase_file::TwoPhaseFile;
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
    /// Where rows go until the job ends well (or, with checkpoints, until the next
    /// barrier); `None` once published.
    staged: Option<(StagedFile, Writer)>,
    /// Parts pending and committed, in a job that takes checkpoints.
    two_phase: Option<TwoPhaseFile>,
    format: FileFormat,
    schema: Schema,
    /// The input is a changelog: each row's kind goes first, as column `op`.
    changelog: bool,
    /// How a NULL is written in CSV.
    null_literal: String,
    rows: u64,
    report: Arc<JobReport>,
    /// Set when another task of the attempt has failed.
    failed: Arc<std::sync::atomic::AtomicBool>,
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
        let schema = (*ctx.input_schema).clone();
        let changelog = ctx.inputs.first().is_some_and(|t| t.changelog);
        let mut sink = FileSink {
            node: ctx.node_id.clone(),
            path,
            staged: None,
            two_phase: ctx
                .checkpointing
                .then(|| TwoPhaseFile::new(&ctx.resolve(&config.path))),
            format: config.format,
            schema,
            changelog,
            null_literal: config.null_literal.clone().unwrap_or_default(),
            rows: 0,
            report: ctx.report.clone(),
            failed: ctx.failed.clone(),
        };
        // Opened now, so a target that cannot be written fails the start.
        sink.open()?;
        Ok(sink)
    }

    /// Opens the file rows go to next; the header row goes first unless it went already.
    fn open(&mut self) -> OpResult {
        let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", self.path.display());
        let (staged, file) = StagedFile::create(&self.path).map_err(|e| fail(&e))?;
        let file = BufWriter::new(file);
        let header = self.two_phase.as_ref().is_none_or(|t| !t.header_written());
        let writer = match self.format {
            FileFormat::Csv => {
                let mut w = csv::Writer::from_writer(file);
                if header {
                    let names = self
                        .changelog
                        .then_some(OP)
                        .into_iter()
                        .chain(self.schema.names());
                    w.write_record(names).map_err(|e| fail(&e))?;
                }
                Writer::Csv(Box::new(w))
            }
            FileFormat::JsonLines => Writer::Json(file),
        };
        if let Some(t) = &mut self.two_phase {
            t.set_header_written();
        }
        self.staged = Some((staged, writer));
        Ok(())
    }

    /// Closes the part being written as pending under `checkpoint`.
    fn pre_commit(&mut self, checkpoint: u64) -> std::io::Result<()> {
        let (Some(t), Some((staged, writer))) = (&mut self.two_phase, self.staged.take()) else {
            return Ok(());
        };
        let file = finish_writer(writer)?;
        t.pre_commit(staged, file, std::mem::take(&mut self.rows), checkpoint)
    }

    fn write(&mut self, batch: &Batch) -> std::io::Result<()> {
        if self.staged.is_none() && self.two_phase.is_some() {
            self.open().map_err(std::io::Error::other)?;
        }
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
                    record.extend(
                        batch
                            .columns()
                            .iter()
                            .map(|c| csv_cell(c.value(row), &self.null_literal)),
                    );
                    w.write_record(&record)?;
                }
            }
            Writer::Json(w) => {
                let mut line = String::new();
                for row in 0..batch.num_rows() {
                    line.clear();
                    line.push('{');
                    if self.changelog {
                        json_field(&mut line, OP, &Value::Utf8(batch.kind(row).short().into()));
                    }
                    for (name, c) in self.schema.names().zip(batch.columns()) {
                        json_field(&mut line, name, &c.value(row));
                    }
                    line.push_str("}\n");
                    w.write_all(line.as_bytes())?;
                }
            }
        }
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Flushes the staging file and publishes it to `to`.
    fn publish(staged: StagedFile, writer: Writer, to: &Path) -> std::io::Result<()> {
        staged.publish(finish_writer(writer)?, to)
    }

    /// Another task of the attempt has failed.
    fn failing(&self) -> bool {
        self.failed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn error(&self, e: impl std::fmt::Display) -> String {
        format!("cannot write {}: {e}", self.path.display())
    }

    /// The end of a job with checkpoints: all rows join the target when the input ended;
    /// after a stop only the completed checkpoints' rows stay.
    fn finish_two_phase(&mut self) -> OpResult {
        // Stopped, by the user or by another task's failure: only checkpoints count.
        let partial = self.report.stopped_early() || self.failing();
        if partial {
            self.staged = None;
            if let Some(t) = &mut self.two_phase {
                t.abort();
            }
        } else {
            self.pre_commit(u64::MAX).map_err(|e| self.error(e))?;
            if let Some(t) = &mut self.two_phase {
                t.commit(u64::MAX)
                    .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
            }
        }
        let t = self.two_phase.as_ref().expect("two-phase");
        if self.path.exists() {
            self.report.add_file(WrittenFile {
                node: self.node.clone(),
                path: self.path.clone(),
                rows: t.rows_committed(),
                partial: false,
                checkpoint: if partial { t.checkpoint() } else { None },
            });
        }
        Ok(())
    }
}

/// A value as a CSV cell, as Flink's csv format writes it; NULL as the text `null`.
pub(super) fn csv_cell(value: Value, null: &str) -> String {
    match value {
        Value::Null => null.to_string(),
        Value::Utf8(s) => s,
        // Flink's csv format writes a DECIMAL as its JSON format does.
        Value::Decimal(v, t) => {
            let mut text = String::new();
            let _ = crate::types::decimal::write_in_file(&mut text, v, t.scale);
            text
        }
        v => v.to_string(),
    }
}

/// Appends `"name":value` to a JSON object being written; a DECIMAL keeps its digits,
/// which a JSON value of the library would round to a double.
pub(super) fn json_field(line: &mut String, name: &str, value: &Value) {
    if !line.ends_with('{') {
        line.push(',');
    }
    line.push_str(&serde_json::Value::from(name).to_string());
    line.push(':');
    match value {
        Value::Decimal(v, t) => {
            let _ = crate::types::decimal::write_in_file(line, *v, t.scale);
        }
        other => line.push_str(&other.to_json().to_string()),
    }
}

/// Flushes a writer's buffers and gives back its file.
fn finish_writer(writer: Writer) -> std::io::Result<File> {
    let buffered = match writer {
        Writer::Csv(w) => w.into_inner().map_err(|e| e.into_error())?,
        Writer::Json(w) => w,
    };
    buffered.into_inner().map_err(|e| e.into_error())
}

impl Operator for FileSink {
    fn process(&mut self, _port: usize, batch: Batch, _out: &mut Outputs) -> OpResult {
        self.write(&batch)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    /// The job ended well: the rows written replace the target file, or go beside it when
    /// the run stopped before its input ended.
    fn finish(&mut self, _out: &mut Outputs) -> OpResult {
        if self.two_phase.is_some() {
            return self.finish_two_phase();
        }
        // Another task failed: a failed job leaves the previous output as it was.
        if self.failing() {
            self.staged = None;
            return Ok(());
        }
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
            checkpoint: None,
        });
        Ok(())
    }

    /// Pre-commits the rows so far under `checkpoint`; the state says what is pending.
    fn snapshot(&mut self, checkpoint: u64) -> OpResult<Option<Vec<u8>>> {
        if self.two_phase.is_none() {
            return Ok(None);
        }
        self.pre_commit(checkpoint).map_err(|e| self.error(e))?;
        Ok(self.two_phase.as_ref().map(TwoPhaseFile::snapshot))
    }

    fn restore(&mut self, states: &[Vec<u8>]) -> OpResult {
        let [state] = states else {
            return Err(format!(
                "a file sink runs as one instance, but the checkpoint has {} states of it",
                states.len()
            ));
        };
        // The part opened at the start may hold a header the target already has.
        self.staged = None;
        self.two_phase = Some(TwoPhaseFile::restore(&self.path, state)?);
        Ok(())
    }

    fn commit(&mut self, checkpoint: u64) -> OpResult {
        if let Some(t) = &mut self.two_phase {
            t.commit(checkpoint)
                .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        }
        Ok(())
    }

    fn awaits_commit(&self) -> bool {
        self.two_phase
            .as_ref()
            .is_some_and(TwoPhaseFile::has_pending)
    }
}
