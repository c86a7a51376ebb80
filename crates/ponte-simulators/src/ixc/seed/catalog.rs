//! The catalogue tables: branch, states, cities, plans, sellers, commercial origins, due days,
//! billing wallets, ticket subjects and departments. Fixed data: the seed does not change it.

use super::super::guesses::{COMMERCIAL_ORIGIN_TABLE, DUE_DAY_TABLE};
use super::super::state::Db;
use super::super::values::{money, money9};
use super::row;

/// A seeded city: its id in `cidade` and the id of its state in `uf`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct City {
    pub id: &'static str,
    pub uf: &'static str,
    pub cep_prefix: &'static str,
}

pub(crate) const CITIES: [City; 8] = [
    City {
        id: "3828",
        uf: "1",
        cep_prefix: "890",
    },
    City {
        id: "3829",
        uf: "1",
        cep_prefix: "880",
    },
    City {
        id: "4001",
        uf: "2",
        cep_prefix: "013",
    },
    City {
        id: "4002",
        uf: "2",
        cep_prefix: "130",
    },
    City {
        id: "4101",
        uf: "3",
        cep_prefix: "301",
    },
    City {
        id: "4201",
        uf: "4",
        cep_prefix: "800",
    },
    City {
        id: "4301",
        uf: "5",
        cep_prefix: "900",
    },
    City {
        id: "4401",
        uf: "6",
        cep_prefix: "401",
    },
];

const CITY_ROWS: [(&str, &str, &str, &str); 8] = [
    ("3828", "Blumenau", "1", "4202404"),
    ("3829", "Florianópolis", "1", "4205407"),
    ("4001", "São Paulo", "2", "3550308"),
    ("4002", "Campinas", "2", "3509502"),
    ("4101", "Belo Horizonte", "3", "3106200"),
    ("4201", "Curitiba", "4", "4106902"),
    ("4301", "Porto Alegre", "5", "4314902"),
    ("4401", "Salvador", "6", "2927408"),
];

const STATES: [(&str, &str, &str); 6] = [
    ("1", "SC", "Santa Catarina"),
    ("2", "SP", "São Paulo"),
    ("3", "MG", "Minas Gerais"),
    ("4", "PR", "Paraná"),
    ("5", "RS", "Rio Grande do Sul"),
    ("6", "BA", "Bahia"),
];

/// A sales plan: id in `vd_contratos`, name, monthly price in cents, whether it is sold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub id: &'static str,
    pub name: &'static str,
    pub cents: i64,
    pub active: bool,
}

pub(crate) const PLANS: [Plan; 6] = [
    Plan {
        id: "1",
        name: "FIBRA 100 MEGA",
        cents: 6990,
        active: true,
    },
    Plan {
        id: "2",
        name: "FIBRA 300 MEGA",
        cents: 8990,
        active: true,
    },
    Plan {
        id: "3",
        name: "FIBRA 500 MEGA",
        cents: 10990,
        active: true,
    },
    Plan {
        id: "4",
        name: "FIBRA 1 GIGA",
        cents: 14990,
        active: true,
    },
    Plan {
        id: "5",
        name: "EMPRESARIAL 600 MEGA",
        cents: 19990,
        active: true,
    },
    Plan {
        id: "6",
        name: "RADIO 10 MEGA",
        cents: 5990,
        active: false,
    },
];

/// Due days offered (`fn_vencimento`) and used by the seeded contracts.
pub(crate) const DUE_DAYS: [u8; 5] = [5, 10, 15, 20, 25];

pub(crate) fn seed(db: &mut Db) {
    db.insert(
        "filial",
        row(
            "filial",
            &[
                ("razao", "PONTE NET TELECOM LTDA"),
                ("fantasia", "Ponte Net"),
                ("cnpj", "11.222.333/0001-81"),
            ],
        ),
    );
    for (id, sigla, nome) in STATES {
        db.insert_with_id("uf", id, row("uf", &[("sigla", sigla), ("nome", nome)]));
    }
    for (id, nome, uf, ibge) in CITY_ROWS {
        db.insert_with_id(
            "cidade",
            id,
            row("cidade", &[("nome", nome), ("uf", uf), ("cod_ibge", ibge)]),
        );
    }
    for plan in PLANS {
        let value = money(plan.cents);
        let fields = [
            ("nome", plan.name),
            ("descricao", plan.name),
            ("valor_contrato", value.as_str()),
            ("ativo", if plan.active { "S" } else { "N" }),
        ];
        db.insert_with_id("vd_contratos", plan.id, row("vd_contratos", &fields));
        let unit = money9(plan.cents);
        let product = [
            ("id_vd_contrato", plan.id),
            ("id_plano", plan.id),
            ("descricao", plan.name),
            ("valor_unit", unit.as_str()),
        ];
        db.insert(
            "vd_contratos_produtos",
            row("vd_contratos_produtos", &product),
        );
    }
    let sellers = [
        (
            "Marina Duarte",
            "529.982.247-25",
            "marina.duarte@example.com",
            "A",
        ),
        (
            "Paulo Henrique Lima",
            "111.444.777-35",
            "paulo.lima@example.com",
            "A",
        ),
        (
            "Revenda Conecta Sul",
            "11.444.777/0001-61",
            "contato@conectasul.example.com",
            "A",
        ),
        (
            "Jorge Antunes",
            "123.456.789-09",
            "jorge.antunes@example.com",
            "I",
        ),
    ];
    for (nome, doc, email, status) in sellers {
        let fields = [
            ("nome", nome),
            ("cnpj_cpf", doc),
            ("email", email),
            ("status", status),
        ];
        db.insert("vendedor", row("vendedor", &fields));
    }
    for origin in [
        "Indicação",
        "Instagram",
        "Google",
        "Panfleto",
        "Site",
        "Loja física",
    ] {
        db.insert(
            COMMERCIAL_ORIGIN_TABLE,
            row(COMMERCIAL_ORIGIN_TABLE, &[("descricao", origin)]),
        );
    }
    for day in DUE_DAYS {
        let dia = day.to_string();
        let descricao = format!("Dia {day}");
        db.insert(
            DUE_DAY_TABLE,
            row(DUE_DAY_TABLE, &[("dia", &dia), ("descricao", &descricao)]),
        );
    }
    db.insert(
        "fn_carteira_cobranca",
        row(
            "fn_carteira_cobranca",
            &[("descricao", "Boleto Itaú"), ("banco", "341")],
        ),
    );
    db.insert(
        "fn_carteira_cobranca",
        row(
            "fn_carteira_cobranca",
            &[("descricao", "Gateway PIX"), ("banco", "")],
        ),
    );
    db.insert(
        "condicoes_pagamento",
        row("condicoes_pagamento", &[("nome", "À vista")]),
    );
    for subject in [
        "Sem conexão",
        "Lentidão",
        "Mudança de endereço",
        "Mudança de plano",
        "Cancelamento",
        "Instalação",
    ] {
        db.insert(
            "su_oss_assunto",
            row("su_oss_assunto", &[("assunto", subject)]),
        );
    }
    for sector in ["Suporte", "Financeiro", "Comercial"] {
        db.insert(
            "su_ticket_setor",
            row("su_ticket_setor", &[("setor", sector)]),
        );
    }
}
