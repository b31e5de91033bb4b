//! Reading and writing pipeline files (RON).

use std::fmt;
use std::path::Path;

use ron::extensions::Extensions;
use serde::Deserialize;

use super::{PipelineSpec, SPEC_VERSION};

/// Why a pipeline file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecError {
    /// The text is not a valid pipeline: a RON syntax error, an unknown field or node kind…
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The file was written by a newer Streamlab.
    Version { found: u32, supported: u32 },
    /// The file could not be read.
    Io { message: String },
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Syntax {
                line,
                column,
                message,
            } => write!(f, "line {line}, column {column}: {message}"),
            SpecError::Version { found, supported } => write!(
                f,
                "pipeline file version {found} is newer than this Streamlab supports \
                 (version {supported}); update Streamlab to open it"
            ),
            SpecError::Io { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for SpecError {}

/// `Some(…)` may be left out and `Kind((…))` written `Kind(…)`, so files stay readable.
fn options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// Only the version, read first so a newer file is refused by version, not by a field it adds.
#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

/// How deeply brackets may nest. The deepest pipeline part (a datagen field's kind) sits
/// about eight levels down; refusing deeper text before parsing keeps a hostile file from
/// costing seconds or the stack.
pub const MAX_NESTING: usize = 32;

/// Finds the first bracket nested deeper than [`MAX_NESTING`], outside strings and comments.
fn check_nesting(text: &str) -> Result<(), SpecError> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
            continue;
        }
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                    column += 1;
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => {
                // A line comment: skip to the end of the line.
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        column = 0;
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                // A block comment: skip past its end.
                let mut last = ' ';
                for c in chars.by_ref() {
                    column += 1;
                    if c == '\n' {
                        line += 1;
                        column = 0;
                    }
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(SpecError::Syntax {
                        line,
                        column,
                        message: format!(
                            "brackets nest more than {MAX_NESTING} deep; a pipeline file never needs that"
                        ),
                    });
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parses a pipeline from RON text.
pub fn parse(text: &str) -> Result<PipelineSpec, SpecError> {
    check_nesting(text)?;
    if let Ok(probe) = options().from_str::<VersionProbe>(text) {
        if probe.version > SPEC_VERSION {
            return Err(SpecError::Version {
                found: probe.version,
                supported: SPEC_VERSION,
            });
        }
        if probe.version == 0 {
            return Err(SpecError::Syntax {
                line: 1,
                column: 1,
                message: "version 0 does not exist; pipeline files start at version 1".into(),
            });
        }
    }
    options()
        .from_str(text)
        .map_err(|e: ron::error::SpannedError| SpecError::Syntax {
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })
}

/// Reads a pipeline file.
pub fn load_file(path: &Path) -> Result<PipelineSpec, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|e| SpecError::Io {
        message: format!("cannot read {}: {e}", path.display()),
    })?;
    parse(&text)
}

/// The pipeline as pretty RON text, ready to save.
pub fn to_ron(spec: &PipelineSpec) -> String {
    let pretty = ron::ser::PrettyConfig::default()
        .struct_names(false)
        .indentor("  ".to_string());
    let mut text = options()
        .to_string_pretty(spec, pretty)
        .expect("a pipeline spec always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::*;

    fn sample() -> PipelineSpec {
        let mut spec = PipelineSpec::new("sample");
        spec.nodes = vec![
            NodeSpec::new("gen", NodeKind::Datagen(DatagenConfig::default())),
            NodeSpec::new(
                "big",
                NodeKind::Filter(FilterConfig {
                    condition: "value > 50".into(),
                }),
            ),
            NodeSpec::new("out", NodeKind::Console(ConsoleConfig::default())),
        ];
        spec.edges = vec![EdgeSpec::new("gen", "big"), EdgeSpec::new("big", "out")];
        spec.layout
            .nodes
            .insert("gen".into(), Position { x: 10.0, y: 20.0 });
        spec
    }

    #[test]
    fn round_trips_through_text() {
        let spec = sample();
        let text = to_ron(&spec);
        assert_eq!(parse(&text).unwrap(), spec);
        assert!(text.contains("Filter(\n"), "{text}");
        assert!(!text.contains("Some("), "{text}");
    }

    #[test]
    fn reports_line_and_column_of_a_syntax_error() {
        let text = "(\n  version: 1,\n  nodes: [\n    (id: \"a\", kind: Bogus()),\n  ],\n)";
        match parse(text) {
            Err(SpecError::Syntax {
                line,
                column,
                message,
            }) => {
                assert_eq!(line, 4);
                assert!(column > 10, "column {column}");
                assert!(message.contains("Bogus"), "{message}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn refuses_a_newer_version_by_name() {
        let text = "(version: 99, nodes: [], new_field_of_the_future: 3)";
        let err = parse(text).unwrap_err();
        assert_eq!(
            err,
            SpecError::Version {
                found: 99,
                supported: SPEC_VERSION
            }
        );
        assert!(err.to_string().contains("version 99"));
    }

    #[test]
    fn refuses_version_zero() {
        let err = parse("(version: 0, nodes: [])").unwrap_err().to_string();
        assert!(err.contains("version 0"), "{err}");
    }

    #[test]
    fn names_a_misspelt_field() {
        let text = "(version: 1, nodes: [(id: \"f\", kind: Filter(conditon: \"x\"))])";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("conditon"), "{err}");
        assert!(err.starts_with("line 1, column"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("(version: 1, nodes: [], x: {}", "Some(".repeat(200_000));
        match parse(&deep) {
            Err(SpecError::Syntax { line, message, .. }) => {
                assert_eq!(line, 1);
                assert!(message.contains("nest more than"), "{message}");
            }
            other => panic!("expected a nesting error, got {other:?}"),
        }
        // Brackets inside strings and comments do not count.
        let text = format!(
            "(version: 1, // {}\n nodes: [(id: \"{}\", kind: Console())])",
            "(".repeat(100),
            "[".repeat(100)
        );
        assert!(parse(&text).is_ok(), "{:?}", parse(&text));
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = load_file(Path::new("/no/such/pipeline.ron")).unwrap_err();
        assert!(err.to_string().contains("/no/such/pipeline.ron"), "{err}");
    }
}
