//! The provider's fixed catalogue: plans, due days, sellers, points of presence, occurrence
//! types, receiving points and the cities customers live in. The seed never changes it.

/// A plan on sale (or retired).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: &'static str,
    /// Monthly price, cents.
    pub cents: i64,
    /// Whether it is still sold (retired plans stay on old contracts).
    pub active: bool,
}

/// Plans; the last one is retired.
pub const PLANS: [Plan; 6] = [
    Plan {
        id: 11,
        name: "FIBRA 100 MEGA",
        cents: 6990,
        active: true,
    },
    Plan {
        id: 12,
        name: "FIBRA 300 MEGA",
        cents: 8990,
        active: true,
    },
    Plan {
        id: 13,
        name: "FIBRA 500 MEGA",
        cents: 10990,
        active: true,
    },
    Plan {
        id: 14,
        name: "FIBRA 1 GIGA",
        cents: 14990,
        active: true,
    },
    Plan {
        id: 15,
        name: "EMPRESARIAL 600 MEGA",
        cents: 19990,
        active: true,
    },
    Plan {
        id: 9,
        name: "RADIO 10 MEGA",
        cents: 5990,
        active: false,
    },
];

/// The plan with this id.
pub fn plan(id: u64) -> Option<Plan> {
    PLANS.iter().copied().find(|p| p.id == id)
}

/// Due-day options: id and day of the month.
pub const DUE_DAYS: [(u64, u8); 5] = [(1, 5), (2, 10), (3, 15), (4, 20), (5, 25)];

/// A seller (reseller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seller {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: &'static str,
    /// CPF/CNPJ, masked.
    pub document: &'static str,
    /// E-mail.
    pub email: &'static str,
    /// Whether still selling.
    pub active: bool,
}

/// Sellers; the last one left the company.
pub const SELLERS: [Seller; 4] = [
    Seller {
        id: 3,
        name: "Marina Duarte",
        document: "529.982.247-25",
        email: "marina.duarte@example.com",
        active: true,
    },
    Seller {
        id: 4,
        name: "Paulo Henrique Lima",
        document: "111.444.777-35",
        email: "paulo.lima@example.com",
        active: true,
    },
    Seller {
        id: 7,
        name: "Revenda Conecta Sul",
        document: "11.444.777/0001-61",
        email: "contato@conectasul.example.com",
        active: true,
    },
    Seller {
        id: 8,
        name: "Jorge Antunes",
        document: "123.456.789-09",
        email: "jorge.antunes@example.com",
        active: false,
    },
];

/// Points of presence: id and name.
pub const POPS: [(u64, &str); 3] = [(1, "POP CENTRO"), (2, "POP NORTE"), (3, "POP SUL")];

/// Occurrence types ("tipos de ocorrência"): id and description.
pub const OCCURRENCE_TYPES: [(u64, &str); 6] = [
    (1, "Suporte Técnico"),
    (2, "Financeiro"),
    (3, "Comercial - Mudança de Plano"),
    (4, "Mudança de Endereço"),
    (5, "Cancelamento"),
    (14, "Promessa de Pagamento"),
];

/// The occurrence type SGP uses for the occurrences it opens by itself (second copies, payment
/// promises).
pub const SYSTEM_OCCURRENCE_TYPE: u64 = 14;

/// Receiving points ("pontos de recebimento", cash boxes): id and description.
pub const RECEIVING_POINTS: [(u64, &str); 3] = [
    (1, "Caixa Loja Centro"),
    (2, "Banco Itaú - Cobrança"),
    (5, "Totem Autoatendimento"),
];

/// The receiving point linked to the titles' portador, used when a write-off names none.
pub const DEFAULT_RECEIVING_POINT: u64 = 2;

/// Annotation types: id and description.
pub const ANNOTATION_TYPES: [(u64, &str); 2] = [(1, "Geral"), (2, "Financeiro")];

/// A city customers live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct City {
    /// Name, upper case.
    pub name: &'static str,
    /// State.
    pub uf: &'static str,
    /// The first five digits of its CEPs.
    pub cep_prefix: &'static str,
    /// Area code.
    pub ddd: &'static str,
}

/// Cities.
pub const CITIES: [City; 6] = [
    City {
        name: "BLUMENAU",
        uf: "SC",
        cep_prefix: "89010",
        ddd: "47",
    },
    City {
        name: "FLORIANÓPOLIS",
        uf: "SC",
        cep_prefix: "88010",
        ddd: "48",
    },
    City {
        name: "CAMPINAS",
        uf: "SP",
        cep_prefix: "13010",
        ddd: "19",
    },
    City {
        name: "BELO HORIZONTE",
        uf: "MG",
        cep_prefix: "30110",
        ddd: "31",
    },
    City {
        name: "CURITIBA",
        uf: "PR",
        cep_prefix: "80010",
        ddd: "41",
    },
    City {
        name: "SALVADOR",
        uf: "BA",
        cep_prefix: "40010",
        ddd: "71",
    },
];
