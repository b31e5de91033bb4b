use super::{OpResult, Operator, Outputs};
use crate::types::Batch;

/// Drops every row; the runtime still counts them.
pub struct Blackhole;

impl Operator for Blackhole {
    fn process(&mut self, _port: usize, _batch: Batch, _out: &mut Outputs) -> OpResult {
        Ok(())
    }
}
