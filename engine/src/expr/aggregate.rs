//! Aggregate items of a Window: `COUNT(*) AS n`, `SUM(price * 2) AS total`, with their
//! argument compiled against the input schema and their result type as Flink SQL gives it.

use sqlparser::ast::{self, Expr, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::{CompiledExpr, ExprError, ExprErrorKind, parse};
use crate::types::{DataType, DecimalType, Schema};

/// The aggregate functions a Window computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    /// `COUNT(*)`: rows; `COUNT(x)`: rows where `x` is not NULL.
    Count,
    Sum,
    Min,
    Max,
    Avg,
}

impl AggFunc {
    pub fn sql_name(self) -> &'static str {
        match self {
            AggFunc::Count => "COUNT",
            AggFunc::Sum => "SUM",
            AggFunc::Min => "MIN",
            AggFunc::Max => "MAX",
            AggFunc::Avg => "AVG",
        }
    }
}

const FUNCTIONS: &str = "COUNT, SUM, MIN, MAX, AVG";

/// One compiled aggregate item.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub func: AggFunc,
    /// The argument; `None` for `COUNT(*)`.
    pub arg: Option<CompiledExpr>,
    /// The output column's name: the alias, else Flink's `EXPR$<position>`.
    pub name: String,
    /// The output column's type: COUNT is BIGINT; SUM, MIN, MAX and AVG keep the argument's
    /// (AVG of a BIGINT divides as a BIGINT, as in Flink).
    pub data_type: DataType,
}

fn error(kind: ExprErrorKind, message: impl Into<String>) -> ExprError {
    ExprError::new(kind, message)
}

impl Aggregate {
    /// Compiles item `text`, the `position`th column of the Window's output.
    pub fn compile(text: &str, position: usize, schema: &Schema) -> Result<Aggregate, ExprError> {
        let parsed = parse::parse_select_item(text)
            .map_err(|e| e.advise("work parts of it out in a Map before the Window"))?;
        let (expr, alias) = match parsed {
            ast::SelectItem::UnnamedExpr(e) => (e, None),
            ast::SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value)),
            _ => {
                return Err(error(
                    ExprErrorKind::Unsupported,
                    format!(
                        "`{}` is not an aggregate; write e.g. `COUNT(*) AS n`",
                        text.trim()
                    ),
                ));
            }
        };
        let Expr::Function(f) = &expr else {
            return Err(error(
                ExprErrorKind::Unsupported,
                format!(
                    "`{expr}` is not an aggregate; a Window computes {FUNCTIONS} over an \
                     expression, e.g. `SUM(price) AS total`"
                ),
            ));
        };
        let name_text = f.name.to_string();
        let func = match name_text.to_ascii_uppercase().as_str() {
            "COUNT" => AggFunc::Count,
            "SUM" => AggFunc::Sum,
            "MIN" => AggFunc::Min,
            "MAX" => AggFunc::Max,
            "AVG" => AggFunc::Avg,
            _ => {
                return Err(error(
                    ExprErrorKind::Unsupported,
                    format!("unknown aggregate `{name_text}`; a Window computes {FUNCTIONS}"),
                ));
            }
        };
        let FunctionArguments::List(list) = &f.args else {
            return Err(error(
                ExprErrorKind::Parse,
                format!(
                    "`{expr}` needs an argument, e.g. `{}(price)`",
                    func.sql_name()
                ),
            ));
        };
        if list.duplicate_treatment.is_some()
            || !list.clauses.is_empty()
            || f.over.is_some()
            || f.filter.is_some()
        {
            return Err(error(
                ExprErrorKind::Unsupported,
                format!("`{expr}`: DISTINCT, FILTER and OVER are not supported in a Window"),
            ));
        }
        let arg = match list.args.as_slice() {
            [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)] if func == AggFunc::Count => None,
            [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)] => {
                return Err(error(
                    ExprErrorKind::Unsupported,
                    format!("{}(*) is not defined; name a column", func.sql_name()),
                ));
            }
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(e))] => {
                Some(CompiledExpr::from_ast(e, schema)?)
            }
            _ => {
                return Err(error(
                    ExprErrorKind::Parse,
                    format!("{} takes one argument: `{expr}`", func.sql_name()),
                ));
            }
        };
        let data_type = match (func, arg.as_ref().map(CompiledExpr::data_type)) {
            (AggFunc::Count, _) => DataType::Int64,
            (AggFunc::Sum, Some(DataType::Decimal { precision, scale })) => {
                DataType::decimal(DecimalType { precision, scale }.of_sum_aggregate())
            }
            (AggFunc::Avg, Some(DataType::Decimal { precision, scale })) => {
                DataType::decimal(DecimalType { precision, scale }.of_average())
            }
            (AggFunc::Sum | AggFunc::Avg, Some(t)) if t.is_numeric() => t,
            (AggFunc::Sum | AggFunc::Avg, Some(t)) => {
                let mut e = error(
                    ExprErrorKind::TypeMismatch,
                    format!("{} needs a number, found {t}", func.sql_name()),
                );
                if let Some(arg) = &arg
                    && let [only] = arg.columns().as_slice()
                {
                    e.column = Some(only.clone());
                }
                return Err(e);
            }
            (AggFunc::Min | AggFunc::Max, Some(t)) => t,
            (_, None) => unreachable!("only COUNT takes *"),
        };
        Ok(Aggregate {
            func,
            arg,
            name: alias.unwrap_or_else(|| format!("EXPR${position}")),
            data_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Field;

    fn schema() -> Schema {
        Schema::new(vec![
            Field::new("price", DataType::Int64),
            Field::new("rate", DataType::Float64),
            Field::new("name", DataType::Utf8),
        ])
    }

    #[test]
    fn types_and_names_as_flink() {
        let s = schema();
        let a = Aggregate::compile("COUNT(*) AS n", 2, &s).unwrap();
        assert_eq!(
            (a.func, a.name.as_str(), a.data_type),
            (AggFunc::Count, "n", DataType::Int64)
        );
        assert!(a.arg.is_none());
        let a = Aggregate::compile("sum(price * 2)", 3, &s).unwrap();
        assert_eq!(
            (a.func, a.name.as_str(), a.data_type),
            (AggFunc::Sum, "EXPR$3", DataType::Int64)
        );
        assert_eq!(
            Aggregate::compile("AVG(rate) AS r", 0, &s)
                .unwrap()
                .data_type,
            DataType::Float64
        );
        assert_eq!(
            Aggregate::compile("AVG(price) AS r", 0, &s)
                .unwrap()
                .data_type,
            DataType::Int64
        );
        let ints = Schema::new(vec![Field::new("i", DataType::Int32)]);
        for item in ["SUM(i)", "AVG(i)", "MIN(i)", "MAX(i)"] {
            let a = Aggregate::compile(item, 0, &ints).unwrap();
            assert_eq!(a.data_type, DataType::Int32, "{item}");
        }
        assert_eq!(
            Aggregate::compile("COUNT(i)", 0, &ints).unwrap().data_type,
            DataType::Int64
        );
        assert_eq!(
            Aggregate::compile("MAX(name) AS m", 0, &s)
                .unwrap()
                .data_type,
            DataType::Utf8
        );
        assert_eq!(
            Aggregate::compile("COUNT(name) AS m", 0, &s)
                .unwrap()
                .data_type,
            DataType::Int64
        );
    }

    #[test]
    fn mistakes_say_what_is_wrong() {
        let s = schema();
        let e = Aggregate::compile("MEDIAN(price) AS m", 0, &s).unwrap_err();
        assert!(
            e.message.contains("unknown aggregate `MEDIAN`"),
            "{}",
            e.message
        );
        let e = Aggregate::compile("SUM(name) AS m", 0, &s).unwrap_err();
        assert_eq!(e.message, "SUM needs a number, found STRING");
        assert_eq!(e.column.as_deref(), Some("name"));
        let e = Aggregate::compile("SUM(prize) AS m", 0, &s).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("prize"));
        let e = Aggregate::compile("price + 1 AS m", 0, &s).unwrap_err();
        assert!(e.message.contains("is not an aggregate"), "{}", e.message);
        let e = Aggregate::compile("SUM(*) AS m", 0, &s).unwrap_err();
        assert!(e.message.contains("SUM(*) is not defined"), "{}", e.message);
        let e = Aggregate::compile("COUNT(DISTINCT name) AS m", 0, &s).unwrap_err();
        assert!(e.message.contains("DISTINCT"), "{}", e.message);
    }
}
