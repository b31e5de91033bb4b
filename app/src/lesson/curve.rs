//! Latency against throughput, measured: the lesson's pipeline runs once per batch size at
//! its source's own pace, for the end-to-end latency, and once as fast as it goes, for the
//! throughput. Points arrive one by one on a thread of their own.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use engine::operators::ConsoleCapture;
use engine::spec::NodeKind;
use engine::{JobHandle, JobSummary, PipelineSpec, RunOptions};

/// One batch size, measured.
#[derive(Clone, Debug, PartialEq)]
pub struct CurvePoint {
    pub batch_size: usize,
    /// The 99th percentile of the end-to-end latency, paced, in milliseconds.
    pub p99_ms: f64,
    /// Rows a second the sources made, unpaced.
    pub rows_per_second: f64,
}

/// Measures `spec` at `batch_size` for `seconds` each way.
pub fn measure(
    spec: &PipelineSpec,
    base_dir: &Path,
    batch_size: usize,
    seconds: f64,
) -> Result<CurvePoint, String> {
    let mut paced = spec.clone();
    paced.job.batch_size = batch_size;
    let summary = run_for(&paced, base_dir, seconds)?;
    let p99_ms = summary
        .latency
        .map(|l| l.p99_ms)
        .ok_or("no row reached a sink: there is no latency to measure")?;
    let mut unpaced = paced;
    for node in &mut unpaced.nodes {
        if let NodeKind::Datagen(c) = &mut node.kind {
            c.rows_per_second = None;
        }
    }
    let summary = run_for(&unpaced, base_dir, seconds)?;
    let rows_per_second = summary.records_in as f64 / summary.elapsed.as_secs_f64().max(1e-9);
    Ok(CurvePoint {
        batch_size,
        p99_ms,
        rows_per_second,
    })
}

/// Runs `spec` until it ends or `seconds` have passed.
fn run_for(spec: &PipelineSpec, base_dir: &Path, seconds: f64) -> Result<JobSummary, String> {
    let options = RunOptions {
        base_dir: base_dir.to_path_buf(),
        console: Arc::new(ConsoleCapture::new(100)),
        ..RunOptions::default()
    };
    let job = JobHandle::start(spec, options).map_err(|e| e.to_string())?;
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    while !job.is_finished() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    job.stop();
    job.wait().map_err(|e| e.to_string())
}

/// The measurements going on in the background, and those taken.
pub struct CurveRun {
    /// The pipeline measured, to tell whether the canvas has changed since.
    pub spec: PipelineSpec,
    pub batch_sizes: Vec<usize>,
    measured: Arc<Mutex<Measured>>,
}

#[derive(Default)]
struct Measured {
    points: Vec<CurvePoint>,
    error: Option<String>,
    done: bool,
}

impl CurveRun {
    pub fn start(
        spec: PipelineSpec,
        base_dir: PathBuf,
        batch_sizes: Vec<usize>,
        seconds: f64,
    ) -> Self {
        let measured = Arc::new(Mutex::new(Measured::default()));
        let (run, sizes, shared) = (spec.clone(), batch_sizes.clone(), measured.clone());
        let spawned = std::thread::Builder::new()
            .name("lesson curve".into())
            .spawn(move || {
                for size in sizes {
                    let point = measure(&run, &base_dir, size, seconds);
                    let mut m = shared.lock().unwrap_or_else(|e| e.into_inner());
                    match point {
                        Ok(point) => m.points.push(point),
                        Err(e) => {
                            m.error = Some(format!("batch size {size}: {e}"));
                            break;
                        }
                    }
                }
                shared.lock().unwrap_or_else(|e| e.into_inner()).done = true;
            });
        if let Err(e) = spawned {
            let mut m = measured.lock().unwrap_or_else(|e| e.into_inner());
            m.error = Some(format!("cannot start the measurements: {e}"));
            m.done = true;
        }
        CurveRun {
            spec,
            batch_sizes,
            measured,
        }
    }

    pub fn points(&self) -> Vec<CurvePoint> {
        self.lock().points.clone()
    }

    pub fn error(&self) -> Option<String> {
        self.lock().error.clone()
    }

    pub fn is_running(&self) -> bool {
        !self.lock().done
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Measured> {
        self.measured.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The batch size with the least or most of `measure` (`most`), if any was measured.
pub fn extreme(
    points: &[CurvePoint],
    measure: fn(&CurvePoint) -> f64,
    most: bool,
) -> Option<usize> {
    let order = |a: &&CurvePoint, b: &&CurvePoint| measure(a).total_cmp(&measure(b));
    let point = if most {
        points.iter().max_by(order)
    } else {
        points.iter().min_by(order)
    };
    point.map(|p| p.batch_size)
}
