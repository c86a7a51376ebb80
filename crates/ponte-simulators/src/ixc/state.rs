//! The simulator's data: every table as a list of string rows behind one lock, plus typed
//! accessors that tests use to compare Ponte's answers with the seeded truth.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::codes;
use super::config::IxcConfig;
use super::model::{Contract, Customer, Invoice, bare_document, contract_of};
use super::schema::{Row, table_names};
use super::seed::{self, Fixtures};
use super::values::{parse_date, parse_money};
use time::Date;

/// The tables. Ids are strings, as IXC sends them, and grow from the largest seen.
#[derive(Debug, Default)]
pub(crate) struct Db {
    tables: BTreeMap<String, Vec<Row>>,
    next_id: BTreeMap<String, u64>,
    /// Barcode of each invoice's boleto, keyed by invoice id (IXC shows only the linha).
    pub(crate) barcodes: BTreeMap<String, String>,
}

impl Db {
    pub(crate) fn new() -> Self {
        let mut db = Db::default();
        for table in table_names() {
            db.tables.insert(table.to_string(), Vec::new());
        }
        db
    }

    /// Whether the table exists.
    pub(crate) fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    /// The rows of a table (empty for an unknown table).
    pub(crate) fn rows(&self, table: &str) -> &[Row] {
        self.tables.get(table).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn get(&self, table: &str, id: &str) -> Option<&Row> {
        self.rows(table)
            .iter()
            .find(|r| r.get("id").is_some_and(|v| v == id))
    }

    pub(crate) fn get_mut(&mut self, table: &str, id: &str) -> Option<&mut Row> {
        self.tables
            .get_mut(table)?
            .iter_mut()
            .find(|r| r.get("id").is_some_and(|v| v == id))
    }

    /// Stores a row under a fresh id (its own `id`, when set, is replaced) and returns the id.
    pub(crate) fn insert(&mut self, table: &str, row: Row) -> String {
        let existing = self
            .rows(table)
            .iter()
            .filter_map(|r| r.get("id")?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let floor = self.next_id.get(table).copied().unwrap_or(1);
        let id = (existing + 1).max(floor).to_string();
        self.insert_with_id(table, &id, row);
        id
    }

    /// Stores a row under the given id.
    pub(crate) fn insert_with_id(&mut self, table: &str, id: &str, mut row: Row) {
        row.shift_insert(0, "id".to_string(), id.to_string());
        self.tables.entry(table.to_string()).or_default().push(row);
    }

    /// Makes the ids of new rows of `table` start at `first` at least (IXC's financial ids
    /// are large numbers; customers start small).
    pub(crate) fn start_ids_at(&mut self, table: &str, first: u64) {
        self.next_id.insert(table.to_string(), first);
    }

    pub(crate) fn remove(&mut self, table: &str, id: &str) -> Option<Row> {
        let rows = self.tables.get_mut(table)?;
        let at = rows
            .iter()
            .position(|r| r.get("id").is_some_and(|v| v == id))?;
        Some(rows.remove(at))
    }

    /// Rows of `table` whose `column` equals `value`.
    pub(crate) fn rows_where<'a>(
        &'a self,
        table: &str,
        column: &'a str,
        value: &'a str,
    ) -> impl Iterator<Item = &'a Row> + 'a {
        self.rows(table)
            .iter()
            .filter(move |r| r.get(column).is_some_and(|v| v == value))
    }
}

struct Shared {
    config: IxcConfig,
    today: Mutex<Date>,
    fixtures: Fixtures,
    db: Mutex<Db>,
}

/// The state of one simulated IXC. Cloning shares it.
#[derive(Clone)]
pub struct IxcState {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for IxcState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IxcState")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl IxcState {
    /// Seeds a fresh state from the config (same seed and date, same data).
    pub fn new(config: IxcConfig) -> Self {
        let (db, fixtures) = seed::seed(&config);
        let today = Mutex::new(config.today);
        IxcState {
            shared: Arc::new(Shared {
                config,
                today,
                fixtures,
                db: Mutex::new(db),
            }),
        }
    }

    /// The config the state was built from.
    pub fn config(&self) -> &IxcConfig {
        &self.shared.config
    }

    /// Ids of the customers seeded for specific situations.
    pub fn fixtures(&self) -> &Fixtures {
        &self.shared.fixtures
    }

    /// Throws away every change and seeds the data again from the config (the date goes back
    /// to the config's too).
    pub fn reset(&self) {
        let (fresh, _) = seed::seed(&self.shared.config);
        *self.db() = fresh;
        *self
            .shared
            .today
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = self.shared.config.today;
    }

    /// The simulator's current "today" (the config's date until [`IxcState::set_today`]).
    pub fn today(&self) -> Date {
        *self
            .shared
            .today
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the simulator's clock, as days passing would: trust unlocks whose release date is
    /// reached end, and a contract that still has overdue invoices is blocked again (`CA`).
    pub fn set_today(&self, today: Date) {
        *self
            .shared
            .today
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = today;
        let mut db = self.db();
        let ending: Vec<String> = db
            .rows("cliente_contrato")
            .iter()
            .filter(|c| {
                c.get("desbloqueio_confianca_ativo")
                    .is_some_and(|v| v == "S")
            })
            .filter(|c| {
                c.get("dt_retorno_desb_conf")
                    .and_then(|d| parse_date(d))
                    .is_some_and(|d| d <= today)
            })
            .filter_map(|c| c.get("id").cloned())
            .collect();
        for id in ending {
            let overdue = db.rows("fn_areceber").iter().any(|r| {
                contract_of(r) == id
                    && matches!(r.get("status").map(String::as_str), Some("A" | "P"))
                    && r.get("data_vencimento")
                        .and_then(|d| parse_date(d))
                        .is_some_and(|d| d < today)
            });
            if let Some(contract) = db.get_mut("cliente_contrato", &id) {
                contract.insert("desbloqueio_confianca_ativo".into(), "N".into());
                if overdue {
                    contract.insert("status_internet".into(), "CA".into());
                    contract.insert("dt_ult_bloq_auto".into(), super::values::iso(today));
                }
            }
        }
    }

    pub(crate) fn db(&self) -> MutexGuard<'_, Db> {
        // Handlers change rows with plain assignments and never hold the lock across an await,
        // so the data stays usable after a panic elsewhere.
        self.shared
            .db
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Every customer, in id order.
    pub fn customers(&self) -> Vec<Customer> {
        let db = self.db();
        db.rows("cliente")
            .iter()
            .map(|row| customer_view(&db, row))
            .collect()
    }

    /// One customer by id.
    pub fn customer(&self, id: &str) -> Option<Customer> {
        let db = self.db();
        db.get("cliente", id).map(|row| customer_view(&db, row))
    }

    /// The customer with this CPF/CNPJ, in any formatting.
    pub fn customer_by_document(&self, document: &str) -> Option<Customer> {
        let wanted = bare_document(document);
        self.customers().into_iter().find(|c| c.document == wanted)
    }

    /// The contracts of a customer, in id order.
    pub fn contracts_of(&self, customer_id: &str) -> Vec<Contract> {
        let db = self.db();
        db.rows_where("cliente_contrato", "id_cliente", customer_id)
            .map(|row| contract_view(&db, row))
            .collect()
    }

    /// One contract by id.
    pub fn contract(&self, id: &str) -> Option<Contract> {
        let db = self.db();
        db.get("cliente_contrato", id)
            .map(|row| contract_view(&db, row))
    }

    /// Every invoice of a customer (open, paid and cancelled), in id order.
    pub fn invoices_of(&self, customer_id: &str) -> Vec<Invoice> {
        let db = self.db();
        db.rows_where("fn_areceber", "id_cliente", customer_id)
            .map(|row| self.invoice_view(&db, row))
            .collect()
    }

    /// One invoice by id.
    pub fn invoice(&self, id: &str) -> Option<Invoice> {
        let db = self.db();
        db.get("fn_areceber", id)
            .map(|row| self.invoice_view(&db, row))
    }

    /// The write-offs recorded against an invoice.
    pub fn settlements_of(&self, invoice_id: &str) -> Vec<Row> {
        self.db()
            .rows_where("fn_areceber_baixas", "id_receber", invoice_id)
            .cloned()
            .collect()
    }

    /// A copy of every row of any table (empty for an unknown table).
    pub fn rows(&self, table: &str) -> Vec<Row> {
        self.db().rows(table).to_vec()
    }

    /// A copy of one row of any table.
    pub fn row(&self, table: &str, id: &str) -> Option<Row> {
        self.db().get(table, id).cloned()
    }

    /// The PIX copy-and-paste code of an invoice, for its open amount.
    pub fn pix_code(&self, invoice_id: &str) -> Option<String> {
        let db = self.db();
        db.get("fn_areceber", invoice_id)
            .and_then(|row| pix_for(&self.shared.config, row))
    }

    fn invoice_view(&self, db: &Db, row: &Row) -> Invoice {
        let id = row.get("id").cloned().unwrap_or_default();
        let barcode = db.barcodes.get(&id).cloned().unwrap_or_default();
        let pix = pix_for(&self.shared.config, row).unwrap_or_default();
        Invoice::from_row(row, self.today(), barcode, pix)
    }
}

/// The PIX code of an invoice row: the configured receiver, the open amount, a txid from the id.
pub(crate) fn pix_for(config: &IxcConfig, row: &Row) -> Option<String> {
    let cents = parse_money(row.get("valor_aberto")?)?;
    let txid = row.get("pix_txid").filter(|t| !t.is_empty()).cloned();
    codes::pix(config, u64::try_from(cents).ok()?, txid)
}

pub(crate) fn customer_view(db: &Db, row: &Row) -> Customer {
    let city = row.get("cidade").and_then(|id| db.get("cidade", id));
    let city_name = city
        .and_then(|c| c.get("nome"))
        .cloned()
        .unwrap_or_default();
    let state = row
        .get("uf")
        .and_then(|id| db.get("uf", id))
        .and_then(|u| u.get("sigla"))
        .cloned()
        .unwrap_or_default();
    Customer::from_row(row, city_name, state)
}

pub(crate) fn contract_view(db: &Db, row: &Row) -> Contract {
    let valor = row
        .get("id_vd_contrato")
        .and_then(|plan| db.get("vd_contratos", plan))
        .and_then(|plan| plan.get("valor_contrato"))
        .cloned()
        .unwrap_or_default();
    Contract::from_row(row, valor)
}
