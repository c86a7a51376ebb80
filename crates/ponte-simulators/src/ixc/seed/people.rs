//! Seeded customers: Brazilian names, valid CPFs and CNPJs (alphanumeric ones too), addresses
//! in the seeded cities, contacts.

use time::{Date, Duration};

use super::super::schema::Row;
use super::super::values::{EMPTY_DATE, iso};
use super::catalog::CITIES;
use super::row;
use crate::rng::Rng;

const FIRST: [&str; 20] = [
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Eduarda",
    "Felipe",
    "Gabriela",
    "Henrique",
    "Isabela",
    "João",
    "Larissa",
    "Marcos",
    "Natália",
    "Otávio",
    "Patrícia",
    "Rafael",
    "Sabrina",
    "Thiago",
    "Vanessa",
    "William",
];
const LAST: [&str; 16] = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Pereira",
    "Costa",
    "Rodrigues",
    "Almeida",
    "Nascimento",
    "Lima",
    "Araújo",
    "Fernandes",
    "Carvalho",
    "Gomes",
    "Martins",
    "Rocha",
];
const BUSINESS: [&str; 8] = [
    "Padaria",
    "Mercado",
    "Oficina",
    "Clínica",
    "Escritório Contábil",
    "Auto Peças",
    "Farmácia",
    "Restaurante",
];
const BUSINESS_NAME: [&str; 6] = [
    "Bom Sabor",
    "Central",
    "São Jorge",
    "Nova Era",
    "Primavera",
    "Boa Vista",
];
const STREETS: [&str; 9] = [
    "Rua das Flores",
    "Rua XV de Novembro",
    "Avenida Brasil",
    "Rua Sete de Setembro",
    "Rua Amazonas",
    "Avenida Paulista",
    "Rua Bahia",
    "Rua Curitiba",
    "Travessa dos Pinheiros",
];
const DISTRICTS: [&str; 7] = [
    "Centro",
    "Vila Nova",
    "Jardim América",
    "Itoupava",
    "Garcia",
    "Boa Vista",
    "Santa Mônica",
];

/// Which document a seeded customer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocKind {
    Cpf,
    Cnpj,
    /// A CNPJ with letters in its root (IN RFB 2.229/2024).
    CnpjAlphanumeric,
}

/// A valid bare document of the given kind.
pub(crate) fn document(rng: &mut Rng, kind: DocKind) -> String {
    loop {
        let candidate = match kind {
            DocKind::Cpf => {
                let base = rng.digits(9);
                ponte_br::document::cpf_check_digits(&base).map(|dv| format!("{base}{dv}"))
            }
            DocKind::Cnpj => {
                let base = format!("{}0001", rng.digits(8));
                ponte_br::document::cnpj_check_digits(&base).map(|dv| format!("{base}{dv}"))
            }
            DocKind::CnpjAlphanumeric => {
                const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
                let root: String = (0..8)
                    .map(|_| char::from(*rng.pick(ALNUM).unwrap_or(&b'A')))
                    .collect();
                let base = format!("{root}0001");
                ponte_br::document::cnpj_check_digits(&base).map(|dv| format!("{base}{dv}"))
            }
        };
        // Repeated-digit documents are invalid even with matching check digits; draw again.
        if let Some(bare) = candidate.filter(|d| ponte_br::Document::parse(d).is_ok()) {
            return bare;
        }
    }
}

/// The usual mask of a valid bare document (`123.456.789-09`, `12.345.678/0001-95`).
pub(crate) fn masked(bare: &str) -> String {
    ponte_br::Document::parse(bare)
        .map(|d| d.formatted())
        .unwrap_or_else(|_| bare.to_string())
}

fn slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'á' | 'â' | 'ã' | 'à' => Some('a'),
            'é' | 'ê' => Some('e'),
            'í' => Some('i'),
            'ó' | 'ô' | 'õ' => Some('o'),
            'ú' => Some('u'),
            'ç' => Some('c'),
            ' ' => Some('.'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn phone(rng: &mut Rng, ddd: &str, mobile: bool) -> String {
    if mobile {
        format!("({ddd}) 9{}-{}", rng.digits(4), rng.digits(4))
    } else {
        format!("({ddd}) 3{}-{}", rng.digits(3), rng.digits(4))
    }
}

/// A `cliente` row (without id) for a new customer.
pub(crate) fn customer(
    rng: &mut Rng,
    kind: DocKind,
    mask: bool,
    today: Date,
    serial: usize,
) -> Row {
    let bare = document(rng, kind);
    let cnpj_cpf = if mask { masked(&bare) } else { bare };
    let company = kind != DocKind::Cpf;
    let first = *rng.pick(&FIRST).unwrap_or(&"Ana");
    let last = *rng.pick(&LAST).unwrap_or(&"Silva");
    let (razao, fantasia) = if company {
        let business = *rng.pick(&BUSINESS).unwrap_or(&"Mercado");
        let name = *rng.pick(&BUSINESS_NAME).unwrap_or(&"Central");
        (
            format!("{business} {name} {last} LTDA"),
            format!("{business} {name}"),
        )
    } else {
        let middle = *rng.pick(&LAST).unwrap_or(&"Souza");
        (format!("{first} {middle} {last}"), String::new())
    };
    let email = format!("{}.{}{}@example.com", slug(first), slug(last), serial);
    let city = *rng.pick(&CITIES).unwrap_or(&CITIES[0]);
    let ddd = match city.uf {
        "1" => "47",
        "2" => "11",
        "3" => "31",
        "4" => "41",
        "5" => "51",
        _ => "71",
    };
    let mobile = phone(rng, ddd, true);
    let whatsapp = if rng.chance(70) {
        mobile.clone()
    } else {
        String::new()
    };
    let landline = if rng.chance(30) {
        phone(rng, ddd, false)
    } else {
        String::new()
    };
    let birth = if company {
        EMPTY_DATE.to_string()
    } else {
        iso(today - Duration::days(rng.between(18 * 365, 70 * 365) as i64))
    };
    let registered = today - Duration::days(rng.between(60, 3000) as i64);
    let cep = format!("{}{}-{}", city.cep_prefix, rng.digits(2), rng.digits(3));
    let number = rng.between(1, 2500).to_string();
    let complement = if rng.chance(25) {
        format!("Apto {}", rng.between(11, 904))
    } else {
        String::new()
    };
    let street = *rng.pick(&STREETS).unwrap_or(&STREETS[0]);
    let district = *rng.pick(&DISTRICTS).unwrap_or(&DISTRICTS[0]);
    let password = rng.digits(6);
    let seller = rng.between(1, 3).to_string();
    let origin = rng.between(0, 6).to_string();
    let registered_iso = iso(registered);
    let updated = format!(
        "{} 08:{:02}:{:02}",
        iso(registered),
        rng.below(60),
        rng.below(60)
    );
    let fields: Vec<(&str, &str)> = vec![
        ("razao", &razao),
        ("fantasia", &fantasia),
        ("tipo_pessoa", if company { "J" } else { "F" }),
        ("cnpj_cpf", &cnpj_cpf),
        ("email", &email),
        ("hotsite_email", &email),
        ("fone", &landline),
        ("telefone_celular", &mobile),
        ("whatsapp", &whatsapp),
        ("cep", &cep),
        ("endereco", street),
        ("numero", &number),
        ("complemento", &complement),
        ("bairro", district),
        ("cidade", city.id),
        ("uf", city.uf),
        ("data_nascimento", &birth),
        ("data_cadastro", &registered_iso),
        ("senha", &password),
        ("id_vendedor", &seller),
        ("id_candato_tipo", &origin),
        ("ultima_atualizacao", &updated),
    ];
    row("cliente", &fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_documents_of_every_kind_validate() {
        let mut rng = Rng::new(3);
        for kind in [DocKind::Cpf, DocKind::Cnpj, DocKind::CnpjAlphanumeric] {
            for _ in 0..50 {
                let bare = document(&mut rng, kind);
                let parsed = ponte_br::Document::parse(&bare).unwrap();
                assert_eq!(parsed.as_str(), bare);
            }
        }
    }

    #[test]
    fn alphanumeric_cnpjs_carry_letters() {
        let mut rng = Rng::new(5);
        let with_letters = (0..20)
            .map(|_| document(&mut rng, DocKind::CnpjAlphanumeric))
            .filter(|d| d.chars().any(|c| c.is_ascii_alphabetic()))
            .count();
        assert!(with_letters > 0);
    }
}
