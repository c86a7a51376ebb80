//! Who may call what (erps-addendum §3, auth): `/api/ura/*` takes `token`+`app` or HTTP Basic;
//! `/api/central/*` takes `token`+`app` or the customer's `cpfcnpj`+`senha`; `nfcom/list` also
//! takes the customer-area `usuario`+`senha`; `/api/banco/*`, `/api/precadastro/*` and
//! `nfcom/print` take `token`+`app` only [DOC-3P].
//!
//! A wrong credential is refused the way Django REST Framework refuses it, with the text
//! captured from the vendor's demo instance; a Basic header with a wrong password is refused
//! even when a good token is in the body, as Django REST Framework stops at the first
//! authenticator that fails.

use axum::http::{HeaderMap, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::SgpConfig;
use super::credentials::TokenCheck;
use super::state::Inner;
use super::story::bare;
use super::wire::{BAD_CREDENTIALS, Params, Refusal, unauthorized};

/// Which credentials an endpoint takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `token`+`app` or Basic.
    Ura,
    /// `token`+`app` or `cpfcnpj`+`senha`.
    Central,
    /// `token`+`app` or `usuario`+`senha`.
    CentralUser,
    /// `token`+`app` only.
    TokenOnly,
}

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The integration (token or Basic): sees every customer.
    Integration,
    /// A customer logged in to the customer area: sees only their own records.
    Customer(u64),
}

fn basic(headers: &HeaderMap) -> Option<Option<(String, String)>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    Some(decoded.and_then(|text| {
        text.split_once(':')
            .map(|(u, p)| (u.to_string(), p.to_string()))
    }))
}

/// Authenticates a request, or answers the refusal.
pub(crate) fn authenticate(
    config: &SgpConfig,
    inner: &Inner,
    headers: &HeaderMap,
    params: &Params,
    family: Family,
) -> Result<Caller, Refusal> {
    let guesses = &config.guesses;
    let refuse = || Box::new(unauthorized(guesses, BAD_CREDENTIALS));
    if family == Family::Ura
        && let Some(given) = basic(headers)
    {
        return match given {
            Some((user, password)) if inner.credentials.check_basic(&user, &password) => {
                Ok(Caller::Integration)
            }
            _ => Err(refuse()),
        };
    }
    if params.has("token") {
        let app = params.text("app");
        return match inner
            .credentials
            .check_token(&params.text("token"), Some(&app))
        {
            TokenCheck::Valid if !app.is_empty() => Ok(Caller::Integration),
            _ => Err(refuse()),
        };
    }
    match family {
        Family::Central if params.has("cpfcnpj") && params.has("senha") => {
            let document = bare(&params.text("cpfcnpj"));
            let password = params.text("senha");
            inner
                .story
                .customer_by_document(&document)
                .filter(|c| {
                    inner
                        .story
                        .contracts_of(c.id)
                        .any(|k| k.central_password == password)
                })
                .map(|c| Caller::Customer(c.id))
                .ok_or_else(refuse)
        }
        Family::CentralUser if params.has("usuario") && params.has("senha") => {
            let user = params.text("usuario");
            let password = params.text("senha");
            inner
                .story
                .contracts
                .iter()
                .find(|k| k.central_login == user && k.central_password == password)
                .map(|k| Caller::Customer(k.customer_id))
                .ok_or_else(refuse)
        }
        _ => Err(Box::new(unauthorized(guesses, &guesses.text_not_provided))),
    }
}
