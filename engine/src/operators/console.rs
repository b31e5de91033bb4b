use std::collections::VecDeque;
use std::io::{ErrorKind, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Context, OpResult, Operator, Outputs};
use crate::spec::ConsoleConfig;
use crate::types::{Batch, RowKind, Value};

/// Where console sinks print: standard output for the CLI, a capture for the designer.
pub trait ConsoleWriter: Send + Sync {
    fn write_lines(&self, lines: &[String]) -> std::io::Result<()>;
}

/// Prints to standard output. A closed pipe (`streamlab run … | head`) silences it
/// instead of failing the job.
#[derive(Default)]
pub struct StdoutConsole {
    closed: AtomicBool,
}

impl StdoutConsole {
    /// Whoever read standard output has gone away.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }
}

impl ConsoleWriter for StdoutConsole {
    fn write_lines(&self, lines: &[String]) -> std::io::Result<()> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        let result = lines
            .iter()
            .try_for_each(|l| writeln!(out, "{l}"))
            .and_then(|_| out.flush());
        match result {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::Relaxed);
                Ok(())
            }
            other => other,
        }
    }
}

/// Keeps the most recent lines in memory, and counts all of them.
pub struct ConsoleCapture {
    capacity: usize,
    state: Mutex<(VecDeque<String>, u64)>,
}

impl ConsoleCapture {
    pub fn new(capacity: usize) -> Self {
        ConsoleCapture {
            capacity,
            state: Mutex::new((VecDeque::new(), 0)),
        }
    }

    /// The kept lines, oldest first.
    pub fn lines(&self) -> Vec<String> {
        self.state.lock().unwrap().0.iter().cloned().collect()
    }

    /// The kept lines and the count of all lines written, read together so they agree.
    pub fn lines_and_total(&self) -> (Vec<String>, u64) {
        let state = self.state.lock().unwrap();
        (state.0.iter().cloned().collect(), state.1)
    }

    /// Lines written since the start, including those no longer kept.
    pub fn total(&self) -> u64 {
        self.state.lock().unwrap().1
    }
}

impl ConsoleWriter for ConsoleCapture {
    fn write_lines(&self, lines: &[String]) -> std::io::Result<()> {
        let mut state = self.state.lock().unwrap();
        state.1 += lines.len() as u64;
        for line in lines {
            if state.0.len() == self.capacity {
                state.0.pop_front();
            }
            state.0.push_back(line.clone());
        }
        Ok(())
    }
}

/// Prints rows as Flink's print connector does: `[identifier[:subtask]> ]+I[a, b, c]`.
pub struct Console {
    prefix: String,
    ctx: Context,
}

impl Console {
    pub fn new(config: &ConsoleConfig, ctx: &Context) -> Self {
        let subtask = (ctx.parallelism > 1).then(|| (ctx.subtask + 1).to_string());
        let prefix = match (&config.print_identifier, subtask) {
            (Some(id), Some(n)) => format!("{id}:{n}> "),
            (Some(id), None) => format!("{id}> "),
            (None, Some(n)) => format!("{n}> "),
            (None, None) => String::new(),
        };
        Console {
            prefix,
            ctx: ctx.clone(),
        }
    }
}

/// A row as Flink prints it.
pub fn format_row(kind: RowKind, row: &[Value]) -> String {
    let cells: Vec<String> = row.iter().map(Value::to_string).collect();
    format!("{}[{}]", kind.short(), cells.join(", "))
}

impl Operator for Console {
    fn process(&mut self, _port: usize, batch: Batch, _out: &mut Outputs) -> OpResult {
        let lines: Vec<String> = (0..batch.num_rows())
            .map(|i| {
                format!(
                    "{}{}",
                    self.prefix,
                    format_row(batch.kind(i), &batch.row(i))
                )
            })
            .collect();
        self.ctx
            .console
            .write_lines(&lines)
            .map_err(|e| format!("cannot print to the console: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_keeps_the_latest_lines() {
        let capture = ConsoleCapture::new(2);
        capture
            .write_lines(&["a".into(), "b".into(), "c".into()])
            .unwrap();
        assert_eq!(capture.lines(), vec!["b", "c"]);
        assert_eq!(capture.total(), 3);
    }

    #[test]
    fn rows_print_like_flink() {
        let row = [
            Value::Int64(1),
            Value::Utf8("apple".into()),
            Value::Null,
            Value::Float64(2.5),
        ];
        assert_eq!(format_row(RowKind::Insert, &row), "+I[1, apple, NULL, 2.5]");
        assert_eq!(format_row(RowKind::UpdateBefore, &row[..1]), "-U[1]");
    }
}
