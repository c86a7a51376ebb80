//! The simulator's records, typed. Handlers render them into Hubsoft's JSON shapes; tests read
//! them through `HubsoftState` to compare Ponte's answers with the seeded truth.

use time::Date;

/// A postal address, as the four address objects of a service carry it (erps.md §6.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// `logradouro`: the street type (`RUA`, `AVENIDA`).
    pub logradouro: String,
    /// `endereco`: the street name without its type.
    pub endereco: String,
    /// `numero`.
    pub numero: String,
    /// `complemento` (`""` when none).
    pub complemento: String,
    /// `bairro`.
    pub bairro: String,
    /// `cep`, masked (`35501-048`) or bare (`35560000`): the vendor sample has both.
    pub cep: String,
    /// City name.
    pub cidade: String,
    /// State abbreviation (`MG`), sent as `estado` (addendum §2: the names are swapped).
    pub sigla: String,
    /// Full state name (`MINAS GERAIS`), sent as `uf`.
    pub estado_nome: String,
}

/// A customer (`cliente`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// `id_cliente`: the internal id (`busca=id_cliente` in notas fiscais).
    pub id_cliente: u64,
    /// `codigo_cliente`: the number people see.
    pub codigo_cliente: u64,
    /// `nome_razaosocial`.
    pub nome_razaosocial: String,
    /// `nome_fantasia` (companies only).
    pub nome_fantasia: Option<String>,
    /// `pf` or `pj`.
    pub tipo_pessoa: String,
    /// `cpf_cnpj`, bare (addendum §2); alphanumeric CNPJs keep their letters.
    pub cpf_cnpj: String,
    /// `telefone_primario`, digits only with the area code.
    pub telefone_primario: String,
    /// `telefone_secundario`.
    pub telefone_secundario: Option<String>,
    /// `telefone_terciario`.
    pub telefone_terciario: Option<String>,
    /// `email_principal`.
    pub email_principal: Option<String>,
    /// `email_secundario`.
    pub email_secundario: Option<String>,
    /// `rg` (people only).
    pub rg: Option<String>,
    /// Registration date and time (seconds since midnight).
    pub data_cadastro: (Date, u32),
    /// Birth date (people only), sent as the misspelt `data_nascmento`.
    pub data_nascimento: Option<Date>,
    /// Whether the record is active (`ativo`); a customer whose only service was cancelled is
    /// not.
    pub ativo: bool,
    /// `alerta_mensagens`: the provider's alerts on this customer (`alerta` is their presence).
    pub alertas: Vec<String>,
    /// The registration address (`endereco_cadastral` of every service).
    pub endereco: Address,
    /// The central login (`cliente/autenticacao`): the document.
    pub senha_central: String,
}

/// A service (`servico`): the contract of Ponte's catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// `id_cliente_servico`: the contract id.
    pub id_cliente_servico: u64,
    /// The owner's `id_cliente`.
    pub id_cliente: u64,
    /// `id_servico`: the plan in `configuracao/servico`.
    pub id_servico: u64,
    /// `numero_plano`: the service's number within the customer.
    pub numero_plano: u64,
    /// `nome`: the plan name.
    pub nome: String,
    /// Monthly value in cents.
    pub valor_cents: i64,
    /// `status_prefixo` (erps.md §6.3 lists them); `status` is its display name.
    pub status_prefixo: String,
    /// `tecnologia` (`FIBRA`, `WIRELESS`).
    pub tecnologia: String,
    /// PPPoE `login`.
    pub login: String,
    /// PPPoE `senha`.
    pub senha: String,
    /// `ipv4`.
    pub ipv4: Option<String>,
    /// `mac_addr`.
    pub mac_addr: String,
    /// Day of the month invoices fall due.
    pub dia_vencimento: u8,
    /// Activation date.
    pub data_habilitacao: Date,
    /// Cancellation date (cancelled services only).
    pub data_cancelamento: Option<Date>,
    /// The installation address (`endereco_instalacao`, `endereco_fiscal`, `endereco_cobranca`).
    pub endereco_instalacao: Address,
    /// Whether the provider allows this customer's trust unlocks.
    pub unlock_allowed: bool,
    /// Date of the last trust unlock.
    pub unlock_last: Option<Date>,
    /// While an unlock runs: the day it ends and the status to return to.
    pub unlock_until: Option<(Date, String)>,
    /// Whether the service was connected at the last RADIUS record.
    pub conectado: bool,
}

/// A receipt (`recibo`): one settlement of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// `id_recibo`.
    pub id_recibo: u64,
    /// `numero_recibo`: 13 hexadecimal characters.
    pub numero_recibo: String,
    /// `id_caixa_financeiro`.
    pub id_caixa_financeiro: u64,
    /// Amount paid, in cents.
    pub valor_cents: i64,
    /// Interest and fines declared with it (`juros`), in cents.
    pub juros_cents: i64,
    /// Bank fee (`tarifa`), in cents.
    pub tarifa_cents: i64,
    /// Discount declared (`desconto`), in cents.
    pub desconto_cents: i64,
    /// `meio_pagamento` prefix.
    pub meio_pagamento: String,
    /// `data_pagamento`.
    pub data_pagamento: Date,
    /// `data_credito`.
    pub data_credito: Date,
    /// When it was recorded.
    pub data_cadastro: (Date, u32),
}

/// An invoice (`fatura`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// `id_fatura`.
    pub id_fatura: u64,
    /// Owner.
    pub id_cliente: u64,
    /// The service it bills.
    pub id_cliente_servico: u64,
    /// `nosso_numero`.
    pub nosso_numero: String,
    /// Value in cents.
    pub valor_cents: i64,
    /// `data_vencimento`.
    pub data_vencimento: Date,
    /// `data_cadastro`.
    pub data_cadastro: (Date, u32),
    /// Set when the invoice is settled (`quitada`).
    pub data_pagamento: Option<Date>,
    /// `linha_digitavel` as Hubsoft sends it: formatted with dots and spaces (addendum §2).
    pub linha_digitavel: String,
    /// `codigo_barras`: 44 digits.
    pub codigo_barras: String,
    /// The opaque token of the PDF link (`/pdf/fatura/<token>`, 80 hex characters).
    pub link_token: String,
    /// txid of the PIX code.
    pub pix_txid: String,
    /// `detalhamento` / `cobrancas`: what the value is made of.
    pub itens: Vec<(u64, String, i64)>,
    /// Receipts recorded against it.
    pub recibos: Vec<Receipt>,
}

impl Invoice {
    /// Everything paid so far, in cents.
    pub fn paid_cents(&self) -> i64 {
        self.recibos.iter().map(|r| r.valor_cents).sum()
    }

    /// What is still owed, in cents (0 once settled).
    pub fn open_cents(&self) -> i64 {
        if self.data_pagamento.is_some() {
            0
        } else {
            (self.valor_cents - self.paid_cents()).max(0)
        }
    }

    /// Not settled yet.
    pub fn is_open(&self) -> bool {
        self.data_pagamento.is_none()
    }

    /// Open and due before `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_open() && self.data_vencimento < today
    }
}

/// A ticket (`atendimento`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// `id_atendimento`.
    pub id_atendimento: u64,
    /// `protocolo`: 15 digits.
    pub protocolo: String,
    /// The service it is about.
    pub id_cliente_servico: u64,
    /// Its customer.
    pub id_cliente: u64,
    /// `id_tipo_atendimento`.
    pub id_tipo_atendimento: u64,
    /// `descricao_abertura`.
    pub descricao: String,
    /// Who asked (`nome`).
    pub nome: String,
    /// `telefone` of who asked.
    pub telefone: String,
    /// `email` of who asked.
    pub email: Option<String>,
    /// `status` in words.
    pub status: String,
    /// Opened at.
    pub data_cadastro: (Date, u32),
    /// Closed on (closed tickets only).
    pub data_fechamento: Option<Date>,
    /// The dynamic `parametros` sent with it.
    pub parametros: serde_json::Value,
}

/// A service order (`ordem_servico`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceOrder {
    /// `id_ordem_servico`.
    pub id_ordem_servico: u64,
    /// `numero_ordem_servico`.
    pub numero_ordem_servico: String,
    /// The ticket that opened it, when one did.
    pub id_atendimento: Option<u64>,
    /// The service it is about.
    pub id_cliente_servico: u64,
    /// `tipo` in words.
    pub tipo: String,
    /// `status` prefix (`pendente`, `aguardando_agendamento`, `finalizado`).
    pub status: String,
    /// `descricao_abertura`.
    pub descricao: String,
    /// Opened at.
    pub data_cadastro: (Date, u32),
}

/// A prospect (`prospecto`): the lead or order of a buyer who is not a customer yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prospect {
    /// `id_prospecto`.
    pub id_prospecto: u64,
    /// `nome_razaosocial`, upper-cased as Hubsoft stores it.
    pub nome_razaosocial: String,
    /// `cpf_cnpj`, bare.
    pub cpf_cnpj: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `telefone`.
    pub telefone: Option<String>,
    /// `observacao`.
    pub observacao: Option<String>,
    /// `pf` or `pj`.
    pub tipo_pessoa: String,
    /// The plan asked for and its price in cents (`prospecto_servico`).
    pub servico: Option<(u64, i64)>,
    /// Installation address: CEP, street, number, district.
    pub cep: String,
    /// `endereco`.
    pub endereco: String,
    /// `numero`.
    pub numero: String,
    /// `bairro`.
    pub bairro: String,
    /// `id_origem_cliente`.
    pub id_origem_cliente: Option<u64>,
    /// `id_vendedor`.
    pub id_vendedor: Option<u64>,
    /// `id_vencimento`.
    pub id_vencimento: Option<u64>,
    /// `id_externo`.
    pub id_externo: Option<String>,
    /// `origem` (`API` for those created through it).
    pub origem: String,
    /// The customer it became, once converted.
    pub id_cliente: Option<u64>,
    /// `id_endereco_numero`.
    pub id_endereco_numero: u64,
    /// Created at.
    pub created_at: (Date, u32),
}

/// A fiscal note of a customer: a telecom note (model 21) or a service note (NFS-e).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiscalNote {
    /// `id_nota_fiscal` (model 21) or `id_nfse`.
    pub id: u64,
    /// Its customer.
    pub id_cliente: u64,
    /// `true` for an NFS-e (`nfses[]`), `false` for a telecom note (`notas_fiscais[]`).
    pub nfse: bool,
    /// `numero_nota` / `numero`.
    pub numero: u64,
    /// Value in cents.
    pub valor_cents: i64,
    /// Issue date and time.
    pub data_emissao: (Date, u32),
    /// The invoice it documents.
    pub id_fatura: u64,
    /// The opaque token of its PDF link.
    pub link_token: String,
}
