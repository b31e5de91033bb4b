//! Lessons: a short text in steps beside a real pipeline and a view of its real runs (the
//! event-time timeline, a measured latency curve, or the output after a failure). A lesson
//! file (`saved-graphs/lessons/*.lesson.ron`) names its pipeline, its view, and its steps:
//! text, nodes to highlight, a change to try and a question whose answer is read from the
//! run, so it holds after any edit.

mod answer;
pub mod curve;
mod curve_view;
mod data;
mod panel;
pub mod recovery;
mod run;
pub mod timeline;
mod timeline_view;

use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use serde::Deserialize;

pub use answer::{Answer, Check, Evidence};
pub use curve_view::show as show_curve;
pub use data::SourceRows;
pub use panel::{LessonAction, LessonBrowser, OpenLesson};
pub use run::{TracedRun, run_traced};
pub use timeline_view::{Dragged, Playback, show as show_timeline};

/// A lesson as its file gives it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub title: String,
    /// One line for the lesson list.
    pub summary: String,
    /// The pipeline file, relative to the lesson file.
    pub pipeline: String,
    /// What the bottom of the window shows of the pipeline's runs.
    pub view: LessonView,
    pub steps: Vec<Step>,
}

/// What a lesson shows of its pipeline's runs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub enum LessonView {
    /// The event-time timeline of `window`, fed by `source` (until a step names others).
    Timeline { source: String, window: String },
    /// One run per batch size, each `seconds` long, paced and then as fast as it goes:
    /// latency against throughput, point by point.
    LatencyCurve {
        batch_sizes: Vec<usize>,
        seconds: f64,
    },
    /// The run with its failures against one without, by the rows file sink `sink` holds.
    Recovery { sink: String },
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub text: String,
    /// Nodes outlined on the canvas during the step.
    #[serde(default)]
    pub highlight: Vec<String>,
    /// The window the timeline draws from this step on.
    #[serde(default)]
    pub window: Option<String>,
    /// The source feeding it, when that changes too.
    #[serde(default)]
    pub source: Option<String>,
    /// A change the learner can make in one click (or by hand in the inspector).
    #[serde(default)]
    pub try_it: Option<TryIt>,
    #[serde(default)]
    pub question: Option<Question>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TryIt {
    /// The button's text.
    pub label: String,
    pub change: Change,
}

/// A change to the lesson's pipeline.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub enum Change {
    /// A file source's watermark delay.
    WatermarkDelay { node: String, ms: u64 },
    /// A window's allowed lateness.
    AllowedLateness { node: String, ms: u64 },
    /// The job's buffer timeout: how long a partly filled batch waits.
    BufferTimeout { ms: u64 },
    /// The job's restarts after a failure: `0` fails the job with its first failure.
    Restarts { attempts: u32, delay_ms: u64 },
    /// The job's checkpoint interval; `None` takes none.
    CheckpointEvery { ms: Option<u64> },
    /// The rate a file source replays its file at.
    ReplayRate { node: String, rows_per_second: u64 },
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: String,
    pub answer: Answer,
    /// Shown once answered right: what the answer means.
    #[serde(default)]
    pub explain: String,
}

/// Why a lesson file cannot be used, naming the file.
pub fn load(path: &Path) -> Result<Lesson, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the lesson {}: {e}", path.display()))?;
    let options = ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES);
    let lesson: Lesson = options.from_str(&text).map_err(|e| {
        format!(
            "the lesson {} is not valid: line {}, column {}: {}",
            path.display(),
            e.span.start.line,
            e.span.start.col,
            e.code
        )
    })?;
    if lesson.steps.is_empty() {
        return Err(format!("the lesson {} has no steps", path.display()));
    }
    Ok(lesson)
}

impl Lesson {
    /// The pipeline's path: beside the lesson file.
    pub fn pipeline_path(&self, lesson_path: &Path) -> PathBuf {
        lesson_path
            .parent()
            .unwrap_or(Path::new("."))
            .join(&self.pipeline)
    }

    /// The window the timeline draws at step `step`: the last one a step up to it named;
    /// `None` when the lesson shows no timeline.
    pub fn window_at(&self, step: usize) -> Option<&str> {
        let LessonView::Timeline { window, .. } = &self.view else {
            return None;
        };
        let mut named = self.steps.iter().take(step + 1).rev();
        Some(named.find_map(|s| s.window.as_deref()).unwrap_or(window))
    }

    /// The source the timeline follows at step `step`.
    pub fn source_at(&self, step: usize) -> Option<&str> {
        let LessonView::Timeline { source, .. } = &self.view else {
            return None;
        };
        let mut named = self.steps.iter().take(step + 1).rev();
        Some(named.find_map(|s| s.source.as_deref()).unwrap_or(source))
    }

    /// Nodes the lesson names that the pipeline lacks, in words; empty when all are there.
    pub fn missing_nodes(&self, spec: &engine::PipelineSpec) -> Vec<String> {
        let has = |id: &str| spec.nodes.iter().any(|n| n.id == id);
        let mut named: Vec<&str> = match &self.view {
            LessonView::Timeline { source, window } => vec![source, window],
            LessonView::LatencyCurve { .. } => Vec::new(),
            LessonView::Recovery { sink } => vec![sink],
        };
        for step in &self.steps {
            named.extend(step.highlight.iter().map(String::as_str));
            named.extend(step.window.as_deref());
            named.extend(step.source.as_deref());
            if let Some(node) = step.try_it.as_ref().and_then(|t| t.change.node()) {
                named.push(node);
            }
        }
        let mut missing: Vec<String> = named
            .into_iter()
            .filter(|id| !has(id))
            .map(str::to_string)
            .collect();
        missing.dedup();
        missing
    }
}

impl Change {
    /// The node it changes; `None` for a change of the job's settings.
    pub fn node(&self) -> Option<&str> {
        match self {
            Change::WatermarkDelay { node, .. }
            | Change::AllowedLateness { node, .. }
            | Change::ReplayRate { node, .. } => Some(node),
            Change::BufferTimeout { .. }
            | Change::Restarts { .. }
            | Change::CheckpointEvery { .. } => None,
        }
    }

    /// Makes the change in `spec`; false when the node is not of the kind the change needs.
    pub fn apply(&self, spec: &mut engine::PipelineSpec) -> bool {
        use engine::spec::NodeKind;
        match self {
            Change::BufferTimeout { ms } => {
                spec.job.buffer_timeout_ms = *ms;
                return true;
            }
            Change::Restarts { attempts, delay_ms } => {
                spec.job.restart = match attempts {
                    0 => engine::spec::RestartStrategy::None,
                    n => engine::spec::RestartStrategy::FixedDelay {
                        attempts: *n,
                        delay_ms: *delay_ms,
                    },
                };
                return true;
            }
            Change::CheckpointEvery { ms } => {
                spec.job.checkpoint_interval_ms = *ms;
                return true;
            }
            _ => {}
        }
        let Some(node) = spec
            .nodes
            .iter_mut()
            .find(|n| Some(n.id.as_str()) == self.node())
        else {
            return false;
        };
        match (self, &mut node.kind) {
            (Change::WatermarkDelay { ms, .. }, NodeKind::FileSource(c)) => {
                c.watermark_delay_ms = *ms;
                true
            }
            (Change::AllowedLateness { ms, .. }, NodeKind::Window(c)) => {
                c.allowed_lateness_ms = *ms;
                true
            }
            (
                Change::ReplayRate {
                    rows_per_second, ..
                },
                NodeKind::FileSource(c),
            ) => {
                c.rows_per_second = Some(*rows_per_second);
                true
            }
            _ => false,
        }
    }
}

/// Whether `path` names a lesson (`*.lesson.ron`) rather than a pipeline.
pub fn is_lesson_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".lesson.ron"))
}

/// The lessons in a folder, by file name (which starts with the lesson's number).
pub fn list(folder: &Path) -> Vec<(PathBuf, Result<Lesson, String>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_lesson_file(p))
        .collect();
    paths.sort();
    paths.into_iter().map(|p| (p.clone(), load(&p))).collect()
}
