//! The project's own fuzzing, run with the tests: mutated example pipelines through the parser
//! and validation, random expressions through the compiler and evaluator, and random bytes
//! through the CSV and JSON Lines readers. Each must give a result or an error, never a panic
//! (nor an operator's "internal error", which is a caught panic).

use std::sync::Arc;

use engine::expr::{CompiledExpr, Predicate};
use engine::operators::ConsoleCapture;
use engine::runtime::JobGraph;
use engine::spec::{FileFormat, parse};
use engine::types::{Batch, Column, DataType, Field, Schema, Values};
use engine::{JobError, JobHandle, RunOptions};
use proptest::prelude::*;
use streamlab_tests::example_files;

fn examples() -> Vec<String> {
    example_files()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

/// Text that mutations splice in: the tokens of pipeline files and the values that break them.
const PIPELINE_TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "Some(",
    "None",
    "0",
    "-1",
    "1e308",
    "NaN",
    "18446744073709551615",
    "-9223372036854775808",
    "99999999999999999999",
    "\"\"",
    "\"x\"",
    "id",
    "kind",
    "from",
    "to",
    "Filter",
    "Map",
    "KeyBy",
    "Union",
    "Console",
    "Blackhole",
    "Datagen",
    "Nexmark",
    "FileSource",
    "FileSink",
    "parallelism",
    "batch_size",
    "Sequence(start: 1, end: 3)",
    "Random(length: 5)",
    "\u{0}",
    "\u{feff}",
    "é",
    "//",
    "/*",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the byte range at this fraction of the text, this long, with a token.
    Replace(f64, usize, usize),
    /// Delete a range.
    Delete(f64, usize),
    /// Copy a range to another place.
    Duplicate(f64, usize, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0, 0usize..4, 0..PIPELINE_TOKENS.len())
            .prop_map(|(a, l, t)| Mutation::Replace(a, l, t)),
        (0.0..1.0, 1usize..40).prop_map(|(a, l)| Mutation::Delete(a, l)),
        (0.0..1.0, 1usize..60, 0.0..1.0).prop_map(|(a, l, b)| Mutation::Duplicate(a, l, b)),
    ]
}

/// The char boundary at or before `fraction` of `text`.
fn at(text: &str, fraction: f64) -> usize {
    let mut i = ((text.len() as f64) * fraction) as usize;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn end_of(text: &str, start: usize, len: usize) -> usize {
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut text = text.to_string();
    for m in mutations {
        match *m {
            Mutation::Replace(a, len, token) => {
                let start = at(&text, a);
                let end = end_of(&text, start, len);
                text.replace_range(start..end, PIPELINE_TOKENS[token]);
            }
            Mutation::Delete(a, len) => {
                let start = at(&text, a);
                let end = end_of(&text, start, len);
                text.replace_range(start..end, "");
            }
            Mutation::Duplicate(a, len, b) => {
                let start = at(&text, a);
                let end = end_of(&text, start, len);
                let piece = text[start..end].to_string();
                let to = at(&text, b);
                text.insert_str(to, &piece);
            }
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_examples_parse_and_validate_without_panic(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let examples = examples();
        let text = mutate(&examples[which.index(examples.len())], &mutations);
        if let Ok(spec) = parse(&text) {
            let analysis = engine::validate::analyze(&spec);
            let _ = engine::validate::check_files(&spec, &std::env::temp_dir());
            if analysis.is_valid() {
                let graph = JobGraph::build(&spec, &analysis);
                prop_assert!(graph.task_count() >= 1);
            }
        }
    }
}

/// Pieces of expressions over `a BIGINT, x DOUBLE, s STRING, b BOOLEAN, t TIMESTAMP(3)`.
const EXPR_TOKENS: &[&str] = &[
    "a",
    "x",
    "s",
    "b",
    "t",
    "1",
    "0",
    "-1",
    "2.5",
    "1e308",
    "9223372036854775807",
    "'abc'",
    "''",
    "'2024-01-01 00:00:00'",
    "NULL",
    "TRUE",
    "+",
    "-",
    "*",
    "/",
    "%",
    "=",
    "<>",
    "<",
    ">=",
    "AND",
    "OR",
    "NOT",
    "IS",
    "NULL",
    "(",
    ")",
    ",",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "CAST(",
    "AS",
    "BIGINT",
    "DOUBLE",
    "STRING",
    "BOOLEAN",
    "TIMESTAMP(3)",
    "DECIMAL(10, 2)",
    "TRY_CAST(",
    "ABS(",
    "FLOOR(",
    "CEIL(",
    "MOD(",
    "LOWER(",
    "UPPER(",
    "CONCAT(",
    "CHAR_LENGTH(",
    "COALESCE(",
    "BETWEEN",
    "IN",
    "LIKE",
    "||",
    "'%b%'",
];

fn sample_batch() -> (Schema, Batch) {
    let schema = Schema::new(vec![
        Field::new("a", DataType::Int64),
        Field::new("x", DataType::Float64),
        Field::new("s", DataType::Utf8),
        Field::new("b", DataType::Bool),
        Field::new("t", DataType::Timestamp),
    ]);
    let valid = Some(vec![true, false, true, true]);
    let batch = Batch::from_columns(vec![
        Column::with_validity(Values::Int64(vec![0, 1, i64::MIN, i64::MAX]), valid.clone()),
        Column::with_validity(
            Values::Float64(vec![0.0, -1.5, f64::NAN, 1e300]),
            valid.clone(),
        ),
        Column::with_validity(
            Values::Utf8(["", "b", "abc", "12"].into_iter().collect()),
            valid.clone(),
        ),
        Column::with_validity(Values::Bool(vec![true, false, true, false]), valid.clone()),
        Column::with_validity(
            Values::Timestamp(vec![0, -1, 1_700_000_000_000, i64::MAX]),
            valid,
        ),
    ]);
    (schema, batch)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_expressions_compile_and_evaluate_without_panic(
        tokens in prop::collection::vec(0..EXPR_TOKENS.len(), 1..30),
    ) {
        let text: Vec<&str> = tokens.iter().map(|t| EXPR_TOKENS[*t]).collect();
        let text = text.join(" ");
        let (schema, batch) = sample_batch();
        if let Ok(expr) = CompiledExpr::compile(&text, &schema) {
            let _ = expr.eval(&batch);
        }
        if let Ok(predicate) = Predicate::compile(&text, &schema) {
            let _ = predicate.eval_mask(&batch);
        }
    }
}

/// Pieces of CSV and JSON Lines text, and bytes that are not text at all.
const FILE_PIECES: &[&[u8]] = &[
    b",",
    b"\"",
    b"\"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"1",
    b"-",
    b".",
    b"e",
    b"9223372036854775808",
    b"true",
    b"FALSE",
    b"2024-01-01 00:00:00",
    b"2024-13-45 99:99:99",
    b" ",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"{",
    b"}",
    b":",
    b"[",
    b"]",
    b"null",
    b"\"n\"",
    b"\"s\"",
    b"\\",
    b"{\"n\": 1, \"s\": \"x\"}",
    b"n,s",
    b"\0",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn file_readers_give_rows_or_an_error_naming_the_file(
        pieces in prop::collection::vec(0..FILE_PIECES.len(), 0..80),
        json in any::<bool>(),
        header in any::<bool>(),
    ) {
        let dir = std::env::temp_dir().join(format!("streamlab-fuzz-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut bytes: Vec<u8> = if header && !json { b"n,s\n".to_vec() } else { Vec::new() };
        for p in &pieces {
            bytes.extend_from_slice(FILE_PIECES[*p]);
        }
        let name = if json { "in.jsonl" } else { "in.csv" };
        std::fs::write(dir.join(name), &bytes).unwrap();
        let format = if json { FileFormat::JsonLines } else { FileFormat::Csv };
        let text = format!(
            r#"(version: 1, nodes: [
                (id: "src", kind: FileSource(path: "{name}", format: {format:?}, schema: [
                    (name: "n", type: Int64), (name: "s", type: Utf8),
                ])),
                (id: "out", kind: Console()),
            ], edges: [(from: "src", to: "out")])"#
        );
        let options = RunOptions {
            base_dir: dir.clone(),
            console: Arc::new(ConsoleCapture::new(10)),
            ..Default::default()
        };
        let result = JobHandle::start(&parse(&text).unwrap(), options).and_then(|job| job.wait());
        match result {
            Ok(_) => {}
            Err(JobError::Failed { node, message }) => {
                prop_assert_eq!(node, "src");
                prop_assert!(message.contains(name), "{}", message);
                prop_assert!(!message.contains("internal error"), "{}", message);
            }
            Err(other) => prop_assert!(false, "{}", other),
        }
    }
}
