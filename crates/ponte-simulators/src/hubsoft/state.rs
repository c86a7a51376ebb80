//! The simulator's data behind one lock: the records, the clock ("today" plus the seconds that
//! tokens age by), the issued tokens and the fixtures; typed accessors let tests compare
//! Ponte's answers with the truth.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use time::Date;

use super::auth::TokenStore;
use super::config::HubsoftConfig;
use super::model::{Customer, FiscalNote, Invoice, Prospect, Service, ServiceOrder, Ticket};
use super::seed::{self, Fixtures};
use super::values::bare_document;

/// Every record of the simulated provider.
#[derive(Debug, Default, Clone)]
pub(crate) struct Db {
    pub customers: Vec<Customer>,
    pub services: Vec<Service>,
    pub invoices: Vec<Invoice>,
    pub tickets: Vec<Ticket>,
    pub orders: Vec<ServiceOrder>,
    pub prospects: Vec<Prospect>,
    pub notes: Vec<FiscalNote>,
}

impl Db {
    pub(crate) fn customer(&self, id_cliente: u64) -> Option<&Customer> {
        self.customers.iter().find(|c| c.id_cliente == id_cliente)
    }

    pub(crate) fn service(&self, id: u64) -> Option<&Service> {
        self.services.iter().find(|s| s.id_cliente_servico == id)
    }

    pub(crate) fn service_mut(&mut self, id: u64) -> Option<&mut Service> {
        self.services
            .iter_mut()
            .find(|s| s.id_cliente_servico == id)
    }

    pub(crate) fn services_of(&self, id_cliente: u64) -> impl Iterator<Item = &Service> {
        self.services
            .iter()
            .filter(move |s| s.id_cliente == id_cliente)
    }

    pub(crate) fn invoice(&self, id: u64) -> Option<&Invoice> {
        self.invoices.iter().find(|i| i.id_fatura == id)
    }

    /// Whether a service has an open invoice due before `today`.
    pub(crate) fn has_overdue(&self, service: u64, today: Date) -> bool {
        self.invoices
            .iter()
            .any(|i| i.id_cliente_servico == service && i.is_overdue(today))
    }
}

/// What changes while the simulator runs.
#[derive(Debug)]
pub(crate) struct Inner {
    pub db: Db,
    pub today: Date,
    /// Seconds added to the wall clock of token ages: moving "today" ages tokens too.
    pub clock_offset_secs: i64,
    pub tokens: TokenStore,
    /// The API user was revoked: the password grant refuses it until a reset.
    pub user_revoked: bool,
}

struct Shared {
    config: HubsoftConfig,
    started: Instant,
    fixtures: Fixtures,
    inner: Mutex<Inner>,
}

/// The state of one simulated Hubsoft. Cloning shares it.
#[derive(Clone)]
pub struct HubsoftState {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for HubsoftState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubsoftState")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl HubsoftState {
    /// Seeds a fresh state from the config (same seed and date, same data).
    pub fn new(config: HubsoftConfig) -> Self {
        let (db, fixtures) = seed::seed(&config);
        let inner = Inner {
            db,
            today: config.today,
            clock_offset_secs: 0,
            tokens: TokenStore::new(config.seed),
            user_revoked: false,
        };
        HubsoftState {
            shared: Arc::new(Shared {
                config,
                started: Instant::now(),
                fixtures,
                inner: Mutex::new(inner),
            }),
        }
    }

    /// The config the state was built from.
    pub fn config(&self) -> &HubsoftConfig {
        &self.shared.config
    }

    /// The records seeded for specific situations.
    pub fn fixtures(&self) -> &Fixtures {
        &self.shared.fixtures
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // Handlers change records with plain assignments and never hold the lock across an
        // await, so the data stays usable after a panic elsewhere.
        self.shared
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Milliseconds on the token clock: time since start plus the days "today" was moved by.
    pub(crate) fn now_ms(&self, inner: &Inner) -> i64 {
        let elapsed = i64::try_from(self.shared.started.elapsed().as_millis()).unwrap_or(i64::MAX);
        elapsed.saturating_add(inner.clock_offset_secs.saturating_mul(1000))
    }

    /// Throws away every change, every issued token and any revocation, and seeds the data
    /// again from the config (the date goes back to the config's too).
    pub fn reset(&self) {
        let (db, _) = seed::seed(&self.shared.config);
        let mut inner = self.lock();
        inner.db = db;
        inner.today = self.shared.config.today;
        inner.clock_offset_secs = 0;
        inner.tokens = TokenStore::new(self.shared.config.seed);
        inner.user_revoked = false;
    }

    /// The simulator's current "today".
    pub fn today(&self) -> Date {
        self.lock().today
    }

    /// Moves the simulator's clock as days passing would: tokens age by the same days, trust
    /// unlocks whose end is reached end, and a service that still has overdue invoices goes
    /// back to its suspended status.
    pub fn set_today(&self, today: Date) {
        let mut inner = self.lock();
        let moved = (today - inner.today).whole_seconds();
        inner.clock_offset_secs = inner.clock_offset_secs.saturating_add(moved);
        inner.today = today;
        let db = &mut inner.db;
        let ending: Vec<(u64, String)> = db
            .services
            .iter()
            .filter_map(|s| {
                let (until, back) = s.unlock_until.as_ref()?;
                (*until <= today).then(|| (s.id_cliente_servico, back.clone()))
            })
            .collect();
        for (id, back) in ending {
            let overdue = db.has_overdue(id, today);
            if let Some(service) = db.service_mut(id) {
                service.unlock_until = None;
                if overdue {
                    service.status_prefixo = back;
                }
            }
        }
    }

    /// Invalidates every token issued so far, as Hubsoft does during system updates
    /// (erps.md §6.2, addendum §2). New tokens can be asked for at once.
    pub fn revoke_tokens(&self) {
        self.lock().tokens.revoke_all();
    }

    /// Revokes the API user: every token is invalidated and the password grant refuses the
    /// credentials until [`HubsoftState::reset`].
    pub fn revoke_user(&self) {
        let mut inner = self.lock();
        inner.tokens.revoke_all();
        inner.user_revoked = true;
    }

    /// Every customer, in id order.
    pub fn customers(&self) -> Vec<Customer> {
        self.lock().db.customers.clone()
    }

    /// The customer with this CPF/CNPJ, in any formatting.
    pub fn customer_by_document(&self, document: &str) -> Option<Customer> {
        let wanted = bare_document(document);
        self.lock()
            .db
            .customers
            .iter()
            .find(|c| c.cpf_cnpj == wanted)
            .cloned()
    }

    /// The services of a customer, in id order.
    pub fn services_of(&self, id_cliente: u64) -> Vec<Service> {
        self.lock().db.services_of(id_cliente).cloned().collect()
    }

    /// One service.
    pub fn service(&self, id_cliente_servico: u64) -> Option<Service> {
        self.lock().db.service(id_cliente_servico).cloned()
    }

    /// Every invoice of a customer, in id order.
    pub fn invoices_of(&self, id_cliente: u64) -> Vec<Invoice> {
        self.lock()
            .db
            .invoices
            .iter()
            .filter(|i| i.id_cliente == id_cliente)
            .cloned()
            .collect()
    }

    /// One invoice.
    pub fn invoice(&self, id_fatura: u64) -> Option<Invoice> {
        self.lock().db.invoice(id_fatura).cloned()
    }

    /// Every invoice.
    pub fn invoices(&self) -> Vec<Invoice> {
        self.lock().db.invoices.clone()
    }

    /// Every ticket.
    pub fn tickets(&self) -> Vec<Ticket> {
        self.lock().db.tickets.clone()
    }

    /// Every service order.
    pub fn service_orders(&self) -> Vec<ServiceOrder> {
        self.lock().db.orders.clone()
    }

    /// Every prospect.
    pub fn prospects(&self) -> Vec<Prospect> {
        self.lock().db.prospects.clone()
    }

    /// The fiscal notes of a customer.
    pub fn notes_of(&self, id_cliente: u64) -> Vec<FiscalNote> {
        self.lock()
            .db
            .notes
            .iter()
            .filter(|n| n.id_cliente == id_cliente)
            .cloned()
            .collect()
    }

    /// The PIX code `cliente/financeiro` shows for an invoice (`None` when it shows none).
    pub fn pix_code(&self, id_fatura: u64) -> Option<String> {
        let inner = self.lock();
        let invoice = inner.db.invoice(id_fatura)?;
        super::financeiro::pix_of(&self.shared.config, invoice)
    }
}
