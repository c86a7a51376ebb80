//! The single entry point of `/api/...`: finds the route (a trailing `/` or its absence are
//! both accepted), checks the method and the credential the route takes, and calls the
//! handler with the data locked.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;

use super::auth::{Family, authenticate};
use super::baixa;
use super::chamado;
use super::cliente;
use super::notas;
use super::precadastro;
use super::promessa::{self, Door};
use super::render::{Ctx, public_base};
use super::state::SgpState;
use super::story::model::PersonKind;
use super::titulos;
use super::wire::{Params, method_not_allowed, unknown_route};

/// Every endpoint the simulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Consulta,
    Clientes,
    ContactAdd,
    Annotations,
    Titles,
    CentralTitles,
    SecondCopy,
    CentralSecondCopy,
    Pix(u64),
    CentralPix(u64),
    Promise,
    CentralPromise,
    Settle(u64),
    Ticket,
    Occurrences,
    OccurrenceTypes,
    ReceivingPoints,
    PreRegistration(PersonKind),
    Plans,
    DueDays,
    Sellers,
    NotesList,
    NotePrint(u64),
}

impl Route {
    /// The route for these path segments (after `api`), with its method and credentials.
    fn find(segments: &[&str]) -> Option<(Route, Method, Family)> {
        use Family::{Central, CentralUser, TokenOnly, Ura};
        let id = |s: &str| s.parse::<u64>().ok();
        let post = Method::POST;
        Some(match segments {
            ["ura", "consultacliente"] => (Route::Consulta, post, Ura),
            ["ura", "clientes"] => (Route::Clientes, post, Ura),
            ["ura", "contato", "add"] => (Route::ContactAdd, post, Ura),
            ["ura", "cliente", "anotacao", "list"] => (Route::Annotations, Method::GET, Ura),
            ["ura", "titulos"] => (Route::Titles, post, Ura),
            ["ura", "fatura2via"] => (Route::SecondCopy, post, Ura),
            ["ura", "pagamento", "pix", n] => (Route::Pix(id(n)?), post, Ura),
            ["ura", "liberacaopromessa"] => (Route::Promise, post, Ura),
            ["ura", "chamado"] => (Route::Ticket, post, Ura),
            ["ura", "ocorrencia", "list"] => (Route::Occurrences, post, Ura),
            ["ura", "pontosrecebimentos"] => (Route::ReceivingPoints, post, Ura),
            ["central", "titulos"] => (Route::CentralTitles, post, Central),
            ["central", "fatura2via"] => (Route::CentralSecondCopy, post, Central),
            ["central", "pagamento", "pix", n] => (Route::CentralPix(id(n)?), post, Central),
            ["central", "promessapagamento"] => (Route::CentralPromise, post, Central),
            ["central", "tipoocorrencia", "list"] => (Route::OccurrenceTypes, post, Central),
            ["central", "nfcom", "list"] => (Route::NotesList, post, CentralUser),
            ["central", "nfcom", "print", n] => (Route::NotePrint(id(n)?), post, TokenOnly),
            ["banco", "titulo", n, "baixar"] => (Route::Settle(id(n)?), post, TokenOnly),
            ["precadastro", "F"] => (
                Route::PreRegistration(PersonKind::Individual),
                post,
                TokenOnly,
            ),
            ["precadastro", "J"] => (Route::PreRegistration(PersonKind::Company), post, TokenOnly),
            ["precadastro", "plano", "list"] => (Route::Plans, post, TokenOnly),
            ["precadastro", "vencimento", "list"] => (Route::DueDays, post, TokenOnly),
            ["precadastro", "vendedor", "list"] => (Route::Sellers, post, TokenOnly),
            _ => return None,
        })
    }
}

pub(crate) async fn handle(
    State(state): State<SgpState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let config = state.config();
    let guesses = &config.guesses;
    let path = uri.path();
    let segments: Vec<&str> = path
        .strip_prefix("/api/")
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let base = public_base(config, &headers);
    if let ["declaracao", "quitacao", rest @ ..] = segments.as_slice() {
        // Public like the boleto links: the password is in the path.
        let inner = state.lock();
        let ctx = Ctx {
            config,
            guesses,
            today: inner.today,
            base,
            caller: super::auth::Caller::Integration,
        };
        return titulos::discharge(&ctx, &inner.story, &rest.join("/"))
            .unwrap_or_else(|| unknown_route(guesses));
    }
    let Some((route, allowed, family)) = Route::find(&segments) else {
        return unknown_route(guesses);
    };
    if method != allowed {
        return method_not_allowed(method.as_str());
    }
    let params = match Params::read(uri.query(), &headers, &body) {
        Ok(params) => params,
        Err(refusal) => return *refusal,
    };
    let mut inner = state.lock();
    let caller = match authenticate(config, &inner, &headers, &params, family) {
        Ok(caller) => caller,
        Err(refusal) => return *refusal,
    };
    let ctx = Ctx {
        config,
        guesses,
        today: inner.today,
        base,
        caller,
    };
    let story = &mut inner.story;
    match route {
        Route::Consulta => cliente::consulta(&ctx, story, &params),
        Route::Clientes => cliente::list(&ctx, story, &params),
        Route::ContactAdd => cliente::add_contact(&ctx, story, &params),
        Route::Annotations => cliente::annotations(story, &params),
        Route::Titles => titulos::list_ura(&ctx, story, &params),
        Route::CentralTitles => titulos::list_central(&ctx, story, &params),
        Route::SecondCopy | Route::CentralSecondCopy => titulos::second_copy(&ctx, story, &params),
        Route::Pix(id) | Route::CentralPix(id) => titulos::pix(&ctx, story, id, &params),
        Route::Promise => promessa::release(&ctx, story, &params, Door::Ura),
        Route::CentralPromise => promessa::release(&ctx, story, &params, Door::Central),
        Route::Settle(id) => baixa::settle(&ctx, story, id, &params),
        Route::Ticket => chamado::open(&ctx, story, &params),
        Route::Occurrences => chamado::list(&ctx, story, &params),
        Route::OccurrenceTypes => chamado::types(),
        Route::ReceivingPoints => chamado::receiving_points(),
        Route::PreRegistration(kind) => precadastro::create(&ctx, story, &params, kind),
        Route::Plans => precadastro::plans(),
        Route::DueDays => precadastro::due_days(),
        Route::Sellers => precadastro::sellers(),
        Route::NotesList => notas::list(&ctx, story, &params),
        Route::NotePrint(number) => notas::print(&ctx, story, number, &params),
    }
}

/// `GET /boleto/<id>-<code>/...`: public, as the links are sent to customers.
pub(crate) async fn boleto(
    State(state): State<SgpState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let config = state.config();
    let inner = state.lock();
    let ctx = Ctx {
        config,
        guesses: &config.guesses,
        today: inner.today,
        base: public_base(config, &headers),
        caller: super::auth::Caller::Integration,
    };
    let rest = uri.path().strip_prefix("/boleto").unwrap_or("");
    titulos::boleto_page(&ctx, &inner.story, rest).unwrap_or_else(|| unknown_route(&config.guesses))
}
