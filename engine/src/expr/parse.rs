//! SQL text to a typed [`Node`] tree: parsing with sqlparser, name resolution, type checking,
//! and the compile-time rewrites (constant folding, constant divisors, fused filters).

use sqlparser::ast::{
    self, BinaryOperator, CaseWhen, CastKind, CeilFloorKind, DateTimeField, Expr, FunctionArg,
    FunctionArgExpr, FunctionArguments, InTarget, TimezoneInfo, UnaryOperator, Value as SqlValue,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use crate::types::{DataType, DecimalType, Schema, Value, decimal};

use super::cast::{cast_value, castable};
use super::functions::{Func, SUPPORTED};
use super::kernels::{ArithOp, CmpOp, ConstDivisor, Datum};
use super::node::{CaseNode, Input, Node};
use super::{ExprError, ExprErrorKind};

/// Parses one whole expression; anything after it is an error.
pub(crate) fn parse_expr(text: &str) -> Result<Expr, ExprError> {
    let mut parser = parser(text)?;
    let expr = parser.parse_expr().map_err(|e| parse_error(text, e))?;
    expect_end(&parser, text)?;
    Ok(expr)
}

/// Parses `expr`, `expr AS name` or `expr name`.
pub(crate) fn parse_select_item(text: &str) -> Result<ast::SelectItem, ExprError> {
    let mut parser = parser(text)?;
    let item = parser
        .parse_select_item()
        .map_err(|e| parse_error(text, e))?;
    expect_end(&parser, text)?;
    Ok(item)
}

/// The most operators an expression may have. Compiling and evaluating recurse once per
/// level of the tree, and `a + a + …` nests as deep as it is long; this bound keeps that
/// inside a thread's default 2 MiB stack even in a debug build (about 9 KiB a level there),
/// and far above any expression a person writes.
pub const MAX_OPERATORS: usize = 128;

fn parser(text: &str) -> Result<Parser<'static>, ExprError> {
    if text.trim().is_empty() {
        return Err(ExprError::new(ExprErrorKind::Parse, "expression is empty"));
    }
    let tokens = sqlparser::tokenizer::Tokenizer::new(&GenericDialect, text)
        .tokenize()
        .map_err(|e| parse_error(text, e.into()))?;
    let operators = tokens.iter().filter(|t| is_operator(t)).count();
    if operators > MAX_OPERATORS {
        // The advice to split it depends on the node; each compiler adds its own.
        return Err(ExprError::new(
            ExprErrorKind::TooLong,
            format!(
                "the expression has {operators} operators, more than the {MAX_OPERATORS} allowed"
            ),
        ));
    }
    let depth = nesting_depth(&tokens);
    if depth > MAX_DEPTH {
        return Err(ExprError::new(
            ExprErrorKind::Parse,
            format!(
                "the expression is nested too deeply ({depth} levels of brackets and NOT or \
                 minus signs, more than the {MAX_DEPTH} allowed)"
            ),
        ));
    }
    // Above any depth let through, so the parser never meets its own limit (which it reports
    // as a confusing "unexpected token" where it backtracks).
    Ok(Parser::new(&GenericDialect)
        .with_recursion_limit(4 * MAX_DEPTH)
        .with_tokens(tokens))
}

/// How deeply brackets and prefix operators (`NOT`, a sign) may nest.
pub const MAX_DEPTH: usize = 32;

/// The deepest nesting of brackets and prefix operators: `NOT NOT (-(a))` is 4 deep. Each
/// prefix operator nests until the operand after it ends.
fn nesting_depth(tokens: &[Token]) -> usize {
    use sqlparser::keywords::Keyword;
    // Per open bracket, the prefix operators waiting for their operand.
    let mut waiting: Vec<usize> = vec![0];
    let (mut level, mut deepest) = (0usize, 0usize);
    let mut after_operand = false;
    for token in tokens.iter().filter(|t| !matches!(t, Token::Whitespace(_))) {
        let prefix = match token {
            Token::Word(w) => w.keyword == Keyword::NOT,
            Token::Minus | Token::Plus => !after_operand,
            _ => false,
        };
        let frame = waiting.last_mut().expect("the outermost frame stays");
        if prefix {
            *frame += 1;
            level += 1;
            after_operand = false;
        } else if *token == Token::LParen {
            waiting.push(0);
            level += 1;
            after_operand = false;
        } else if *token == Token::RParen {
            if waiting.len() > 1 {
                level -= waiting.pop().unwrap_or(0) + 1;
            }
            let outer = waiting.last_mut().expect("the outermost frame stays");
            level -= *outer;
            *outer = 0;
            after_operand = true;
        } else {
            after_operand = is_operand(token);
            if after_operand {
                level -= *frame;
                *frame = 0;
            }
        }
        deepest = deepest.max(level);
    }
    deepest
}

/// A token that ends an operand: a name, a literal.
fn is_operand(token: &Token) -> bool {
    match token {
        Token::Word(w) => {
            use sqlparser::keywords::Keyword;
            !matches!(
                w.keyword,
                Keyword::AND
                    | Keyword::OR
                    | Keyword::IS
                    | Keyword::LIKE
                    | Keyword::CASE
                    | Keyword::WHEN
                    | Keyword::THEN
                    | Keyword::ELSE
                    | Keyword::IN
                    | Keyword::BETWEEN
                    | Keyword::AS
            )
        }
        Token::Number(..)
        | Token::SingleQuotedString(_)
        | Token::DoubleQuotedString(_)
        | Token::NationalStringLiteral(_) => true,
        _ => false,
    }
}

fn is_operator(token: &Token) -> bool {
    use sqlparser::keywords::Keyword;
    match token {
        Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::Mod
        | Token::Eq
        | Token::DoubleEq
        | Token::Neq
        | Token::Lt
        | Token::Gt
        | Token::LtEq
        | Token::GtEq
        | Token::StringConcat => true,
        Token::Word(w) => matches!(
            w.keyword,
            Keyword::AND | Keyword::OR | Keyword::NOT | Keyword::IS | Keyword::LIKE
        ),
        _ => false,
    }
}

fn expect_end(parser: &Parser, text: &str) -> Result<(), ExprError> {
    match parser.peek_token().token {
        Token::EOF => Ok(()),
        token => Err(ExprError::new(
            ExprErrorKind::Parse,
            format!(
                "could not parse `{}`: unexpected `{token}` after the end of the expression",
                quoted(text)
            ),
        )),
    }
}

/// The expression as a message quotes it: whole when short, its start when long.
fn quoted(text: &str) -> String {
    const MAX: usize = 60;
    let text = text.trim();
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

fn parse_error(text: &str, e: ParserError) -> ExprError {
    let detail = match e {
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s,
        ParserError::RecursionLimitExceeded => "the expression is nested too deeply".to_string(),
    };
    ExprError::new(
        ExprErrorKind::Parse,
        format!("could not parse `{}`: {detail}", quoted(text)),
    )
}

/// A checked subexpression. A bare `NULL` has no type until its context gives it one.
#[derive(Clone, Debug)]
pub(crate) enum Checked {
    Null,
    Node(Node),
}

impl Checked {
    fn ty(&self) -> Option<DataType> {
        match self {
            Checked::Null => None,
            Checked::Node(n) => Some(n.data_type()),
        }
    }

    /// The node, a `NULL` taking type `ty`.
    pub(crate) fn typed(self, ty: DataType) -> Node {
        match self {
            Checked::Null => null_of(ty),
            Checked::Node(n) => n,
        }
    }
}

fn null_of(ty: DataType) -> Node {
    Node::Literal {
        value: Value::Null,
        ty,
    }
}

fn literal(value: Value, ty: DataType) -> Checked {
    Checked::Node(Node::Literal { value, ty })
}

fn is_literal(c: &Checked) -> bool {
    matches!(c, Checked::Node(Node::Literal { .. }))
}

fn type_name(t: Option<DataType>) -> String {
    t.map_or("NULL".into(), DataType::sql_name)
}

fn unsupported(message: String) -> ExprError {
    ExprError::new(ExprErrorKind::Unsupported, message)
}

/// Resolves names against one schema and checks types.
pub(crate) struct Checker<'a> {
    schema: &'a Schema,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(schema: &'a Schema) -> Self {
        Checker { schema }
    }

    /// A type error, naming the column at fault when the offending operands read exactly one.
    fn mismatch(&self, message: String, culprits: &[&Checked]) -> ExprError {
        let mut indices = Vec::new();
        for c in culprits {
            if let Checked::Node(n) = c {
                for i in n.column_indices() {
                    if !indices.contains(&i) {
                        indices.push(i);
                    }
                }
            }
        }
        let mut error = ExprError::new(ExprErrorKind::TypeMismatch, message);
        if let [only] = indices.as_slice() {
            error.column = Some(self.schema.fields[*only].name.clone());
        }
        error
    }

    pub(crate) fn check(&self, e: &Expr) -> Result<Checked, ExprError> {
        match e {
            Expr::Identifier(id) => self.column(&id.value),
            Expr::CompoundIdentifier(_) => Err(unsupported(format!(
                "qualified names like `{e}` are not supported; refer to a column by its name alone"
            ))),
            Expr::Nested(inner) => self.check(inner),
            Expr::Value(v) => sql_literal(&v.value, false),
            Expr::TypedString(ts) => {
                let to = sql_type(&ts.data_type)?;
                let Some(text) = ts.value.value.clone().into_string() else {
                    return Err(unsupported(format!("literal `{e}` is not supported")));
                };
                match cast_value(&Value::Utf8(text.clone()), to, false) {
                    Ok(value) => Ok(literal(value, to)),
                    Err(_) => Err(ExprError::new(
                        ExprErrorKind::Parse,
                        format!("invalid {to} literal '{text}'"),
                    )),
                }
            }
            Expr::UnaryOp { op, expr } => self.unary(*op, expr),
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right),
            Expr::IsNull(x) => self.is_null(x, false),
            Expr::IsNotNull(x) => self.is_null(x, true),
            Expr::IsTrue(x) => self.is_bool(x, true, false),
            Expr::IsNotTrue(x) => self.is_bool(x, true, true),
            Expr::IsFalse(x) => self.is_bool(x, false, false),
            Expr::IsNotFalse(x) => self.is_bool(x, false, true),
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let (x, low, high) = (self.check(expr)?, self.check(low)?, self.check(high)?);
                let name = if *negated { "NOT BETWEEN" } else { "BETWEEN" };
                if *negated {
                    let below = self.compare(CmpOp::Lt, x.clone(), low, name)?;
                    let above = self.compare(CmpOp::Gt, x, high, name)?;
                    self.logic(false, below, above)
                } else {
                    let from = self.compare(CmpOp::GtEq, x.clone(), low, name)?;
                    let to = self.compare(CmpOp::LtEq, x, high, name)?;
                    self.logic(true, from, to)
                }
            }
            Expr::In {
                expr,
                target: InTarget::List(list),
                negated,
                ..
            } => self.in_list(expr, list, *negated),
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(operand.as_deref(), conditions, else_result.as_deref()),
            Expr::Cast {
                kind,
                expr,
                data_type,
                format,
            } => {
                if format.is_some() {
                    return Err(unsupported(format!(
                        "CAST with FORMAT is not supported: `{e}`"
                    )));
                }
                let lenient = matches!(kind, CastKind::TryCast | CastKind::SafeCast);
                self.cast(self.check(expr)?, sql_type(data_type)?, lenient)
            }
            Expr::Ceil { expr, field } | Expr::Floor { expr, field } => {
                if !matches!(
                    field,
                    CeilFloorKind::DateTimeField(DateTimeField::NoDateTime)
                ) {
                    return Err(unsupported(format!(
                        "`{e}` is not supported; FLOOR and CEIL take a single number"
                    )));
                }
                let name = if matches!(e, Expr::Ceil { .. }) {
                    "CEIL"
                } else {
                    "FLOOR"
                };
                self.function(name, vec![self.check(expr)?])
            }
            Expr::Function(f) => self.function_call(f, e),
            _ => Err(unsupported(format!(
                "`{e}` is not supported in expressions"
            ))),
        }
    }

    fn column(&self, name: &str) -> Result<Checked, ExprError> {
        if let Some(index) = self.schema.index_of(name) {
            let ty = self.schema.fields[index].data_type;
            return Ok(Checked::Node(Node::Column { index, ty }));
        }
        let similar: Vec<&str> = self
            .schema
            .names()
            .filter(|n| n.eq_ignore_ascii_case(name))
            .collect();
        let message = if similar.len() > 1 {
            format!(
                "column name `{name}` is ambiguous: it matches {}; quote the exact name",
                similar
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else if self.schema.is_empty() {
            format!("unknown column `{name}`; the input has no columns")
        } else {
            let names: Vec<&str> = self.schema.names().collect();
            format!(
                "unknown column `{name}`; available columns: {}",
                names.join(", ")
            )
        };
        let mut error = ExprError::new(ExprErrorKind::UnknownColumn, message);
        error.column = Some(name.to_string());
        Err(error)
    }

    fn unary(&self, op: UnaryOperator, expr: &Expr) -> Result<Checked, ExprError> {
        match op {
            UnaryOperator::Minus => {
                // `-9223372036854775808` is only representable as one literal.
                if let Expr::Value(v) = expr
                    && let SqlValue::Number(..) = v.value
                {
                    return sql_literal(&v.value, true);
                }
                let x = self.check(expr)?;
                match x.ty() {
                    None => Ok(Checked::Null),
                    Some(ty) if ty.is_numeric() => Ok(Checked::Node(finish(Node::Neg {
                        input: Box::new(x.typed(ty)),
                        ty,
                    }))),
                    Some(ty) => Err(self.mismatch(format!("cannot apply `-` to {ty}"), &[&x])),
                }
            }
            UnaryOperator::Plus => {
                let x = self.check(expr)?;
                match x.ty() {
                    Some(ty) if !ty.is_numeric() => {
                        Err(self.mismatch(format!("cannot apply `+` to {ty}"), &[&x]))
                    }
                    _ => Ok(x),
                }
            }
            UnaryOperator::Not => {
                let x = self.check(expr)?;
                match x.ty() {
                    None => Ok(literal(Value::Null, DataType::Bool)),
                    Some(DataType::Bool) => Ok(Checked::Node(finish(Node::Not(Box::new(
                        x.typed(DataType::Bool),
                    ))))),
                    Some(ty) => Err(self.mismatch(format!("cannot apply `NOT` to {ty}"), &[&x])),
                }
            }
            other => Err(unsupported(format!("operator `{other}` is not supported"))),
        }
    }

    fn binary(&self, left: &Expr, op: &BinaryOperator, right: &Expr) -> Result<Checked, ExprError> {
        let (l, r) = (self.check(left)?, self.check(right)?);
        let arith = match op {
            BinaryOperator::Plus => Some(ArithOp::Add),
            BinaryOperator::Minus => Some(ArithOp::Sub),
            BinaryOperator::Multiply => Some(ArithOp::Mul),
            BinaryOperator::Divide => Some(ArithOp::Div),
            BinaryOperator::Modulo => Some(ArithOp::Rem),
            _ => None,
        };
        if let Some(op) = arith {
            return self.arith(op, l, r, op.symbol());
        }
        let compare = match op {
            BinaryOperator::Eq => Some(CmpOp::Eq),
            BinaryOperator::NotEq => Some(CmpOp::NotEq),
            BinaryOperator::Lt => Some(CmpOp::Lt),
            BinaryOperator::LtEq => Some(CmpOp::LtEq),
            BinaryOperator::Gt => Some(CmpOp::Gt),
            BinaryOperator::GtEq => Some(CmpOp::GtEq),
            _ => None,
        };
        if let Some(op) = compare {
            return self.compare(op, l, r, op.symbol());
        }
        match op {
            BinaryOperator::And => self.logic(true, l, r),
            BinaryOperator::Or => self.logic(false, l, r),
            BinaryOperator::StringConcat => self.concat(vec![l, r]),
            other => Err(unsupported(format!("operator `{other}` is not supported"))),
        }
    }

    /// `+ - * / %` as Flink types them: INT with INT is INT, an INT with a BIGINT is BIGINT,
    /// anything with a DOUBLE is DOUBLE.
    fn arith(&self, op: ArithOp, l: Checked, r: Checked, name: &str) -> Result<Checked, ExprError> {
        let (lt, rt) = (l.ty(), r.ty());
        let numeric = |t: Option<DataType>| t.is_none_or(DataType::is_numeric);
        if !numeric(lt) || !numeric(rt) {
            return Err(self.mismatch(
                format!(
                    "cannot apply `{name}` to {} and {}",
                    type_name(lt),
                    type_name(rt)
                ),
                &[&l, &r],
            ));
        }
        let ty = match (lt, rt) {
            (None, None) => return Ok(Checked::Null),
            (Some(t), None) | (None, Some(t)) => return Ok(literal(Value::Null, t)),
            (Some(lt), Some(rt)) => wider_number(lt, rt),
        };
        if ty.as_decimal().is_some() {
            // Each operand keeps its own precision and scale; an integer one becomes the
            // DECIMAL its type stands for.
            let operand = |c: Checked, t: DataType| {
                let t = DataType::decimal(as_decimal(t).expect("an exact number"));
                coerce(c.typed(t), t)
            };
            let (l, r) = (
                operand(l, lt.expect("typed")),
                operand(r, rt.expect("typed")),
            );
            let (a, b) = (decimal_of(&l), decimal_of(&r));
            return Ok(Checked::Node(finish(Node::Arith {
                op,
                left: Box::new(l),
                right: Box::new(r),
                ty: DataType::decimal(decimal_result(op, a, b)),
            })));
        }
        // DOUBLE kernels read BIGINT operands as they are; every other operand takes the
        // result's type (a constant one at compile time).
        let operand = |c: Checked| {
            let node = c.typed(ty);
            match node.data_type() {
                t if t == ty => node,
                DataType::Int64 if ty == DataType::Float64 => node,
                _ => coerce(node, ty),
            }
        };
        Ok(Checked::Node(finish(Node::Arith {
            op,
            left: Box::new(operand(l)),
            right: Box::new(operand(r)),
            ty,
        })))
    }

    /// Comparisons: equal types, or two numbers (compared as DOUBLE when mixed). A string
    /// literal next to a TIMESTAMP is read as a timestamp, as Flink does.
    fn compare(&self, op: CmpOp, l: Checked, r: Checked, name: &str) -> Result<Checked, ExprError> {
        let (lt, rt) = match (l.ty(), r.ty()) {
            (Some(lt), Some(rt)) => (lt, rt),
            _ => return Ok(literal(Value::Null, DataType::Bool)),
        };
        let (l, r) = match (lt, rt) {
            _ if lt == rt || (lt.is_numeric() && rt.is_numeric()) => (l, r),
            (DataType::Timestamp, DataType::Utf8) if is_literal(&r) => {
                let r = self.timestamp_literal(r, &l)?;
                (l, r)
            }
            (DataType::Utf8, DataType::Timestamp) if is_literal(&l) => {
                let l = self.timestamp_literal(l, &r)?;
                (l, r)
            }
            _ => {
                return Err(
                    self.mismatch(format!("cannot apply `{name}` to {lt} and {rt}"), &[&l, &r])
                );
            }
        };
        let (lt, rt) = (l.ty().unwrap_or(lt), r.ty().unwrap_or(rt));
        let (mut left, mut right) = (l.typed(lt), r.typed(rt));
        // An INT meets a wider number as that number: `bigint_column = 5` compares BIGINTs.
        // A DECIMAL meets an integer as a DECIMAL (of any scale) and a DOUBLE as a DOUBLE.
        if lt != rt && lt.is_numeric() && rt.is_numeric() {
            let common = wider_number(lt, rt);
            for (side, t) in [(&mut left, lt), (&mut right, rt)] {
                let to = match common {
                    DataType::Decimal { .. } if t.as_decimal().is_none() => {
                        DataType::decimal(as_decimal(t).expect("an integer"))
                    }
                    DataType::Float64 if t.as_decimal().is_some() => DataType::Float64,
                    _ if t == DataType::Int32 => common,
                    _ => continue,
                };
                *side = coerce(std::mem::replace(side, null_of(t)), to);
            }
        }
        Ok(Checked::Node(finish(Node::Compare {
            op,
            left: Box::new(left),
            right: Box::new(right),
        })))
    }

    /// A string literal compared with a TIMESTAMP, read as a timestamp.
    fn timestamp_literal(&self, text: Checked, other: &Checked) -> Result<Checked, ExprError> {
        let value = match &text {
            Checked::Node(Node::Literal { value, .. }) => value,
            Checked::Null | Checked::Node(_) => unreachable!("checked by the caller"),
        };
        match cast_value(value, DataType::Timestamp, false) {
            Ok(v) => Ok(literal(v, DataType::Timestamp)),
            Err(_) => Err(self.mismatch(
                format!(
                    "'{value}' is not a valid TIMESTAMP(3); write it like '2024-01-02 09:30:00'"
                ),
                &[other],
            )),
        }
    }

    /// AND (`and == true`) or OR.
    fn logic(&self, and: bool, l: Checked, r: Checked) -> Result<Checked, ExprError> {
        let bad = |c: &Checked| c.ty().is_some_and(|t| t != DataType::Bool);
        if bad(&l) || bad(&r) {
            let culprits: Vec<&Checked> = [&l, &r].into_iter().filter(|c| bad(c)).collect();
            return Err(self.mismatch(
                format!(
                    "cannot apply `{}` to {} and {}",
                    if and { "AND" } else { "OR" },
                    type_name(l.ty()),
                    type_name(r.ty())
                ),
                &culprits,
            ));
        }
        let (l, r) = (
            Box::new(l.typed(DataType::Bool)),
            Box::new(r.typed(DataType::Bool)),
        );
        Ok(Checked::Node(finish(if and {
            Node::And(l, r)
        } else {
            Node::Or(l, r)
        })))
    }

    fn is_null(&self, x: &Expr, negated: bool) -> Result<Checked, ExprError> {
        Ok(match self.check(x)? {
            Checked::Null => literal(Value::Bool(!negated), DataType::Bool),
            Checked::Node(n) => Checked::Node(finish(Node::IsNull {
                input: Box::new(n),
                negated,
            })),
        })
    }

    fn is_bool(&self, x: &Expr, value: bool, negated: bool) -> Result<Checked, ExprError> {
        let x = self.check(x)?;
        match x.ty() {
            None | Some(DataType::Bool) => Ok(Checked::Node(finish(Node::IsBool {
                input: Box::new(x.typed(DataType::Bool)),
                value,
                negated,
            }))),
            Some(ty) => Err(self.mismatch(
                format!(
                    "cannot apply `IS {}{}` to {ty}",
                    if negated { "NOT " } else { "" },
                    if value { "TRUE" } else { "FALSE" }
                ),
                &[&x],
            )),
        }
    }

    /// `x IN (a, b)` is `x = a OR x = b` (NOT IN: `x <> a AND x <> b`), which gives SQL's
    /// NULL semantics; the terms are combined as a balanced tree to keep nesting shallow.
    fn in_list(&self, x: &Expr, list: &[Expr], negated: bool) -> Result<Checked, ExprError> {
        let x = self.check(x)?;
        let (op, name) = if negated {
            (CmpOp::NotEq, "NOT IN")
        } else {
            (CmpOp::Eq, "IN")
        };
        let mut terms = list
            .iter()
            .map(|item| self.compare(op, x.clone(), self.check(item)?, name))
            .collect::<Result<Vec<_>, _>>()?;
        if terms.is_empty() {
            return Err(ExprError::new(
                ExprErrorKind::Parse,
                format!("{name} needs at least one value"),
            ));
        }
        while terms.len() > 1 {
            let mut next = Vec::with_capacity(terms.len().div_ceil(2));
            let mut pairs = terms.into_iter();
            while let Some(a) = pairs.next() {
                next.push(match pairs.next() {
                    Some(b) => self.logic(negated, a, b)?,
                    None => a,
                });
            }
            terms = next;
        }
        Ok(terms.pop().expect("one term"))
    }

    fn case(
        &self,
        operand: Option<&Expr>,
        conditions: &[CaseWhen],
        else_result: Option<&Expr>,
    ) -> Result<Checked, ExprError> {
        let operand = operand.map(|o| self.check(o)).transpose()?;
        let mut whens = Vec::with_capacity(conditions.len());
        for when in conditions {
            let condition = self.check(&when.condition)?;
            let condition = match &operand {
                // The simple form `CASE x WHEN v ...` compares `x = v`.
                Some(x) => self.compare(CmpOp::Eq, x.clone(), condition, "CASE ... WHEN")?,
                None => match condition.ty() {
                    None | Some(DataType::Bool) => condition,
                    Some(ty) => {
                        return Err(self.mismatch(
                            format!("expected a BOOLEAN condition after WHEN, found {ty}"),
                            &[&condition],
                        ));
                    }
                },
            };
            whens.push((condition, self.check(&when.result)?));
        }
        let otherwise = else_result.map(|e| self.check(e)).transpose()?;
        self.make_case(whens, otherwise, "CASE branches")
    }

    /// Builds a CASE whose branches unify to one type (INT and BIGINT give BIGINT, a number
    /// and a DOUBLE give DOUBLE).
    fn make_case(
        &self,
        whens: Vec<(Checked, Checked)>,
        otherwise: Option<Checked>,
        what: &str,
    ) -> Result<Checked, ExprError> {
        let mut ty: Option<DataType> = None;
        let results = whens.iter().map(|(_, r)| r).chain(&otherwise);
        for result in results.clone() {
            let Some(t) = result.ty() else { continue };
            ty = Some(match ty {
                None => t,
                Some(u) if u == t => u,
                Some(u) if u.is_numeric() && t.is_numeric() => wider_number(u, t),
                Some(u) => {
                    return Err(self.mismatch(
                        format!("{what} have incompatible types {u} and {t}"),
                        &results.collect::<Vec<_>>(),
                    ));
                }
            });
        }
        let Some(ty) = ty else {
            return Ok(Checked::Null);
        };
        let coerce = |c: Checked| coerce(c.typed(ty), ty);
        let whens: Vec<(Node, Node)> = whens
            .into_iter()
            .map(|(c, r)| (c.typed(DataType::Bool), coerce(r)))
            .collect();
        let otherwise = otherwise.map(coerce);
        let mut columns = Vec::new();
        for part in whens.iter().flat_map(|(c, r)| [c, r]).chain(&otherwise) {
            for i in part.column_indices() {
                if !columns.contains(&i) {
                    columns.push(i);
                }
            }
        }
        Ok(Checked::Node(finish(Node::Case(Box::new(CaseNode {
            whens,
            otherwise,
            ty,
            columns,
        })))))
    }

    fn cast(&self, x: Checked, to: DataType, lenient: bool) -> Result<Checked, ExprError> {
        match x.ty() {
            None => Ok(literal(Value::Null, to)),
            Some(from) if from == to => Ok(x),
            Some(from) if castable(from, to) => Ok(Checked::Node(finish(Node::Cast {
                input: Box::new(x.typed(from)),
                to,
                lenient,
            }))),
            Some(from) => Err(self.mismatch(format!("cannot cast {from} to {to}"), &[&x])),
        }
    }

    fn function_call(&self, f: &ast::Function, whole: &Expr) -> Result<Checked, ExprError> {
        let name = match f.name.0.as_slice() {
            [ast::ObjectNamePart::Identifier(id)] => id.value.clone(),
            _ => {
                return Err(unsupported(format!(
                    "function `{}` is not supported",
                    f.name
                )));
            }
        };
        if f.over.is_some()
            || f.filter.is_some()
            || f.null_treatment.is_some()
            || !f.within_group.is_empty()
            || !matches!(f.parameters, FunctionArguments::None)
        {
            return Err(unsupported(format!(
                "`{whole}` is not supported: window and aggregate clauses are not allowed in \
                 a row expression"
            )));
        }
        let args: Vec<&Expr> = match &f.args {
            FunctionArguments::None => Vec::new(),
            FunctionArguments::List(list) => {
                if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
                    return Err(unsupported(format!(
                        "`{whole}` is not supported: DISTINCT and other clauses are only for \
                         aggregate functions"
                    )));
                }
                list.args
                    .iter()
                    .map(|a| match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Ok(e),
                        _ => Err(unsupported(format!(
                            "argument `{a}` of `{name}` is not supported; pass plain expressions"
                        ))),
                    })
                    .collect::<Result<_, _>>()?
            }
            FunctionArguments::Subquery(_) => {
                return Err(unsupported(format!(
                    "subqueries are not supported: `{whole}`"
                )));
            }
        };
        let upper = name.to_ascii_uppercase();
        if !SUPPORTED.contains(&upper.as_str()) {
            return Err(unsupported(format!(
                "unknown function `{name}`; supported functions: {}",
                SUPPORTED.join(", ")
            )));
        }
        let args = args
            .into_iter()
            .map(|a| self.check(a))
            .collect::<Result<Vec<_>, _>>()?;
        self.function(&upper, args)
    }

    /// A known function (`name` in upper case) applied to checked arguments.
    fn function(&self, name: &str, args: Vec<Checked>) -> Result<Checked, ExprError> {
        let count = |n: usize| -> Result<(), ExprError> {
            if args.len() == n {
                return Ok(());
            }
            let plural = if n == 1 { "" } else { "s" };
            Err(ExprError::new(
                ExprErrorKind::TypeMismatch,
                format!("{name} takes {n} argument{plural}, found {}", args.len()),
            ))
        };
        let at_least_one = || -> Result<(), ExprError> {
            if args.is_empty() {
                return Err(ExprError::new(
                    ExprErrorKind::TypeMismatch,
                    format!("{name} takes at least 1 argument, found 0"),
                ));
            }
            Ok(())
        };
        let wrong_type = |x: &Checked, expected: &str| {
            self.mismatch(
                format!("{name} expects {expected}, found {}", type_name(x.ty())),
                &[x],
            )
        };
        match name {
            "ABS" | "FLOOR" | "CEIL" | "CEILING" => {
                count(1)?;
                let x = args.into_iter().next().expect("one argument");
                let func = match name {
                    "ABS" => Func::Abs,
                    "FLOOR" => Func::Floor,
                    _ => Func::Ceil,
                };
                match x.ty() {
                    None => Ok(Checked::Null),
                    // An INT or BIGINT is already whole.
                    Some(ty) if ty.is_integer() && func != Func::Abs => Ok(x),
                    Some(DataType::Decimal { precision, scale }) if func != Func::Abs => {
                        let t = DecimalType { precision, scale };
                        Ok(Checked::Node(finish(Node::Call {
                            func,
                            args: vec![x.typed(DataType::decimal(t))],
                            ty: DataType::decimal(t.of_rounded()),
                        })))
                    }
                    Some(ty) if ty.is_numeric() => Ok(Checked::Node(finish(Node::Call {
                        func,
                        args: vec![x.typed(ty)],
                        ty,
                    }))),
                    Some(_) => Err(wrong_type(&x, "a number")),
                }
            }
            "LOWER" | "UPPER" | "CHAR_LENGTH" | "CHARACTER_LENGTH" => {
                count(1)?;
                let x = args.into_iter().next().expect("one argument");
                let (func, ty) = match name {
                    "LOWER" => (Func::Lower, DataType::Utf8),
                    "UPPER" => (Func::Upper, DataType::Utf8),
                    _ => (Func::CharLength, DataType::Int32),
                };
                match x.ty() {
                    None => Ok(literal(Value::Null, ty)),
                    Some(DataType::Utf8) => Ok(Checked::Node(finish(Node::Call {
                        func,
                        args: vec![x.typed(DataType::Utf8)],
                        ty,
                    }))),
                    Some(_) => Err(wrong_type(&x, "a STRING")),
                }
            }
            "MOD" => {
                count(2)?;
                let mut it = args.into_iter();
                let (a, b) = (it.next().expect("two"), it.next().expect("two"));
                self.arith(ArithOp::Rem, a, b, "MOD")
            }
            "CONCAT" => {
                at_least_one()?;
                self.concat(args)
            }
            "COALESCE" => {
                at_least_one()?;
                let mut args = args;
                let last = args.pop().expect("at least one");
                let whens = args
                    .into_iter()
                    .map(|a| {
                        let test = match &a {
                            Checked::Null => literal(Value::Bool(false), DataType::Bool),
                            Checked::Node(n) => Checked::Node(finish(Node::IsNull {
                                input: Box::new(n.clone()),
                                negated: true,
                            })),
                        };
                        (test, a)
                    })
                    .collect();
                self.make_case(whens, Some(last), "COALESCE arguments")
            }
            _ => Err(unsupported(format!(
                "unknown function `{name}`; supported functions: {}",
                SUPPORTED.join(", ")
            ))),
        }
    }

    /// CONCAT and `||`: NULL if any part is NULL; non-text parts are cast to STRING.
    fn concat(&self, parts: Vec<Checked>) -> Result<Checked, ExprError> {
        let mut args = Vec::with_capacity(parts.len());
        for part in parts {
            let node = match part {
                Checked::Null => return Ok(literal(Value::Null, DataType::Utf8)),
                Checked::Node(n) if n.data_type() == DataType::Utf8 => n,
                Checked::Node(n) => finish(Node::Cast {
                    input: Box::new(n),
                    to: DataType::Utf8,
                    lenient: false,
                }),
            };
            // `a || b || c` becomes one CONCAT of three, one pass over the rows.
            match node {
                Node::Call {
                    func: Func::Concat,
                    args: inner,
                    ..
                } => args.extend(inner),
                other => args.push(other),
            }
        }
        Ok(Checked::Node(finish(Node::Call {
            func: Func::Concat,
            args,
            ty: DataType::Utf8,
        })))
    }
}

fn sql_literal(v: &SqlValue, negative: bool) -> Result<Checked, ExprError> {
    match v {
        SqlValue::Number(digits, _) => {
            let text = if negative {
                format!("-{digits}")
            } else {
                digits.to_string()
            };
            if digits.bytes().all(|b| b.is_ascii_digit()) {
                // As in Flink: INT when it fits, else BIGINT.
                if let Ok(x) = text.parse::<i32>() {
                    return Ok(literal(Value::Int32(x), DataType::Int32));
                }
                text.parse::<i64>()
                    .map(|x| literal(Value::Int64(x), DataType::Int64))
                    .map_err(|_| {
                        unsupported(format!(
                            "integer literal {text} does not fit in a BIGINT; write it as a \
                             DOUBLE, e.g. {text}.0"
                        ))
                    })
            } else if digits.contains(['e', 'E']) {
                // An exponent makes a DOUBLE literal, as in Flink (`1.5E0`).
                text.parse::<f64>()
                    .map(|x| literal(Value::Float64(x), DataType::Float64))
                    .map_err(|_| {
                        ExprError::new(ExprErrorKind::Parse, format!("invalid number `{text}`"))
                    })
            } else {
                // A point without an exponent makes an exact DECIMAL (`1.50` is
                // DECIMAL(3, 2)).
                let (v, t) = decimal::literal(digits).ok_or_else(|| {
                    ExprError::new(
                        ExprErrorKind::Parse,
                        format!(
                            "decimal literal {text} has more digits than Flink reads; write \
                             it as a DOUBLE, e.g. {text}E0"
                        ),
                    )
                })?;
                let v = if negative { -v } else { v };
                Ok(literal(Value::Decimal(v, t), DataType::decimal(t)))
            }
        }
        SqlValue::Boolean(b) => Ok(literal(Value::Bool(*b), DataType::Bool)),
        SqlValue::Null => Ok(Checked::Null),
        SqlValue::Placeholder(p) => Err(unsupported(format!(
            "parameters like `{p}` are not supported"
        ))),
        other => match other.clone().into_string() {
            Some(s) => Ok(literal(Value::Utf8(s), DataType::Utf8)),
            None => Err(unsupported(format!("literal `{other}` is not supported"))),
        },
    }
}

/// `DECIMAL`, `DECIMAL(p)` and `DECIMAL(p, s)` (also spelt `DEC` and `NUMERIC`); Flink's
/// defaults are a precision of 10 and a scale of 0.
fn decimal_type(info: &ast::ExactNumberInfo) -> Result<DataType, ExprError> {
    use ast::ExactNumberInfo as E;
    let (precision, scale) = match *info {
        E::None => (10, 0),
        E::Precision(p) => (p, 0),
        E::PrecisionAndScale(p, s) => {
            let s = u64::try_from(s)
                .map_err(|_| unsupported(format!("DECIMAL scale must be 0 or more, found {s}")))?;
            (p, s)
        }
    };
    let narrow = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
    DecimalType::new(narrow(precision), narrow(scale))
        .map(DataType::decimal)
        .map_err(unsupported)
}

/// The engine type for a SQL type name in CAST.
fn sql_type(t: &ast::DataType) -> Result<DataType, ExprError> {
    use ast::DataType as T;
    Ok(match t {
        T::Int(_) | T::Integer(_) | T::Int32 => DataType::Int32,
        T::BigInt(_) | T::Int8(_) | T::Int64 => DataType::Int64,
        T::Double(_)
        | T::DoublePrecision
        | T::Float(_)
        | T::Real
        | T::Float4
        | T::Float8
        | T::Float64 => DataType::Float64,
        T::Decimal(info) | T::Dec(info) | T::Numeric(info) => decimal_type(info)?,
        T::Boolean | T::Bool => DataType::Bool,
        T::String(_)
        | T::Varchar(_)
        | T::Nvarchar(_)
        | T::Char(_)
        | T::Character(_)
        | T::CharacterVarying(_)
        | T::Text => DataType::Utf8,
        T::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => DataType::Timestamp,
        other => {
            return Err(unsupported(format!(
                "type `{other}` is not supported; use BIGINT, INT, DOUBLE, DECIMAL(p, s), \
                 BOOLEAN, STRING, VARCHAR(n) or TIMESTAMP(3)"
            )));
        }
    })
}

/// The type two numbers meet in: the wider integer; a DECIMAL room for both (an INT is
/// DECIMAL(10, 0) there, a BIGINT DECIMAL(19, 0)); anything with a DOUBLE is DOUBLE.
fn wider_number(a: DataType, b: DataType) -> DataType {
    match (a, b) {
        (DataType::Int32, DataType::Int32) => DataType::Int32,
        (a, b) if a.is_integer() && b.is_integer() => DataType::Int64,
        (DataType::Float64, _) | (_, DataType::Float64) => DataType::Float64,
        (a, b) => match (as_decimal(a), as_decimal(b)) {
            (Some(x), Some(y)) => DataType::decimal(DecimalType::of_either(x, y)),
            _ => DataType::Float64,
        },
    }
}

/// An exact number as a DECIMAL: itself, or the DECIMAL an integer type stands for.
/// The DECIMAL type of a node built as one.
fn decimal_of(node: &Node) -> DecimalType {
    node.data_type().as_decimal().expect("a DECIMAL operand")
}

fn as_decimal(t: DataType) -> Option<DecimalType> {
    match t {
        DataType::Int32 => Some(DecimalType::of_integer(32)),
        DataType::Int64 => Some(DecimalType::of_integer(64)),
        t => t.as_decimal(),
    }
}

/// The result type of DECIMAL arithmetic, Flink's rules.
fn decimal_result(op: ArithOp, a: DecimalType, b: DecimalType) -> DecimalType {
    match op {
        ArithOp::Add | ArithOp::Sub => DecimalType::of_sum(a, b),
        ArithOp::Mul => DecimalType::of_product(a, b),
        ArithOp::Div => DecimalType::of_quotient(a, b),
        ArithOp::Rem => DecimalType::of_remainder(a, b),
    }
}

/// `node` as type `ty`: itself when it has it, else a cast (folded when constant).
fn coerce(node: Node, ty: DataType) -> Node {
    if node.data_type() == ty {
        node
    } else {
        finish(Node::Cast {
            input: Box::new(node),
            to: ty,
            lenient: false,
        })
    }
}

/// Compile-time rewrites of a freshly built node: strength-reduced constant divisors, the
/// fused `x % d = k` filter, then constant folding.
fn finish(node: Node) -> Node {
    let node = specialize(node);
    let foldable = !matches!(node, Node::Literal { .. } | Node::Column { .. })
        && node.children().iter().all(|c| c.literal().is_some());
    if foldable {
        // A constant that fails (1 / 0) is left to fail at run time, with the row context.
        if let Ok(d) = node.eval(&Input {
            columns: &[],
            rows: 1,
        }) {
            let value = match d {
                Datum::Scalar(v) => v,
                Datum::Array(c) => c.value(0),
            };
            return Node::Literal {
                value,
                ty: node.data_type(),
            };
        }
    }
    node
}

fn specialize(node: Node) -> Node {
    match node {
        Node::Arith {
            op: op @ (ArithOp::Div | ArithOp::Rem),
            left,
            right,
            ty: DataType::Int64,
        } => match right
            .literal()
            .and_then(int_value)
            .and_then(ConstDivisor::new)
        {
            Some(divisor) if !matches!(*left, Node::Literal { .. }) => Node::DivConst {
                input: left,
                divisor,
                rem: op == ArithOp::Rem,
            },
            _ => Node::Arith {
                op,
                left,
                right,
                ty: DataType::Int64,
            },
        },
        Node::Compare { op, left, right } => match (*left, *right) {
            (
                Node::DivConst {
                    input,
                    divisor,
                    rem: true,
                },
                Node::Literal {
                    value: Value::Int64(k),
                    ..
                },
            ) => Node::RemCompare {
                input,
                divisor,
                op,
                k,
            },
            (
                Node::Literal {
                    value: Value::Int64(k),
                    ..
                },
                Node::DivConst {
                    input,
                    divisor,
                    rem: true,
                },
            ) => Node::RemCompare {
                input,
                divisor,
                op: op.flip(),
                k,
            },
            (left, right) => Node::Compare {
                op,
                left: Box::new(left),
                right: Box::new(right),
            },
        },
        other => other,
    }
}

fn int_value(v: &Value) -> Option<i64> {
    match v {
        Value::Int64(x) => Some(*x),
        _ => None,
    }
}
