//! Export to Apache Flink: a pipeline becomes a Flink SQL script (or a PyFlink job that runs
//! it) computing the same results. Every source and sink becomes a `CREATE TABLE`, every
//! other node a view over its inputs, and every sink an `INSERT INTO`, so the script reads
//! node by node like the canvas. A node Flink cannot express faithfully is an error naming
//! the node and why; what differs without changing results (rates, layout of files) is said
//! in a comment in the script.

mod pyflink;
mod queries;
mod settings;
pub(crate) mod sql_text;
mod tables;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::spec::{Category, DEFAULT_OUTPUT, NodeSpec, PipelineSpec, Topology, quote_id};
use crate::validate::{Analysis, PortType, analyze};

/// Choices the pipeline itself does not make.
#[derive(Clone, Debug, Default)]
pub struct FlinkOptions {
    /// The cluster has the Nexmark benchmark's `nexmark` connector, so Nexmark sources export
    /// to it.
    pub nexmark_connector: bool,
    /// Submit to the Flink cluster whose REST API is at this `host:port`, and return once
    /// the job is submitted, instead of running it in a local Flink.
    pub cluster: Option<String>,
}

/// One statement of the script, with the comment printed above it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    pub comment: Vec<String>,
    pub sql: String,
}

impl Statement {
    fn new(sql: String) -> Self {
        Statement {
            comment: Vec::new(),
            sql,
        }
    }

    fn noted(mut self, note: impl Into<String>) -> Self {
        self.comment.push(note.into());
        self
    }
}

/// A pipeline in Flink SQL: `SET` options, tables and views, and the inserts that run as one
/// job.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlinkScript {
    pub name: String,
    /// What differs in Flink without changing the results.
    pub notes: Vec<String>,
    pub settings: Vec<(String, String)>,
    /// The cluster the job is submitted to, if not run locally.
    pub cluster: Option<String>,
    pub definitions: Vec<Statement>,
    pub inserts: Vec<Statement>,
}

/// Why a pipeline (or one of its nodes) cannot be exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportError {
    pub node: Option<String>,
    pub message: String,
}

impl ExportError {
    fn at(node: &str, message: impl Into<String>) -> Self {
        ExportError {
            node: Some(node.to_string()),
            message: message.into(),
        }
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(node) => write!(f, "node `{}`: {}", quote_id(node), self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A table or view of the script, as later statements read it.
#[derive(Clone, Debug)]
pub(crate) struct Relation {
    /// The table or view's name.
    pub name: String,
    /// The columns the pipeline sees, in order.
    pub columns: Vec<String>,
    /// A column carried beside them for Flink only: the event time of a window's results,
    /// Flink's `window_time`, which Flink needs as a column where the pipeline derives it
    /// from `window_end`.
    pub hidden_time: Option<String>,
}

impl Relation {
    /// The columns to select to pass this relation on, qualified by `alias` when given.
    pub fn select_all(&self, alias: Option<&str>) -> String {
        let qualify = |c: &str| match alias {
            Some(a) => format!("{a}.{}", sql_text::name(c)),
            None => sql_text::name(c),
        };
        let mut list: Vec<String> = self.columns.iter().map(|c| qualify(c)).collect();
        list.extend(self.hidden_time.iter().map(|c| qualify(c)));
        list.join(", ")
    }

    /// The column holding a port's event time, if it has one.
    pub fn time_column(&self, port: &PortType) -> Option<String> {
        let time = port.time.as_ref()?;
        match time.shift_ms {
            0 => Some(time.column.clone()),
            _ => self.hidden_time.clone(),
        }
    }
}

/// What a node's translation reads: the pipeline's index, its analysis, and the relations of the
/// nodes before it.
pub(crate) struct Context<'a> {
    pub analysis: &'a Analysis,
    pub base_dir: &'a Path,
    pub options: &'a FlinkOptions,
    pub topology: Topology<'a>,
    relations: HashMap<(String, String), Relation>,
}

/// An input of a node: the relation on the wire, and its type.
pub(crate) struct Input<'a> {
    pub relation: Relation,
    pub port: &'a PortType,
}

impl<'a> Context<'a> {
    /// The inputs of `node` on input port `port`, in edge order.
    pub fn inputs(&self, node: &NodeSpec, port: &str) -> Vec<Input<'a>> {
        self.topology
            .inputs_of(&node.id)
            .iter()
            .filter(|e| e.to_port == port)
            .filter_map(|e| {
                Some(Input {
                    relation: self
                        .relations
                        .get(&(e.from.clone(), e.from_port.clone()))?
                        .clone(),
                    port: self.analysis.edge_type(e)?,
                })
            })
            .collect()
    }

    /// The single input of a node with one input port.
    pub fn input(&self, node: &NodeSpec) -> Option<Input<'a>> {
        self.inputs(node, crate::spec::DEFAULT_PORT)
            .into_iter()
            .next()
    }

    pub fn output_type(&self, node: &NodeSpec) -> Option<&'a PortType> {
        self.analysis.outputs.get(&node.id)
    }
}

/// What translating one node gives.
pub(crate) struct Translated {
    pub definitions: Vec<Statement>,
    pub insert: Option<Statement>,
    pub relation: Option<Relation>,
    pub notes: Vec<String>,
}

impl Translated {
    fn relation(statement: Statement, relation: Relation) -> Self {
        Translated {
            definitions: vec![statement],
            insert: None,
            relation: Some(relation),
            notes: Vec::new(),
        }
    }
}

/// Exports `spec` (whose relative paths resolve against `base_dir`) to Flink SQL; every node
/// that cannot be exported is reported, not only the first.
pub fn flink_sql(
    spec: &PipelineSpec,
    base_dir: &Path,
    options: &FlinkOptions,
) -> Result<FlinkScript, Vec<ExportError>> {
    let analysis = analyze(spec);
    if !analysis.is_valid() {
        return Err(analysis
            .errors()
            .map(|p| ExportError {
                node: p.node.clone(),
                message: format!("the pipeline has an error to fix first: {}", p.message),
            })
            .collect());
    }
    let mut context = Context {
        analysis: &analysis,
        base_dir,
        options,
        topology: spec.topology(),
        relations: HashMap::new(),
    };
    let mut errors = Vec::new();
    let (mut settings, mut notes) = settings::of(spec, &mut errors);
    if let Some(cluster) = &options.cluster {
        match settings::cluster(cluster) {
            Ok(target) => settings.extend(target),
            Err(e) => errors.push(e),
        }
    }
    let mut definitions = Vec::new();
    let mut inserts = Vec::new();
    for id in &analysis.order {
        let Some(node) = context.topology.node(id) else {
            continue;
        };
        if let Some(error) = queries::late_output_used(spec, node) {
            errors.push(error);
        }
        let translated = match node.kind.category() {
            Category::Source => tables::source(&context, node),
            Category::Transform => queries::view_of(&context, node),
            Category::Sink => tables::sink(&context, node),
        };
        match translated {
            Ok(Some(t)) => {
                definitions.extend(t.definitions);
                inserts.extend(t.insert);
                notes.extend(t.notes);
                if let Some(relation) = t.relation {
                    context
                        .relations
                        .insert((id.clone(), DEFAULT_OUTPUT.to_string()), relation);
                }
            }
            // An input could not be exported; its error is reported already.
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    if inserts.is_empty() && errors.is_empty() {
        errors.push(ExportError {
            node: None,
            message: "the pipeline has no sink: a Flink job needs at least one".into(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(FlinkScript {
        name: spec.name.clone(),
        notes,
        settings,
        cluster: options.cluster.clone(),
        definitions,
        inserts,
    })
}

impl FlinkScript {
    /// The script for Flink's SQL client (`sql-client.sh -f`).
    pub fn to_sql(&self) -> String {
        let mut out = format!(
            "-- Flink SQL of the pipeline \"{}\", exported by Streamlab.\n",
            self.name
        );
        for note in &self.notes {
            out.push_str(&format!("-- Note: {note}\n"));
        }
        out.push('\n');
        for (key, value) in &self.settings {
            out.push_str(&format!(
                "SET {} = {};\n",
                sql_text::string(key),
                sql_text::string(value)
            ));
        }
        let write = |out: &mut String, s: &Statement, indent: &str| {
            for line in &s.comment {
                out.push_str(&format!("{indent}-- {line}\n"));
            }
            out.push_str(indent);
            out.push_str(&s.sql.replace('\n', &format!("\n{indent}")));
            out.push_str(";\n");
        };
        for statement in &self.definitions {
            out.push('\n');
            write(&mut out, statement, "");
        }
        out.push('\n');
        if let [insert] = self.inserts.as_slice() {
            write(&mut out, insert, "");
        } else {
            out.push_str("EXECUTE STATEMENT SET\nBEGIN\n");
            for insert in &self.inserts {
                write(&mut out, insert, "  ");
            }
            out.push_str("END;\n");
        }
        out
    }

    /// A Python program that runs the script with PyFlink (`python3 job.py`).
    pub fn to_pyflink(&self) -> String {
        pyflink::render(self)
    }
}

#[cfg(test)]
mod tests;
