//! Flink SQL spellings: quoted names, string and interval literals, and the pipeline's
//! expressions printed back with every column name quoted and resolved exactly.

use std::ops::ControlFlow;

use sqlparser::ast::{self, Expr, Ident, SelectItem, visit_expressions_mut};

use crate::expr::ExprError;
use crate::expr::parse::{parse_expr, parse_select_item};
use crate::types::Schema;

/// A name in backticks, as Flink quotes identifiers; a backtick inside is doubled.
pub(crate) fn name(text: &str) -> String {
    format!("`{}`", text.replace('`', "``"))
}

/// A string literal; a quote inside is doubled.
pub(crate) fn string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// An interval of `ms` milliseconds. Flink takes interval precisions up to 3 only, so whole
/// units under 100 are written in that unit and anything else as DAY(3) TO SECOND(3).
pub(crate) fn interval(ms: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (86_400_000, "DAY"),
        (3_600_000, "HOUR"),
        (60_000, "MINUTE"),
        (1_000, "SECOND"),
    ];
    if ms == 0 {
        return "INTERVAL '0' SECOND".into();
    }
    for (size, unit) in UNITS {
        if ms.is_multiple_of(size) && ms / size < 100 {
            return format!("INTERVAL '{}' {unit}", ms / size);
        }
    }
    if ms < 100_000 {
        return format!("INTERVAL '{}.{:03}' SECOND", ms / 1000, ms % 1000);
    }
    let (days, rest) = (ms / 86_400_000, ms % 86_400_000);
    format!(
        "INTERVAL '{days} {:02}:{:02}:{:02}.{:03}' DAY(3) TO SECOND(3)",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

/// The longest interval [`interval`] writes: 999 days.
pub(crate) const MAX_INTERVAL_MS: u64 = 1000 * 86_400_000 - 1;

/// Quotes every column name of `expr`, spelt as in `schema` (the engine resolves a name
/// that differs only in case; Flink does not).
fn quote_columns(expr: &mut Expr, schema: &Schema) {
    let _ = visit_expressions_mut(expr, |e| {
        if let Expr::Identifier(id) = e {
            let exact = schema
                .index_of(&id.value)
                .map(|i| schema.fields[i].name.clone())
                .unwrap_or_else(|| id.value.clone());
            *id = Ident::with_quote('`', exact);
        }
        ControlFlow::<()>::Continue(())
    });
}

/// A condition or other expression over `schema`, in Flink SQL.
pub(crate) fn expression(text: &str, schema: &Schema) -> Result<String, ExprError> {
    let mut expr = parse_expr(text)?;
    quote_columns(&mut expr, schema);
    Ok(expr.to_string())
}

/// The expression of a select item (`expr AS name`), without its name: callers name each
/// output column themselves, from the validated schema.
pub(crate) fn select_expression(text: &str, schema: &Schema) -> Result<String, ExprError> {
    let mut expr = match parse_select_item(text)? {
        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
        other => ast::Expr::Identifier(Ident::new(other.to_string())),
    };
    quote_columns(&mut expr, schema);
    Ok(expr.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{DataType, Field};

    #[test]
    fn intervals_stay_within_flinks_precision() {
        assert_eq!(interval(0), "INTERVAL '0' SECOND");
        assert_eq!(interval(5000), "INTERVAL '5' SECOND");
        assert_eq!(interval(120_000), "INTERVAL '2' MINUTE");
        assert_eq!(interval(7_200_000), "INTERVAL '2' HOUR");
        assert_eq!(interval(1500), "INTERVAL '1.500' SECOND");
        assert_eq!(interval(250), "INTERVAL '0.250' SECOND");
        assert_eq!(
            interval(150_000),
            "INTERVAL '0 00:02:30.000' DAY(3) TO SECOND(3)"
        );
        assert_eq!(
            interval(100 * 86_400_000 + 1),
            "INTERVAL '100 00:00:00.001' DAY(3) TO SECOND(3)"
        );
    }

    #[test]
    fn columns_are_quoted_as_the_schema_spells_them() {
        let schema = Schema::new(vec![
            Field::new("userId", DataType::Int64),
            Field::new("value", DataType::Utf8),
        ]);
        assert_eq!(
            expression("userid % 2 = 0 AND value <> 'x''y'", &schema).unwrap(),
            "`userId` % 2 = 0 AND `value` <> 'x''y'"
        );
        assert_eq!(
            select_expression("UPPER(\"value\") AS v", &schema).unwrap(),
            "UPPER(`value`)"
        );
        assert_eq!(name("a`b"), "`a``b`");
        assert_eq!(string("it's"), "'it''s'");
    }
}
