//! The pipeline being edited: its graph on the canvas, its settings and where it is saved.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use egui::Pos2;
use egui_snarl::{InPinId, NodeId, OutPinId, Snarl};
use engine::spec::{EdgeSpec, JobSettings, Layout, NodeKind, NodeSpec, PipelineSpec, Position};

/// The name of a new pipeline until it is saved.
const UNTITLED: &str = "untitled";

/// Horizontal and vertical distance between nodes placed automatically, in graph units (a
/// node is about 400 by 160 of them; see `view` for how they relate to the screen).
const COLUMN_WIDTH: f32 = 460.0;
const ROW_HEIGHT: f32 = 220.0;

/// The canvas graph holds the nodes (`NodeSpec`, with their positions) and the wires; the rest
/// of the pipeline file sits beside it. `to_spec` turns it back into the file's form.
pub struct Document {
    pub snarl: Snarl<NodeSpec>,
    pub name: String,
    pub description: String,
    pub job: JobSettings,
    /// Where the pipeline was opened from or last saved to; `None` for a new one.
    pub path: Option<PathBuf>,
    /// For a copy of an example: the example's folder, which its relative paths (a sample data
    /// file) resolve against until it is saved somewhere of its own.
    pub origin: Option<PathBuf>,
    /// The pipeline as last opened or saved, to tell whether there are unsaved changes.
    saved: PipelineSpec,
}

impl Document {
    pub fn new_empty() -> Self {
        Document::from_spec(&PipelineSpec::new(UNTITLED), None)
    }

    /// A document showing `spec`; nodes without a stored position are laid out by depth.
    pub fn from_spec(spec: &PipelineSpec, path: Option<PathBuf>) -> Self {
        let mut document = Document {
            snarl: Snarl::new(),
            name: spec.name.clone(),
            description: spec.description.clone(),
            job: spec.job.clone(),
            path,
            origin: None,
            saved: spec.clone(),
        };
        document.load_graph(spec);
        // What was opened counts as saved even if layout had to be invented for it.
        document.saved = document.to_spec();
        document
    }

    /// Replaces the graph and settings with those of `spec` (used by undo and redo).
    pub fn load_graph(&mut self, spec: &PipelineSpec) {
        self.name = spec.name.clone();
        self.description = spec.description.clone();
        self.job = spec.job.clone();
        let positions = positions(spec);
        let mut snarl = Snarl::new();
        let mut ids = HashMap::new();
        for node in &spec.nodes {
            let pos = positions[&node.id];
            ids.insert(node.id.clone(), snarl.insert_node(pos, node.clone()));
        }
        for edge in &spec.edges {
            let (Some(&from), Some(&to)) = (ids.get(&edge.from), ids.get(&edge.to)) else {
                continue; // validation reports the dangling edge; the canvas cannot draw it
            };
            let (Some(output), Some(input)) = (
                output_index(&spec.nodes, &edge.from, &edge.from_port),
                input_index(&spec.nodes, &edge.to, &edge.to_port),
            ) else {
                continue;
            };
            snarl.connect(OutPinId { node: from, output }, InPinId { node: to, input });
        }
        self.snarl = snarl;
    }

    /// The pipeline in its file form: nodes in canvas order, edges sorted by their ends,
    /// positions in `layout`.
    pub fn to_spec(&self) -> PipelineSpec {
        let mut spec = PipelineSpec::new(self.name.clone());
        spec.description = self.description.clone();
        spec.job = self.job.clone();
        let mut order = HashMap::new();
        for (index, (id, pos, node)) in self.snarl.nodes_pos_ids().enumerate() {
            order.insert(id, index);
            spec.nodes.push(node.clone());
            spec.layout
                .nodes
                .insert(node.id.clone(), Position { x: pos.x, y: pos.y });
        }
        let mut wires: Vec<(OutPinId, InPinId)> = self.snarl.wires().collect();
        wires.sort_by_key(|(out, inp)| (order[&out.node], order[&inp.node], out.output, inp.input));
        for (out, inp) in wires {
            let from = &self.snarl[out.node];
            let to = &self.snarl[inp.node];
            spec.edges.push(EdgeSpec {
                from: from.id.clone(),
                from_port: from.kind.outputs()[out.output].to_string(),
                to: to.id.clone(),
                to_port: to.kind.inputs()[inp.input].name.to_string(),
            });
        }
        spec
    }

    /// The pipeline as it is to be written to `path`: a pipeline without a name of its own
    /// takes the file's.
    pub fn spec_to_save(&self, path: &std::path::Path) -> PipelineSpec {
        let mut spec = self.to_spec();
        if let Some(name) = self.name_when_saved_as(path) {
            spec.name = name;
        }
        spec
    }

    fn name_when_saved_as(&self, path: &std::path::Path) -> Option<String> {
        let unnamed = self.path.is_none() && (self.name.is_empty() || self.name == UNTITLED);
        let stem = path.file_stem()?.to_string_lossy().into_owned();
        unnamed.then_some(stem)
    }

    /// Why `spec` cannot be shown on the canvas without losing part of it, if it cannot:
    /// the canvas keeps one node per id and wires between existing ports, once each.
    pub fn unrepresentable(spec: &PipelineSpec) -> Vec<String> {
        let mut reasons = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for node in &spec.nodes {
            if !seen.insert(node.id.as_str()) {
                reasons.push(format!("two nodes have the id `{}`", node.id));
            }
        }
        let mut wires = std::collections::HashSet::new();
        for edge in &spec.edges {
            let wire = format!("edge `{}` → `{}`", edge.from, edge.to);
            if output_index(&spec.nodes, &edge.from, &edge.from_port).is_none() {
                reasons.push(format!(
                    "{wire}: no node `{}` with output `{}`",
                    edge.from, edge.from_port
                ));
            } else if input_index(&spec.nodes, &edge.to, &edge.to_port).is_none() {
                reasons.push(format!(
                    "{wire}: no node `{}` with input `{}`",
                    edge.to, edge.to_port
                ));
            } else if !wires.insert(edge) {
                reasons.push(format!("{wire} appears twice"));
            }
        }
        reasons
    }

    pub fn is_dirty(&self) -> bool {
        self.differs_from_saved(&self.to_spec())
    }

    /// Whether `spec`, this document's current state, differs from what was last saved.
    pub fn differs_from_saved(&self, spec: &PipelineSpec) -> bool {
        *spec != self.saved
    }

    /// Call after writing the file: the current state becomes the saved one.
    pub fn mark_saved(&mut self, path: PathBuf) {
        if let Some(name) = self.name_when_saved_as(&path) {
            self.name = name;
        }
        self.path = Some(path);
        self.origin = None;
        self.saved = self.to_spec();
    }

    /// The title shown in the window bar: the file name, or the pipeline name when it has no
    /// file (an example copy says so).
    pub fn title(&self) -> String {
        match (&self.path, &self.origin) {
            (Some(path), _) => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
            (None, Some(_)) => format!("{} (example copy)", self.shown_name()),
            (None, None) => format!("{} (not saved)", self.shown_name()),
        }
    }

    /// The file name, or the pipeline's name when it has no file.
    pub fn display_name(&self) -> String {
        match &self.path {
            Some(_) => self.title(),
            None => self.shown_name().to_string(),
        }
    }

    /// The pipeline's name, or `untitled` while it has none.
    fn shown_name(&self) -> &str {
        if self.name.trim().is_empty() {
            UNTITLED
        } else {
            &self.name
        }
    }

    /// Whether the pipeline came from a file (its own or an example), so that "modified" means
    /// something; a new pipeline is all unsaved.
    pub fn has_source(&self) -> bool {
        self.path.is_some() || self.origin.is_some()
    }

    /// The folder relative paths in the pipeline resolve against.
    pub fn base_dir(&self) -> Option<PathBuf> {
        match &self.path {
            Some(path) => path.parent().map(|d| {
                if d.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    d.to_path_buf()
                }
            }),
            None => self.origin.clone(),
        }
    }

    pub fn find(&self, id: &str) -> Option<NodeId> {
        self.snarl
            .nodes_ids_data()
            .find(|(_, node)| node.value.id == id)
            .map(|(node_id, _)| node_id)
    }

    /// An id not yet used: `filter`, then `filter_2`, `filter_3`, …
    pub fn unused_id(&self, base: &str) -> String {
        unused_id(&self.snarl, base)
    }

    /// Adds a node of `kind` at `pos` (graph coordinates) with a fresh id; returns it.
    pub fn add_node(&mut self, kind: NodeKind, pos: Pos2) -> NodeId {
        let id = self.unused_id(&default_id(&kind));
        self.snarl.insert_node(pos, NodeSpec::new(id, kind))
    }
}

/// `kind` as the palette adds it: a generated source paced to run for seconds, not finish
/// before the first frame, so its counts can be watched and it can be stopped.
pub fn starter(kind: NodeKind) -> NodeKind {
    match kind {
        NodeKind::Datagen(mut c) => {
            c.rows_per_second = Some(100);
            NodeKind::Datagen(c)
        }
        other => other,
    }
}

/// An id not yet used by a node of `snarl`.
pub fn unused_id(snarl: &Snarl<NodeSpec>, base: &str) -> String {
    let taken = |id: &str| snarl.nodes().any(|n| n.id == id);
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|id| !taken(id))
        .expect("some suffix is free")
}

/// `FileSource` → `file_source`.
pub fn default_id(kind: &NodeKind) -> String {
    let mut id = String::new();
    for (i, c) in kind.name().chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            id.push('_');
        }
        id.push(c.to_ascii_lowercase());
    }
    id
}

fn output_index(nodes: &[NodeSpec], id: &str, port: &str) -> Option<usize> {
    let node = nodes.iter().find(|n| n.id == id)?;
    node.kind.outputs().iter().position(|p| *p == port)
}

fn input_index(nodes: &[NodeSpec], id: &str, port: &str) -> Option<usize> {
    let node = nodes.iter().find(|n| n.id == id)?;
    node.kind.inputs().iter().position(|p| p.name == port)
}

/// Stored positions, and for nodes without one a place by depth: sources in the first
/// column, each node one column right of its deepest input.
fn positions(spec: &PipelineSpec) -> HashMap<String, Pos2> {
    let Layout { nodes: stored } = &spec.layout;
    let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
    // Longest-path depth by relaxation; a cycle stops after as many rounds as nodes.
    for _ in 0..spec.nodes.len() {
        let mut changed = false;
        for edge in spec.edges.iter().filter(|e| e.from != e.to) {
            let d = depth.get(edge.from.as_str()).copied().unwrap_or(0) + 1;
            if d < spec.nodes.len() && depth.get(edge.to.as_str()).copied().unwrap_or(0) < d {
                depth.insert(&edge.to, d);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut rows: HashMap<usize, usize> = HashMap::new();
    let mut out = HashMap::new();
    for node in &spec.nodes {
        let pos = match stored.get(&node.id) {
            Some(p) => Pos2::new(p.x, p.y),
            None => {
                let column = depth.get(node.id.as_str()).copied().unwrap_or(0);
                let row = rows.entry(column).or_default();
                *row += 1;
                Pos2::new(column as f32 * COLUMN_WIDTH, (*row - 1) as f32 * ROW_HEIGHT)
            }
        };
        out.insert(node.id.clone(), pos);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> PipelineSpec {
        engine::spec::parse(include_str!("../../../saved-graphs/hello.ron")).unwrap()
    }

    #[test]
    fn a_pipeline_survives_the_canvas_unchanged_but_for_layout() {
        let spec = hello();
        let document = Document::from_spec(&spec, None);
        let mut back = document.to_spec();
        assert_eq!(back.layout.nodes.len(), 4);
        back.layout = spec.layout.clone();
        assert_eq!(back, spec);
        assert!(!document.is_dirty());
    }

    #[test]
    fn nodes_without_positions_are_laid_out_by_depth() {
        let document = Document::from_spec(&hello(), None);
        assert!(Document::unrepresentable(&hello()).is_empty());
        let layout = document.to_spec().layout.nodes;
        let x = |id: &str| layout[id].x;
        assert!(x("sensors") < x("hot") && x("hot") < x("label") && x("label") < x("print"));
    }

    #[test]
    fn a_file_the_canvas_would_change_is_named_as_such() {
        let mut spec = hello();
        spec.edges.push(EdgeSpec::new("hot", "nowhere"));
        spec.edges.push(EdgeSpec::new("sensors", "hot"));
        spec.nodes.push(spec.nodes[0].clone());
        let reasons = Document::unrepresentable(&spec);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].contains("two nodes have the id `sensors`"));
        assert!(reasons[1].contains("no node `nowhere`"));
        assert!(reasons[2].contains("appears twice"));
    }

    #[test]
    fn an_untitled_pipeline_takes_the_name_of_its_file() {
        let mut document = Document::new_empty();
        let path = std::path::Path::new("/tmp/orders.ron");
        assert_eq!(document.spec_to_save(path).name, "orders");
        document.mark_saved(path.to_path_buf());
        assert_eq!(document.name, "orders");
        assert!(!document.is_dirty());
        assert_eq!(
            Document::from_spec(&hello(), None).spec_to_save(path).name,
            "hello"
        );
    }

    #[test]
    fn new_ids_do_not_collide() {
        let mut document = Document::from_spec(&hello(), None);
        assert_eq!(default_id(&NodeKind::all()[1]), "file_source");
        let a = document.add_node(NodeKind::all()[3].clone(), Pos2::ZERO);
        let b = document.add_node(NodeKind::all()[3].clone(), Pos2::ZERO);
        assert_eq!(document.snarl[a].id, "filter");
        assert_eq!(document.snarl[b].id, "filter_2");
        assert!(document.is_dirty());
    }
}
