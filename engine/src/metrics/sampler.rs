//! The sampler: one thread per job reads every counter ten times a second into a
//! `MetricsSnapshot`, keeps a bounded history, and hands each snapshot to any number of
//! subscribers without waiting for them (a slow one misses samples; the job never waits).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};
use hdrhistogram::Histogram;

use super::counters::{NodeCounters, TaskCounters};
use super::latency::{self, LatencySummary, LatencyWindow};
use super::snapshot::{InstanceSnapshot, MetricsSnapshot, NodeSnapshot};
use crate::spec::Category;

/// How often the sampler looks.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(100);
/// A sample's latency is over this many samples: the last five seconds.
const LATENCY_WINDOW: usize = 50;
/// Samples kept at the full rate: ten minutes.
const RECENT: usize = 6000;
/// Older samples kept, thinned by half whenever this many gather: the whole run, coarser
/// the further back.
const OLDER: usize = 3000;

/// One node: its id, category, the counters of each instance and of the task each runs in.
pub struct SampledNode {
    pub id: String,
    pub category: Category,
    pub instances: Vec<Arc<NodeCounters>>,
    pub tasks: Vec<Arc<TaskCounters>>,
}

/// The samples of a run so far: the last ten minutes at the full rate, the time before that
/// thinned.
#[derive(Default)]
pub struct History {
    recent: VecDeque<Arc<MetricsSnapshot>>,
    older: Vec<Arc<MetricsSnapshot>>,
}

impl History {
    fn push(&mut self, sample: Arc<MetricsSnapshot>) {
        self.recent.push_back(sample);
        if self.recent.len() > RECENT
            && let Some(old) = self.recent.pop_front()
        {
            self.older.push(old);
            if self.older.len() >= OLDER {
                // Keep every other one: the far past at half the resolution.
                let kept: Vec<_> = self.older.iter().step_by(2).cloned().collect();
                self.older = kept;
            }
        }
    }

    /// Every sample kept, oldest first.
    pub fn all(&self) -> Vec<Arc<MetricsSnapshot>> {
        self.older.iter().chain(&self.recent).cloned().collect()
    }

    pub fn latest(&self) -> Option<Arc<MetricsSnapshot>> {
        self.recent.back().cloned()
    }

    /// The last `n` samples (or fewer), oldest first.
    pub fn last(&self, n: usize) -> Vec<Arc<MetricsSnapshot>> {
        let skip = self.recent.len().saturating_sub(n);
        self.recent.iter().skip(skip).cloned().collect()
    }
}

/// What the job's handle and the sampler share: the history, the subscribers, and each
/// sink's latency over the whole run.
#[derive(Default)]
pub struct Watched {
    history: Mutex<History>,
    subscribers: Mutex<Vec<Sender<Arc<MetricsSnapshot>>>>,
    run_latency: Mutex<Vec<(String, Histogram<u64>)>>,
    /// Set once the last sample, with the final counts, is in.
    complete: AtomicBool,
}

impl Watched {
    pub fn latest(&self) -> Option<Arc<MetricsSnapshot>> {
        self.history
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .latest()
    }

    pub fn history(&self) -> Vec<Arc<MetricsSnapshot>> {
        self.history.lock().unwrap_or_else(|e| e.into_inner()).all()
    }

    /// The last `n` samples (or fewer), oldest first.
    pub fn last(&self, n: usize) -> Vec<Arc<MetricsSnapshot>> {
        self.history
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .last(n)
    }

    /// Whether the job has ended and its last sample is in.
    pub fn is_complete(&self) -> bool {
        self.complete.load(Ordering::Acquire)
    }

    /// A stream of the snapshots to come. Up to `backlog` wait for the reader; more are
    /// dropped for it, so a reader that falls behind never slows the job.
    pub fn subscribe(&self, backlog: usize) -> Receiver<Arc<MetricsSnapshot>> {
        let (tx, rx) = bounded(backlog.max(1));
        self.subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        rx
    }

    /// Latency over the whole run, of all sinks together.
    pub fn run_latency(&self) -> Option<LatencySummary> {
        let totals = self.run_latency.lock().unwrap_or_else(|e| e.into_inner());
        let mut all = latency::empty();
        for (_, h) in totals.iter() {
            let _ = all.add(h);
        }
        LatencySummary::of(&all)
    }

    /// Latency over the whole run, of one sink.
    pub fn node_latency(&self, id: &str) -> Option<LatencySummary> {
        let totals = self.run_latency.lock().unwrap_or_else(|e| e.into_inner());
        totals
            .iter()
            .find(|(n, _)| n == id)
            .and_then(|(_, h)| LatencySummary::of(h))
    }

    fn publish(&self, sample: Arc<MetricsSnapshot>) {
        self.history
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(sample.clone());
        self.subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|tx| {
                !matches!(
                    tx.try_send(sample.clone()),
                    Err(TrySendError::Disconnected(_))
                )
            });
    }
}

/// The counts of one instance at the previous sample, for rates.
#[derive(Clone, Copy, Default)]
struct Previous {
    records_in: u64,
    records_out: u64,
    bytes_in: u64,
    bytes_out: u64,
    idle_ns: u64,
    backpressured_ns: u64,
}

pub struct Sampler {
    nodes: Vec<SampledNode>,
    /// Each sink's latency over the last `LATENCY_WINDOW` samples (`None` for other nodes).
    latency_windows: Vec<Option<LatencyWindow>>,
    watched: Arc<Watched>,
    started: Instant,
    last: Instant,
    previous: Vec<Vec<Previous>>,
}

impl Sampler {
    pub fn new(nodes: Vec<SampledNode>, watched: Arc<Watched>, started: Instant) -> Self {
        let previous = nodes
            .iter()
            .map(|n| vec![Previous::default(); n.instances.len()])
            .collect();
        *watched
            .run_latency
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = nodes
            .iter()
            .filter(|n| n.category == Category::Sink)
            .map(|n| (n.id.clone(), latency::empty()))
            .collect();
        Sampler {
            latency_windows: nodes
                .iter()
                .map(|n| {
                    n.instances
                        .iter()
                        .any(|c| c.latency.is_some())
                        .then(|| LatencyWindow::new(LATENCY_WINDOW))
                })
                .collect(),
            nodes,
            watched,
            started,
            last: started,
            previous,
        }
    }

    /// Samples every `SAMPLE_INTERVAL` until every sender of `ended` is gone (the job has
    /// ended), then once more at once, so the last sample holds the final counts.
    pub fn run(mut self, ended: Receiver<()>) {
        let mut next = Instant::now() + SAMPLE_INTERVAL;
        loop {
            let last = matches!(
                ended.recv_deadline(next),
                Err(crossbeam_channel::RecvTimeoutError::Disconnected)
            );
            // A sampler held up (a busy machine) starts again rather than catching up.
            next = (next + SAMPLE_INTERVAL).max(Instant::now());
            let sample = Arc::new(self.sample());
            self.watched.publish(sample);
            if last {
                self.watched.complete.store(true, Ordering::Release);
                return;
            }
        }
    }

    /// Reads every counter now.
    pub fn sample(&mut self) -> MetricsSnapshot {
        let now = Instant::now();
        let interval = now - self.last;
        let seconds = interval.as_secs_f64().max(1e-9);
        let interval_ns = (interval.as_nanos() as u64).max(1);
        self.last = now;
        let wall_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let mut run_latency = self
            .watched
            .run_latency
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for (n, node) in self.nodes.iter().enumerate() {
            let mut out = NodeSnapshot {
                id: node.id.clone(),
                category: Some(node.category),
                ..NodeSnapshot::default()
            };
            let mut recent: Option<Histogram<u64>> = None;
            let mut least_watermark = Some(i64::MAX);
            for (i, c) in node.instances.iter().enumerate() {
                let load = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
                let task = &node.tasks[i];
                let current = Previous {
                    records_in: load(&c.records_in),
                    records_out: load(&c.records_out),
                    bytes_in: load(&c.bytes_in),
                    bytes_out: load(&c.bytes_out),
                    idle_ns: load(&task.idle_ns),
                    backpressured_ns: load(&task.backpressured_ns),
                };
                let before = std::mem::replace(&mut self.previous[n][i], current);
                let rate = |now: u64, then: u64| now.saturating_sub(then) as f64 / seconds;
                let share = |now: u64, then: u64| {
                    (now.saturating_sub(then) as f64 / interval_ns as f64).clamp(0.0, 1.0)
                };
                let idle = share(current.idle_ns, before.idle_ns);
                let backpressure = share(current.backpressured_ns, before.backpressured_ns);
                let watermark = c.watermark.load(Ordering::Relaxed);
                let watermark = (watermark != i64::MIN).then_some(watermark);
                least_watermark = match (least_watermark, watermark) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    _ => None,
                };
                let queue_fill = load(&task.queue_fill_permille) as f64 / 1000.0;
                let late_records = load(&c.late_records);
                let instance = InstanceSnapshot {
                    records_in: current.records_in,
                    records_out: current.records_out,
                    bytes_in: current.bytes_in,
                    bytes_out: current.bytes_out,
                    late_records,
                    records_in_rate: rate(current.records_in, before.records_in),
                    records_out_rate: rate(current.records_out, before.records_out),
                    watermark,
                    busy: (1.0 - idle - backpressure).max(0.0),
                    idle,
                    backpressure,
                    queue_fill,
                    idle_total_ms: current.idle_ns / 1_000_000,
                    backpressured_total_ms: current.backpressured_ns / 1_000_000,
                };
                out.records_in += current.records_in;
                out.records_out += current.records_out;
                out.bytes_in += current.bytes_in;
                out.bytes_out += current.bytes_out;
                out.late_records += late_records;
                out.records_in_rate += instance.records_in_rate;
                out.records_out_rate += instance.records_out_rate;
                out.bytes_in_rate += rate(current.bytes_in, before.bytes_in);
                out.bytes_out_rate += rate(current.bytes_out, before.bytes_out);
                out.queue_fill = out.queue_fill.max(queue_fill);
                if let Some(l) = &c.latency {
                    let taken = l.take();
                    if !taken.is_empty() {
                        let _ = recent.get_or_insert_with(latency::empty).add(taken);
                    }
                }
                out.instances.push(instance);
            }
            let count = out.instances.len().max(1) as f64;
            out.busy = out.instances.iter().map(|i| i.busy).sum::<f64>() / count;
            out.idle = out.instances.iter().map(|i| i.idle).sum::<f64>() / count;
            out.backpressure = out.instances.iter().map(|i| i.backpressure).sum::<f64>() / count;
            out.watermark = least_watermark.filter(|_| !node.instances.is_empty());
            out.watermark_lag_ms = out
                .watermark
                .filter(|w| *w != i64::MAX)
                .map(|w| wall_ms.saturating_sub(w));
            if let (Some(recent), Some((_, total))) = (
                &recent,
                run_latency.iter_mut().find(|(id, _)| *id == node.id),
            ) {
                let _ = total.add(recent);
            }
            // Over a window of samples, so a sink that receives now and then (a window's
            // results once a second) still has a latency to show between its rows.
            if let Some(window) = &mut self.latency_windows[n] {
                window.push(recent);
                out.latency = window.summary();
            }
            nodes.push(out);
        }
        MetricsSnapshot {
            elapsed: now - self.started,
            wall_ms,
            interval,
            nodes,
        }
    }
}
