//! Whether a checkpoint's state fits a pipeline: the same pipeline, or one changed in ways
//! its state can follow (nodes added, stateless nodes changed, keyed nodes at another
//! parallelism). Anything else is refused with the nodes it concerns, never guessed.

use super::{Restore, StatePart};
use crate::spec::{Category, NodeKind, PipelineSpec};
use crate::validate::Analysis;

/// What a node's state depends on, as a short hash: a source's kind and the rows it makes;
/// any other node's settings and the rows it takes in.
pub fn state_signature(spec: &PipelineSpec, analysis: &Analysis, id: &str) -> String {
    let topology = spec.topology();
    let Some(node) = topology.node(id) else {
        return String::new();
    };
    let text = if node.kind.category() == Category::Source {
        // What the source reads or makes, not how fast: a new rate keeps its position.
        let mut kind = node.kind.clone();
        match &mut kind {
            NodeKind::Datagen(c) => c.rows_per_second = None,
            NodeKind::Nexmark(c) => c.events_per_second = None,
            _ => {}
        }
        let schema = analysis.outputs.get(id).map(|t| t.schema.clone());
        format!("{} {schema:?}", ron::to_string(&kind).unwrap_or_default())
    } else {
        let kind = ron::to_string(&node.kind).unwrap_or_default();
        let input = analysis.input_schema(&topology, id);
        format!("{kind} {input:?}")
    };
    format!("{:016x}", crate::runtime::stable_hash(text.as_bytes()))
}

/// Which nodes' state a restore keeps and which it cannot map (with why).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestorePlan {
    pub kept: Vec<String>,
    pub dropped: Vec<(String, String)>,
}

impl RestorePlan {
    /// The nodes that cannot be mapped, in words: "`count` (its settings changed), …".
    pub fn describe_dropped(&self) -> String {
        let named: Vec<String> = self
            .dropped
            .iter()
            .map(|(id, why)| format!("`{id}` ({why})"))
            .collect();
        named.join(", ")
    }
}

/// What restoring `restore` into `spec` keeps and drops; an error when the checkpoint is of
/// another pipeline altogether.
pub fn restore_plan(
    restore: &Restore,
    spec: &PipelineSpec,
    analysis: &Analysis,
) -> Result<RestorePlan, String> {
    let meta = &restore.metadata;
    if meta.job != spec.name {
        return Err(format!(
            "checkpoint {} ({}) is of pipeline `{}`, not of `{}`",
            meta.id,
            restore.path.display(),
            meta.job,
            spec.name
        ));
    }
    let topology = spec.topology();
    let mut plan = RestorePlan::default();
    for entry in &meta.nodes {
        let has_state = meta
            .files
            .iter()
            .any(|f| f.node == entry.id && f.part != StatePart::Inputs);
        if !has_state {
            continue;
        }
        let Some(node) = topology.node(&entry.id) else {
            plan.dropped
                .push((entry.id.clone(), "no longer in the pipeline".into()));
            continue;
        };
        if state_signature(spec, analysis, &entry.id) != entry.signature {
            plan.dropped
                .push((entry.id.clone(), "its settings or its input changed".into()));
            continue;
        }
        let now = topology.parallelism_of(spec, node) as usize;
        if node.kind.category() == Category::Source && now != entry.parallelism {
            plan.dropped.push((
                entry.id.clone(),
                format!(
                    "a source's position cannot move from parallelism {} to {now}",
                    entry.parallelism
                ),
            ));
            continue;
        }
        plan.kept.push(entry.id.clone());
    }
    Ok(plan)
}

/// Checks that `restore` can start `spec`; the error names every node whose state cannot
/// be mapped, and why.
pub fn check_restorable(
    restore: &Restore,
    spec: &PipelineSpec,
    analysis: &Analysis,
) -> Result<RestorePlan, String> {
    let plan = restore_plan(restore, spec, analysis)?;
    if plan.dropped.is_empty() {
        Ok(plan)
    } else {
        Err(format!(
            "cannot restore checkpoint {} ({}) into this pipeline: the state of {} cannot be \
             mapped",
            restore.id(),
            restore.path.display(),
            plan.describe_dropped()
        ))
    }
}
