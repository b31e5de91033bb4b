//! Undo and redo over whole pipeline states.
//!
//! Every edit, whatever made it (canvas, inspector, palette), ends as a new `PipelineSpec`;
//! keeping states rather than commands means no edit can forget to be undoable.

use engine::PipelineSpec;

/// How many steps back undo can go.
const DEPTH: usize = 200;

pub struct History {
    undo: Vec<PipelineSpec>,
    redo: Vec<PipelineSpec>,
    current: PipelineSpec,
}

impl History {
    pub fn new(current: PipelineSpec) -> Self {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            current,
        }
    }

    /// Records `state` as one step if it differs from the current one; returns whether it did.
    pub fn record(&mut self, state: PipelineSpec) -> bool {
        if state == self.current {
            return false;
        }
        self.undo.push(std::mem::replace(&mut self.current, state));
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
        true
    }

    #[cfg(test)]
    pub fn current(&self) -> &PipelineSpec {
        &self.current
    }

    /// Steps back; returns the state to show.
    pub fn undo(&mut self) -> Option<&PipelineSpec> {
        let previous = self.undo.pop()?;
        self.redo
            .push(std::mem::replace(&mut self.current, previous));
        Some(&self.current)
    }

    pub fn redo(&mut self) -> Option<&PipelineSpec> {
        let next = self.redo.pop()?;
        self.undo.push(std::mem::replace(&mut self.current, next));
        Some(&self.current)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> PipelineSpec {
        PipelineSpec::new(name)
    }

    #[test]
    fn undo_and_redo_walk_the_recorded_states() {
        let mut history = History::new(named("a"));
        assert!(history.record(named("b")));
        assert!(
            !history.record(named("b")),
            "an unchanged state is not a step"
        );
        assert!(history.record(named("c")));
        assert_eq!(history.undo().unwrap().name, "b");
        assert_eq!(history.undo().unwrap().name, "a");
        assert!(history.undo().is_none());
        assert_eq!(history.redo().unwrap().name, "b");
        history.record(named("d"));
        assert!(!history.can_redo(), "a new edit drops the redo steps");
        assert_eq!(history.undo().unwrap().name, "b");
    }

    #[test]
    fn history_is_bounded() {
        let mut history = History::new(named("0"));
        for i in 1..=DEPTH + 10 {
            history.record(named(&i.to_string()));
        }
        let mut steps = 0;
        while history.undo().is_some() {
            steps += 1;
        }
        assert_eq!(steps, DEPTH);
        assert_eq!(history.current().name, "10");
    }
}
