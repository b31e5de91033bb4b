//! Where the monitor's samples come from: the embedded engine's sampler today, a REST
//! endpoint (`streamlab run --serve`, later a Flink cluster) through the same trait.

use std::sync::Arc;

use engine::metrics::{MetricsSnapshot, Watched};

/// A job's metric samples, oldest first.
pub trait MetricsSource {
    /// The newest sample, if any yet.
    fn latest(&self) -> Option<Arc<MetricsSnapshot>>;
    /// Every sample kept.
    fn history(&self) -> Vec<Arc<MetricsSnapshot>>;
}

impl MetricsSource for Watched {
    fn latest(&self) -> Option<Arc<MetricsSnapshot>> {
        Watched::latest(self)
    }

    fn history(&self) -> Vec<Arc<MetricsSnapshot>> {
        Watched::history(self)
    }
}
