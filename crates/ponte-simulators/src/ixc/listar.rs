//! Listings: the body `qtype`/`query`/`oper`/`page`/`rp`/`sortname`/`sortorder`/`grid_param`
//! sent with the `ixcsoft: listar` header, applied to one table.
//!
//! Columns are named `table.column`, with the listed table's name, as every vendor example
//! writes them; a bare column or another table's is the database's "unknown column" error,
//! unless [`IxcLeniency::bare_columns`](super::IxcLeniency) is on.
//!
//! Values compare as numbers when both sides are plain decimals, as dates when the filter is a
//! `dd/mm/yyyy` date (turned into `yyyy-mm-dd`, and a date-time column is compared on its date),
//! and otherwise as case-insensitive text, the way IXC's database collation does.

use std::cmp::Ordering;

use axum::response::Response;
use serde_json::{Value, json};

use super::config::IxcConfig;
use super::guesses::{
    Clause, DEFAULT_ROWS_PER_PAGE, EMPTY_QUERY_MATCHES_ALL, unknown_column, unknown_operator,
    unknown_resource,
};
use super::schema::{ColumnKind, Row, columns};
use super::state::Db;
use super::values::{parse_number, to_iso_if_br};
use super::wire::{Fields, error, ok_json, text};

/// A filter operator of `oper` or of a `grid_param` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Like,
    NotLike,
    In,
    NotIn,
    Between,
    NotBetween,
}

impl Op {
    pub(crate) fn parse(text: &str) -> Option<Op> {
        Some(match text.trim().to_ascii_uppercase().as_str() {
            "=" | "" => Op::Eq,
            "!=" | "<>" => Op::Ne,
            ">" => Op::Gt,
            "<" => Op::Lt,
            ">=" => Op::Ge,
            "<=" => Op::Le,
            "L" => Op::Like,
            "NL" => Op::NotLike,
            "IN" => Op::In,
            "NI" => Op::NotIn,
            "BE" => Op::Between,
            "NBE" => Op::NotBetween,
            _ => return None,
        })
    }
}

/// One condition on one column.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    column: String,
    kind: ColumnKind,
    op: Op,
    p: String,
    p2: Option<String>,
}

fn compare(kind: ColumnKind, value: &str, wanted: &str) -> Ordering {
    let wanted = to_iso_if_br(wanted);
    let value = if kind == ColumnKind::DateTime && wanted.len() == 10 {
        value.get(..10).unwrap_or(value)
    } else {
        value
    };
    if let (Some(a), Some(b)) = (parse_number(value), parse_number(&wanted)) {
        return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
    }
    value.to_lowercase().cmp(&wanted.to_lowercase())
}

fn contains(value: &str, needle: &str) -> bool {
    let needle = needle.replace('%', "").to_lowercase();
    value.to_lowercase().contains(&needle)
}

impl Filter {
    fn matches(&self, row: &Row) -> bool {
        let value = row.get(&self.column).map(String::as_str).unwrap_or("");
        let cmp = |wanted: &str| compare(self.kind, value, wanted);
        let list = || self.p.split(',').map(str::trim).filter(|s| !s.is_empty());
        let p2 = self.p2.as_deref();
        match self.op {
            Op::Eq => cmp(&self.p) == Ordering::Equal,
            Op::Ne => cmp(&self.p) != Ordering::Equal,
            Op::Gt => cmp(&self.p) == Ordering::Greater,
            Op::Lt => cmp(&self.p) == Ordering::Less,
            Op::Ge => cmp(&self.p) != Ordering::Less,
            Op::Le => cmp(&self.p) != Ordering::Greater,
            // A second value makes `L` match either one: the vendor's own examples use it to
            // ask for "A or P".
            Op::Like => contains(value, &self.p) || p2.is_some_and(|p2| contains(value, p2)),
            Op::NotLike => !contains(value, &self.p) && !p2.is_some_and(|p2| contains(value, p2)),
            Op::In => list().any(|w| cmp(w) == Ordering::Equal),
            Op::NotIn => !list().any(|w| cmp(w) == Ordering::Equal),
            Op::Between => {
                cmp(&self.p) != Ordering::Less && p2.is_some_and(|p2| cmp(p2) != Ordering::Greater)
            }
            Op::NotBetween => {
                !(cmp(&self.p) != Ordering::Less
                    && p2.is_some_and(|p2| cmp(p2) != Ordering::Greater))
            }
        }
    }
}

/// How a listing names its columns.
#[derive(Debug, Clone, Copy)]
struct Naming<'a> {
    table: &'a str,
    /// Accept `cnpj_cpf` or `other.cnpj_cpf` for `cliente.cnpj_cpf`.
    bare: bool,
}

impl Naming<'_> {
    /// `cliente.cnpj_cpf` → the column, if the table has it. Leniently, any prefix (or none)
    /// is dropped first.
    fn resolve(self, name: &str, clause: Clause) -> Result<(String, ColumnKind), String> {
        let name = name.trim();
        let column = if self.bare {
            name.rsplit('.').next()
        } else {
            name.split_once('.')
                .filter(|(prefix, _)| *prefix == self.table)
                .map(|(_, column)| column)
        };
        column
            .and_then(|column| {
                columns(self.table).and_then(|cols| cols.into_iter().find(|c| c.name == column))
            })
            .map(|c| (c.name.to_string(), c.kind))
            .ok_or_else(|| unknown_column(name, clause))
    }
}

fn filter(
    naming: Naming<'_>,
    column: &str,
    op: &str,
    p: String,
    p2: Option<String>,
) -> Result<Filter, String> {
    let (column, kind) = naming.resolve(column, Clause::Where)?;
    let op = Op::parse(op).ok_or_else(|| unknown_operator(op))?;
    Ok(Filter {
        column,
        kind,
        op,
        p,
        p2,
    })
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The filters of a listing body.
fn filters(naming: Naming<'_>, body: &Fields) -> Result<Vec<Filter>, String> {
    let mut out = Vec::new();
    let qtype = text(body, "qtype");
    let query = text(body, "query");
    let oper = text(body, "oper");
    let op_allows_skip = matches!(Op::parse(&oper), Some(Op::Eq | Op::Like));
    let skip =
        qtype.trim().is_empty() || (query.is_empty() && EMPTY_QUERY_MATCHES_ALL && op_allows_skip);
    if !skip {
        out.push(filter(naming, &qtype, &oper, query, None)?);
    }
    // `grid_param` is a JSON array encoded as a string; some clients send the array itself.
    let grid = match body.get("grid_param") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            serde_json::from_str::<Value>(s).map_err(|_| unknown_operator("grid_param"))?
        }
        Some(Value::Array(items)) => Value::Array(items.clone()),
        _ => Value::Array(Vec::new()),
    };
    for item in grid.as_array().into_iter().flatten() {
        let get = |k: &str| item.get(k).map(scalar);
        let column = get("TB").unwrap_or_default();
        let op = get("OP").unwrap_or_else(|| "=".to_string());
        let p2 = get("P2").filter(|s| !s.is_empty());
        out.push(filter(
            naming,
            &column,
            &op,
            get("P").unwrap_or_default(),
            p2,
        )?);
    }
    Ok(out)
}

/// Answers a listing of `table`.
pub(crate) fn list(db: &Db, config: &IxcConfig, table: &str, body: &Fields) -> Response {
    if !db.has_table(table) {
        return error(unknown_resource(table));
    }
    let naming = Naming {
        table,
        bare: config.lenient.bare_columns,
    };
    let filters = match filters(naming, body) {
        Ok(f) => f,
        Err(message) => return error(message),
    };
    let sortname = text(body, "sortname");
    let (sort_column, sort_kind) = if sortname.trim().is_empty() {
        ("id".to_string(), ColumnKind::Text)
    } else {
        match naming.resolve(&sortname, Clause::Order) {
            Ok(found) => found,
            Err(message) => return error(message),
        }
    };
    let mut rows: Vec<&Row> = db
        .rows(table)
        .iter()
        .filter(|r| filters.iter().all(|f| f.matches(r)))
        .collect();
    rows.sort_by(|a, b| {
        let a = a.get(&sort_column).map(String::as_str).unwrap_or("");
        let b = b.get(&sort_column).map(String::as_str).unwrap_or("");
        compare(sort_kind, a, b)
    });
    if text(body, "sortorder").eq_ignore_ascii_case("desc") {
        rows.reverse();
    }
    let page = text(body, "page")
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|p| *p > 0)
        .unwrap_or(1);
    let rp = text(body, "rp")
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|r| *r > 0)
        .unwrap_or(DEFAULT_ROWS_PER_PAGE);
    let total = rows.len();
    let slice: Vec<&Row> = rows
        .into_iter()
        .skip((page - 1).saturating_mul(rp))
        .take(rp)
        .collect();
    let total_value = if config.total_as_number {
        json!(total)
    } else {
        json!(total.to_string())
    };
    let mut answer = json!({"page": page.to_string(), "total": total_value});
    // IXC leaves `registros` out when there is nothing to show.
    if !slice.is_empty() {
        answer["registros"] = json!(slice);
    }
    ok_json(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(column: &str, kind: ColumnKind, op: &str, p: &str, p2: Option<&str>) -> Filter {
        Filter {
            column: column.into(),
            kind,
            op: Op::parse(op).unwrap(),
            p: p.into(),
            p2: p2.map(Into::into),
        }
    }

    fn r(pairs: &[(&str, &str)]) -> Row {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn numbers_compare_as_numbers_not_as_text() {
        let row = r(&[("valor", "100.00")]);
        assert!(f("valor", ColumnKind::Text, ">", "99.9", None).matches(&row));
        assert!(f("valor", ColumnKind::Text, "=", "100", None).matches(&row));
    }

    #[test]
    fn a_brazilian_date_filter_matches_an_iso_column() {
        let row = r(&[
            ("data_vencimento", "2024-11-21"),
            ("ultima_atualizacao", "2024-11-08 13:53:41"),
        ]);
        assert!(f("data_vencimento", ColumnKind::Date, "<", "22/11/2024", None).matches(&row));
        assert!(
            f(
                "ultima_atualizacao",
                ColumnKind::DateTime,
                "=",
                "08/11/2024",
                None
            )
            .matches(&row)
        );
        assert!(
            f(
                "data_vencimento",
                ColumnKind::Date,
                "BE",
                "01/11/2024",
                Some("30/11/2024")
            )
            .matches(&row)
        );
        assert!(
            !f(
                "data_vencimento",
                ColumnKind::Date,
                "NBE",
                "01/11/2024",
                Some("30/11/2024")
            )
            .matches(&row)
        );
    }

    #[test]
    fn like_with_two_values_matches_either() {
        let open = r(&[("status", "A")]);
        let partial = r(&[("status", "P")]);
        let paid = r(&[("status", "R")]);
        let filter = f("status", ColumnKind::Text, "L", "A", Some("P"));
        assert!(filter.matches(&open) && filter.matches(&partial) && !filter.matches(&paid));
    }

    #[test]
    fn a_column_needs_its_own_tables_prefix_unless_bare_columns_are_allowed() {
        let strict = Naming {
            table: "cliente",
            bare: false,
        };
        assert_eq!(
            strict
                .resolve("cliente.cnpj_cpf", Clause::Where)
                .map(|(c, _)| c),
            Ok("cnpj_cpf".to_string())
        );
        for name in [
            "cnpj_cpf",
            "fn_areceber.id_cliente",
            "cliente.nao_existe",
            "",
        ] {
            let refused = strict.resolve(name, Clause::Where).unwrap_err();
            assert!(
                refused.contains("Unknown column") && refused.contains(name),
                "{name}: {refused}"
            );
        }
        let lenient = Naming {
            table: "cliente",
            bare: true,
        };
        assert!(lenient.resolve("cnpj_cpf", Clause::Where).is_ok());
        assert!(lenient.resolve("outra.cnpj_cpf", Clause::Order).is_ok());
        assert!(lenient.resolve("nao_existe", Clause::Where).is_err());
    }

    #[test]
    fn in_and_not_in_read_comma_lists() {
        let row = r(&[("status_internet", "CA")]);
        assert!(f("status_internet", ColumnKind::Text, "IN", "CM, CA,FA", None).matches(&row));
        assert!(!f("status_internet", ColumnKind::Text, "NI", "CM,CA", None).matches(&row));
    }
}
