//! The job settings as Flink configuration (`SET` statements).

use super::ExportError;
use crate::spec::{PipelineSpec, RestartStrategy};

fn ms(v: u64) -> String {
    format!("{v} ms")
}

/// The `SET` options of `spec`'s job, and notes on the settings Flink has no equivalent for.
pub(super) fn of(
    spec: &PipelineSpec,
    errors: &mut Vec<ExportError>,
) -> (Vec<(String, String)>, Vec<String>) {
    let job = &spec.job;
    let mut set = vec![
        // Results depend on watermarks and lateness, which only streaming mode has; a bounded
        // pipeline is a streaming job that ends, as here.
        ("execution.runtime-mode", "streaming".to_string()),
        ("parallelism.default", job.parallelism.to_string()),
        (
            "pipeline.name",
            if spec.name.is_empty() {
                "streamlab".into()
            } else {
                spec.name.clone()
            },
        ),
        (
            "pipeline.auto-watermark-interval",
            ms(job.watermark_interval_ms),
        ),
        ("execution.buffer-timeout", ms(job.buffer_timeout_ms)),
    ];
    let mut notes = vec![format!(
        "rows travel in batches of up to {} here; Flink sizes its network buffers in bytes.",
        job.batch_size
    )];
    if let Some(interval) = job.checkpoint_interval_ms {
        set.push(("execution.checkpointing.interval", ms(interval)));
        set.push((
            "execution.checkpointing.timeout",
            ms(job.checkpoint_timeout_ms),
        ));
        set.push((
            "execution.checkpointing.num-retained",
            job.checkpoints_retained.to_string(),
        ));
    }
    match job.restart {
        RestartStrategy::None => set.push(("restart-strategy.type", "disable".into())),
        RestartStrategy::FixedDelay { attempts, delay_ms } => {
            set.push(("restart-strategy.type", "fixed-delay".into()));
            set.push((
                "restart-strategy.fixed-delay.attempts",
                attempts.to_string(),
            ));
            set.push(("restart-strategy.fixed-delay.delay", ms(delay_ms)));
        }
    }
    if let Some(failure) = &job.inject_failure {
        notes.push(format!(
            "the failure injected into `{}` is not exported: Flink fails only for real.",
            failure.node
        ));
    }
    // Flink has one idle timeout for all sources.
    let mut timeouts: Vec<u64> = spec
        .nodes
        .iter()
        .filter_map(|n| n.kind.source_time()?.idle_timeout_ms)
        .collect();
    timeouts.sort_unstable();
    timeouts.dedup();
    match timeouts.as_slice() {
        [] => {}
        [timeout] => set.push(("table.exec.source.idle-timeout", ms(*timeout))),
        _ => errors.push(ExportError {
            node: None,
            message: format!(
                "sources have different idle timeouts ({}); Flink SQL has one for all \
                 sources (`table.exec.source.idle-timeout`): give them the same",
                timeouts
                    .iter()
                    .map(|t| format!("{t} ms"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
    for node in &spec.nodes {
        if let Some(p) = node.parallelism.filter(|&p| p != job.parallelism) {
            notes.push(format!(
                "`{}` runs with parallelism {p} here; Flink SQL gives every step the job's \
                 parallelism ({}).",
                node.id, job.parallelism
            ));
        }
    }
    let set = set.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    (set, notes)
}

/// The settings that submit to the cluster at `address` (`host:port` of its REST API).
pub(super) fn cluster(address: &str) -> Result<Vec<(String, String)>, ExportError> {
    let address = address.trim().trim_start_matches("http://");
    let address = address.trim_end_matches('/');
    let invalid = || ExportError {
        node: None,
        message: format!(
            "`{address}` is not a cluster address; write its REST API's host and port, e.g. \
             127.0.0.1:8081"
        ),
    };
    let (host, port) = address.rsplit_once(':').ok_or_else(invalid)?;
    if host.is_empty() || port.parse::<u16>().is_err() {
        return Err(invalid());
    }
    Ok(vec![
        ("execution.target".into(), "remote".into()),
        ("rest.address".into(), host.into()),
        ("rest.port".into(), port.into()),
    ])
}
