//! Seeded people: Brazilian names, valid CPFs and CNPJs (alphanumeric ones too), addresses in
//! the catalogue's cities, phones and e-mails.

use time::{Date, Duration};

use super::catalog::CITIES;
use super::model::{Address, Contact, Customer, PersonKind};
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
    "RUA DAS FLORES",
    "RUA XV DE NOVEMBRO",
    "AVENIDA BRASIL",
    "RUA SETE DE SETEMBRO",
    "RUA AMAZONAS",
    "AVENIDA PAULISTA",
    "RUA BAHIA",
    "RUA CURITIBA",
    "TRAVESSA DOS PINHEIROS",
];
const DISTRICTS: [&str; 7] = [
    "CENTRO",
    "VILA NOVA",
    "JARDIM AMÉRICA",
    "ITOUPAVA",
    "GARCIA",
    "BOA VISTA",
    "SANTA MÔNICA",
];
const LANDMARKS: [&str; 4] = [
    "PRÓXIMO À ESCOLA",
    "EM FRENTE À PRAÇA",
    "AO LADO DO MERCADO",
    "",
];

/// Which document a seeded customer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// CPF.
    Cpf,
    /// Numeric CNPJ.
    Cnpj,
    /// A CNPJ with letters in its root (IN RFB 2.229/2024).
    CnpjAlphanumeric,
}

/// A valid bare document of the given kind.
pub fn document(rng: &mut Rng, kind: DocKind) -> String {
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
                // At least one letter, so the fixture really is alphanumeric.
                let mut root: String = (0..7)
                    .map(|_| char::from(*rng.pick(ALNUM).unwrap_or(&b'A')))
                    .collect();
                root.insert(2, char::from(b'A' + (rng.below(26) as u8)));
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
pub fn masked(bare: &str) -> String {
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

/// A new customer with id `id`, registered some time before `today`.
pub fn customer(rng: &mut Rng, id: u64, kind: DocKind, mask: bool, today: Date) -> Customer {
    let bare = document(rng, kind);
    let stored_document = if mask { masked(&bare) } else { bare.clone() };
    let company = kind != DocKind::Cpf;
    let first = *rng.pick(&FIRST).unwrap_or(&"Ana");
    let last = *rng.pick(&LAST).unwrap_or(&"Silva");
    let name = if company {
        let business = *rng.pick(&BUSINESS).unwrap_or(&"Mercado");
        let label = *rng.pick(&BUSINESS_NAME).unwrap_or(&"Central");
        format!("{business} {label} {last} LTDA").to_uppercase()
    } else {
        let middle = *rng.pick(&LAST).unwrap_or(&"Souza");
        format!("{first} {middle} {last}").to_uppercase()
    };
    let city = *rng.pick(&CITIES).unwrap_or(&CITIES[0]);
    let mut phones = vec![Contact {
        kind: "Celular Pessoal".to_string(),
        value: phone(rng, city.ddd, true),
    }];
    if rng.chance(60) {
        phones.push(Contact {
            kind: "WhatsApp Número".to_string(),
            value: phones[0].value.clone(),
        });
    }
    if rng.chance(25) {
        phones.push(Contact {
            kind: "Telefone Residencial".to_string(),
            value: phone(rng, city.ddd, false),
        });
    }
    let emails = vec![Contact {
        kind: "E-Mail".to_string(),
        value: format!("{}.{}{}@example.com", slug(first), slug(last), id),
    }];
    let birth = (!company).then(|| today - Duration::days(rng.between(18 * 365, 70 * 365) as i64));
    let registered = today - Duration::days(rng.between(60, 3000) as i64);
    let changed = registered + Duration::days(rng.between(0, 50) as i64);
    let address = Address {
        street: (*rng.pick(&STREETS).unwrap_or(&STREETS[0])).to_string(),
        number: rng.chance(92).then(|| rng.between(1, 2500) as u32),
        complement: if rng.chance(25) {
            format!("APTO {}", rng.between(11, 904))
        } else {
            String::new()
        },
        district: (*rng.pick(&DISTRICTS).unwrap_or(&DISTRICTS[0])).to_string(),
        city: city.name.to_string(),
        uf: city.uf.to_string(),
        cep: format!("{}-{}", city.cep_prefix, rng.digits(3)),
        reference: (*rng.pick(&LANDMARKS).unwrap_or(&"")).to_string(),
    };
    let registered_at = rng.between(8 * 3600, 18 * 3600) as u32;
    let changed_at = rng.between(8 * 3600, 18 * 3600) as u32;
    Customer {
        id,
        name,
        document: bare,
        stored_document,
        kind: if company {
            PersonKind::Company
        } else {
            PersonKind::Individual
        },
        birth,
        registered: (registered, registered_at),
        changed: (changed, changed_at),
        phones,
        emails,
        address,
    }
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
                assert_eq!(ponte_br::Document::parse(&bare).unwrap().as_str(), bare);
            }
        }
    }

    #[test]
    fn alphanumeric_cnpjs_always_carry_a_letter() {
        let mut rng = Rng::new(5);
        for _ in 0..20 {
            let doc = document(&mut rng, DocKind::CnpjAlphanumeric);
            assert!(doc.chars().any(|c| c.is_ascii_alphabetic()), "{doc}");
        }
    }
}
