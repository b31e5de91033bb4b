//! SQL expressions (Flink SQL syntax) over batches.
//!
//! Text is parsed with sqlparser, resolved and type-checked once against the input schema,
//! and compiled into a tree of vectorized kernels: evaluation walks the tree once per batch
//! and every node runs a tight loop over whole columns.
//!
//! Semantics worth knowing:
//! - BIGINT arithmetic wraps on overflow (two's complement, like Java `long`); `/` on two
//!   BIGINTs truncates toward zero and `%` takes the sign of the dividend. Dividing a BIGINT
//!   by zero is an [`EvalError`] (only on rows that are not NULL); DOUBLE follows IEEE.
//! - A bare `NULL` takes its type from its context (`price + NULL` is a NULL BIGINT, a NULL
//!   condition is a NULL BOOLEAN). An expression that is only an untyped NULL, such as
//!   `NULL` as a select item, is a type error: write `CAST(NULL AS BIGINT)`.
//! - Sub-expressions made only of literals are evaluated once, at compile time.
//! - `CASE` evaluates a branch only on the rows that take it, so it can guard a division.
//! - `TRY_CAST` gives NULL where `CAST` would fail. CONCAT and `||` cast non-text arguments
//!   to STRING.

mod aggregate;
mod cast;
#[cfg(test)]
mod cast_tests;
mod decimal_kernels;
#[cfg(test)]
mod decimal_tests;
mod functions;
#[cfg(test)]
mod int_tests;
mod kernels;
mod node;
pub(crate) mod parse;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use sqlparser::ast;

use crate::types::{Batch, ColumnBuilder, ColumnRef, DataType, Schema};

pub use aggregate::{AggFunc, Aggregate};
use node::{Input, Node};
use parse::{Checked, Checker};

/// Why an expression was rejected at compile time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub kind: ExprErrorKind,
    /// A full sentence for the user.
    pub message: String,
    /// The column at fault: the unknown name, or the one column a type error is about.
    pub column: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExprErrorKind {
    Parse,
    UnknownColumn,
    TypeMismatch,
    Unsupported,
    /// A part made only of constants fails on every row (`CAST('abc' AS BIGINT)`).
    AlwaysFails,
    /// More operators than an expression may have.
    TooLong,
}

impl ExprError {
    pub(crate) fn new(kind: ExprErrorKind, message: impl Into<String>) -> Self {
        ExprError {
            kind,
            message: message.into(),
            column: None,
        }
    }

    /// A too-long expression is told how to split it where it is (a Filter's condition, a
    /// Map column, a Window's aggregate).
    pub(crate) fn advise(mut self, how_to_split: &str) -> Self {
        if self.kind == ExprErrorKind::TooLong {
            self.message = format!("{}; {how_to_split}", self.message);
        }
        self
    }
}

/// How to split a condition that is too long.
const FILTER_ADVICE: &str = "split it: conditions joined by AND can be Filters one after \
     another, and a long calculation can be worked out in columns of a Map before this Filter";
const MAP_ADVICE: &str = "split it across several Map columns";

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

/// A failure while evaluating a batch: division by zero, a CAST that does not convert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        EvalError {
            message: message.into(),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

/// A checked, compiled expression; cheap to clone and share between threads.
#[derive(Clone, Debug)]
pub struct CompiledExpr {
    inner: Arc<Compiled>,
}

#[derive(Debug)]
struct Compiled {
    node: Node,
    data_type: DataType,
    /// Input columns read: position in the schema, name, type.
    columns: Vec<(usize, String, DataType)>,
}

impl CompiledExpr {
    pub fn compile(text: &str, schema: &Schema) -> Result<CompiledExpr, ExprError> {
        let expr = parse::parse_expr(text).map_err(|e| e.advise(MAP_ADVICE))?;
        Self::from_ast(&expr, schema)
    }

    pub(crate) fn from_ast(expr: &ast::Expr, schema: &Schema) -> Result<CompiledExpr, ExprError> {
        match Checker::new(schema).check(expr)? {
            Checked::Node(node) => {
                refuse_constant_failure(&node)?;
                Ok(Self::from_node(node, schema))
            }
            Checked::Null => Err(ExprError::new(
                ExprErrorKind::TypeMismatch,
                "cannot tell the type of a bare NULL; write it as e.g. CAST(NULL AS BIGINT)",
            )),
        }
    }

    fn from_node(node: Node, schema: &Schema) -> CompiledExpr {
        let columns = node
            .column_indices()
            .into_iter()
            .map(|i| {
                let field = &schema.fields[i];
                (i, field.name.clone(), field.data_type)
            })
            .collect();
        CompiledExpr {
            inner: Arc::new(Compiled {
                data_type: node.data_type(),
                node,
                columns,
            }),
        }
    }

    pub fn data_type(&self) -> DataType {
        self.inner.data_type
    }

    /// The input column this expression is, when it is a bare column reference.
    pub fn as_column(&self) -> Option<&str> {
        match (&self.inner.node, self.inner.columns.as_slice()) {
            (Node::Column { .. }, [(_, name, _)]) => Some(name),
            _ => None,
        }
    }

    /// Input columns referenced, in first-use order, deduplicated.
    pub fn columns(&self) -> Vec<String> {
        self.inner
            .columns
            .iter()
            .map(|(_, name, _)| name.clone())
            .collect()
    }

    /// The value for every row of `batch`; a bare column reference returns that very column.
    pub fn eval(&self, batch: &Batch) -> Result<ColumnRef, EvalError> {
        let rows = batch.num_rows();
        if rows == 0 {
            return Ok(Arc::new(ColumnBuilder::new(self.data_type(), 0).finish()));
        }
        let datum = self.eval_datum(batch)?;
        Ok(datum.into_column(self.data_type(), rows))
    }

    fn eval_datum(&self, batch: &Batch) -> Result<kernels::Datum, EvalError> {
        self.check_batch(batch)?;
        self.inner.node.eval(&Input {
            columns: batch.columns(),
            rows: batch.num_rows(),
        })
    }

    /// A batch that does not match the compile-time schema is an error, not a panic.
    fn check_batch(&self, batch: &Batch) -> Result<(), EvalError> {
        for (index, name, ty) in &self.inner.columns {
            match batch.columns().get(*index) {
                None => {
                    return Err(EvalError::new(format!(
                        "column `{name}` is missing: the batch has {} columns",
                        batch.columns().len()
                    )));
                }
                Some(c) if c.data_type() != *ty => {
                    return Err(EvalError::new(format!(
                        "column `{name}` should be {ty} but the batch has {}",
                        c.data_type()
                    )));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// A constant part that fails, evaluated on every row, fails every row: an error now rather
/// than on the first row of a run. A part inside a CASE branch may never run, so it waits.
fn refuse_constant_failure(node: &Node) -> Result<(), ExprError> {
    match node.unconditional_constant_failure() {
        None => Ok(()),
        Some(e) => Err(ExprError::new(
            ExprErrorKind::AlwaysFails,
            format!("a constant part fails on every row: {e}"),
        )),
    }
}

/// A filter condition: must type-check to BOOLEAN.
#[derive(Clone, Debug)]
pub struct Predicate {
    expr: CompiledExpr,
}

impl Predicate {
    pub fn compile(text: &str, schema: &Schema) -> Result<Predicate, ExprError> {
        let expr = parse::parse_expr(text).map_err(|e| e.advise(FILTER_ADVICE))?;
        let node = match Checker::new(schema).check(&expr)? {
            // `WHERE NULL` is a NULL condition: no row passes.
            Checked::Null => Checked::Null.typed(DataType::Bool),
            Checked::Node(node) if node.data_type() == DataType::Bool => node,
            Checked::Node(node) => {
                let ty = node.data_type();
                let columns = node.column_indices();
                let mut error = ExprError::new(
                    ExprErrorKind::TypeMismatch,
                    format!("expected a BOOLEAN condition, found {ty}"),
                );
                if let [only] = columns.as_slice() {
                    error.column = Some(schema.fields[*only].name.clone());
                }
                return Err(error);
            }
        };
        refuse_constant_failure(&node)?;
        Ok(Predicate {
            expr: CompiledExpr::from_node(node, schema),
        })
    }

    pub fn columns(&self) -> Vec<String> {
        self.expr.columns()
    }

    /// Rows where the condition is TRUE (NULL counts as false), as a mask.
    pub fn eval_mask(&self, batch: &Batch) -> Result<Vec<bool>, EvalError> {
        let rows = batch.num_rows();
        if rows == 0 {
            return Ok(Vec::new());
        }
        kernels::true_mask(self.expr.eval_datum(batch)?, rows)
    }

    /// Convenience: the rows of `batch` where the condition holds (uses Batch::filter).
    pub fn filter(&self, batch: &Batch) -> Result<Batch, EvalError> {
        let mask = self.eval_mask(batch)?;
        Ok(batch.filter(&mask))
    }
}

/// One item of a projection: `expr` or `expr AS name`.
#[derive(Clone, Debug)]
pub struct SelectItem {
    pub name: String,
    pub expr: CompiledExpr,
}

impl SelectItem {
    /// Output name: the alias; else the column name for a bare column reference; else
    /// `EXPR$<index>` like Flink.
    pub fn compile(text: &str, index: usize, schema: &Schema) -> Result<SelectItem, ExprError> {
        let parsed = parse::parse_select_item(text).map_err(|e| e.advise(MAP_ADVICE))?;
        let (expr, alias) = match parsed {
            ast::SelectItem::UnnamedExpr(e) => (e, None),
            ast::SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value)),
            ast::SelectItem::Wildcard(_) | ast::SelectItem::QualifiedWildcard(..) => {
                return Err(ExprError::new(
                    ExprErrorKind::Unsupported,
                    format!(
                        "`{}` is not supported in a select item; list the columns you want, \
                         e.g. `{}`",
                        text.trim(),
                        schema.names().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            ast::SelectItem::ExprWithAliases { .. } => {
                return Err(ExprError::new(
                    ExprErrorKind::Unsupported,
                    format!(
                        "`{}` gives several names; a select item has one: `expr AS name`",
                        text.trim()
                    ),
                ));
            }
        };
        let compiled = CompiledExpr::from_ast(&expr, schema)?;
        let name = match (alias, &expr) {
            (Some(alias), _) => alias,
            (None, ast::Expr::Identifier(_)) => compiled.columns().remove(0),
            (None, _) => format!("EXPR${index}"),
        };
        Ok(SelectItem {
            name,
            expr: compiled,
        })
    }
}
