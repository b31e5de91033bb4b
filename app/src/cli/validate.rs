use std::path::Path;

use engine::runtime::JobGraph;
use engine::validate::analyze;

use super::terminal::{out, out_raw};
use super::{check, load};

/// `streamlab validate`: lists every problem, or shows the tasks the pipeline would run.
pub fn validate(file: &Path) -> Result<(), String> {
    let spec = load(file)?;
    check(file, &spec)?;
    let analysis = analyze(&spec);
    let graph = JobGraph::build(&spec, &analysis);
    out(format!(
        "{}: valid: {} nodes, {} edges, {} tasks in {} threads",
        file.display(),
        spec.nodes.len(),
        spec.edges.len(),
        graph.vertices.len(),
        graph.task_count()
    ));
    for id in &analysis.order {
        if let Some(output) = analysis.outputs.get(id) {
            out(format!("  {id}: {}", output.schema));
        }
    }
    out_raw(&graph);
    Ok(())
}
