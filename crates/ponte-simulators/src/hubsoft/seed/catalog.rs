//! The provider's fixed tables: plans, technologies, cities with their CEP ranges, due days,
//! sellers, customer origins, hiring reasons, cash boxes, payment methods, service statuses,
//! ticket types and the issuing company. The seed does not change them.

/// A plan of `configuracao/servico`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub id: u64,
    pub descricao: &'static str,
    pub cents: i64,
    pub tecnologia: u64,
    pub download_kbps: u64,
    pub upload_kbps: u64,
    /// Sold today; inactive plans still exist on old services.
    pub ativo: bool,
}

pub(crate) const PLANS: [Plan; 7] = [
    Plan {
        id: 1301,
        descricao: "FIBRA 100 MEGA",
        cents: 6990,
        tecnologia: 2,
        download_kbps: 102_400,
        upload_kbps: 51_200,
        ativo: true,
    },
    Plan {
        id: 1302,
        descricao: "FIBRA 300 MEGA",
        cents: 8990,
        tecnologia: 2,
        download_kbps: 307_200,
        upload_kbps: 153_600,
        ativo: true,
    },
    Plan {
        id: 1303,
        descricao: "FIBRA 500 MEGA",
        cents: 10990,
        tecnologia: 2,
        download_kbps: 512_000,
        upload_kbps: 256_000,
        ativo: true,
    },
    Plan {
        id: 1304,
        descricao: "FIBRA 1 GIGA",
        cents: 14990,
        tecnologia: 2,
        download_kbps: 1_024_000,
        upload_kbps: 512_000,
        ativo: true,
    },
    Plan {
        id: 1305,
        descricao: "EMPRESARIAL 600 MEGA",
        cents: 19990,
        tecnologia: 2,
        download_kbps: 614_400,
        upload_kbps: 614_400,
        ativo: true,
    },
    Plan {
        id: 1260,
        descricao: "5MB-WIRELESS",
        cents: 5990,
        tecnologia: 1,
        download_kbps: 5_120,
        upload_kbps: 2_048,
        ativo: false,
    },
    Plan {
        id: 1330,
        descricao: "COMBO 300 MEGA + TV",
        cents: 15490,
        tecnologia: 2,
        download_kbps: 307_200,
        upload_kbps: 153_600,
        ativo: true,
    },
];

/// `id_servico_tecnologia` → description.
pub(crate) const TECHNOLOGIES: [(u64, &str); 2] = [(1, "WIRELESS"), (2, "FIBRA")];

/// The description of a technology id.
pub(crate) fn technology(id: u64) -> &'static str {
    TECHNOLOGIES
        .iter()
        .find(|(t, _)| *t == id)
        .map_or("FIBRA", |(_, name)| name)
}

/// A plan by id.
pub(crate) fn plan(id: u64) -> Option<&'static Plan> {
    PLANS.iter().find(|p| p.id == id)
}

/// A city the provider serves: its CEP range is every CEP starting with `cep_prefix`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct City {
    pub nome: &'static str,
    pub sigla: &'static str,
    pub estado: &'static str,
    pub cep_prefix: &'static str,
    pub ddd: &'static str,
}

pub(crate) const CITIES: [City; 6] = [
    City {
        nome: "Divinópolis",
        sigla: "MG",
        estado: "MINAS GERAIS",
        cep_prefix: "35500",
        ddd: "37",
    },
    City {
        nome: "Santo Antônio do Monte",
        sigla: "MG",
        estado: "MINAS GERAIS",
        cep_prefix: "35560",
        ddd: "37",
    },
    City {
        nome: "Nova Serrana",
        sigla: "MG",
        estado: "MINAS GERAIS",
        cep_prefix: "35519",
        ddd: "37",
    },
    City {
        nome: "Belo Horizonte",
        sigla: "MG",
        estado: "MINAS GERAIS",
        cep_prefix: "30130",
        ddd: "31",
    },
    City {
        nome: "São Paulo",
        sigla: "SP",
        estado: "SÃO PAULO",
        cep_prefix: "01310",
        ddd: "11",
    },
    City {
        nome: "Curitiba",
        sigla: "PR",
        estado: "PARANÁ",
        cep_prefix: "80010",
        ddd: "41",
    },
];

/// The city whose CEP range holds `cep` (a mask is ignored).
pub(crate) fn city_for_cep(cep: &str) -> Option<&'static City> {
    let digits: String = cep.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 8 {
        return None;
    }
    CITIES.iter().find(|c| digits.starts_with(c.cep_prefix))
}

/// `configuracao/vencimento`: id and day; the day can be `"ultimo_dia"` (erps.md §6.7).
pub(crate) const DUE_DAYS: [(u64, Option<u8>); 6] = [
    (22, Some(5)),
    (61, Some(10)),
    (63, Some(15)),
    (3, Some(20)),
    (4, Some(25)),
    (7, None),
];

/// `configuracao/vendedor`: `{id, name}`; the vendor sample keeps trailing spaces in names.
pub(crate) const SELLERS: [(u64, &str); 4] = [
    (7603, "Marina Duarte"),
    (1146, "Paulo Henrique Lima"),
    (4808, "Revenda Conecta Sul "),
    (7811, "Jorge Antunes"),
];

/// `configuracao/origem_cliente`.
pub(crate) const ORIGINS: [(u64, &str); 6] = [
    (1, "Instagram"),
    (2, "Facebook"),
    (3, "Indicação"),
    (4, "Google"),
    (5, "Panfleto"),
    (6, "Loja física"),
];

/// `configuracao/motivo_contratacao`.
pub(crate) const HIRING_REASONS: [(u64, &str); 3] = [
    (1, "Indicação"),
    (2, "Promoção"),
    (3, "Mudança de provedor"),
];

/// `configuracao/caixa_financeiro`: the ids `liquidar` accepts.
pub(crate) const CASH_BOXES: [(u64, &str); 4] = [
    (123, "CAIXA BANCO ABC"),
    (139, "CAIXA BANCO TESTE"),
    (143, "CAIXA CARTÃO DE CRÉDITO"),
    (150, "CAIXA PIX"),
];

/// `configuracao/meio_pagamento` (the sample's list, `transferencia_bancaria` included).
pub(crate) const PAYMENT_METHODS: [(&str, &str); 8] = [
    ("Boleto", "boleto"),
    ("Cartão de Crédito", "cartao_credito"),
    ("Cartão de Débito", "cartao_debito"),
    ("Cheque", "cheque"),
    ("Débito Automático", "debito_automatico"),
    ("Dinheiro", "dinheiro"),
    ("PIX", "pix"),
    ("Transferência Bancária", "transferencia_bancaria"),
];

/// Whether `liquidar` takes this `meio_pagamento`: the registered prefixes plus
/// `transferencia`, which the settlement page lists among the defaults.
pub(crate) fn payment_method_known(prefix: &str) -> bool {
    prefix == "transferencia" || PAYMENT_METHODS.iter().any(|(_, p)| *p == prefix)
}

/// `configuracao/servico_status`: the documented prefixes (erps.md §6.3). Only some display
/// names appear in the vendor samples; the rest are written the same way.
pub(crate) const STATUSES: [(u64, &str, &str); 13] = [
    (1, "Serviço Habilitado", "servico_habilitado"),
    (2, "Cancelado", "cancelado"),
    (3, "Agendado para Instalação", "agendado_para_instalacao"),
    (
        4,
        "Aguardando Assinatura de Contrato",
        "aguardando_assinatura_contrato",
    ),
    (5, "Aguardando Configuração", "aguardando_configuracao"),
    (6, "Aguardando Instalação", "aguardando_instalacao"),
    (7, "Aguardando Liberação TI", "aguardando_liberacao_ti"),
    (8, "Aguardando Migração", "aguardando_migracao"),
    (9, "Franquia Excedida", "franquia_excedida"),
    (10, "Inativo", "inativo"),
    (11, "Suspenso por Débito", "suspenso_debito"),
    (12, "Suspenso Parcialmente", "suspenso_parcialmente"),
    (
        13,
        "Suspenso a Pedido do Cliente",
        "suspenso_pedido_cliente",
    ),
];

/// The display name of a status prefix.
pub(crate) fn status_name(prefix: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(_, _, p)| *p == prefix)
        .map_or("Serviço Habilitado", |(_, name, _)| name)
}

/// Statuses that hold a service suspended for debt: the ones a trust unlock releases.
pub(crate) const SUSPENDED_FOR_DEBT: [&str; 2] = ["suspenso_debito", "suspenso_parcialmente"];

/// `configuracao/tipo_atendimento`; id 1 is the default `SAC`.
pub(crate) const TICKET_TYPES: [(u64, &str); 5] = [
    (1, "SAC"),
    (109, "SEM ACESSO A INTERNET"),
    (111, "OSCILAÇÃO/QUEDAS DE CONEXÃO"),
    (112, "FINANCEIRO"),
    (113, "MUDANÇA DE PLANO"),
];

/// The description of a ticket type id.
pub(crate) fn ticket_type(id: u64) -> Option<&'static str> {
    TICKET_TYPES
        .iter()
        .find(|(t, _)| *t == id)
        .map(|(_, name)| *name)
}

/// The company issuing invoices and notes (`configuracao/empresa`, `empresa` of an invoice).
pub(crate) struct Company {
    pub id: u64,
    pub razao: &'static str,
    pub fantasia: &'static str,
    pub cnpj: &'static str,
    pub display_cnpj: &'static str,
}

pub(crate) const COMPANY: Company = Company {
    id: 37,
    razao: "PONTE NET TELECOM LTDA",
    fantasia: "PONTE NET",
    cnpj: "11222333000181",
    display_cnpj: "11.222.333/0001-81",
};

/// `forma_cobranca` of every seeded boleto (the vendor sample's shape).
pub(crate) const BILLING_FORM: (u64, &str) = (1, "Sicoob ");
