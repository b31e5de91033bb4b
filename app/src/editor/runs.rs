//! The runs of this session: how each ended and the files it wrote. A run's outcome leaves
//! the canvas and the status bar once the pipeline changes, and stays here.

use super::outputs::OutputFile;
use super::run::RunState;

/// How many runs the history keeps; older ones are dropped.
const KEPT: usize = 100;

/// One run that has ended.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// Counted from 1 in this session.
    pub number: usize,
    pub pipeline: String,
    /// `Finished`, `Stopped` or `Failed`.
    pub state: RunState,
    /// The files written, with their rows; none for a failed run, which keeps the old files.
    pub outputs: Vec<OutputFile>,
}

#[derive(Default)]
pub struct RunHistory {
    records: Vec<RunRecord>,
    count: usize,
}

impl RunHistory {
    /// Files `record`, numbering it.
    pub fn push(&mut self, mut record: RunRecord) {
        self.count += 1;
        record.number = self.count;
        self.records.push(record);
        if self.records.len() > KEPT {
            self.records.remove(0);
        }
    }

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &RunRecord> {
        self.records.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(message: &str) -> RunRecord {
        RunRecord {
            number: 0,
            pipeline: "p".into(),
            state: RunState::Failed(message.into()),
            outputs: Vec::new(),
        }
    }

    #[test]
    fn runs_are_numbered_newest_first_and_bounded() {
        let mut history = RunHistory::default();
        for i in 0..KEPT + 5 {
            history.push(failed(&i.to_string()));
        }
        assert_eq!(history.len(), KEPT);
        let newest = history.newest_first().next().unwrap();
        assert_eq!(newest.number, KEPT + 5);
        assert_eq!(newest.state, RunState::Failed((KEPT + 4).to_string()));
    }
}
