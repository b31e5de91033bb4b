//! Writing to the terminal without failing: a reader that has gone (`streamlab … | head`)
//! or a closed standard error ends nothing but the text, as Unix tools behave.

use std::fmt::Display;
use std::io::Write;

/// A line on standard output.
pub fn out(text: impl Display) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Text on standard output, without a line end.
pub fn out_raw(text: impl Display) {
    let mut stdout = std::io::stdout().lock();
    let _ = write!(stdout, "{text}");
    let _ = stdout.flush();
}

/// A line on standard error.
pub fn err(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Text on standard error, without a line end (progress rewritten in place).
pub fn err_raw(text: impl Display) {
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{text}");
    let _ = stderr.flush();
}
