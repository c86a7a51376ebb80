//! Every behaviour of the SGP simulator that public sources do not pin down, in one place.
//!
//! Each field of [`SgpGuesses`] is one choice the sources leave open, with the default that
//! matches the reference's best guess and the tag of what is known (erps.md §0: [DOC-3P] the
//! extract of the vendor's Postman collection, [MEAS] answers captured from real instances,
//! [CODE] open-source clients, [GUESS] inferred). Tests and integrators change them through
//! [`super::SgpConfig::guesses`]; nothing else in the simulator repeats these values.
//!
//! Besides the fields, these shapes are guesses too (documented here rather than switchable,
//! since a client reads them by key and no source names other keys):
//!
//! - `/api/ura/titulos/` items: `id`, `clienteContrato`, `status`, `valorCorrigido`,
//!   `linhaDigitavel`, `codigoBarras`, `codigoPix`, `dataVencimento`, `link` are [MEAS];
//!   `numeroDocumento`, `valor`, `diasAtraso`, `link_cobranca` are [CODE]; `clienteId`,
//!   `dataDocumento`, `dataPagamento`, `valorPago` and `dataCancelamento` are [GUESS] (the
//!   collection's `ordenar` values name the document, due and payment dates).
//! - `/api/banco/titulo/{id}/baixar/`: the success body `{"status":1,"msg",...}` and the
//!   refusals `{"status":2,"msg"}` with HTTP 200, SGP's usual style (erps.md §3.2); an unknown
//!   title is Django REST Framework's 404 `{"detail":"Não encontrado."}` (the id is in the path).
//! - `/api/central/nfcom/list` answers `{"status":1,"nfcoms":[...]}`; `print` answers the file.
//! - `/api/ura/cliente/anotacao/list` answers `{"anotacoes":[...]}`.
//! - `/api/ura/ocorrencia/list/` answers `{"paginacao":{...},"ocorrencias":[...]}`.
//! - `/api/central/tipoocorrencia/list/` and `/api/ura/pontosrecebimentos/` answer bare arrays
//!   of `{id, descricao}`, like the pre-registration lists [CODE×2].
//! - `precadastro` success: HTTP [`SgpGuesses::precadastro_status`] with
//!   `{"message", "precadastro_id"}`, plus `cliente_id` and `contrato_id` when
//!   `precadastro_ativar` created them (erps-addendum §3: "which id it returns" is open; one
//!   client reads `message`).
//! - The chamado answer adds `msg` and `ocorrencia` to the documented `{"status":1,"protocolo"}`.
//! - Protocols are `yyMMddHHmmss` timestamps, as the captured ones are (`260707144900`) [MEAS].

/// How `POST /api/ura/pagamento/pix/{fatura}` carries the code inside `"pix"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixAnswer {
    /// `"pix": "000201..."`, as the only client test that shows it [CODE].
    Text,
    /// `"pix": {"codigo": "000201...", "qrcode": "<base64 PNG>"}`.
    Object,
}

/// How a title link turns into its PDF link when `link_pdf` is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfLink {
    /// `/boleto/73103-VWI6MBJ6L4/` becomes `/boleto/73103-VWI6MBJ6L4.pdf`.
    ReplaceSlash,
    /// `/boleto/73103-VWI6MBJ6L4/` becomes `/boleto/73103-VWI6MBJ6L4/.pdf`, the doc's words
    /// read literally ("ficará com .pdf no final do link").
    Append,
}

/// The open choices of the SGP simulator. See the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgpGuesses {
    /// HTTP status of a refused credential. The body is [MEAS] (a probe of demo.sgp.net.br);
    /// the status was not recorded. Django REST Framework answers 401 when Basic auth is among
    /// the authenticators, which SGP's is.
    pub unauthorized_status: u16,
    /// `WWW-Authenticate` sent with a 401 (Django REST Framework's Basic realm).
    pub www_authenticate: Option<String>,
    /// Refusal when no credential at all came (Django REST Framework's pt-BR text).
    pub text_not_provided: String,
    /// Body of an unknown route (`/api/ura/planos/` answered 404 on one instance [CODE]);
    /// Django's production 404 page.
    pub unknown_route_body: String,
    /// consultacliente without any of its required filters.
    pub text_consulta_missing_filter: String,
    /// Whether every `contratoStatusDisplay` carries the leading space seen on `" Cancelado"`
    /// [MEAS]; only that one value was captured.
    pub status_display_leading_space: bool,
    /// Contacts as `{tipoContato, contato}` objects (current production [CODE×2]) rather than
    /// the plain strings of the demo sample [MEAS].
    pub contacts_as_objects: bool,
    /// Send booleans as `"True"`/`"False"` strings, as some instances do [CODE test].
    pub booleans_as_strings: bool,
    /// Whether a contract at reduced speed (7) can use a payment promise. erps.md §3.3 tags
    /// "7 counts as blocked" GUESS; one client describes promises for "suspenso ou com
    /// velocidade reduzida" [CODE].
    pub promise_on_reduced: bool,
    /// The furthest `data_promessa` may lie from today, in days (the window is a provider
    /// setting, erps-addendum §3 Open).
    pub max_promise_days: u32,
    /// Promise refused because the contract may not use promises.
    pub text_promise_not_allowed: String,
    /// Promise for a contract that does not exist.
    pub text_promise_contract_not_found: String,
    /// Promise without `contrato`.
    pub text_promise_missing_contract: String,
    /// Promise with a `data_promessa` that is not a date inside the window.
    pub text_promise_bad_date: String,
    /// The shape of the PIX answer's `pix` value.
    pub pix_answer: PixAnswer,
    /// PIX for a title that is not the contract's, or does not exist.
    pub text_pix_not_found: String,
    /// PIX for a paid or cancelled title.
    pub text_pix_closed: String,
    /// How `link_pdf` changes title links.
    pub pdf_link: PdfLink,
    /// Whether a title link without `.pdf` serves an HTML page (erps-addendum §3 Open) rather
    /// than the PDF itself.
    pub link_page_is_html: bool,
    /// fatura2via message on success.
    pub text_2via_ok: String,
    /// fatura2via when nothing is open.
    pub text_2via_none: String,
    /// fatura2via for an unknown customer or contract.
    pub text_2via_not_found: String,
    /// fatura2via without `cpfcnpj` nor `contrato`.
    pub text_2via_missing: String,
    /// The `status` word of an open title in `/api/central/titulos/` (`"Aberto"` in the
    /// collection's example [DOC-3P]; one client's probe saw `"Gerado"` [CODE]).
    pub central_open_word: String,
    /// Refuse a write-off above the title's open value with interest and fine.
    pub refuse_overpayment: bool,
    /// Refuse a write-off below the title's open face value unless `liquidacao_parcial=1`.
    pub underpayment_needs_partial: bool,
    /// Write-off success message.
    pub text_settle_ok: String,
    /// Write-off of a paid title.
    pub text_settle_paid: String,
    /// Write-off of a cancelled title.
    pub text_settle_cancelled: String,
    /// Write-off above the open value.
    pub text_settle_over: String,
    /// Write-off below the open value without `liquidacao_parcial`.
    pub text_settle_under: String,
    /// Write-off without `data_pagamento` and `valor_pago`, or with unreadable ones.
    pub text_settle_invalid: String,
    /// Write-off with a `forma_pagamento` outside DINHEIRO, CARTAO, DEBITO, PIX.
    pub text_settle_bad_form: String,
    /// Write-off naming a receiving point that does not exist.
    pub text_settle_bad_point: String,
    /// Whether chamado requires `ocorrenciatipo` (the types are the provider's own; erps-addendum
    /// §3 makes it a preset variable).
    pub chamado_requires_type: bool,
    /// chamado success message.
    pub text_chamado_ok: String,
    /// chamado for a contract that does not exist (or none given).
    pub text_chamado_no_contract: String,
    /// chamado with an unknown or missing `ocorrenciatipo`.
    pub text_chamado_bad_type: String,
    /// Contact types `contato/add` accepts (the default is "Celular Pessoal" [DOC-3P]; the
    /// values were not captured). The ones containing "mail" add an e-mail.
    pub contact_types: Vec<String>,
    /// contato/add success message.
    pub text_contact_ok: String,
    /// contato/add with a type outside [`SgpGuesses::contact_types`].
    pub text_contact_bad_type: String,
    /// contato/add for a contract that does not exist, or without `contato`.
    pub text_contact_invalid: String,
    /// HTTP status of a successful pre-registration.
    pub precadastro_status: u16,
    /// Pre-registration success message.
    pub text_precadastro_ok: String,
    /// Pre-registration of a company whose CNPJ is a customer's (the CPF text is [CODE]).
    pub text_precadastro_duplicate_cnpj: String,
    /// Pre-registration with a `datanasc` that is not `YYYY-MM-DD` (strict form [DOC-3P]).
    pub text_precadastro_bad_date: String,
    /// Pre-registration with a document that fails its check digits, or a CPF sent to `/J`
    /// (or a CNPJ to `/F`).
    pub text_precadastro_bad_document: String,
    /// Whether a second pre-registration of the same document is refused like a customer's.
    pub refuse_duplicate_prospect: bool,
    /// Clamp `limit` to the documented maximum instead of refusing it.
    pub clamp_limits: bool,
}

impl Default for SgpGuesses {
    fn default() -> Self {
        let s = |text: &str| text.to_string();
        SgpGuesses {
            unauthorized_status: 401,
            www_authenticate: Some(s("Basic realm=\"api\"")),
            text_not_provided: s("As credenciais de autenticação não foram fornecidas."),
            unknown_route_body: s(
                "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n",
            ),
            text_consulta_missing_filter: s(
                "Informe um dos filtros obrigatórios: cpfcnpj, contrato, nome, login ou email.",
            ),
            status_display_leading_space: true,
            contacts_as_objects: true,
            booleans_as_strings: false,
            promise_on_reduced: true,
            max_promise_days: 5,
            text_promise_not_allowed: s(
                "O recurso de promessa de pagamento não está habilitado para este contrato. Recurso não disponível",
            ),
            text_promise_contract_not_found: s("Contrato não localizado"),
            text_promise_missing_contract: s("Informe o contrato"),
            text_promise_bad_date: s("Data da promessa inválida"),
            pix_answer: PixAnswer::Text,
            text_pix_not_found: s("Título não localizado para o contrato informado"),
            text_pix_closed: s("Título não está em aberto"),
            pdf_link: PdfLink::ReplaceSlash,
            link_page_is_html: true,
            text_2via_ok: s("Segunda via gerada com sucesso"),
            text_2via_none: s("Nenhuma fatura em aberto"),
            text_2via_not_found: s("Nenhum contrato localizado"),
            text_2via_missing: s("Informe o CPF/CNPJ ou o contrato"),
            central_open_word: s("Aberto"),
            refuse_overpayment: true,
            underpayment_needs_partial: true,
            text_settle_ok: s("Título liquidado com sucesso"),
            text_settle_paid: s("Título já se encontra liquidado"),
            text_settle_cancelled: s("Título cancelado não pode ser liquidado"),
            text_settle_over: s("Valor pago maior que o valor em aberto do título"),
            text_settle_under: s(
                "Valor pago menor que o valor em aberto do título. Para liquidação parcial informe liquidacao_parcial=1",
            ),
            text_settle_invalid: s(
                "Campos obrigatórios: data_pagamento (AAAA-MM-DD) e valor_pago (ex: 51.52)",
            ),
            text_settle_bad_form: s("Forma de pagamento inválida"),
            text_settle_bad_point: s("Ponto de recebimento não localizado"),
            chamado_requires_type: true,
            text_chamado_ok: s("Chamado aberto com sucesso"),
            text_chamado_no_contract: s("Contrato não localizado"),
            text_chamado_bad_type: s("Tipo de ocorrência inválido"),
            contact_types: [
                "Celular Pessoal",
                "Celular Comercial",
                "Telefone Residencial",
                "Telefone Comercial",
                "WhatsApp Número",
                "E-Mail",
                "E-Mail Financeiro",
            ]
            .iter()
            .map(|t| t.to_string())
            .collect(),
            text_contact_ok: s("Contato cadastrado com sucesso"),
            text_contact_bad_type: s("Tipo de contato inválido"),
            text_contact_invalid: s("Contrato não localizado ou contato não informado"),
            precadastro_status: 200,
            text_precadastro_ok: s("Pré-cadastro realizado com sucesso"),
            text_precadastro_duplicate_cnpj: s("Já existe um cliente com o CNPJ informado."),
            text_precadastro_bad_date: s(
                "Data de nascimento inválida. Utilize o formato AAAA-MM-DD.",
            ),
            text_precadastro_bad_document: s("CPF/CNPJ inválido."),
            refuse_duplicate_prospect: true,
            clamp_limits: true,
        }
    }
}
