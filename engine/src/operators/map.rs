use super::{Context, OpResult, Operator, Outputs};
use crate::expr::SelectItem;
use crate::spec::MapConfig;
use crate::types::Batch;

/// Computes each output column from an expression over the input columns.
pub struct Map {
    items: Vec<SelectItem>,
}

impl Map {
    pub fn new(config: &MapConfig, ctx: &Context) -> OpResult<Self> {
        let items = config
            .columns
            .iter()
            .enumerate()
            .map(|(i, text)| SelectItem::compile(text, i, &ctx.input_schema))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        Ok(Map { items })
    }
}

impl Operator for Map {
    fn process(&mut self, _port: usize, batch: Batch, out: &mut Outputs) -> OpResult {
        let columns = self
            .items
            .iter()
            .map(|item| {
                item.expr
                    .eval(&batch)
                    .map_err(|e| format!("column `{}`: {e}", item.name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push(batch.with_columns(columns));
        Ok(())
    }
}
