//! Where a node added from the palette goes: downstream (right) of the node it follows, at
//! that node's height, then below any node it would cover. All in graph space.

use egui::{Pos2, Rect, Vec2};
use egui_snarl::NodeId;

/// The size a node is assumed to have before it is first drawn.
pub const NODE_SIZE: Vec2 = Vec2::new(350.0, 160.0);
/// The gap between a node and the one placed after it.
const GAP: f32 = 80.0;
/// The least room kept between a placed node and the nodes around it.
const CLEARANCE: f32 = 24.0;

/// A node already on the canvas, as placement sees it.
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    pub node: NodeId,
    /// Its position (what the file stores).
    pub pos: Pos2,
    /// Where it was drawn, frame included (estimated if it was not drawn yet).
    pub rect: Rect,
    pub has_outputs: bool,
    /// The node feeding its first input, if any.
    pub upstream: Option<NodeId>,
}

/// The node a new one follows: the one in the inspector, else the one furthest right (the
/// end of the pipeline). A sink has nothing downstream, so a node added after it follows the
/// sink's own input and lands beside the sink, not after it.
fn followed(nodes: &[Placed], focused: Option<NodeId>) -> Option<&Placed> {
    let find = |id: NodeId| nodes.iter().find(|p| p.node == id);
    let node = match focused.and_then(find) {
        Some(node) => node,
        None => nodes
            .iter()
            .max_by(|a, b| a.rect.right().total_cmp(&b.rect.right()))?,
    };
    if node.has_outputs {
        return Some(node);
    }
    Some(node.upstream.and_then(find).unwrap_or(node))
}

/// The position for a new node. `centre` is the middle of the view, for an empty canvas.
pub fn place(nodes: &[Placed], focused: Option<NodeId>, centre: Pos2) -> Pos2 {
    let Some(after) = followed(nodes, focused) else {
        return centre - NODE_SIZE / 2.0;
    };
    // Drawn rectangles sit a frame's margin off their positions; keep that offset so that
    // each new node lines up with the one it follows rather than creeping up a margin a step.
    let offset = after.rect.min - after.pos;
    let mut pos = Pos2::new(after.rect.right() + GAP - offset.x, after.pos.y);
    let covers = |pos: Pos2| {
        let rect = Rect::from_min_size(pos + offset, NODE_SIZE).expand(CLEARANCE);
        nodes
            .iter()
            .filter(|p| p.rect.intersects(rect))
            .map(|p| p.rect.bottom())
            .reduce(f32::max)
    };
    while let Some(bottom) = covers(pos) {
        pos.y = bottom + CLEARANCE + 1.0 - offset.y;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drawn rectangles as the canvas reports them: a margin above and left of the position.
    fn drawn(pos: Pos2) -> Rect {
        Rect::from_min_size(pos - Vec2::new(7.0, 14.0), Vec2::new(300.0, 140.0))
    }

    fn placed(index: usize, pos: Pos2, has_outputs: bool, upstream: Option<usize>) -> Placed {
        Placed {
            node: NodeId(index),
            pos,
            rect: drawn(pos),
            has_outputs,
            upstream: upstream.map(NodeId),
        }
    }

    #[test]
    fn a_chain_grows_to_the_right_at_one_height() {
        let mut nodes = vec![placed(0, Pos2::new(0.0, 240.0), true, None)];
        for i in 1..6 {
            let pos = place(&nodes, Some(NodeId(i - 1)), Pos2::ZERO);
            assert_eq!(pos.y, 240.0, "no drift");
            assert!(drawn(pos).left() > nodes[i - 1].rect.right());
            nodes.push(placed(i, pos, true, Some(i - 1)));
        }
    }

    #[test]
    fn a_second_sink_goes_below_the_first_right_of_their_source() {
        let source = placed(0, Pos2::new(0.0, 0.0), true, None);
        let first_sink_pos = place(&[source], Some(NodeId(0)), Pos2::ZERO);
        let nodes = [source, placed(1, first_sink_pos, false, Some(0))];
        // Whether the source or the first sink is in the inspector.
        for focused in [Some(NodeId(0)), Some(NodeId(1)), None] {
            let pos = place(&nodes, focused, Pos2::ZERO);
            assert_eq!(pos.x, first_sink_pos.x, "beside the first sink");
            assert!(drawn(pos).top() > nodes[1].rect.bottom(), "below it");
        }
    }

    #[test]
    fn the_first_node_goes_to_the_middle_of_the_view() {
        let centre = Pos2::new(500.0, 300.0);
        assert_eq!(place(&[], None, centre), centre - NODE_SIZE / 2.0);
    }
}
