//! Validation through the public API: every problem `analyze` reports names the right node
//! (and column), has the right severity and says what is wrong; schemas propagate along edges;
//! one mistake gives one problem, not a cascade.

use engine::spec::*;
use engine::types::{DataType, Field, Schema};
use engine::validate::{Analysis, Problem, Severity, analyze, validate};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A bounded source with columns `auction BIGINT, price BIGINT, channel STRING, ok BOOLEAN`.
const GEN: &str = r#"(id: "gen", kind: Datagen(fields: [
    (name: "auction", type: Int64, kind: Sequence(start: 1, end: 100)),
    (name: "price", type: Int64, kind: Random(min: 1.0, max: 1000.0)),
    (name: "channel", type: Utf8, kind: Random(length: 8)),
    (name: "ok", type: Bool),
]))"#;

/// A second source with the same columns as `GEN`.
const GEN2: &str = r#"(id: "gen2", kind: Datagen(fields: [
    (name: "auction", type: Int64, kind: Sequence(start: 1, end: 100)),
    (name: "price", type: Int64, kind: Random(min: 1.0, max: 1000.0)),
    (name: "channel", type: Utf8, kind: Random(length: 8)),
    (name: "ok", type: Bool),
]))"#;

const OUT: &str = r#"(id: "out", kind: Console())"#;

fn spec(text: &str) -> PipelineSpec {
    parse(text).unwrap_or_else(|e| panic!("test pipeline does not parse: {e}\n{text}"))
}

/// A pipeline from the RON of its nodes and edges (`(from: "a", to: "b"), …`).
fn pipeline(nodes: &[&str], edges: &str) -> PipelineSpec {
    spec(&format!(
        "(version: 1, nodes: [{}], edges: [{edges}])",
        nodes.join(",\n")
    ))
}

/// A pipeline with extra job settings, e.g. `parallelism: 2`.
fn pipeline_with_job(nodes: &[&str], edges: &str, job: &str) -> PipelineSpec {
    spec(&format!(
        "(version: 1, nodes: [{}], edges: [{edges}], job: ({job}))",
        nodes.join(",\n")
    ))
}

fn analyze_nodes(nodes: &[&str], edges: &str) -> Analysis {
    analyze(&pipeline(nodes, edges))
}

/// `gen → <node id "x"> → out`: the one node under test between a valid source and a sink.
fn between(node: &str) -> Analysis {
    analyze_nodes(
        &[GEN, node, OUT],
        r#"(from: "gen", to: "x"), (from: "x", to: "out")"#,
    )
}

fn dump(a: &Analysis) -> String {
    a.problems
        .iter()
        .map(|p| format!("  {p:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one and only problem of the analysis.
fn sole(a: &Analysis) -> &Problem {
    assert_eq!(
        a.problems.len(),
        1,
        "expected exactly one problem, got:\n{}",
        dump(a)
    );
    &a.problems[0]
}

/// Asserts where a problem is, how bad it is and that its message has all of `words`.
#[track_caller]
fn check(
    p: &Problem,
    severity: Severity,
    node: Option<&str>,
    column: Option<&str>,
    words: &[&str],
) {
    assert_eq!(p.severity, severity, "{p:?}");
    assert_eq!(p.node.as_deref(), node, "{p:?}");
    assert_eq!(p.column.as_deref(), column, "{p:?}");
    for word in words {
        assert!(p.message.contains(word), "`{word}` missing from {p:?}");
    }
}

/// The one problem whose message contains `word`.
#[track_caller]
fn find<'a>(a: &'a Analysis, word: &str) -> &'a Problem {
    let found: Vec<&Problem> = a
        .problems
        .iter()
        .filter(|p| p.message.contains(word))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one problem saying `{word}`, got:\n{}",
        dump(a)
    );
    found[0]
}

/// Nodes that have at least one problem, sorted.
fn nodes_with_problems(a: &Analysis) -> Vec<Option<String>> {
    let mut nodes: Vec<Option<String>> = a.problems.iter().map(|p| p.node.clone()).collect();
    nodes.sort();
    nodes.dedup();
    nodes
}

fn gen_schema() -> Schema {
    Schema::new(vec![
        Field::new("auction", DataType::Int64),
        Field::new("price", DataType::Int64),
        Field::new("channel", DataType::Utf8),
        Field::new("ok", DataType::Bool),
    ])
}

fn datagen(fields: &str) -> String {
    format!(r#"(id: "x", kind: Datagen(fields: [{fields}]))"#)
}

/// A datagen node `x` feeding `out`, to check the datagen's own configuration.
fn datagen_alone(fields: &str) -> Analysis {
    analyze_nodes(&[&datagen(fields), OUT], r#"(from: "x", to: "out")"#)
}

fn file_source(config: &str) -> String {
    format!(r#"(id: "src", kind: FileSource({config}))"#)
}

const FILE_SCHEMA: &str = r#"schema: [(name: "ts", type: Timestamp), (name: "name", type: Utf8), (name: "ms", type: Int64)]"#;

// ---------------------------------------------------------------------------------------------
// The baseline: the helpers' pipelines are valid
// ---------------------------------------------------------------------------------------------

#[test]
fn a_well_formed_pipeline_has_no_problems() {
    let a = between(r#"(id: "x", kind: Filter(condition: "price > 10 AND ok"))"#);
    assert!(a.problems.is_empty(), "{}", dump(&a));
    assert!(a.is_valid());
    let s = pipeline(
        &[
            GEN,
            r#"(id: "x", kind: Filter(condition: "price > 10"))"#,
            OUT,
        ],
        r#"(from: "gen", to: "x"), (from: "x", to: "out")"#,
    );
    let ok = validate(&s).expect("valid pipeline");
    assert_eq!(ok.order, ["gen", "x", "out"]);
}

// ---------------------------------------------------------------------------------------------
// Edges
// ---------------------------------------------------------------------------------------------

#[test]
fn dangling_edge_to_a_missing_node_is_reported_on_its_source() {
    let a = analyze_nodes(
        &[GEN, OUT],
        r#"(from: "gen", to: "out"), (from: "gen", to: "ghost")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("gen"),
        None,
        &["dangling", "no node `ghost`", "`gen` → `ghost`"],
    );
    assert!(
        validate(&pipeline(
            &[GEN, OUT],
            r#"(from: "gen", to: "ghost"), (from: "gen", to: "out")"#
        ))
        .is_err()
    );
}

#[test]
fn dangling_edge_from_a_missing_node_is_reported_on_its_target() {
    // A union still has a valid input from `gen`, so the dangling edge is the only mistake.
    let a = analyze_nodes(
        &[GEN, r#"(id: "u", kind: Union())"#, OUT],
        r#"(from: "gen", to: "u"), (from: "ghost", to: "u"), (from: "u", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("u"),
        None,
        &["dangling", "no node `ghost`", "`ghost` → `u`"],
    );
}

#[test]
fn edge_between_two_missing_nodes_belongs_to_the_pipeline() {
    let a = analyze_nodes(
        &[GEN, OUT],
        r#"(from: "gen", to: "out"), (from: "ghost", to: "phantom")"#,
    );
    let dangling: Vec<&Problem> = a
        .problems
        .iter()
        .filter(|p| p.message.contains("dangling"))
        .collect();
    assert_eq!(dangling.len(), 2, "{}", dump(&a));
    for p in dangling {
        check(p, Severity::Error, None, None, &["`ghost` → `phantom`"]);
    }
}

#[test]
fn unknown_input_port_is_reported_on_the_target() {
    let a = analyze_nodes(
        &[
            GEN,
            r#"(id: "x", kind: Filter(condition: "price > 1"))"#,
            OUT,
        ],
        r#"(from: "gen", to: "x", to_port: "left"), (from: "x", to: "out")"#,
    );
    check(
        find(&a, "no input port"),
        Severity::Error,
        Some("x"),
        None,
        &["no input port `left`", "ports: in"],
    );
    assert_eq!(
        nodes_with_problems(&a),
        [Some("x".to_string())],
        "{}",
        dump(&a)
    );
}

#[test]
fn unknown_output_port_is_reported_on_the_source() {
    let a = analyze_nodes(
        &[GEN, OUT],
        r#"(from: "gen", from_port: "errors", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("gen"),
        None,
        &["no output port `errors`", "ports: out"],
    );
}

#[test]
fn edge_into_a_source_or_out_of_a_sink_is_refused() {
    let a = analyze_nodes(
        &[GEN, GEN2, OUT],
        r#"(from: "gen", to: "out"), (from: "out", to: "gen2")"#,
    );
    check(
        find(&a, "has no output"),
        Severity::Error,
        Some("out"),
        None,
        &["a Console has no output"],
    );
    check(
        find(&a, "takes no input"),
        Severity::Error,
        Some("gen2"),
        None,
        &["a Datagen takes no input"],
    );
}

#[test]
fn self_loop_and_repeated_edge_are_errors() {
    let a = analyze_nodes(
        &[GEN, r#"(id: "u", kind: Union())"#, OUT],
        r#"(from: "gen", to: "u"), (from: "u", to: "u"), (from: "u", to: "out"), (from: "u", to: "out")"#,
    );
    check(
        find(&a, "itself"),
        Severity::Error,
        Some("u"),
        None,
        &["`u` → `u`"],
    );
    check(
        find(&a, "appears twice"),
        Severity::Error,
        Some("out"),
        None,
        &["`u` → `out`"],
    );
}

// ---------------------------------------------------------------------------------------------
// Cycles and connections
// ---------------------------------------------------------------------------------------------

#[test]
fn a_cycle_names_every_node_in_it() {
    // gen → a (union) → b (filter) → a; the sink hangs off the source, outside the loop.
    let a = analyze_nodes(
        &[
            GEN,
            r#"(id: "a", kind: Union())"#,
            r#"(id: "b", kind: Filter(condition: "price > 1"))"#,
            OUT,
        ],
        r#"(from: "gen", to: "a"), (from: "a", to: "b"), (from: "b", to: "a"), (from: "gen", to: "out")"#,
    );
    assert_eq!(a.problems.len(), 2, "{}", dump(&a));
    for id in ["a", "b"] {
        let mine: Vec<&Problem> = a.problems_of(id).collect();
        assert_eq!(mine.len(), 1, "{}", dump(&a));
        check(
            mine[0],
            Severity::Error,
            Some(id),
            None,
            &["cycle", "a, b", "must not loop"],
        );
    }
    assert!(a.order.is_empty(), "order with a cycle: {:?}", a.order);
}

#[test]
fn a_node_after_a_cycle_is_not_called_part_of_it() {
    // gen → a → b → a, and b → out. `out` is fed by the loop but is not in it.
    let a = analyze_nodes(
        &[
            GEN,
            r#"(id: "a", kind: Union())"#,
            r#"(id: "b", kind: Filter(condition: "price > 1"))"#,
            OUT,
        ],
        r#"(from: "gen", to: "a"), (from: "a", to: "b"), (from: "b", to: "a"), (from: "b", to: "out")"#,
    );
    assert_eq!(a.problems_of("out").count(), 0, "{}", dump(&a));
    for p in &a.problems {
        assert!(!p.message.contains("out"), "{p:?}");
    }
}

#[test]
fn a_transform_without_input_is_an_error_on_it() {
    let a = analyze_nodes(
        &[
            GEN,
            OUT,
            r#"(id: "x", kind: Map(columns: ["1 AS one"]))"#,
            r#"(id: "out2", kind: Blackhole())"#,
        ],
        r#"(from: "gen", to: "out"), (from: "x", to: "out2")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        None,
        &["has no input", "`in` port"],
    );
}

#[test]
fn a_sink_without_input_is_an_error_on_it() {
    let a = analyze_nodes(
        &[GEN, OUT, r#"(id: "out2", kind: Blackhole())"#],
        r#"(from: "gen", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("out2"),
        None,
        &["sink has no input", "`in` port"],
    );
}

#[test]
fn two_edges_into_a_filter_is_an_error() {
    let a = analyze_nodes(
        &[
            GEN,
            GEN2,
            r#"(id: "x", kind: Filter(condition: "price > 1"))"#,
            OUT,
        ],
        r#"(from: "gen", to: "x"), (from: "gen2", to: "x"), (from: "x", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        None,
        &["takes one stream but 2 are connected", "Union"],
    );
}

#[test]
fn two_edges_into_a_union_are_fine() {
    let s = pipeline(
        &[GEN, GEN2, r#"(id: "u", kind: Union())"#, OUT],
        r#"(from: "gen", to: "u"), (from: "gen2", to: "u"), (from: "u", to: "out")"#,
    );
    let a = validate(&s).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(a.problems.is_empty(), "{}", dump(&a));
    assert_eq!(*a.outputs["u"].schema, gen_schema());
    assert_eq!(a.outputs["u"].keys, None);
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_column_in_a_filter_condition() {
    let a = between(r#"(id: "x", kind: Filter(condition: "bid > 10"))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("bid"),
        &[
            "condition",
            "unknown column `bid`",
            "available columns: auction, price, channel, ok",
        ],
    );
}

#[test]
fn unknown_column_in_a_map_expression_names_the_item() {
    let a = between(r#"(id: "x", kind: Map(columns: ["price", "bid * 2 AS twice"]))"#);
    let p = sole(&a);
    check(
        p,
        Severity::Error,
        Some("x"),
        Some("bid"),
        &["column 2", "unknown column `bid`"],
    );
    assert!(p.message.starts_with("column 2:"), "{p:?}");
}

#[test]
fn unknown_key_by_column() {
    let a = between(r#"(id: "x", kind: KeyBy(columns: ["auction", "bidder"]))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("bidder"),
        &[
            "unknown key column `bidder`",
            "available columns: auction, price",
        ],
    );
}

#[test]
fn type_mismatch_names_the_column() {
    let a = between(r#"(id: "x", kind: Map(columns: ["auction", "price + 'x' AS bad"]))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("price"),
        &["column 2", "cannot apply `+` to BIGINT and STRING"],
    );
}

#[test]
fn type_mismatch_in_a_filter_names_the_column() {
    let a = between(r#"(id: "x", kind: Filter(condition: "price + 'x' > 1"))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("price"),
        &["condition", "cannot apply `+` to BIGINT and STRING"],
    );
}

#[test]
fn a_non_boolean_filter_condition_is_an_error() {
    let a = between(r#"(id: "x", kind: Filter(condition: "price * 2"))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("price"),
        &["condition", "expected a BOOLEAN condition, found BIGINT"],
    );
}

#[test]
fn an_expression_that_does_not_parse() {
    let a = between(r#"(id: "x", kind: Map(columns: ["price +"]))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        None,
        &["column 1", "could not parse `price +`"],
    );
    let a = between(r#"(id: "x", kind: Filter(condition: "price +"))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        None,
        &["condition", "could not parse `price +`"],
    );
}

#[test]
fn an_empty_filter_condition_or_map_is_an_error() {
    let a = between(r#"(id: "x", kind: Filter(condition: ""))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        None,
        &["condition", "empty"],
    );
    let a = between(r#"(id: "x", kind: Map(columns: []))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        None,
        &["at least one column"],
    );
    let a = between(r#"(id: "x", kind: KeyBy(columns: []))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        None,
        &["at least one key column"],
    );
}

#[test]
fn a_key_column_listed_twice() {
    // As the schema spells it, whatever the case it was written in.
    let a = between(r#"(id: "x", kind: KeyBy(columns: ["auction", "AUCTION"]))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("auction"),
        &["key column `auction` is listed twice"],
    );
}

#[test]
fn duplicate_output_names_in_a_map() {
    // Names compare without regard to case, as SQL identifiers do.
    let a = between(r#"(id: "x", kind: Map(columns: ["price", "auction", "price * 2 AS PRICE"]))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("PRICE"),
        &["column 3", "the name `PRICE` is used twice", "AS"],
    );
}

// ---------------------------------------------------------------------------------------------
// Node ids
// ---------------------------------------------------------------------------------------------

#[test]
fn duplicate_node_ids() {
    let a = analyze_nodes(
        &[GEN, OUT, r#"(id: "out", kind: Blackhole())"#],
        r#"(from: "gen", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("out"),
        None,
        &["two nodes have this id", "unique"],
    );
}

#[test]
fn duplicate_ids_that_are_not_adjacent_do_not_panic() {
    // `a` is ready twice in the topological sort, so its edge is counted off twice.
    let s = pipeline(
        &[
            r#"(id: "a", kind: Datagen())"#,
            r#"(id: "b", kind: Datagen())"#,
            r#"(id: "a", kind: Datagen())"#,
            r#"(id: "u", kind: Union())"#,
            OUT,
        ],
        r#"(from: "a", to: "u"), (from: "b", to: "u"), (from: "u", to: "out")"#,
    );
    let a = std::panic::catch_unwind(|| analyze(&s)).expect("analyze panicked");
    check(
        find(&a, "two nodes have this id"),
        Severity::Error,
        Some("a"),
        None,
        &["unique"],
    );
}

#[test]
fn an_empty_node_id_is_an_error() {
    let a = analyze_nodes(
        &[
            GEN,
            OUT,
            r#"(id: " ", kind: Filter(condition: "price > 1"))"#,
        ],
        r#"(from: "gen", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        None,
        None,
        &["a Filter node has an empty id"],
    );
}

// ---------------------------------------------------------------------------------------------
// Union
// ---------------------------------------------------------------------------------------------

#[test]
fn union_inputs_with_different_schemas() {
    let other = r#"(id: "gen2", kind: Datagen(fields: [
        (name: "auction", type: Int64, kind: Sequence(start: 1, end: 100)),
        (name: "price", type: Float64),
    ]))"#;
    let a = analyze_nodes(
        &[GEN, other, r#"(id: "u", kind: Union())"#, OUT],
        r#"(from: "gen", to: "u"), (from: "gen2", to: "u"), (from: "u", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("u"),
        None,
        &[
            "same columns",
            "`gen` gives (auction BIGINT, price BIGINT, channel STRING, ok BOOLEAN)",
            "`gen2` gives (auction BIGINT, price DOUBLE)",
        ],
    );
    assert!(!a.outputs.contains_key("u"));
}

#[test]
fn union_schema_message_names_the_right_inputs_next_to_a_dangling_edge() {
    let other = r#"(id: "gen2", kind: Datagen(fields: [(name: "price", type: Float64)]))"#;
    let a = analyze_nodes(
        &[GEN, other, r#"(id: "u", kind: Union())"#, OUT],
        r#"(from: "ghost", to: "u"), (from: "gen", to: "u"), (from: "gen2", to: "u"), (from: "u", to: "out")"#,
    );
    check(
        find(&a, "same columns"),
        Severity::Error,
        Some("u"),
        None,
        &["`gen` gives (auction BIGINT", "`gen2` gives (price DOUBLE)"],
    );
}

// ---------------------------------------------------------------------------------------------
// Datagen
// ---------------------------------------------------------------------------------------------

#[test]
fn datagen_sequence_start_after_end() {
    let a = datagen_alone(r#"(name: "id", type: Int64, kind: Sequence(start: 10, end: 1))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("id"),
        &["field `id`", "sequence start 10 is after its end 1"],
    );
}

#[test]
fn datagen_min_greater_than_max() {
    let a = datagen_alone(r#"(name: "v", type: Float64, kind: Random(min: 5.0, max: 1.0))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("v"),
        &["field `v`", "min 5 is greater than max 1"],
    );
}

#[test]
fn datagen_null_rate_out_of_range() {
    for rate in ["1.5", "-0.1"] {
        let a = datagen_alone(&format!(
            r#"(name: "v", type: Int64, kind: Random(null_rate: {rate}))"#
        ));
        check(
            sole(&a),
            Severity::Error,
            Some("x"),
            Some("v"),
            &[
                "field `v`",
                &format!("null rate {rate} is not between 0 and 1"),
            ],
        );
    }
    for rate in ["0.0", "1.0", "0.25"] {
        let a = datagen_alone(&format!(
            r#"(name: "v", type: Int64, kind: Random(null_rate: {rate}))"#
        ));
        assert!(a.problems.is_empty(), "rate {rate}: {}", dump(&a));
    }
}

#[test]
fn datagen_sequence_on_a_boolean_field() {
    let a = datagen_alone(r#"(name: "flag", type: Bool, kind: Sequence(start: 0, end: 1))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("flag"),
        &["field `flag`", "a sequence cannot fill a BOOLEAN field"],
    );
}

#[test]
fn datagen_without_fields() {
    let a = datagen_alone("");
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        None,
        &["a Datagen needs at least one field"],
    );
}

#[test]
fn datagen_duplicate_field_and_zero_rate() {
    let a = analyze_nodes(
        &[
            r#"(id: "x", kind: Datagen(rows_per_second: 0, fields: [(name: "v", type: Int64), (name: "V", type: Utf8)]))"#,
            OUT,
        ],
        r#"(from: "x", to: "out")"#,
    );
    check(
        find(&a, "used twice"),
        Severity::Error,
        Some("x"),
        Some("V"),
        &["the field name `V`"],
    );
    check(
        find(&a, "rows per second"),
        Severity::Error,
        Some("x"),
        None,
        &["at least 1"],
    );
    assert_eq!(a.problems.len(), 2, "{}", dump(&a));
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

fn file_source_alone(config: &str) -> Analysis {
    analyze_nodes(&[&file_source(config), OUT], r#"(from: "src", to: "out")"#)
}

#[test]
fn a_valid_file_source_types_its_output() {
    for event_time in ["ts", "ms"] {
        let a = file_source_alone(&format!(
            r#"path: "in.csv", {FILE_SCHEMA}, event_time: "{event_time}""#
        ));
        assert!(a.problems.is_empty(), "{}", dump(&a));
        assert_eq!(
            a.outputs["src"].schema.names().collect::<Vec<_>>(),
            ["ts", "name", "ms"]
        );
    }
}

#[test]
fn file_source_unknown_event_time_column() {
    let a = file_source_alone(&format!(
        r#"path: "in.csv", {FILE_SCHEMA}, event_time: "when""#
    ));
    check(
        sole(&a),
        Severity::Error,
        Some("src"),
        Some("when"),
        &[
            "unknown event time column `when`",
            "available columns: ts, name, ms",
        ],
    );
}

#[test]
fn file_source_event_time_of_type_string() {
    let a = file_source_alone(&format!(
        r#"path: "in.csv", {FILE_SCHEMA}, event_time: "name""#
    ));
    check(
        sole(&a),
        Severity::Error,
        Some("src"),
        Some("name"),
        &[
            "event time column `name` is STRING",
            "TIMESTAMP(3) or BIGINT",
        ],
    );
}

#[test]
fn file_source_empty_path() {
    let a = file_source_alone(&format!(r#"path: "  ", {FILE_SCHEMA}"#));
    check(
        sole(&a),
        Severity::Error,
        Some("src"),
        None,
        &["the file path is empty"],
    );
}

#[test]
fn file_source_without_schema() {
    let a = file_source_alone(r#"path: "in.csv""#);
    check(
        sole(&a),
        Severity::Error,
        Some("src"),
        None,
        &["declare the file's columns"],
    );
}

#[test]
fn file_sink_empty_path() {
    let a = analyze_nodes(
        &[GEN, r#"(id: "sink", kind: FileSink(path: ""))"#],
        r#"(from: "gen", to: "sink")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("sink"),
        None,
        &["the file path is empty"],
    );
}

#[test]
fn file_source_with_parallelism_above_one() {
    let src =
        format!(r#"(id: "src", parallelism: 2, kind: FileSource(path: "in.csv", {FILE_SCHEMA}))"#);
    let a = analyze_nodes(&[&src, OUT], r#"(from: "src", to: "out")"#);
    check(
        sole(&a),
        Severity::Error,
        Some("src"),
        None,
        &[
            "a FileSource runs with parallelism 1",
            "set its parallelism to 1",
        ],
    );
}

#[test]
fn file_sink_with_parallelism_above_one() {
    let a = analyze_nodes(
        &[
            GEN,
            r#"(id: "sink", parallelism: 3, kind: FileSink(path: "out.csv"))"#,
        ],
        r#"(from: "gen", to: "sink")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("sink"),
        None,
        &["a FileSink runs with parallelism 1"],
    );
}

#[test]
fn file_nodes_run_single_unless_told_otherwise() {
    let sink_default = r#"(id: "sink", kind: FileSink(path: "out.csv"))"#;
    let spec = pipeline_with_job(
        &[GEN, sink_default],
        r#"(from: "gen", to: "sink")"#,
        "parallelism: 4",
    );
    let a = analyze(&spec);
    assert!(a.problems.is_empty(), "{}", dump(&a));
    assert_eq!(spec.parallelism_of(spec.node("sink").unwrap()), 1);
    assert_eq!(spec.parallelism_of(spec.node("gen").unwrap()), 4);
    let sink_two = r#"(id: "sink", parallelism: 2, kind: FileSink(path: "out.csv"))"#;
    let a = analyze(&pipeline_with_job(
        &[GEN, sink_two],
        r#"(from: "gen", to: "sink")"#,
        "parallelism: 4",
    ));
    check(
        sole(&a),
        Severity::Error,
        Some("sink"),
        None,
        &["a FileSink runs with parallelism 1"],
    );
}

#[test]
fn zero_node_parallelism_is_an_error() {
    let a = analyze_nodes(
        &[GEN, r#"(id: "out", parallelism: 0, kind: Console())"#],
        r#"(from: "gen", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("out"),
        None,
        &["parallelism is 0", "between 1 and 256"],
    );
}

// ---------------------------------------------------------------------------------------------
// Job settings and the pipeline as a whole
// ---------------------------------------------------------------------------------------------

#[test]
fn job_with_zero_parallelism() {
    let a = analyze(&pipeline_with_job(
        &[GEN, OUT],
        r#"(from: "gen", to: "out")"#,
        "parallelism: 0",
    ));
    check(
        sole(&a),
        Severity::Error,
        None,
        None,
        &["job parallelism is 0", "between 1 and 256"],
    );
}

#[test]
fn job_with_zero_batch_size() {
    let a = analyze(&pipeline_with_job(
        &[GEN, OUT],
        r#"(from: "gen", to: "out")"#,
        "batch_size: 0",
    ));
    check(
        sole(&a),
        Severity::Error,
        None,
        None,
        &["job batch size is 0", "between 1 and"],
    );
    let a = analyze(&pipeline_with_job(
        &[GEN, OUT],
        r#"(from: "gen", to: "out")"#,
        "channel_capacity: 0",
    ));
    check(
        sole(&a),
        Severity::Error,
        None,
        None,
        &["channel capacity is 0", "between 1 and"],
    );
}

#[test]
fn a_pipeline_without_a_sink() {
    let a = analyze_nodes(
        &[GEN, r#"(id: "x", kind: Filter(condition: "price > 1"))"#],
        r#"(from: "gen", to: "x")"#,
    );
    let errors: Vec<&Problem> = a.errors().collect();
    assert_eq!(errors.len(), 1, "{}", dump(&a));
    check(
        errors[0],
        Severity::Error,
        None,
        None,
        &["no sink", "Console, FileSink, Blackhole", "NatsSink"],
    );
}

#[test]
fn an_empty_pipeline() {
    let s = spec("(version: 1, nodes: [])");
    let a = analyze(&s);
    check(sole(&a), Severity::Error, None, None, &["no nodes"]);
    let errors = validate(&s).unwrap_err();
    assert_eq!(errors.len(), 1);
}

#[test]
fn an_unconnected_output_is_only_a_warning() {
    let s = pipeline(
        &[
            GEN,
            OUT,
            r#"(id: "x", kind: Filter(condition: "price > 1"))"#,
        ],
        r#"(from: "gen", to: "out"), (from: "gen", to: "x")"#,
    );
    let a = analyze(&s);
    check(
        sole(&a),
        Severity::Warning,
        Some("x"),
        None,
        &["not connected", "dropped"],
    );
    assert!(a.is_valid());
    assert_eq!(a.errors().count(), 0);
    assert!(sole(&a).to_string().starts_with("warning: node `x`:"));
    let ok = validate(&s).expect("a warning does not fail validation");
    assert_eq!(ok.problems.len(), 1, "the warning is kept: {}", dump(&ok));
    assert_eq!(ok.problems[0].severity, Severity::Warning);
    assert!(Severity::Warning < Severity::Error);
}

#[test]
fn validate_returns_only_the_errors() {
    // One warning (x's output) and one error (the sink's missing input).
    let s = pipeline(
        &[
            GEN,
            r#"(id: "x", kind: Filter(condition: "price > 1"))"#,
            OUT,
        ],
        r#"(from: "gen", to: "x")"#,
    );
    assert_eq!(analyze(&s).problems.len(), 2, "{}", dump(&analyze(&s)));
    let errors = validate(&s).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    check(
        &errors[0],
        Severity::Error,
        Some("out"),
        None,
        &["sink has no input"],
    );
}

// ---------------------------------------------------------------------------------------------
// No cascade
// ---------------------------------------------------------------------------------------------

#[test]
fn errors_do_not_cascade_past_a_broken_filter() {
    let a = analyze_nodes(
        &[
            GEN,
            r#"(id: "f", kind: Filter(condition: "nope > 1"))"#,
            r#"(id: "m", kind: Map(columns: ["price * 2 AS twice"]))"#,
            r#"(id: "k", kind: KeyBy(columns: ["twice"]))"#,
            OUT,
        ],
        r#"(from: "gen", to: "f"), (from: "f", to: "m"), (from: "m", to: "k"), (from: "k", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("f"),
        Some("nope"),
        &["unknown column `nope`"],
    );
    assert_eq!(a.problems_of("m").count(), 0);
    assert_eq!(a.problems_of("out").count(), 0);
    // A Filter keeps its input's columns whatever its condition, so checking goes on after it.
    for id in ["gen", "f", "m", "k"] {
        assert!(a.outputs.contains_key(id), "{id} should be typed");
    }
    // Every node is still in the order, sources first.
    assert_eq!(a.order, ["gen", "f", "m", "k", "out"]);
}

#[test]
fn problems_after_a_broken_filter_are_found_in_the_same_pass() {
    let a = analyze_nodes(
        &[
            GEN,
            r#"(id: "f", kind: Filter(condition: "nope > 1"))"#,
            r#"(id: "m", kind: Map(columns: ["price + 'x' AS bad"]))"#,
            OUT,
        ],
        r#"(from: "gen", to: "f"), (from: "f", to: "m"), (from: "m", to: "out")"#,
    );
    assert_eq!(a.problems_of("f").count(), 1);
    assert_eq!(a.problems_of("m").count(), 1);
    assert_eq!(a.problems.len(), 2, "{:?}", a.problems);
}

#[test]
fn errors_do_not_cascade_past_a_broken_source() {
    let a = analyze_nodes(
        &[
            r#"(id: "gen", kind: Datagen(fields: [(name: "id", type: Int64, kind: Sequence(start: 5, end: 1))]))"#,
            r#"(id: "m", kind: Map(columns: ["missing_everywhere"]))"#,
            OUT,
        ],
        r#"(from: "gen", to: "m"), (from: "m", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("gen"),
        Some("id"),
        &["sequence start 5"],
    );
    assert!(a.outputs.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Schema propagation
// ---------------------------------------------------------------------------------------------

#[test]
fn schemas_propagate_through_filter_key_by_and_map() {
    let s = pipeline(
        &[
            GEN,
            r#"(id: "f", kind: Filter(condition: "price > 10"))"#,
            r#"(id: "k", kind: KeyBy(columns: ["AUCTION"]))"#,
            r#"(id: "kf", kind: Filter(condition: "ok"))"#,
            r#"(id: "m", kind: Map(columns: [
                "auction",
                "0.908 * price AS price",
                "price * 2",
                "CAST(auction AS STRING) AS label",
                "price > 100 AS dear",
            ]))"#,
            OUT,
        ],
        r#"(from: "gen", to: "f"), (from: "f", to: "k"), (from: "k", to: "kf"), (from: "kf", to: "m"), (from: "m", to: "out")"#,
    );
    let a = validate(&s).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(a.problems.is_empty(), "{}", dump(&a));

    assert_eq!(*a.outputs["gen"].schema, gen_schema());
    assert_eq!(a.outputs["gen"].keys, None);
    // A filter passes its input's type through.
    assert_eq!(a.outputs["f"], a.outputs["gen"]);
    // KeyBy keeps the schema and names the key as the schema spells it.
    assert_eq!(*a.outputs["k"].schema, gen_schema());
    assert_eq!(a.outputs["k"].keys, Some(vec!["auction".to_string()]));
    // A filter on a keyed stream keeps the key.
    assert_eq!(a.outputs["kf"], a.outputs["k"]);
    // Map: an alias names a column, a bare column keeps its name, anything else is EXPR$<i>.
    use DataType::*;
    let expected = Schema::new(vec![
        Field::new("auction", Int64),
        // `0.908 * price`: DECIMAL(4, 3) times a BIGINT's DECIMAL(19, 0), as in Flink.
        Field::new(
            "price",
            Decimal {
                precision: 24,
                scale: 3,
            },
        ),
        Field::new("EXPR$2", Int64),
        Field::new("label", Utf8),
        Field::new("dear", Bool),
    ]);
    assert_eq!(*a.outputs["m"].schema, expected);
    assert_eq!(a.outputs["m"].keys, None, "a Map's output is not keyed");
    // Sinks have no output.
    assert!(!a.outputs.contains_key("out"));
    // What arrives at a node is its input's output.
    let t = s.topology();
    assert_eq!(a.input_schema(&t, "m").as_deref(), Some(&gen_schema()));
    assert_eq!(a.input_schema(&t, "out").as_deref(), Some(&expected));
    assert_eq!(a.input_schema(&t, "gen"), None);
}

#[test]
fn unnamed_expressions_are_numbered_by_position() {
    let a = between(r#"(id: "x", kind: Map(columns: ["price + 1", "auction", "price * 1.5"]))"#);
    assert!(a.problems.is_empty(), "{}", dump(&a));
    let fields = &a.outputs["x"].schema.fields;
    assert_eq!(
        fields.as_slice(),
        [
            Field::new("EXPR$0", DataType::Int64),
            Field::new("auction", DataType::Int64),
            Field::new(
                "EXPR$2",
                DataType::Decimal {
                    precision: 22,
                    scale: 1
                }
            ),
        ]
    );
}

#[test]
fn key_by_on_several_columns_keeps_their_order() {
    let a = between(r#"(id: "x", kind: KeyBy(columns: ["channel", "auction"]))"#);
    assert!(a.problems.is_empty(), "{}", dump(&a));
    assert_eq!(
        a.outputs["x"].keys,
        Some(vec!["channel".to_string(), "auction".to_string()])
    );
}

#[test]
fn nexmark_sources_have_the_benchmark_schema() {
    let a = analyze_nodes(
        &[r#"(id: "bids", kind: Nexmark(stream: Bid))"#, OUT],
        r#"(from: "bids", to: "out")"#,
    );
    assert!(a.problems.is_empty(), "{}", dump(&a));
    assert_eq!(
        a.outputs["bids"].schema.names().collect::<Vec<_>>(),
        [
            "auction", "bidder", "price", "channel", "url", "dateTime", "extra"
        ]
    );
    let a = analyze_nodes(
        &[
            r#"(id: "bids", kind: Nexmark(events: 0, base_time: "yesterday"))"#,
            OUT,
        ],
        r#"(from: "bids", to: "out")"#,
    );
    check(
        find(&a, "events must"),
        Severity::Error,
        Some("bids"),
        None,
        &["at least 1"],
    );
    check(
        find(&a, "base time"),
        Severity::Error,
        Some("bids"),
        None,
        &["`yesterday` is not a timestamp"],
    );
}

// ---------------------------------------------------------------------------------------------
// Analysis accessors
// ---------------------------------------------------------------------------------------------

#[test]
fn problems_of_returns_only_that_nodes_problems() {
    let a = analyze_nodes(
        &[
            GEN,
            r#"(id: "f", kind: Filter(condition: "nope > 1"))"#,
            r#"(id: "m", kind: Map(columns: ["x", "y"]))"#,
            OUT,
            r#"(id: "out2", kind: Blackhole())"#,
        ],
        r#"(from: "gen", to: "f"), (from: "f", to: "out"), (from: "gen", to: "m"), (from: "m", to: "out2")"#,
    );
    assert!(a.problems.len() >= 3, "{}", dump(&a));
    for id in ["gen", "f", "m", "out", "out2"] {
        let mine: Vec<&Problem> = a.problems_of(id).collect();
        let expected: Vec<&Problem> = a
            .problems
            .iter()
            .filter(|p| p.node.as_deref() == Some(id))
            .collect();
        assert_eq!(mine, expected, "problems of {id}");
    }
    assert_eq!(a.problems_of("f").count(), 1);
    assert_eq!(
        a.problems_of("m").count(),
        2,
        "one per unknown column: {}",
        dump(&a)
    );
    assert!(a.problems_of("m").all(|p| p.node.as_deref() == Some("m")));
    assert_eq!(a.problems_of("gen").count(), 0);
    assert_eq!(a.problems_of("no such node").count(), 0);
}

#[test]
fn order_lists_sources_first_and_each_node_after_its_inputs() {
    // Nodes are written sink first, so the order cannot just be the file's.
    let s = pipeline(
        &[
            OUT,
            r#"(id: "m", kind: Map(columns: ["price"]))"#,
            r#"(id: "u", kind: Union())"#,
            GEN2,
            r#"(id: "f", kind: Filter(condition: "ok"))"#,
            GEN,
        ],
        r#"(from: "m", to: "out"), (from: "u", to: "m"), (from: "f", to: "u"), (from: "gen2", to: "u"), (from: "gen", to: "f")"#,
    );
    let a = validate(&s).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(a.order.len(), 6, "{:?}", a.order);
    // Sources first, in the file's order.
    assert_eq!(a.order[..2], ["gen2", "gen"]);
    let pos = |id: &str| a.order.iter().position(|n| n == id).unwrap();
    for e in &s.edges {
        assert!(
            pos(&e.from) < pos(&e.to),
            "{} before {}: {:?}",
            e.from,
            e.to,
            a.order
        );
    }
    assert_eq!(a.order, ["gen2", "gen", "f", "u", "m", "out"]);
}

#[test]
fn oversized_job_settings_and_control_characters_are_refused() {
    let spec = engine::spec::parse(
        r#"(version: 1, nodes: [
            (id: "gen", parallelism: 100000, kind: Datagen(fields: [(name: "n", type: Int64)])),
            (id: "o\u{0}ut", kind: Blackhole()),
        ], edges: [(from: "gen", to: "o\u{0}ut")],
        job: (batch_size: 100000000000, channel_capacity: 10000000000))"#,
    )
    .unwrap();
    let messages: Vec<String> = analyze(&spec).errors().map(|p| p.to_string()).collect();
    let has = |needle: &str| messages.iter().any(|m| m.contains(needle));
    assert!(has("parallelism is 100000"), "{messages:?}");
    assert!(has("job batch size is 100000000000"), "{messages:?}");
    assert!(has("job channel capacity is 10000000000"), "{messages:?}");
    assert!(has("control character"), "{messages:?}");
}

#[test]
fn settings_whose_buffers_could_not_fit_in_memory_are_refused() {
    // Each limit alone is allowed; together they would take more memory than a job may use.
    let keyed = r#"(id: "key", kind: KeyBy(columns: ["auction"]))"#;
    let a = analyze(&pipeline_with_job(
        &[GEN, keyed, OUT],
        r#"(from: "gen", to: "key"), (from: "key", to: "out")"#,
        "parallelism: 2, batch_size: 1048576, channel_capacity: 512",
    ));
    check(
        sole(&a),
        Severity::Error,
        None,
        None,
        &[
            "could buffer about",
            "4 channels of 512 batches",
            "a quarter of this machine's",
        ],
    );
    // The same settings at the default capacity fit.
    let a = analyze(&pipeline_with_job(
        &[GEN, keyed, OUT],
        r#"(from: "gen", to: "key"), (from: "key", to: "out")"#,
        "parallelism: 2, batch_size: 1048576",
    ));
    assert!(a.is_valid(), "{}", dump(&a));
}

#[test]
fn only_the_channels_the_plan_makes_count() {
    // gen → out chains into one task: parallelism 256 opens no channel at all.
    let a = analyze(&pipeline_with_job(
        &[GEN, OUT],
        r#"(from: "gen", to: "out")"#,
        "parallelism: 256, channel_capacity: 65536",
    ));
    assert!(a.is_valid(), "{}", dump(&a));
    // Behind a KeyBy every instance sends to every instance: 256 × 256 channels.
    let keyed = r#"(id: "key", kind: KeyBy(columns: ["auction"]))"#;
    let a = analyze(&pipeline_with_job(
        &[GEN, keyed, OUT],
        r#"(from: "gen", to: "key"), (from: "key", to: "out")"#,
        "parallelism: 256, channel_capacity: 65536",
    ));
    check(
        sole(&a),
        Severity::Error,
        None,
        None,
        &["65536 channels of 65536 batches", "lower the batch size"],
    );
}

#[test]
fn a_job_needing_more_threads_than_the_machine_allows_is_refused() {
    // 20 KeyBy stages at parallelism 256: 21 tasks of 256 instances, 5,376 threads.
    let mut nodes = vec![GEN.to_string()];
    let mut edges = Vec::new();
    let mut last = "gen".to_string();
    for i in 0..20 {
        nodes.push(format!(
            r#"(id: "k{i}", kind: KeyBy(columns: ["auction"]))"#
        ));
        edges.push(format!(r#"(from: "{last}", to: "k{i}")"#));
        last = format!("k{i}");
    }
    nodes.push(OUT.to_string());
    edges.push(format!(r#"(from: "{last}", to: "out")"#));
    let node_refs: Vec<&str> = nodes.iter().map(String::as_str).collect();
    let a = analyze(&pipeline_with_job(
        &node_refs,
        &edges.join(", "),
        "parallelism: 256, batch_size: 16, channel_capacity: 1",
    ));
    let messages: Vec<String> = a.errors().map(|p| p.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("needs 5376 threads") && m.contains("lower the parallelism")),
        "{messages:?}"
    );
}

#[test]
fn a_huge_id_is_quoted_by_its_start() {
    let id = "x".repeat(1 << 20);
    let a = analyze(&pipeline(
        &[&format!(r#"(id: "{id}", kind: Console())"#)],
        "",
    ));
    let messages: Vec<String> = a.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("longer than 200 characters")),
        "{:?}",
        messages
            .iter()
            .map(|m| &m[..m.len().min(200)])
            .collect::<Vec<_>>()
    );
    for m in &messages {
        assert!(m.len() < 400, "a message of {} bytes", m.len());
    }
}

// ---------------------------------------------------------------------------------------------
// Windows and joins
// ---------------------------------------------------------------------------------------------

/// A source with event time `ts`, a user and an amount.
const TIMED: &str = r#"(id: "gen", kind: Datagen(fields: [
    (name: "ts", type: Timestamp, kind: Sequence(start: 0, end: 1000)),
    (name: "user", type: Int64, kind: Random(min: 1, max: 5)),
    (name: "amount", type: Int64, kind: Random(min: 1, max: 100)),
], event_time: "ts"))"#;

/// A second one, with `seller` for a key.
const TIMED2: &str = r#"(id: "gen2", kind: Datagen(fields: [
    (name: "ts", type: Timestamp, kind: Sequence(start: 0, end: 1000)),
    (name: "seller", type: Utf8, kind: Random(length: 3)),
], event_time: "ts"))"#;

fn window(config: &str) -> Analysis {
    analyze_nodes(
        &[TIMED, &format!(r#"(id: "w", kind: Window({config}))"#), OUT],
        r#"(from: "gen", to: "w"), (from: "w", to: "out")"#,
    )
}

#[test]
fn a_window_has_the_columns_of_flink_sqls_window_aggregation() {
    let a = analyze_nodes(
        &[
            TIMED,
            r#"(id: "k", kind: KeyBy(columns: ["user"]))"#,
            r#"(id: "w", kind: Window(window: Sliding(size_ms: 10000, slide_ms: 2000), aggregates: ["COUNT(*) AS n", "AVG(amount) AS mean", "MAX(ts)"]))"#,
            OUT,
        ],
        r#"(from: "gen", to: "k"), (from: "k", to: "w"), (from: "w", to: "out")"#,
    );
    assert!(a.is_valid(), "{}", dump(&a));
    let out = &a.outputs["w"];
    assert_eq!(
        out.schema.to_string(),
        "(window_start TIMESTAMP(3), window_end TIMESTAMP(3), user BIGINT, n BIGINT, mean BIGINT, EXPR$5 TIMESTAMP(3))"
    );
    assert_eq!(out.keys.as_deref(), Some(&["user".to_string()][..]));
    assert!(out.window.is_some());
    // The late rows keep the input's columns.
    assert_eq!(a.late["w"].schema, a.outputs["gen"].schema);
}

#[test]
fn window_mistakes_are_named_on_the_node() {
    let cases = [
        (
            "window: Session(gap_ms: 0)",
            "session gap must be at least 1 ms",
        ),
        (
            "window: Sliding(size_ms: 1000, slide_ms: 5000)",
            "slide (5000 ms) is larger than the size",
        ),
        ("window: Tumbling(size_ms: 0)", "size must be at least 1 ms"),
        (
            r#"aggregates: ["MEDIAN(amount)"]"#,
            "unknown aggregate `MEDIAN`",
        ),
        (r#"aggregates: ["SUM(nope)"]"#, "unknown column `nope`"),
        (
            r#"aggregates: ["COUNT(*) AS user2", "SUM(amount) AS user2"]"#,
            "two columns named `user2`",
        ),
        (
            "time: ProcessingTime, allowed_lateness_ms: 5",
            "allowed lateness applies to event time",
        ),
    ];
    for (config, says) in cases {
        let a = window(config);
        let p = find(&a, says);
        assert_eq!(p.node.as_deref(), Some("w"), "{config}");
    }
}

#[test]
fn a_window_needs_event_time_rows_that_are_only_added_and_a_key_to_run_parallel() {
    let a = analyze_nodes(
        &[GEN, r#"(id: "w", kind: Window())"#, OUT],
        r#"(from: "gen", to: "w"), (from: "w", to: "out")"#,
    );
    find(&a, "needs a stream with event time");
    // Processing time needs none.
    let a = analyze_nodes(
        &[GEN, r#"(id: "w", kind: Window(time: ProcessingTime))"#, OUT],
        r#"(from: "gen", to: "w"), (from: "w", to: "out")"#,
    );
    assert!(a.is_valid(), "{}", dump(&a));
    let a = analyze_nodes(
        &[
            TIMED,
            r#"(id: "w", kind: Window(allowed_lateness_ms: 100))"#,
            r#"(id: "w2", kind: Window())"#,
            OUT,
        ],
        r#"(from: "gen", to: "w"), (from: "w", to: "w2"), (from: "w2", to: "out")"#,
    );
    assert_eq!(
        find(&a, "rows that are only added").node.as_deref(),
        Some("w2")
    );
    let a = analyze(&pipeline_with_job(
        &[TIMED, r#"(id: "w", kind: Window())"#, OUT],
        r#"(from: "gen", to: "w"), (from: "w", to: "out")"#,
        "parallelism: 2",
    ));
    find(&a, "without a key runs as one instance");
}

fn join(config: &str, job: &str) -> Analysis {
    analyze(&pipeline_with_job(
        &[
            TIMED,
            TIMED2,
            &format!(r#"(id: "j", kind: Join({config}))"#),
            OUT,
        ],
        r#"(from: "gen", to: "j", to_port: "left"), (from: "gen2", to: "j", to_port: "right"), (from: "j", to: "out")"#,
        job,
    ))
}

#[test]
fn a_join_puts_the_window_then_the_left_then_the_right_columns() {
    let a = join("kind: Window(window: Tumbling(size_ms: 1000))", "");
    assert!(a.is_valid(), "{}", dump(&a));
    assert_eq!(
        a.outputs["j"].schema.to_string(),
        "(window_start TIMESTAMP(3), window_end TIMESTAMP(3), ts TIMESTAMP(3), user BIGINT, amount BIGINT, ts0 TIMESTAMP(3), seller STRING)"
    );
    let a = join("kind: Interval(before_ms: 10, after_ms: 10)", "");
    assert_eq!(
        a.outputs["j"].schema.to_string(),
        "(ts TIMESTAMP(3), user BIGINT, amount BIGINT, ts0 TIMESTAMP(3), seller STRING)"
    );
    assert_eq!(a.outputs["j"].time.as_ref().unwrap().column, "ts");
}

#[test]
fn join_mistakes_are_named_on_the_node() {
    let a = join(r#"keys: [(left: "user", right: "seller")]"#, "");
    find(&a, "is BIGINT on the left but `seller` is STRING");
    let a = join(r#"keys: [(left: "nope", right: "seller")]"#, "");
    find(&a, "unknown left key column `nope`");
    let a = join("kind: Window(window: Session(gap_ms: 10))", "");
    find(&a, "tumbling or sliding windows");
    let a = join("", "parallelism: 2");
    assert_eq!(
        a.errors()
            .filter(|p| p
                .message
                .contains("both inputs must be keyed by their join keys"))
            .count(),
        2,
        "{}",
        dump(&a)
    );
    // A Join with one input wired is told which is missing.
    let a = analyze_nodes(
        &[TIMED, r#"(id: "j", kind: Join())"#, OUT],
        r#"(from: "gen", to: "j", to_port: "left"), (from: "j", to: "out")"#,
    );
    find(&a, "connect a stream to its `right` port");
    // Inputs without event time.
    let a = analyze_nodes(
        &[GEN, GEN2, r#"(id: "j", kind: Join())"#, OUT],
        r#"(from: "gen", to: "j", to_port: "left"), (from: "gen2", to: "j", to_port: "right"), (from: "j", to: "out")"#,
    );
    find(&a, "the left input has no event time");
    find(&a, "the right input has no event time");
}

#[test]
fn a_keyby_runs_in_its_inputs_instances_unless_told_otherwise() {
    let spec = engine::spec::parse(
        r#"(version: 1, nodes: [
            (id: "file", kind: FileSource(path: "in.jsonl", format: JsonLines, schema: [(name: "k", type: Int64)])),
            (id: "by_k", kind: KeyBy(columns: ["k"])),
            (id: "again", kind: KeyBy(columns: ["k"])),
            (id: "wide", parallelism: 3, kind: KeyBy(columns: ["k"])),
            (id: "out", kind: Blackhole()),
        ], edges: [(from: "file", to: "by_k"), (from: "by_k", to: "again"), (from: "again", to: "wide"), (from: "wide", to: "out")],
        job: (parallelism: 4))"#,
    )
    .unwrap();
    let topology = spec.topology();
    for (id, expected) in [
        ("file", 1),
        ("by_k", 1),
        ("again", 1),
        ("wide", 3),
        ("out", 4),
    ] {
        let node = spec.node(id).unwrap();
        assert_eq!(spec.parallelism_of(node), expected, "{id}");
        assert_eq!(topology.parallelism_of(&spec, node), expected, "{id}");
    }
}

#[test]
fn datagen_decimal_sequences_are_refused() {
    let a =
        datagen_alone(r#"(name: "v", type: Decimal(10, 2), kind: Sequence(start: 1, end: 10))"#);
    check(
        sole(&a),
        Severity::Error,
        Some("x"),
        Some("v"),
        &["field `v`", "a sequence cannot fill a DECIMAL(10, 2) field"],
    );
    let a = datagen_alone(
        r#"(name: "v", type: Decimal(10, 2), kind: Random(min: Some(-5.0), max: Some(5.0)))"#,
    );
    assert!(a.problems.is_empty(), "{}", dump(&a));
}

// ---------------------------------------------------------------------------------------------
// Redis streams
// ---------------------------------------------------------------------------------------------

fn redis_source(config: &str) -> String {
    format!(
        r#"(id: "in", kind: RedisSource(schema: [(name: "id", type: Int64), (name: "ts", type: Timestamp)]{config}))"#
    )
}

/// `in` (a Redis source) → `out` (a Redis sink with `sink`).
fn redis_relay(source: &str, sink: &str) -> Analysis {
    analyze_nodes(
        &[
            &redis_source(source),
            &format!(r#"(id: "out", kind: RedisSink({sink}))"#),
        ],
        r#"(from: "in", to: "out")"#,
    )
}

#[test]
fn a_redis_relay_types_its_rows_and_its_entry_time() {
    let a = redis_relay(
        r#", stream: "orders", entry_time_column: "added", event_time: "added""#,
        r#"stream: "copies""#,
    );
    assert!(a.problems.is_empty(), "{}", dump(&a));
    let out = a.outputs.get("in").unwrap();
    assert_eq!(
        out.schema.names().collect::<Vec<_>>(),
        ["id", "ts", "added"]
    );
    assert_eq!(out.schema.fields[2].data_type, DataType::Timestamp);
    assert_eq!(out.time.as_ref().map(|t| t.column.as_str()), Some("added"));
}

#[test]
fn empty_redis_stream_keys_are_errors_on_their_nodes() {
    let a = redis_relay("", "");
    check(
        sole(&a),
        Severity::Error,
        Some("in"),
        None,
        &["stream key is empty"],
    );
    let a = analyze_nodes(
        &[GEN, r#"(id: "out", kind: RedisSink())"#],
        r#"(from: "gen", to: "out")"#,
    );
    check(
        sole(&a),
        Severity::Error,
        Some("out"),
        None,
        &["stream key is empty"],
    );
}

#[test]
fn redis_settings_that_cannot_work_are_errors_saying_why() {
    let bad_at = |source: &str, column: Option<&str>, word: &str| {
        let a = redis_relay(&format!(r#", stream: "s"{source}"#), r#"stream: "t""#);
        check(sole(&a), Severity::Error, Some("in"), column, &[word]);
    };
    let bad = |source: &str, word: &str| bad_at(source, None, word);
    bad(r#", url: "http://x""#, "is not a Redis URL");
    bad(r#", start: AtId("12-x")"#, "is not a stream entry id");
    bad(r#", start: AtTime("noon")"#, "is not a time");
    bad(r#", start: NewOnly, bounded: true"#, "would read none");
    bad(r#", field: " ""#, "payload field is empty");
    bad_at(r#", entry_time_column: "id""#, Some("id"), "used twice");
}

// ---------------------------------------------------------------------------------------------
// NATS JetStream
// ---------------------------------------------------------------------------------------------

/// `in` (a NATS source with `source`) → `out` (a NATS sink with `sink`).
fn nats_relay(source: &str, sink: &str) -> Analysis {
    analyze_nodes(
        &[
            &format!(
                r#"(id: "in", kind: NatsSource(schema: [(name: "id", type: Int64), (name: "ts", type: Timestamp)]{source}))"#
            ),
            &format!(r#"(id: "out", kind: NatsSink({sink}))"#),
        ],
        r#"(from: "in", to: "out")"#,
    )
}

#[test]
fn a_nats_relay_types_its_rows_and_its_message_time() {
    let a = nats_relay(
        r#", stream: "ORDERS", subject: "orders.>", message_time_column: "stored", event_time: "stored""#,
        r#"stream: "COPIES", subject: "copies.eu""#,
    );
    assert!(a.problems.is_empty(), "{}", dump(&a));
    let out = a.outputs.get("in").unwrap();
    assert_eq!(
        out.schema.names().collect::<Vec<_>>(),
        ["id", "ts", "stored"]
    );
    assert_eq!(out.schema.fields[2].data_type, DataType::Timestamp);
    assert_eq!(out.time.as_ref().map(|t| t.column.as_str()), Some("stored"));
}

#[test]
fn nats_settings_that_cannot_work_are_errors_saying_why() {
    // Good settings, but for the one each case gives.
    let bad_at = |source: &str, sink: &str, node: &str, column: Option<&str>, word: &str| {
        let source = match source.contains("stream:") {
            true => source.to_string(),
            false => format!(r#", stream: "S"{source}"#),
        };
        let sink = match sink.contains("subject:") {
            true => format!(r#"stream: "T"{sink}"#),
            false => format!(r#"stream: "T", subject: "t"{sink}"#),
        };
        let a = nats_relay(&source, &sink);
        check(sole(&a), Severity::Error, Some(node), column, &[word]);
    };
    let bad = |source: &str, word: &str| bad_at(source, "", "in", None, word);
    bad(r#", url: "http://x""#, "is not a NATS URL");
    bad(r#", stream: "a.b""#, "cannot name a JetStream stream");
    bad(r#", stream: """#, "stream's name is empty");
    bad(r#", subject: "a..b""#, "empty part");
    bad(r#", start: AtId("0")"#, "is not a stream sequence");
    bad(
        r#", start: AtId("1700000000000-0")"#,
        "is not a stream sequence",
    );
    bad(r#", start: AtTime("noon")"#, "is not a time");
    bad(r#", start: NewOnly, bounded: true"#, "would read none");
    bad_at(
        r#", message_time_column: "id""#,
        "",
        "in",
        Some("id"),
        "used twice",
    );
    let sink = |sink: &str, word: &str| bad_at("", sink, "out", None, word);
    sink(r#", subject: "t.*""#, "a row is published to one subject");
    sink(r#", subject: """#, "subject is empty");
    sink(r#", url: "redis://127.0.0.1:6379""#, "is not a NATS URL");
}

#[test]
fn a_redis_node_runs_as_one_instance() {
    let spec = pipeline_with_job(
        &[
            &redis_source(r#", stream: "s""#),
            r#"(id: "out", kind: RedisSink(stream: "t"))"#,
        ],
        r#"(from: "in", to: "out")"#,
        "parallelism: 4",
    );
    assert!(analyze(&spec).problems.is_empty());
    let mut spec = spec;
    spec.nodes[1].parallelism = Some(2);
    check(
        sole(&analyze(&spec)),
        Severity::Error,
        Some("out"),
        None,
        &["a RedisSink runs with parallelism 1"],
    );
}
