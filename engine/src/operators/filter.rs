use super::{Context, OpResult, Operator, Outputs};
use crate::expr::Predicate;
use crate::spec::FilterConfig;
use crate::types::Batch;

/// Keeps rows whose condition is TRUE.
pub struct Filter {
    predicate: Predicate,
}

impl Filter {
    pub fn new(config: &FilterConfig, ctx: &Context) -> OpResult<Self> {
        let predicate =
            Predicate::compile(&config.condition, &ctx.input_schema).map_err(|e| e.to_string())?;
        Ok(Filter { predicate })
    }
}

impl Operator for Filter {
    fn process(&mut self, _port: usize, batch: Batch, out: &mut Outputs) -> OpResult {
        let kept = self
            .predicate
            .filter(&batch)
            .map_err(|e| format!("condition: {e}"))?;
        out.push(kept);
        Ok(())
    }
}
