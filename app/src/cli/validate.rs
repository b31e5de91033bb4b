use std::path::Path;

use engine::runtime::JobGraph;
use engine::validate::analyze;

use super::load;

/// `streamlab validate`: lists every problem, or shows the tasks the pipeline would run.
pub fn validate(file: &Path) -> Result<(), String> {
    let spec = load(file)?;
    let analysis = analyze(&spec);
    for warning in analysis.problems.iter().filter(|p| !p.is_error()) {
        eprintln!("{}: {warning}", file.display());
    }
    let errors: Vec<String> = analysis
        .errors()
        .map(|p| format!("{}: {p}", file.display()))
        .collect();
    if !errors.is_empty() {
        let count = errors.len();
        return Err(format!(
            "{}\n{count} problem{} found",
            errors.join("\nerror: "),
            if count == 1 { "" } else { "s" }
        ));
    }
    let graph = JobGraph::build(&spec, &analysis);
    println!(
        "{}: valid: {} nodes, {} edges, {} tasks",
        file.display(),
        spec.nodes.len(),
        spec.edges.len(),
        graph.task_count()
    );
    for id in &analysis.order {
        if let Some(output) = analysis.outputs.get(id) {
            println!("  {id}: {}", output.schema);
        }
    }
    print!("{graph}");
    Ok(())
}
