//! Whether a checkpoint's state fits a pipeline: the same pipeline, or one changed in ways
//! its state can follow (nodes added, stateless nodes changed, keyed nodes at another
//! parallelism). Anything else is refused with the nodes it concerns, never guessed.

use super::{Restore, StatePart};
use crate::spec::{Category, PipelineSpec};
use crate::validate::Analysis;

/// What a node's state depends on, as a short hash: a source's kind and the rows it makes;
/// any other node's settings and the rows it takes in.
pub fn state_signature(spec: &PipelineSpec, analysis: &Analysis, id: &str) -> String {
    let topology = spec.topology();
    let Some(node) = topology.node(id) else {
        return String::new();
    };
    let text = if node.kind.category() == Category::Source {
        let schema = analysis.outputs.get(id).map(|t| t.schema.clone());
        format!("{} {schema:?}", node.kind.name())
    } else {
        let kind = ron::to_string(&node.kind).unwrap_or_default();
        let input = analysis.input_schema(&topology, id);
        format!("{kind} {input:?}")
    };
    format!("{:016x}", crate::runtime::stable_hash(text.as_bytes()))
}

/// Checks that `restore` can start `spec`; the error names every node whose state cannot
/// be mapped, and why.
pub fn check_restorable(
    restore: &Restore,
    spec: &PipelineSpec,
    analysis: &Analysis,
) -> Result<(), String> {
    let meta = &restore.metadata;
    let which = format!("checkpoint {} ({})", meta.id, restore.path.display());
    if meta.job != spec.name {
        return Err(format!(
            "{which} is of pipeline `{}`, not of `{}`",
            meta.job, spec.name
        ));
    }
    let topology = spec.topology();
    let mut unmapped = Vec::new();
    for entry in &meta.nodes {
        let has_state = meta
            .files
            .iter()
            .any(|f| f.node == entry.id && f.part != StatePart::Inputs);
        if !has_state {
            continue;
        }
        let Some(node) = topology.node(&entry.id) else {
            unmapped.push(format!("`{}` (no longer in the pipeline)", entry.id));
            continue;
        };
        if state_signature(spec, analysis, &entry.id) != entry.signature {
            unmapped.push(format!(
                "`{}` (its settings or its input changed)",
                entry.id
            ));
            continue;
        }
        let now = spec.parallelism_of(node) as usize;
        if node.kind.category() == Category::Source && now != entry.parallelism {
            unmapped.push(format!(
                "`{}` (a source's position cannot move from parallelism {} to {now})",
                entry.id, entry.parallelism
            ));
        }
    }
    if unmapped.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "cannot restore {which} into this pipeline: the state of {} cannot be mapped",
            unmapped.join(", ")
        ))
    }
}
