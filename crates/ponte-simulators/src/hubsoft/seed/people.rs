//! Seeded customers: upper-case Brazilian names as Hubsoft stores them, valid bare CPFs and
//! CNPJs (alphanumeric ones too), digits-only phones, addresses in the served cities.

use time::{Date, Duration};

use super::super::model::{Address, Customer};
use super::catalog::{CITIES, City};
use crate::rng::Rng;

const FIRST: [&str; 20] = [
    "ANA",
    "BRUNO",
    "CARLA",
    "DIEGO",
    "EDUARDA",
    "FELIPE",
    "GABRIELA",
    "HENRIQUE",
    "ISABELA",
    "JOÃO",
    "LARISSA",
    "MARCOS",
    "NATÁLIA",
    "OTÁVIO",
    "PATRÍCIA",
    "RAFAEL",
    "SABRINA",
    "THIAGO",
    "VANESSA",
    "WILLIAM",
];
const LAST: [&str; 16] = [
    "SILVA",
    "SANTOS",
    "OLIVEIRA",
    "SOUZA",
    "PEREIRA",
    "COSTA",
    "RODRIGUES",
    "ALMEIDA",
    "NASCIMENTO",
    "LIMA",
    "ARAÚJO",
    "FERNANDES",
    "CARVALHO",
    "GOMES",
    "MARTINS",
    "COUTO",
];
const BUSINESS: [&str; 6] = [
    "PADARIA",
    "MERCADO",
    "OFICINA",
    "CLÍNICA",
    "AUTO PEÇAS",
    "FARMÁCIA",
];
const BUSINESS_NAME: [&str; 5] = ["BOM SABOR", "CENTRAL", "SÃO JORGE", "NOVA ERA", "PRIMAVERA"];
const STREETS: [(&str, &str); 8] = [
    ("RUA", "DONA MARIA DAS DORES"),
    ("AVENIDA", "PRIMEIRO DE JUNHO"),
    ("RUA", "GOIAS"),
    ("PRAÇA", "GETULIO VARGAS"),
    ("RUA", "SEBASTIAO PARDINI"),
    ("RUA", "MINAS GERAIS"),
    ("AVENIDA", "AFONSO PENA"),
    ("RUA", "SETE DE SETEMBRO"),
];
const DISTRICTS: [&str; 6] = [
    "CENTRO",
    "IPIRANGA",
    "PORTO VELHO",
    "NOSSA SENHORA DAS GRACAS",
    "SANTO AGOSTINHO",
    "BARRETOS",
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
                // The first character is a letter so the root is never all digits.
                let first = char::from(*rng.pick(&ALNUM[10..]).unwrap_or(&b'A'));
                let rest: String = (0..7)
                    .map(|_| char::from(*rng.pick(ALNUM).unwrap_or(&b'A')))
                    .collect();
                let base = format!("{first}{rest}0001");
                ponte_br::document::cnpj_check_digits(&base).map(|dv| format!("{base}{dv}"))
            }
        };
        // Repeated-digit documents are invalid even with matching check digits; draw again.
        if let Some(bare) = candidate.filter(|d| ponte_br::Document::parse(d).is_ok()) {
            return bare;
        }
    }
}

fn slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c.to_ascii_lowercase() {
            'á' | 'â' | 'ã' | 'Á' | 'Ã' => Some('a'),
            'é' | 'ê' | 'É' => Some('e'),
            'í' | 'Í' => Some('i'),
            'ó' | 'ô' | 'õ' | 'Ó' => Some('o'),
            'ú' | 'Ú' => Some('u'),
            'ç' | 'Ç' => Some('c'),
            ' ' => Some('.'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// A phone as Hubsoft stores it: area code and number, digits only (addendum §2).
pub(crate) fn phone(rng: &mut Rng, ddd: &str, mobile: bool) -> String {
    if mobile {
        format!("{ddd}9{}", rng.digits(8))
    } else {
        format!("{ddd}3{}", rng.digits(7))
    }
}

/// An address in `city`; the CEP is masked most of the time, bare otherwise, as the vendor
/// sample shows both.
pub(crate) fn address(rng: &mut Rng, city: &City) -> Address {
    let (logradouro, endereco) = *rng.pick(&STREETS).unwrap_or(&STREETS[0]);
    let suffix = rng.digits(3);
    let cep = if rng.chance(75) {
        format!("{}-{suffix}", city.cep_prefix)
    } else {
        format!("{}{suffix}", city.cep_prefix)
    };
    let complemento = if rng.chance(25) {
        format!("APTO {}", rng.between(11, 904))
    } else {
        String::new()
    };
    Address {
        logradouro: logradouro.to_string(),
        endereco: endereco.to_string(),
        numero: rng.between(1, 2500).to_string(),
        complemento,
        bairro: (*rng.pick(&DISTRICTS).unwrap_or(&"CENTRO")).to_string(),
        cep,
        cidade: city.nome.to_string(),
        sigla: city.sigla.to_string(),
        estado_nome: city.estado.to_string(),
    }
}

/// A new customer with the given ids.
pub(crate) fn customer(
    rng: &mut Rng,
    kind: DocKind,
    today: Date,
    id_cliente: u64,
    codigo_cliente: u64,
) -> Customer {
    let cpf_cnpj = document(rng, kind);
    let company = kind != DocKind::Cpf;
    let first = *rng.pick(&FIRST).unwrap_or(&"ANA");
    let last = *rng.pick(&LAST).unwrap_or(&"SILVA");
    let (nome, fantasia) = if company {
        let business = *rng.pick(&BUSINESS).unwrap_or(&"MERCADO");
        let name = *rng.pick(&BUSINESS_NAME).unwrap_or(&"CENTRAL");
        (
            format!("{business} {name} {last} LTDA"),
            Some(format!("{business} {name}")),
        )
    } else {
        let middle = *rng.pick(&LAST).unwrap_or(&"SOUZA");
        (format!("{first} {middle} {last}"), None)
    };
    let city = *rng.pick(&CITIES).unwrap_or(&CITIES[0]);
    let telefone_primario = phone(rng, city.ddd, true);
    let telefone_secundario = rng.chance(40).then(|| phone(rng, city.ddd, false));
    let email_principal = rng.chance(85).then(|| {
        format!(
            "{}.{}{}@example.com",
            slug(first),
            slug(last),
            codigo_cliente
        )
    });
    let email_secundario = (email_principal.is_some() && rng.chance(20))
        .then(|| format!("financeiro{codigo_cliente}@example.com"));
    let data_nascimento =
        (!company).then(|| today - Duration::days(rng.between(18 * 365, 70 * 365) as i64));
    let rg = (!company).then(|| format!("{}{}", city.sigla, rng.digits(8)));
    let registered = today - Duration::days(rng.between(120, 3000) as i64);
    let seconds = u32::try_from(rng.between(8 * 3600, 18 * 3600)).unwrap_or(32_400);
    Customer {
        id_cliente,
        codigo_cliente,
        nome_razaosocial: nome,
        nome_fantasia: fantasia,
        tipo_pessoa: if company { "pj" } else { "pf" }.to_string(),
        senha_central: cpf_cnpj.clone(),
        cpf_cnpj,
        telefone_primario,
        telefone_secundario,
        telefone_terciario: None,
        email_principal,
        email_secundario,
        rg,
        data_cadastro: (registered, seconds),
        data_nascimento,
        ativo: true,
        alertas: Vec::new(),
        endereco: address(rng, &city),
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
                let parsed = ponte_br::Document::parse(&bare).unwrap();
                assert_eq!(parsed.as_str(), bare);
            }
        }
        assert!(
            document(&mut rng, DocKind::CnpjAlphanumeric)
                .chars()
                .next()
                .unwrap()
                .is_ascii_alphabetic()
        );
    }

    #[test]
    fn phones_are_digits_with_the_area_code() {
        let mut rng = Rng::new(9);
        let mobile = phone(&mut rng, "37", true);
        assert_eq!(mobile.len(), 11);
        assert!(mobile.starts_with("379"));
        assert_eq!(phone(&mut rng, "37", false).len(), 10);
    }
}
