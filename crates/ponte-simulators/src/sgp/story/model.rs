//! The records of the seeded story, typed and neutral: no ERP's key names here. The SGP
//! simulator and the standard API each render them in their own wire shapes.

use time::Date;

/// Whether a customer is a person or a company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PersonKind {
    /// Pessoa física (CPF).
    Individual,
    /// Pessoa jurídica (CNPJ, numeric or alphanumeric).
    Company,
}

impl PersonKind {
    /// `F` or `J`, as Brazilian systems write it.
    pub fn letter(self) -> &'static str {
        match self {
            PersonKind::Individual => "F",
            PersonKind::Company => "J",
        }
    }
}

/// A phone number or e-mail with the label the ERP gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The label (`Celular Pessoal`, `WhatsApp Número`, `E-Mail`...).
    pub kind: String,
    /// The number, masked as typed (`(47) 99123-4567`), or the address.
    pub value: String,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    /// Street.
    pub street: String,
    /// House number; `None` for "sem número".
    pub number: Option<u32>,
    /// Complement, possibly empty.
    pub complement: String,
    /// Neighbourhood.
    pub district: String,
    /// City name, upper case as ISPs type it.
    pub city: String,
    /// State abbreviation.
    pub uf: String,
    /// CEP, masked (`89010-123`).
    pub cep: String,
    /// A landmark ("ponto de referência"), possibly empty.
    pub reference: String,
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The ERP's customer id.
    pub id: u64,
    /// Full name or company name.
    pub name: String,
    /// The document, bare and upper case.
    pub document: String,
    /// The document exactly as stored: usually masked, for one fixture bare.
    pub stored_document: String,
    /// Person or company.
    pub kind: PersonKind,
    /// Birth date (companies have none).
    pub birth: Option<Date>,
    /// When the record was created, with a time of day in seconds.
    pub registered: (Date, u32),
    /// When the record was last changed, with a time of day in seconds.
    pub changed: (Date, u32),
    /// Phones, in the order they were registered.
    pub phones: Vec<Contact>,
    /// E-mails, in the order they were registered.
    pub emails: Vec<Contact>,
    /// Billing and installation address.
    pub address: Address,
}

/// SGP's contract statuses (`contratoStatus`), erps.md §3.3 [DOC-3P, MEAS].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ContractStatus {
    /// 1.
    Active,
    /// 2.
    Inactive,
    /// 3.
    Cancelled,
    /// 4, suspended (blocked for debt).
    Suspended,
    /// 5.
    TechnicallyUnfeasible,
    /// 6, newly sold, not installed yet.
    New,
    /// 7, active at reduced speed (blocked for debt, softly).
    Reduced,
}

impl ContractStatus {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            ContractStatus::Active => 1,
            ContractStatus::Inactive => 2,
            ContractStatus::Cancelled => 3,
            ContractStatus::Suspended => 4,
            ContractStatus::TechnicallyUnfeasible => 5,
            ContractStatus::New => 6,
            ContractStatus::Reduced => 7,
        }
    }

    /// The status from its code.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => ContractStatus::Active,
            2 => ContractStatus::Inactive,
            3 => ContractStatus::Cancelled,
            4 => ContractStatus::Suspended,
            5 => ContractStatus::TechnicallyUnfeasible,
            6 => ContractStatus::New,
            7 => ContractStatus::Reduced,
            _ => return None,
        })
    }

    /// The display name, without SGP's leading space.
    pub fn name(self) -> &'static str {
        match self {
            ContractStatus::Active => "Ativo",
            ContractStatus::Inactive => "Inativo",
            ContractStatus::Cancelled => "Cancelado",
            ContractStatus::Suspended => "Suspenso",
            ContractStatus::TechnicallyUnfeasible => "Inviabilidade Técnica",
            ContractStatus::New => "Novo",
            ContractStatus::Reduced => "Ativo V. Reduzida",
        }
    }

    /// Whether the internet access is cut or slowed for debt.
    pub fn blocked_for_debt(self) -> bool {
        matches!(self, ContractStatus::Suspended | ContractStatus::Reduced)
    }
}

/// A payment promise ("liberação por promessa de pagamento") in force on a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Promise {
    /// The day it was granted.
    pub granted: Date,
    /// The last day the access stays released.
    pub until: Date,
    /// The status the contract had before, restored if the debt is still there afterwards.
    pub previous: ContractStatus,
}

/// A service contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// The ERP's contract id.
    pub id: u64,
    /// The owner.
    pub customer_id: u64,
    /// The plan (an id of [`super::catalog::PLANS`]).
    pub plan_id: u64,
    /// Current status.
    pub status: ContractStatus,
    /// The day the status last changed.
    pub status_changed: Date,
    /// The internet service id inside the contract.
    pub service_id: u64,
    /// PPPoE login.
    pub login: String,
    /// PPPoE password.
    pub service_password: String,
    /// Customer-area login.
    pub central_login: String,
    /// Customer-area password.
    pub central_password: String,
    /// Point of presence (an id of [`super::catalog::POPS`]).
    pub pop_id: u64,
    /// Due day of the month.
    pub due_day: u8,
    /// Activation date.
    pub created: Date,
    /// Whether the provider lets this contract use payment promises.
    pub promise_allowed: bool,
    /// The days on which a promise was granted, oldest first.
    pub promises: Vec<Date>,
    /// The promise in force, if any.
    pub promise: Option<Promise>,
    /// Internet MAC address.
    pub mac: String,
}

/// A title's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TitleStatus {
    /// Open (possibly partly paid).
    Open,
    /// Paid.
    Paid,
    /// Cancelled.
    Cancelled,
}

/// One payment recorded against a title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The day it was paid.
    pub date: Date,
    /// Cents received.
    pub cents: i64,
    /// `DINHEIRO`, `CARTAO`, `DEBITO` or `PIX`.
    pub form: String,
    /// Receiving point id.
    pub point_id: u64,
    /// Bank fee, cents.
    pub fee_cents: i64,
    /// Discount granted, cents.
    pub discount_cents: i64,
    /// Free text.
    pub note: String,
}

/// A receivable title (invoice with its boleto).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// The ERP's title id.
    pub id: u64,
    /// Owner.
    pub customer_id: u64,
    /// Contract it bills.
    pub contract_id: u64,
    /// "Número do documento".
    pub document_number: u64,
    /// Issue date.
    pub issued: Date,
    /// Due date.
    pub due: Date,
    /// Face value, cents.
    pub cents: i64,
    /// State.
    pub status: TitleStatus,
    /// Payments, oldest first (several only for partial settlements).
    pub payments: Vec<Payment>,
    /// The day it was cancelled.
    pub cancelled_on: Option<Date>,
    /// The 44-digit barcode.
    pub barcode: String,
    /// The 47-digit linha digitável, bare.
    pub linha: String,
    /// The PIX copy-and-paste code for the face value.
    pub pix: String,
    /// The id in the boleto's public link, distinct from the title id.
    pub link_id: u64,
    /// The random part of the boleto's public link.
    pub link_code: String,
    /// What the title refers to ("Mensalidade FIBRA 300 MEGA - 03/2026").
    pub description: String,
    /// "Nosso número".
    pub our_number: String,
}

impl Title {
    /// Cents received so far.
    pub fn paid_cents(&self) -> i64 {
        self.payments
            .iter()
            .map(|p| p.cents + p.discount_cents)
            .sum()
    }

    /// Face value minus what was received.
    pub fn open_cents(&self) -> i64 {
        match self.status {
            TitleStatus::Open => (self.cents - self.paid_cents()).max(0),
            _ => 0,
        }
    }

    /// The last payment day.
    pub fn paid_on(&self) -> Option<Date> {
        self.payments.last().map(|p| p.date)
    }

    /// Open and due before `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.status == TitleStatus::Open && self.due < today
    }
}

/// A fiscal note (NFCom).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Internal id.
    pub id: u64,
    /// Number.
    pub number: u64,
    /// Series.
    pub series: u32,
    /// 44-digit access key.
    pub key: String,
    /// Owner.
    pub customer_id: u64,
    /// Contract.
    pub contract_id: u64,
    /// The title it was issued for.
    pub title_id: u64,
    /// Issue date.
    pub issued: Date,
    /// Total, cents.
    pub cents: i64,
    /// NFCom status code (1 Autorizada, 8 Cancelada...).
    pub status: u8,
}

/// An occurrence (chamado) with its protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Occurrence number.
    pub id: u64,
    /// Protocol shown to the customer.
    pub protocol: String,
    /// Contract.
    pub contract_id: u64,
    /// Owner.
    pub customer_id: u64,
    /// Occurrence type id.
    pub type_id: u64,
    /// Content.
    pub content: String,
    /// Contact name given when it was opened.
    pub contact: String,
    /// Contact number given when it was opened.
    pub contact_number: String,
    /// Opened on, with a time of day in seconds.
    pub created: (Date, u32),
    /// 0 open, 1 closed.
    pub status: u8,
    /// Where it came from (`URA`, `API`, `Central`).
    pub origin: String,
}

/// An annotation on a customer, possibly raising an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// Id.
    pub id: u64,
    /// Customer.
    pub customer_id: u64,
    /// Contract, when the note is about one.
    pub contract_id: Option<u64>,
    /// Annotation type id.
    pub type_id: u64,
    /// The text.
    pub text: String,
    /// How loudly the ERP shows it (0 none; other values raise an alert).
    pub alert_mode: u8,
    /// Written on.
    pub created: Date,
}

/// A pre-registration (lead or sale waiting for activation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prospect {
    /// Id.
    pub id: u64,
    /// Person or company.
    pub kind: PersonKind,
    /// Name.
    pub name: String,
    /// Document as sent (possibly empty).
    pub document: String,
    /// Every field as sent, for tests to inspect.
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Created on.
    pub created: Date,
    /// The customer and contract created when it was activated at once.
    pub activated: Option<(u64, u64)>,
}
