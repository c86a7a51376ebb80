//! Personal data and credentials kept out of stored traces (LGPD).
//!
//! A trace keeps what the ERP was sent and what it answered, and ERP answers are full of
//! personal data: an IXC `cliente` row carries the customer's password (`senha`), name, phones,
//! e-mails and address. Before a body is stored, [`PrivacyRules`] decide by field name what
//! becomes of each value: credentials are removed (`[REDACTED]`); documents, names, e-mails,
//! phones and addresses are masked so that whoever reads the trace can still recognise a value
//! (`j***@e***.com`, `(**) *****-1234`, `M*** S***`) without learning it.
//!
//! JSON is rewritten value by value and every other byte is kept as it came; form and query
//! bodies are rewritten pair by pair; any other text has the documents and e-mails it holds
//! masked where they appear. Field names are compared without regard to case.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use ponte_br::document::Document;

/// What replaces a credential.
pub const REDACTED: &str = "[REDACTED]";

/// What a field holds, and so what becomes of its value in a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Passwords, tokens, keys: removed, replaced by `[REDACTED]`.
    Credential,
    /// CPF, CNPJ, RG: a CPF or CNPJ as `***.456.789-**`, anything else with only its last two
    /// characters.
    Document,
    /// Names of people and companies: the first letter of each word (`M*** d*** S***`).
    Name,
    /// E-mail addresses: the first letter of the mailbox and of the domain, and the domain's
    /// last part (`j***@e***.com`).
    Email,
    /// Phone numbers: the last four digits, punctuation kept (`(**) *****-1234`).
    Phone,
    /// Street, number, complement, district, postal code: the first character of each word.
    Address,
    /// Other personal data (birth dates, logins, IP and MAC addresses): masked whole (`***`).
    Personal,
}

/// How a field name was found in the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// The name says what the field holds, wherever it is.
    Always(Category),
    /// The name holds personal data only in a record of a person: an object that also has a
    /// document or an address field (a `nome` beside a `cpf` is a person's name; a product's
    /// `nome` is not).
    InRecord(Category),
}

/// Which fields of an ERP's bodies hold credentials or personal data.
///
/// [`PrivacyRules::default`] covers the field names of IXC, SGP, Hubsoft, Voalle, MK (and
/// MK-AUTH) and RBX, and the catalog's own; a service adds the names of an integration's own
/// fields with [`PrivacyRules::add`]. Besides the listed names, any field whose name contains
/// a credential word (`senha`, `password`, `secret`, `token`...) is a credential, and the
/// engine adds the names of the integration's secrets for each run.
#[derive(Debug, Clone)]
pub struct PrivacyRules {
    fields: HashMap<String, Found>,
    credential_words: Vec<String>,
}

/// Field names of every ERP Ponte has a preset or a reference for, by category.
const CREDENTIALS: &[&str] = &[
    "senha",
    "password",
    "passwd",
    "token",
    "access_token",
    "refresh_token",
    "secret",
    "client_secret",
    "api_key",
    "apikey",
    "x-api-key",
    "authorization",
    "chaveintegracao",
    "authentication_key",
    "syndata",
];

const CREDENTIAL_WORDS: &[&str] = &[
    "senha", "password", "passwd", "secret", "token", "apikey", "api_key", "chave",
];

const DOCUMENTS: &[&str] = &[
    // IXC, Hubsoft, MK-AUTH, SGP, Voalle, MK, RBX.
    "cnpj_cpf",
    "cpf_cnpj",
    "cpfcnpj",
    "cpf",
    "cnpj",
    "txid",
    "cnpj_cnpf",
    "rg",
    "ie_identidade",
    "inscricao_estadual",
    "autorizacao_cpf",
    "autorizacao_rg",
    // The catalog's.
    "document_number",
    "customer_document_number",
    "taxvat",
];

const NAMES: &[&str] = &[
    "razao",
    "fantasia",
    "razaosocial",
    "razao_social",
    "nome_razaosocial",
    "nome_fantasia",
    "nome_social",
    "nome_cliente",
    "nome_completo",
    "name2",
    "middle_name",
    "last_name",
    "autorizacao_nome",
    "contato_nome",
];

const EMAILS: &[&str] = &[
    "email",
    "emails",
    "hotsite_email",
    "email_principal",
    "email_secundario",
    "email_cobranca",
    "emailnfe",
];

const PHONES: &[&str] = &[
    "fone",
    "telefone",
    "telefones",
    "telefone_celular",
    "telefone_comercial",
    "telefone_primario",
    "telefone_secundario",
    "telefone_terciario",
    "fone_celular",
    "fone_residencial",
    "fone_comercial",
    "celular",
    "whatsapp",
    "phone",
    "cellphone",
    "telcomercial",
    "telresidencial",
    "telcelular",
    "telefone1",
    "telefone2",
    "telefone3",
    "cell_phone_number",
];

const ADDRESSES: &[&str] = &[
    "endereco",
    "endereco_logradouro",
    "logradouro",
    "complemento",
    "bairro",
    "cep",
    "street",
    "complement",
    "neighborhood",
    "addresscomplement",
    "postalcode",
    "mainaddress",
    "address",
    "latitude",
    "longitude",
    "endereco_instalacao",
    "endereco_cobranca",
    "endereco_fiscal",
    "endereco_cadastral",
    "rua_endereco",
    "numero_endereco",
    "cep_endereco",
    "complemento_endereco",
    "bairro_endereco",
];

const PERSONAL: &[&str] = &[
    "data_nascimento",
    "data_nascmento",
    "datanascimento",
    "nascimento",
    "birthdate",
    "birth_date",
    "aniversario",
    "login",
    "servico_login",
    "contratocentrallogin",
    "username",
    "ip",
    "ipv4",
    "ipv6",
    "mac",
    "mac_address",
    "telefones_cargos",
];

/// Names that are personal data only in a person's record (see [`Found::InRecord`]).
const NAMES_IN_RECORD: &[&str] = &["nome", "name"];
const ADDRESSES_IN_RECORD: &[&str] = &["numero", "number", "referencia"];

static DEFAULT: LazyLock<Arc<PrivacyRules>> = LazyLock::new(|| {
    let mut rules = PrivacyRules::empty();
    for (category, names) in [
        (Category::Credential, CREDENTIALS),
        (Category::Document, DOCUMENTS),
        (Category::Name, NAMES),
        (Category::Email, EMAILS),
        (Category::Phone, PHONES),
        (Category::Address, ADDRESSES),
        (Category::Personal, PERSONAL),
    ] {
        for name in names {
            rules.add(category, name);
        }
    }
    for name in NAMES_IN_RECORD {
        rules.add_in_record(Category::Name, name);
    }
    for name in ADDRESSES_IN_RECORD {
        rules.add_in_record(Category::Address, name);
    }
    for word in CREDENTIAL_WORDS {
        rules.add_credential_word(word);
    }
    Arc::new(rules)
});

impl Default for PrivacyRules {
    fn default() -> Self {
        DEFAULT.as_ref().clone()
    }
}

impl PrivacyRules {
    /// The default rules, shared (built once per process).
    #[must_use]
    pub fn shared_default() -> Arc<Self> {
        DEFAULT.clone()
    }

    /// Rules that know no field at all.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            fields: HashMap::new(),
            credential_words: Vec::new(),
        }
    }

    /// Treat the field `name` (any case) as holding `category`, wherever it appears.
    pub fn add(&mut self, category: Category, name: &str) {
        self.fields
            .insert(name.to_ascii_lowercase(), Found::Always(category));
    }

    /// These rules with `names` added under `category`.
    #[must_use]
    pub fn with<S: AsRef<str>>(
        mut self,
        category: Category,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        for name in names {
            self.add(category, name.as_ref());
        }
        self
    }

    /// Treat the field `name` as holding `category` only in a person's record: an object that
    /// also has a field the rules know as a document or an address.
    pub fn add_in_record(&mut self, category: Category, name: &str) {
        self.fields
            .insert(name.to_ascii_lowercase(), Found::InRecord(category));
    }

    /// Treat every field whose name contains `word` (any case) as a credential.
    pub fn add_credential_word(&mut self, word: &str) {
        let word = word.to_ascii_lowercase();
        if !word.is_empty() && !self.credential_words.contains(&word) {
            self.credential_words.push(word);
        }
    }

    /// What the field `name` holds, when the rules know it wherever it appears.
    #[must_use]
    pub fn category(&self, name: &str) -> Option<Category> {
        match self.find(name) {
            Some(Found::Always(category)) => Some(category),
            _ => None,
        }
    }

    pub(crate) fn find(&self, name: &str) -> Option<Found> {
        let mut buffer = [0u8; 64];
        let lower = lower_case(name, &mut buffer);
        if let Some(found) = self.fields.get(lower.as_ref()) {
            return Some(*found);
        }
        self.credential_words
            .iter()
            .any(|word| lower.contains(word.as_str()))
            .then_some(Found::Always(Category::Credential))
    }
}

/// `text` in lower case, in `buffer` when it fits (most field names), so looking a name up
/// allocates nothing.
fn lower_case<'b>(text: &'b str, buffer: &'b mut [u8; 64]) -> Cow<'b, str> {
    if !text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(text);
    }
    if text.len() <= buffer.len() {
        let part = &mut buffer[..text.len()];
        part.copy_from_slice(text.as_bytes());
        part.make_ascii_lowercase();
        // Lower-casing ASCII letters keeps the bytes valid UTF-8.
        if let Ok(lower) = std::str::from_utf8(part) {
            return Cow::Borrowed(lower);
        }
    }
    Cow::Owned(text.to_ascii_lowercase())
}

/// `value` as it may be kept in a trace when it holds `category`. Empty values stay empty.
#[must_use]
pub fn mask(category: Category, value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    match category {
        Category::Credential => REDACTED.to_owned(),
        Category::Document => mask_document(value),
        Category::Name | Category::Address => initials(value),
        Category::Email => mask_email(value),
        Category::Phone => mask_phone(value),
        Category::Personal => "***".to_owned(),
    }
}

fn mask_document(value: &str) -> String {
    if let Ok(document) = Document::parse(value) {
        return document.masked();
    }
    let keep_from = value
        .char_indices()
        .filter(|(_, c)| c.is_ascii_alphanumeric())
        .map(|(at, _)| at)
        .rev()
        .nth(1)
        .unwrap_or(0);
    value
        .char_indices()
        .map(|(at, c)| {
            if at < keep_from && c.is_alphanumeric() {
                '*'
            } else {
                c
            }
        })
        .collect()
}

/// The first character of each word, each followed by `***`.
fn initials(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if let Some(first) = word.chars().next() {
            out.push(first);
            out.push_str("***");
        }
    }
    out
}

fn mask_email(value: &str) -> String {
    let Some((local, domain)) = value.trim().rsplit_once('@') else {
        return initials(value);
    };
    let mut out = String::with_capacity(value.len());
    if let Some(first) = local.chars().next() {
        out.push(first);
    }
    out.push_str("***@");
    let mut labels = domain.split('.');
    if let Some(first) = labels.next().and_then(|l| l.chars().next()) {
        out.push(first);
    }
    out.push_str("***");
    if let Some(last) = domain.rsplit_once('.').map(|(_, last)| last) {
        out.push('.');
        out.push_str(last);
    }
    out
}

fn mask_phone(value: &str) -> String {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    // Fewer than eight digits is no phone number worth showing a part of.
    let keep = if digits >= 8 { 4 } else { 0 };
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen > digits - keep { c } else { '*' }
            } else if c.is_alphanumeric() {
                '*'
            } else {
                c
            }
        })
        .collect()
}

/// True when a value, whatever the field that holds it, is a credential: an HTTP
/// `Authorization` value (`Bearer ...`, `Basic ...`) or a JSON Web Token (three base64url parts,
/// the first an encoded JSON object).
#[must_use]
pub fn looks_like_credential(value: &str) -> bool {
    let value = value.trim();
    let scheme = |name: &str| {
        value
            .get(..name.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(name))
            && value.len() > name.len() + 8
    };
    if scheme("bearer ") || scheme("basic ") {
        return true;
    }
    let base64url = |part: &str| {
        part.len() >= 8
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let mut parts = value.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(header), Some(claims), Some(signature), None)
            if header.starts_with("eyJ") && base64url(header) && base64url(claims) && base64url(signature)
    )
}

/// `text` with every e-mail address and every valid CPF or CNPJ it holds masked.
#[must_use]
pub fn mask_patterns(text: &str) -> Cow<'_, str> {
    let emails = mask_emails(text);
    match mask_documents(&emails) {
        Cow::Borrowed(_) => emails,
        Cow::Owned(masked) => Cow::Owned(masked),
    }
}

fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

fn mask_emails(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find('@') {
        let at = search + found;
        search = at + 1;
        let mut start = at;
        while start > copied && is_local_char(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_domain_char(bytes[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let domain = &text[at + 1..end];
        let plausible = start < at
            && domain
                .rsplit_once('.')
                .is_some_and(|(head, tld)| !head.is_empty() && tld.len() >= 2);
        if !plausible {
            continue;
        }
        out.push_str(&text[copied..start]);
        out.push_str(&mask_email(&text[start..end]));
        copied = end;
        search = end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The shapes a CPF or CNPJ is written in: the lengths of its alphanumeric runs and the
/// separators between them.
const DOCUMENT_SHAPES: &[(&[usize], &[u8])] = &[
    (&[11], b""),
    (&[14], b""),
    (&[3, 3, 3, 2], b"..-"),
    (&[9, 2], b"-"),
    (&[2, 3, 3, 4, 2], b"../-"),
    (&[8, 4, 2], b"/-"),
];

fn mask_documents(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // Most values cannot hold a document: too short, or without the two check digits.
    if bytes.len() < 11 || bytes.iter().filter(|b| b.is_ascii_digit()).take(2).count() < 2 {
        return Cow::Borrowed(text);
    }
    // Alphanumeric runs, as (start, end).
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut r = 0;
    while r < runs.len() {
        let matched = DOCUMENT_SHAPES.iter().find_map(|(lengths, separators)| {
            let last = r + lengths.len() - 1;
            if last >= runs.len() {
                return None;
            }
            for (k, length) in lengths.iter().enumerate() {
                let (s, e) = runs[r + k];
                if e - s != *length {
                    return None;
                }
                if k > 0 {
                    let previous_end = runs[r + k - 1].1;
                    if s != previous_end + 1 || bytes[previous_end] != separators[k - 1] {
                        return None;
                    }
                }
            }
            let (start, end) = (runs[r].0, runs[last].1);
            Document::parse(&text[start..end])
                .ok()
                .map(|document| (last, start, end, document.masked()))
        });
        match matched {
            Some((last, start, end, masked)) => {
                out.push_str(&text[copied..start]);
                out.push_str(&masked);
                copied = end;
                r = last + 1;
            }
            None => r += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_category_keeps_enough_to_recognise_a_value_and_no_more() {
        assert_eq!(mask(Category::Credential, "123456"), REDACTED);
        assert_eq!(mask(Category::Document, "529.982.247-25"), "***.982.247-**");
        assert_eq!(mask(Category::Document, "52998224725"), "***.982.247-**");
        assert_eq!(mask(Category::Document, "12.345.678-9"), "**.***.**8-9");
        assert_eq!(
            mask(Category::Name, "Maria das Graças Souza"),
            "M*** d*** G*** S***"
        );
        assert_eq!(
            mask(Category::Email, "maria.souza7@example.com.br"),
            "m***@e***.br"
        );
        assert_eq!(mask(Category::Phone, "(47) 99123-4567"), "(**) *****-4567");
        assert_eq!(mask(Category::Phone, "123"), "***");
        assert_eq!(mask(Category::Address, "Rua das Flores"), "R*** d*** F***");
        assert_eq!(mask(Category::Personal, "1991-04-14"), "***");
        assert_eq!(mask(Category::Name, ""), "");
    }

    #[test]
    fn field_names_are_found_whatever_their_case() {
        let rules = PrivacyRules::default();
        assert_eq!(rules.category("SENHA"), Some(Category::Credential));
        assert_eq!(
            rules.category("contratoCentralSenha"),
            Some(Category::Credential)
        );
        assert_eq!(rules.category("CNPJ_CNPF"), Some(Category::Document));
        assert_eq!(rules.category("TelCelular"), Some(Category::Phone));
        assert_eq!(rules.category("valor"), None);
        // `nome` is a person's only beside a document or an address.
        assert_eq!(rules.category("nome"), None);
        assert_eq!(rules.find("Nome"), Some(Found::InRecord(Category::Name)));
        let rules = rules.with(Category::Name, ["Apelido"]);
        assert_eq!(rules.category("apelido"), Some(Category::Name));
    }

    #[test]
    fn authorization_values_and_json_web_tokens_are_credentials_wherever_they_are() {
        for credential in [
            "Bearer 2f1e9c0a77b34d6c",
            "basic dXNlcjpzM2NyM3Q=",
            "eyJhbGciOiJIUzUxMiJ9.eyJ1c3VhcmlvIjoiYXBpIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
        ] {
            assert!(looks_like_credential(credential), "{credential}");
        }
        for plain in [
            "Bearer",
            "Basic plan",
            "Fibra 300M",
            "a.b.c",
            "2026-12-10",
            "",
        ] {
            assert!(!looks_like_credential(plain), "{plain}");
        }
    }

    #[test]
    fn documents_and_emails_are_masked_where_they_appear_in_text() {
        let text = "Cliente 529.982.247-25 (maria@example.com), CNPJ 11222333000181, \
                    fatura 145500, linha 34191790010104351004791020150008110010000009990";
        assert_eq!(
            mask_patterns(text),
            "Cliente ***.982.247-** (m***@e***.com), CNPJ **.222.333/0001-**, \
             fatura 145500, linha 34191790010104351004791020150008110010000009990"
        );
        // Numbers of the right length that are no document stay.
        assert_eq!(mask_patterns("pedido 12345678901"), "pedido 12345678901");
        assert!(matches!(mask_patterns("nothing here"), Cow::Borrowed(_)));
    }
}
