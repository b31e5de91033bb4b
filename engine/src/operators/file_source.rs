//! Reads CSV (with or without a header row) or JSON Lines files against a declared schema.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::rate::{Allowance, RateLimiter};
use super::{Context, OpResult, Source, SourceEvent, SourcePosition, text_value};
use crate::spec::{FileFormat, FileSourceConfig};
use crate::types::{Batch, ColumnBuilder, DataType, Schema};

enum Reader {
    /// The CSV reader, and for each schema column its position in a record.
    Csv(csv::Reader<BufReader<File>>, Vec<usize>),
    /// The file, and the byte offset of the next line.
    Json(BufReader<File>, u64),
}

/// Where a file source is: the byte offset of the next record and its line number.
#[derive(serde::Serialize, serde::Deserialize)]
struct Position {
    byte: u64,
    line: u64,
    record: u64,
}

/// One file source; it runs with parallelism 1.
pub struct FileSource {
    path: PathBuf,
    schema: Schema,
    reader: Reader,
    /// Line number of the last line read, for error messages.
    line: u64,
    batch_size: usize,
    null_literal: Option<String>,
    /// Paces the rows when the file is replayed at a rate.
    rate: Option<RateLimiter>,
}

/// For each schema column, its position in the file's header row.
fn header_positions(
    reader: &mut csv::Reader<BufReader<File>>,
    schema: &Schema,
    path: &std::path::Path,
) -> OpResult<Vec<usize>> {
    let header = reader
        .headers()
        .map_err(|e| format!("cannot read the header of {}: {e}", path.display()))?
        .clone();
    schema
        .fields
        .iter()
        .map(|f| {
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(&f.name))
                .ok_or_else(|| {
                    format!(
                        "{} has no column `{}` (its header: {})",
                        path.display(),
                        f.name,
                        header.iter().collect::<Vec<_>>().join(", ")
                    )
                })
        })
        .collect()
}

impl FileSource {
    pub fn open(config: &FileSourceConfig, ctx: &Context) -> OpResult<Self> {
        let path = ctx.resolve(&config.path);
        let file = File::open(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let schema = Schema::new(config.schema.clone());
        let reader = match config.format {
            FileFormat::Csv => {
                // Cells are kept exactly as written (quoted spaces are data); only the
                // header's names and the text of numbers, booleans and times are trimmed.
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(config.header)
                    .trim(csv::Trim::Headers)
                    .from_reader(BufReader::new(file));
                let positions = if config.header {
                    header_positions(&mut reader, &schema, &path)?
                } else {
                    (0..schema.len()).collect()
                };
                Reader::Csv(reader, positions)
            }
            FileFormat::JsonLines => Reader::Json(BufReader::new(file), 0),
        };
        Ok(FileSource {
            path,
            schema,
            reader,
            line: if config.format == FileFormat::Csv && config.header {
                1
            } else {
                0
            },
            batch_size: ctx.job.batch_size.max(1),
            null_literal: config.null_literal.clone(),
            rate: config
                .rows_per_second
                .map(|r| RateLimiter::new(r, Duration::from_millis(ctx.job.buffer_timeout_ms))),
        })
    }

    fn error(&self, column: Option<&str>, message: impl std::fmt::Display) -> String {
        match column {
            Some(c) => format!(
                "{} line {}, column `{c}`: {message}",
                self.path.display(),
                self.line
            ),
            None => format!("{} line {}: {message}", self.path.display(), self.line),
        }
    }

    /// Parses one CSV cell into `builder`: the null literal is NULL. Without one, as in
    /// Flink's csv format, no cell is NULL: an empty STRING cell is the empty string, and an
    /// empty cell of another type is an error.
    fn push_cell(&self, builder: &mut ColumnBuilder, column: &str, text: &str) -> OpResult {
        if self.null_literal.as_deref() == Some(text) {
            builder.push_null();
            return Ok(());
        }
        let data_type = builder.data_type();
        if data_type != DataType::Utf8 && text.trim().is_empty() {
            return Err(self.error(
                Some(column),
                format!(
                    "an empty cell is not a {data_type}; to read empty cells as NULL, set the \
                     node's null literal to the empty text (Flink's `csv.null-literal`)"
                ),
            ));
        }
        self.push_text(builder, column, text)
    }

    /// Parses text into `builder`'s type; text around a number, boolean or time may have
    /// spaces.
    fn push_text(&self, builder: &mut ColumnBuilder, column: &str, text: &str) -> OpResult {
        let value = text_value::from_text(builder.data_type(), text)
            .map_err(|e| self.error(Some(column), e))?;
        builder.push(&value);
        Ok(())
    }

    fn push_json(
        &self,
        builder: &mut ColumnBuilder,
        column: &str,
        json: Option<&serde_json::Value>,
    ) -> OpResult {
        let value = text_value::from_json(builder.data_type(), json)
            .map_err(|e| self.error(Some(column), e))?;
        builder.push(&value);
        Ok(())
    }

    fn read_batch(&mut self, limit: usize) -> OpResult<Vec<ColumnBuilder>> {
        let mut builders: Vec<ColumnBuilder> = self
            .schema
            .fields
            .iter()
            .map(|f| ColumnBuilder::new(f.data_type, self.batch_size))
            .collect();
        let names: Vec<String> = self.schema.names().map(str::to_string).collect();
        let mut record = csv::StringRecord::new();
        while builders[0].len() < limit {
            match &mut self.reader {
                Reader::Csv(reader, _) => {
                    let more = reader.read_record(&mut record).map_err(|e| {
                        // Name the line once, from the error's own position.
                        if let Some(p) = e.position() {
                            self.line = p.line();
                        }
                        let message = match e.kind() {
                            csv::ErrorKind::UnequalLengths {
                                expected_len, len, ..
                            } => format!("{len} fields where the first line has {expected_len}"),
                            _ => e.to_string(),
                        };
                        self.error(None, message)
                    })?;
                    if !more {
                        break;
                    }
                    self.line = record.position().map_or(self.line + 1, |p| p.line());
                    let Reader::Csv(_, positions) = &self.reader else {
                        unreachable!()
                    };
                    for ((builder, name), &at) in builders.iter_mut().zip(&names).zip(positions) {
                        self.push_cell(builder, name, record.get(at).unwrap_or(""))?;
                    }
                }
                Reader::Json(reader, offset) => {
                    let mut line = String::new();
                    let read = match reader.read_line(&mut line) {
                        Ok(read) => read,
                        Err(e) => return Err(self.error(None, e)),
                    };
                    if read == 0 {
                        break;
                    }
                    *offset += read as u64;
                    self.line += 1;
                    if line.ends_with('\n') {
                        line.pop();
                        if line.ends_with('\r') {
                            line.pop();
                        }
                    }
                    // A byte order mark may open the file, as the CSV reader allows too.
                    let line = match line.strip_prefix('\u{feff}') {
                        Some(rest) if self.line == 1 => rest.to_string(),
                        _ => line,
                    };
                    if line.trim().is_empty() {
                        continue;
                    }
                    let object: serde_json::Map<String, serde_json::Value> =
                        serde_json::from_str(&line)
                            .map_err(|e| self.error(None, format!("not a JSON object: {e}")))?;
                    for (builder, name) in builders.iter_mut().zip(&names) {
                        self.push_json(builder, name, object.get(name))?;
                    }
                }
            }
        }
        Ok(builders)
    }
}

impl Source for FileSource {
    fn snapshot(&mut self) -> OpResult<Option<SourcePosition>> {
        let position = match &self.reader {
            Reader::Csv(reader, _) => {
                let p = reader.position();
                Position {
                    byte: p.byte(),
                    line: self.line,
                    record: p.record(),
                }
            }
            Reader::Json(_, offset) => Position {
                byte: *offset,
                line: self.line,
                record: self.line,
            },
        };
        Ok(Some(SourcePosition {
            state: postcard::to_allocvec(&position).map_err(|e| e.to_string())?,
            describe: format!("byte {} (line {})", position.byte, position.line + 1),
        }))
    }

    fn restore(&mut self, state: &[u8]) -> OpResult {
        let position: Position = postcard::from_bytes(state)
            .map_err(|e| format!("the checkpoint's file position is not readable: {e}"))?;
        let length = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        if position.byte > length {
            return Err(format!(
                "{} is {length} bytes, shorter than the checkpoint's position (byte {}): \
                 the file changed since",
                self.path.display(),
                position.byte
            ));
        }
        let fail = |e: &dyn std::fmt::Display| {
            format!(
                "cannot go to byte {} of {}: {e}",
                position.byte,
                self.path.display()
            )
        };
        match &mut self.reader {
            Reader::Csv(reader, _) => {
                let mut at = csv::Position::new();
                at.set_byte(position.byte)
                    .set_line(position.line.max(1))
                    .set_record(position.record);
                reader.seek(at).map_err(|e| fail(&e))?;
            }
            Reader::Json(reader, offset) => {
                reader
                    .seek(SeekFrom::Start(position.byte))
                    .map_err(|e| fail(&e))?;
                *offset = position.byte;
            }
        }
        self.line = position.line;
        Ok(())
    }

    fn poll(&mut self) -> OpResult<SourceEvent> {
        // A replayed file's rows arrive when they fall due, and count as made then.
        let mut limit = self.batch_size;
        let mut made = None;
        if let Some(rate) = &mut self.rate {
            let now = Instant::now();
            match rate.allowance(limit, now) {
                Allowance::Rows(n) => {
                    limit = n;
                    made = Some(rate.next_due(now));
                }
                Allowance::Wait(d) => return Ok(SourceEvent::Idle(d)),
            }
        }
        let builders = self.read_batch(limit)?;
        let rows = builders[0].len();
        if rows == 0 {
            return Ok(SourceEvent::Finished);
        }
        if let Some(rate) = &mut self.rate {
            rate.emitted(rows, Instant::now());
        }
        let columns: Vec<_> = builders.into_iter().map(|b| Arc::new(b.finish())).collect();
        let mut batch = Batch::new(columns, rows);
        if let Some(made) = made {
            batch.set_created(crate::metrics::ns_at(made));
        }
        Ok(SourceEvent::Batch(batch))
    }
}
