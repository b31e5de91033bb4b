//! A question's answer, read from the run (its timeline, or its measured curve), and the
//! check of what the learner gave.

use serde::Deserialize;

use super::curve::{CurvePoint, extreme};
use super::recovery::RecoveryOutcome;
use super::timeline::{Fate, Timeline, WindowBox};
use crate::format::time_of_day;

/// What a run shows, for a question to be answered from.
#[derive(Clone, Copy, Debug)]
pub enum Evidence<'a> {
    Timeline(&'a Timeline),
    /// The points measured so far (all of them once the measurements are done).
    Curve(&'a [CurvePoint]),
    Recovery(&'a RecoveryOutcome),
}

/// What a question asks of the run.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub enum Answer {
    /// How many rows were late for the window (whatever became of them).
    LateRows,
    /// How many late rows were dropped.
    DroppedRows,
    /// How many late rows left by the window's `late` output.
    LateOutputRows,
    /// How many late rows updated a window's result.
    UpdatedRows,
    /// How many windows fired.
    Windows,
    /// Which window fired first: picked from the windows of the run.
    FirstWindow,
    /// How many windows the row that arrived `n`-th (from 1) was counted in.
    WindowsOfRow(usize),
    /// After how many rows the first result came (the last row, when it came at the end).
    FirstResultAfterRow,
    /// The batch size with the lowest latency: picked from those measured.
    LowestLatency,
    /// The batch size with the highest latency.
    HighestLatency,
    /// The batch size with the highest throughput.
    HighestThroughput,
    /// The batch size with the lowest throughput.
    LowestThroughput,
    /// Rows of the run without failures that the file lacks.
    MissingRows,
    /// Rows the file holds more often than the run without failures gave them.
    DuplicatedRows,
    /// Times the job restarted.
    Restarts,
}

/// The learner's answer against the run's.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    Right,
    Wrong { expected: String },
}

impl Answer {
    /// The right answer on this run, as the learner would give it; `None` when the run
    /// does not show it (a timeline question on a curve, a curve not measured yet).
    pub fn expected(&self, evidence: Evidence) -> Option<String> {
        match evidence {
            Evidence::Timeline(timeline) => self.read_in_timeline(timeline),
            Evidence::Curve(points) => self.read_in_curve(points),
            Evidence::Recovery(outcome) => self.read_in_recovery(outcome),
        }
    }

    fn read_in_curve(&self, points: &[CurvePoint]) -> Option<String> {
        let batch = match self {
            Answer::LowestLatency => extreme(points, |p| p.p99_ms, false),
            Answer::HighestLatency => extreme(points, |p| p.p99_ms, true),
            Answer::HighestThroughput => extreme(points, |p| p.rows_per_second, true),
            Answer::LowestThroughput => extreme(points, |p| p.rows_per_second, false),
            _ => None,
        };
        batch.map(|b| b.to_string())
    }

    fn read_in_recovery(&self, outcome: &RecoveryOutcome) -> Option<String> {
        match self {
            Answer::MissingRows => Some(outcome.missing.to_string()),
            Answer::DuplicatedRows => Some(outcome.duplicated.to_string()),
            Answer::Restarts => Some(outcome.restarts.to_string()),
            _ => None,
        }
    }

    fn read_in_timeline(&self, timeline: &Timeline) -> Option<String> {
        let count = |fate: fn(Fate) -> bool| {
            timeline
                .arrivals
                .iter()
                .filter(|a| fate(a.fate))
                .count()
                .to_string()
        };
        let answer = match self {
            Answer::LateRows => count(Fate::is_late),
            Answer::DroppedRows => count(|f| f == Fate::Dropped),
            Answer::LateOutputRows => count(|f| f == Fate::ToLateOutput),
            Answer::UpdatedRows => count(|f| f == Fate::Updated),
            Answer::Windows => timeline.windows.len().to_string(),
            Answer::FirstWindow => timeline
                .firing_order()
                .first()
                .map_or_else(|| "none".to_string(), |w| window_label(w)),
            Answer::WindowsOfRow(n) => timeline
                .arrivals
                .get(n.saturating_sub(1))
                .map_or(0, |row| {
                    timeline
                        .windows
                        .iter()
                        .filter(|w| w.members(timeline).any(|a| a.index == row.index))
                        .count()
                })
                .to_string(),
            Answer::FirstResultAfterRow => timeline
                .firing_order()
                .first()
                .map_or(0, |w| w.fired_at.min(timeline.arrivals.len()))
                .to_string(),
            _ => return None,
        };
        Some(answer)
    }

    /// The answers to pick from, for a question answered by picking; `None` for a number.
    pub fn choices(&self, evidence: Evidence) -> Option<Vec<String>> {
        match (self, evidence) {
            (
                Answer::LowestLatency
                | Answer::HighestLatency
                | Answer::HighestThroughput
                | Answer::LowestThroughput,
                Evidence::Curve(points),
            ) => Some(points.iter().map(|p| p.batch_size.to_string()).collect()),
            (Answer::FirstWindow, Evidence::Timeline(timeline)) => {
                let mut windows: Vec<&WindowBox> = timeline.windows.iter().collect();
                windows.sort_by_key(|w| (w.start, w.end));
                let mut labels: Vec<String> = windows.into_iter().map(window_label).collect();
                labels.dedup();
                Some(labels)
            }
            _ => None,
        }
    }

    /// The check of `given`; `None` when the run cannot answer yet.
    pub fn check(&self, given: &str, evidence: Evidence) -> Option<Check> {
        let expected = self.expected(evidence)?;
        let right = match self.choices(evidence) {
            Some(_) => given.trim() == expected,
            None => given.trim().parse::<u64>().ok() == expected.parse::<u64>().ok(),
        };
        Some(if right {
            Check::Right
        } else {
            Check::Wrong { expected }
        })
    }
}

/// A window as the timeline and the questions name it: `10:00:00–10:00:10`, with its key.
pub fn window_label(w: &WindowBox) -> String {
    let span = format!("{}–{}", time_of_day(w.start), time_of_day(w.end));
    if w.key.is_empty() {
        span
    } else {
        format!("{span} ({})", w.key)
    }
}
