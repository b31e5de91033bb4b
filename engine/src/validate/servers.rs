//! Problems only the network can tell: whether each transport node's server answers. A
//! server that does not is a warning, not an error: it may be started before the job runs,
//! and a running job retries it with back-off before it fails.

use std::time::Duration;

use super::Problem;
use crate::operators::{nats_stream, redis_stream};
use crate::spec::{NodeKind, PipelineSpec};

/// How long one server may take to answer a ping here: validation must stay quick.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(300);

/// The URL of every transport node that names one well enough to be tried, by node id.
pub fn server_urls(spec: &PipelineSpec) -> Vec<(String, String)> {
    spec.nodes
        .iter()
        .filter_map(|node| {
            let url = match &node.kind {
                NodeKind::RedisSource(c) => &c.url,
                NodeKind::RedisSink(c) => &c.url,
                NodeKind::NatsSource(c) => &c.url,
                NodeKind::NatsSink(c) => &c.url,
                _ => return None,
            };
            let valid = match node.kind {
                NodeKind::NatsSource(_) | NodeKind::NatsSink(_) => nats_stream::check_url(url),
                _ => redis_stream::check_url(url),
            };
            valid.ok()?;
            Some((node.id.clone(), url.trim().to_string()))
        })
        .collect()
}

/// Asks the server of a URL `server_urls` gave: a Redis URL names its scheme, a NATS one
/// may not.
fn probe(url: &str, timeout: Duration) -> Result<(), String> {
    if redis_stream::check_url(url).is_ok() {
        redis_stream::probe(url, timeout)
    } else {
        nats_stream::probe(url, timeout)
    }
}

/// A warning on each transport node whose server does not answer within `timeout`; each
/// server is asked once however many nodes use it.
pub fn check_servers(urls: &[(String, String)], timeout: Duration) -> Vec<Problem> {
    let mut answers: Vec<(&str, Result<(), String>)> = Vec::new();
    let mut problems = Vec::new();
    for (node, url) in urls {
        let answer = match answers.iter().find(|(u, _)| u == url) {
            Some((_, answer)) => answer.clone(),
            None => {
                let answer = probe(url, timeout);
                answers.push((url, answer.clone()));
                answer
            }
        };
        if let Err(e) = answer {
            problems.push(Problem::warning(
                node,
                format!(
                    "{e}; start it before the run, or the job retries it for its retry \
                     time, then fails"
                ),
            ));
        }
    }
    problems
}
