//! Which wires the canvas accepts. A wire that cannot work is refused with the reason, before
//! it reaches the pipeline: a loop, a second stream into a single input, or a stream whose
//! columns the input cannot take.

use std::collections::{HashMap, HashSet};

use egui_snarl::{InPinId, NodeId, OutPinId, Snarl};
use engine::spec::{Arity, NodeSpec};
use engine::validate::Analysis;

/// Checks the wire `from` → `to`, with the port types of the last analysis.
pub fn check(
    snarl: &Snarl<NodeSpec>,
    analysis: &Analysis,
    from: OutPinId,
    to: InPinId,
) -> Result<(), String> {
    let (source, target) = (&snarl[from.node], &snarl[to.node]);
    if from.node == to.node {
        return Err(format!("`{}` cannot feed itself", source.id));
    }
    let existing: Vec<OutPinId> = snarl.in_pin(to).remotes;
    if existing.contains(&from) {
        return Err(format!(
            "`{}` is already connected to `{}`",
            source.id, target.id
        ));
    }
    if let Some(path) = path_between(snarl, to.node, from.node) {
        let names: Vec<&str> = path.iter().map(|n| snarl[*n].id.as_str()).collect();
        return Err(format!(
            "this wire would close a loop ({} → {}); pipelines must not loop",
            names.join(" → "),
            names[0]
        ));
    }
    let port = target.kind.inputs()[to.input];
    if port.arity == Arity::One
        && let Some(other) = existing.first()
    {
        return Err(format!(
            "`{}` takes one input stream and already gets one from `{}`; merge streams with a Union first",
            target.id, snarl[other.node].id
        ));
    }
    // A Union merges streams of one shape: the new stream must match those already wired.
    let type_of = |pin: OutPinId| {
        let node = &snarl[pin.node];
        analysis.port_type(&node.id, node.kind.outputs().get(pin.output)?)
    };
    if let (Some(new), Some(other)) = (type_of(from), existing.first().and_then(|o| type_of(*o)))
        && new.schema != other.schema
    {
        return Err(format!(
            "`{}` merges streams with the same columns: `{}` gives {} but `{}` gives {}",
            target.id, snarl[existing[0].node].id, other.schema, source.id, new.schema
        ));
    }
    Ok(())
}

/// A path of nodes from `start` to `end` along wires, if there is one.
fn path_between(snarl: &Snarl<NodeSpec>, start: NodeId, end: NodeId) -> Option<Vec<NodeId>> {
    let mut next: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
    for (out, inp) in snarl.wires() {
        next.entry(out.node).or_default().push(inp.node);
    }
    let mut came_from: HashMap<NodeId, NodeId> = HashMap::new();
    let mut seen = HashSet::from([start]);
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        if node == end {
            let mut path = vec![end];
            while let Some(prev) = came_from.get(path.last().unwrap()) {
                path.push(*prev);
            }
            path.reverse();
            return Some(path);
        }
        for &n in next.get(&node).into_iter().flatten() {
            if seen.insert(n) {
                came_from.insert(n, node);
                queue.push_back(n);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::document::Document;
    use engine::spec::{NodeKind, UnionConfig};

    fn out(node: NodeId) -> OutPinId {
        OutPinId { node, output: 0 }
    }

    fn inp(node: NodeId) -> InPinId {
        InPinId { node, input: 0 }
    }

    fn hello() -> Document {
        let spec = engine::spec::parse(include_str!("../../../saved-graphs/hello.ron")).unwrap();
        Document::from_spec(&spec, None)
    }

    fn outputs(document: &Document) -> Analysis {
        engine::validate::analyze(&document.to_spec())
    }

    #[test]
    fn refuses_loops_naming_the_path() {
        let document = hello();
        let (sensors, hot, label) = (
            document.find("sensors").unwrap(),
            document.find("hot").unwrap(),
            document.find("label").unwrap(),
        );
        let types = outputs(&document);
        let err = check(&document.snarl, &types, out(label), inp(hot)).unwrap_err();
        assert!(err.contains("hot → label → hot"), "{err}");
        let err = check(&document.snarl, &types, out(hot), inp(hot)).unwrap_err();
        assert!(err.contains("cannot feed itself"), "{err}");
        let err = check(&document.snarl, &types, out(sensors), inp(hot)).unwrap_err();
        assert!(err.contains("already connected"), "{err}");
    }

    #[test]
    fn refuses_a_second_stream_into_a_single_input() {
        let mut document = hello();
        let other = document.add_node(NodeKind::all()[0].clone(), egui::Pos2::ZERO);
        let hot = document.find("hot").unwrap();
        let err = check(&document.snarl, &outputs(&document), out(other), inp(hot)).unwrap_err();
        assert!(err.contains("already gets one from `sensors`"), "{err}");
    }

    #[test]
    fn a_union_takes_only_streams_of_one_shape() {
        let mut document = hello();
        let union = document.add_node(NodeKind::Union(UnionConfig {}), egui::Pos2::ZERO);
        let (hot, label) = (
            document.find("hot").unwrap(),
            document.find("label").unwrap(),
        );
        assert!(check(&document.snarl, &outputs(&document), out(hot), inp(union)).is_ok());
        document.snarl.connect(out(hot), inp(union));
        let types = outputs(&document);
        let err = check(&document.snarl, &types, out(label), inp(union)).unwrap_err();
        assert!(err.contains("same columns"), "{err}");
        assert!(
            check(
                &document.snarl,
                &types,
                out(document.find("sensors").unwrap()),
                inp(union)
            )
            .is_ok()
        );
    }
}
