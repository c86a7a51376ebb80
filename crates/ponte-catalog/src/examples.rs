//! Realistic example calls of every function, as a Brazilian ISP would see them.
//!
//! They feed the documentation, the OpenAPI document and the tests. Documents have valid check
//! digits, boletos valid linhas digitáveis and PIX codes a valid CRC, so other tools can be
//! exercised with them too.

use serde_json::{Value, json};

use crate::spec::Example;

/// Linha digitável of a boleto of R$ 129,90 due 2026-12-10 (Itaú), with valid check digits.
const LINHA_DEZEMBRO: &str = "34191090080004821300300001234574316560000012990";
/// Linha digitável of a boleto of R$ 99,90 due 2026-11-10 (Itaú), with valid check digits.
const LINHA_NOVEMBRO: &str = "34191090080004819800600001234533416260000009990";
/// A static PIX BR Code of R$ 129,90 with a valid CRC.
const PIX_DEZEMBRO: &str = "00020126500014br.gov.bcb.pix0128financeiro@velozfibra.com.br\
5204000053039865406129.905802BR5916VELOZ FIBRA LTDA6008CAMPINAS62120508FAT482136304EB1B";

fn example(title: &'static str, input: Value, output: Value) -> Example {
    Example {
        title,
        input,
        output,
    }
}

fn order() -> Value {
    json!({
        "id": 2291,
        "created_at": "2026-11-28T14:03:00-03:00",
        "customer": {
            "name": "Maria Aparecida da Silva",
            "document_number": "529.982.247-25",
            "email": "maria.aparecida@gmail.com",
            "phone": "(19) 99812-4410",
            "birth_date": "1987-04-16",
            "rg": "32.415.879-1"
        },
        "address": {
            "cep": "13083-970",
            "street": "Rua Albert Einstein",
            "number": "400",
            "complement": "Bloco B, apto 12",
            "neighborhood": "Cidade Universitária",
            "city": "Campinas",
            "state": "SP",
            "ibge_code": "3509502"
        },
        "items": [{
            "product_id": 17,
            "name": "Fibra 600 Mega",
            "erp_product_code": "38",
            "price": "129.90",
            "quantity": 1
        }],
        "due_date_code": "4",
        "commercial_origin_code": "2",
        "reseller_code": "11",
        "payment_method": "boleto",
        "total": "129.90",
        "notes": "Instalação de preferência pela manhã",
        "coupon": "BEMVINDO10"
    })
}

fn user() -> Value {
    json!({
        "id": 8812,
        "document_number": "390.533.447-05",
        "name": "João",
        "middle_name": "Pedro",
        "last_name": "Santos",
        "email": "joao.santos@hotmail.com",
        "phone": "(19) 98123-7788",
        "birth_date": "1979-09-02"
    })
}

fn invoice(fatura: &str, vencimento: &str, valor: &str, linha: &str, pix: &str) -> Value {
    json!({
        "document_number": "52998224725",
        "fatura": fatura,
        "nome_cliente": "Maria Aparecida da Silva",
        "valor_inicial": valor,
        "valor_final": valor,
        "juros": "0.00",
        "multa": "0.00",
        "emissao": "2026-11-01",
        "vencimento": vencimento,
        "historico": "Fibra 600 Mega",
        "link_boleto": "",
        "linha_digitavel": linha,
        "code_fatura": format!("{fatura}-52998224725"),
        "identifier": "principal",
        "remote_id": fatura,
        "pix_code": pix
    })
}

/// Examples of `create_order`.
pub(crate) fn create_order() -> Vec<Example> {
    vec![example(
        "A new subscriber orders a fibre plan; the ERP opens a prospect",
        json!({
            "order": order(),
            "message": "Pedido #2291 - Fibra 600 Mega (R$ 129,90), vencimento dia 10, \
                        instalação de preferência pela manhã"
        }),
        json!({"remote_id": "48213", "remote_message": "Prospecto cadastrado com sucesso", "is_issue": false}),
    )]
}

/// Examples of `create_order_existing_customer`.
pub(crate) fn create_order_existing_customer() -> Vec<Example> {
    let mut order = order();
    order["customer"]["name"] = json!("João Pedro Santos");
    order["customer"]["document_number"] = json!("39053344705");
    vec![example(
        "An existing customer migrates to a faster plan; the ERP opens an attendance",
        json!({
            "order": order,
            "message": "Migração de plano: Fibra 300 Mega para Fibra 600 Mega (R$ 129,90)",
            "customer_document_number": "390.533.447-05",
            "wda_user": user()
        }),
        json!({"remote_id": "77120"}),
    )]
}

/// Examples of `create_lead`.
pub(crate) fn create_lead() -> Vec<Example> {
    vec![example(
        "A visitor asks for coverage at an address",
        json!({
            "lead": {
                "id": "lead-5530",
                "created_at": "2026-11-28T10:41:12-03:00",
                "name": "Ana Beatriz Oliveira",
                "document_number": "714.602.380-01",
                "email": "ana.oliveira@yahoo.com.br",
                "phone": "(11) 97654-3210",
                "cep": "04538-132",
                "address": {
                    "street": "Avenida Brigadeiro Faria Lima",
                    "number": "3477",
                    "neighborhood": "Itaim Bibi",
                    "city": "São Paulo",
                    "state": "SP"
                },
                "erp_product_code": "38",
                "commercial_origin_code": "5",
                "message": "Tem cobertura de fibra no meu prédio?",
                "utm_source": "instagram"
            }
        }),
        Value::Null,
    )]
}

/// Examples of `list_resellers`.
pub(crate) fn list_resellers() -> Vec<Example> {
    vec![example(
        "The resellers registered in the ERP",
        json!({}),
        json!([
            {"code": "11", "name": "Carlos Eduardo Lima", "taxvat": "85351346893",
             "email": "carlos.lima@velozfibra.com.br"},
            {"code": "14", "name": "Conecta Vendas LTDA", "taxvat": "45378209000121",
             "email": "contato@conectavendas.com.br"}
        ]),
    )]
}

/// Examples of `list_products`.
pub(crate) fn list_products() -> Vec<Example> {
    vec![example(
        "The plans sold by the ISP",
        json!({}),
        json!([
            {"codigo": "37", "nome": "Fibra 300 Mega"},
            {"codigo": "38", "nome": "Fibra 600 Mega"},
            {"codigo": "41", "nome": "Fibra 1 Giga"}
        ]),
    )]
}

/// Examples of `list_due_dates`.
pub(crate) fn list_due_dates() -> Vec<Example> {
    vec![example(
        "The due days a subscriber can choose",
        json!({}),
        json!([
            {"code": "2", "name": "5"},
            {"code": "4", "name": "10"},
            {"code": "6", "name": "20"}
        ]),
    )]
}

/// Examples of `list_commercial_origins`.
pub(crate) fn list_commercial_origins() -> Vec<Example> {
    vec![example(
        "Where the ISP's sales come from",
        json!({}),
        json!([
            {"code": "2", "description": "Site"},
            {"code": "5", "description": "Indicação"},
            {"code": "7", "description": "Redes sociais"}
        ]),
    )]
}

/// Examples of `list_invoices`.
pub(crate) fn list_invoices() -> Vec<Example> {
    vec![
        example(
            "A customer's open invoices",
            json!({"customer_document_number": "529.982.247-25"}),
            json!([
                invoice("48198", "2026-11-10", "99.90", LINHA_NOVEMBRO, ""),
                invoice(
                    "48213",
                    "2026-12-10",
                    "129.90",
                    LINHA_DEZEMBRO,
                    PIX_DEZEMBRO
                )
            ]),
        ),
        example(
            "A customer with nothing open on one contract",
            json!({"customer_document_number": "52998224725", "contract_id": "3120"}),
            json!([]),
        ),
    ]
}

/// Examples of `get_invoice`.
pub(crate) fn get_invoice() -> Vec<Example> {
    vec![
        example(
            "The totem looks up one invoice",
            json!({"customer_bill_id": "48213", "customer_document_number": "529.982.247-25"}),
            json!([invoice(
                "48213",
                "2026-12-10",
                "129.90",
                LINHA_DEZEMBRO,
                PIX_DEZEMBRO
            )]),
        ),
        example(
            "An invoice that is not this customer's",
            json!({"customer_bill_id": "99999", "customer_document_number": "529.982.247-25"}),
            json!([]),
        ),
    ]
}

/// Examples of `get_boleto_pdf`.
pub(crate) fn get_boleto_pdf() -> Vec<Example> {
    vec![example(
        "The PDF of a boleto without a link",
        json!({"boleto_id": "48213"}),
        // The opening bytes of a PDF (header and catalog object), base64-encoded.
        json!({"base_64": "JVBERi0xLjQKJeLjz9MKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK"}),
    )]
}

/// Examples of `settle_boleto`.
pub(crate) fn settle_boleto() -> Vec<Example> {
    vec![example(
        "A boleto paid by PIX at the totem is written off",
        json!({
            "transaction": {
                "id": "tx-20261128-000731",
                "method": "pix",
                "amount": "129.90",
                "paid_at": "2026-11-28T15:22:47-03:00",
                "txid": "FAT48213",
                "end_to_end_id": "E18236120202611281822s0a1b2c3d4e",
                "terminal_id": "totem-loja-centro"
            },
            "boleto_id": "48213",
            "customer_document_number": "529.982.247-25"
        }),
        json!({
            "success": true,
            "api_response": {"type": "success", "message": "Baixa efetuada com sucesso!", "id": "90215"}
        }),
    )]
}

/// Examples of `get_customer_info`.
pub(crate) fn get_customer_info() -> Vec<Example> {
    vec![
        example(
            "A customer of the ERP",
            json!({"customer_document_number": "529.982.247-25"}),
            json!({
                "nome_completo": "Maria Aparecida da Silva",
                "aniversario": "1987-04-16",
                "data_registro": "2021-03-02",
                "ativo": true,
                "id_remoto": "1507",
                "id_contrato": "3120",
                "rua_endereco": "Rua Albert Einstein",
                "numero_endereco": "400",
                "cep_endereco": "13083-970",
                "cidade_endereco": "Campinas",
                "complemento_endereco": "Bloco B, apto 12",
                "bairro_endereco": "Cidade Universitária",
                "estado_endereco": "SP"
            }),
        ),
        example(
            "A company unknown to the ERP (alphanumeric CNPJ)",
            json!({"customer_document_number": "12.ABC.345/01DE-35"}),
            Value::Null,
        ),
    ]
}

/// Examples of `update_customer`.
pub(crate) fn update_customer() -> Vec<Example> {
    vec![example(
        "A customer changes e-mail and phone in the app",
        json!({
            "customer_document_number": "390.533.447-05",
            "wda_user": user(),
            "changes": {"email": "joao.p.santos@gmail.com", "phone": "(19) 99700-1122"}
        }),
        json!({
            "success": true,
            "api_response": {"type": "success", "message": "Registro atualizado com sucesso!"}
        }),
    )]
}

/// Examples of `list_customer_contacts`.
pub(crate) fn list_customer_contacts() -> Vec<Example> {
    vec![example(
        "The e-mail and phones on file",
        json!({"customer_document_number": "529.982.247-25"}),
        json!([
            {"type": "email", "value": "maria.aparecida@gmail.com"},
            {"type": "phone", "value": "19998124410"}
        ]),
    )]
}

/// Examples of `get_internal_pendency_messages`.
pub(crate) fn get_internal_pendency_messages() -> Vec<Example> {
    vec![
        example(
            "Notes that reveal a pendency",
            json!({"customer_document_number": "11.222.333/0001-81"}),
            json!([
                "Cliente com equipamento não devolvido (ONU) - contrato 2988",
                "Acordo de parcelamento em aberto"
            ]),
        ),
        example(
            "A customer without pendencies",
            json!({"customer_document_number": "529.982.247-25"}),
            json!([]),
        ),
    ]
}

/// Examples of `list_customer_plans`.
pub(crate) fn list_customer_plans() -> Vec<Example> {
    vec![example(
        "A customer with two contracts",
        json!({"customer_document_number": "529.982.247-25"}),
        json!([
            {"remote_id": "3120", "contract_name": "Fibra 600 Mega", "status": "Ativo",
             "blocked": false, "valor": "129.90"},
            {"remote_id": "3377", "contract_name": "Fibra 300 Mega (casa de praia)",
             "status": "Bloqueado", "blocked": true, "valor": "99.90"}
        ]),
    )]
}

/// Examples of `list_customer_blocked_plans`.
pub(crate) fn list_customer_blocked_plans() -> Vec<Example> {
    vec![example(
        "Only the contract blocked for debt",
        json!({"customer_document_number": "529.982.247-25"}),
        json!([
            {"remote_id": "3377", "contract_name": "Fibra 300 Mega (casa de praia)",
             "status": "Bloqueado", "blocked": true, "valor": "99.90"}
        ]),
    )]
}

/// Examples of `trust_unlock`.
pub(crate) fn trust_unlock() -> Vec<Example> {
    vec![
        example(
            "A blocked contract released until the promised date",
            json!({"customer_document_number": "529.982.247-25", "contract_id": "3377"}),
            json!({
                "success": true,
                "message": "Contrato desbloqueado em confiança por 3 dias",
                "unlocked_until": "2026-12-01",
                "api_response": {"type": "success", "message": "Desbloqueio efetuado", "data_limite": "01/12/2026"}
            }),
        ),
        example(
            "The release was already used this month",
            json!({"customer_document_number": "529.982.247-25", "contract_id": "3377"}),
            json!({
                "success": false,
                "message": "Desbloqueio de confiança já utilizado neste mês",
                "unlocked_until": "",
                "api_response": {"type": "error", "message": "Desbloqueio de confiança já utilizado neste mês"}
            }),
        ),
    ]
}

/// Examples of `create_ticket`.
pub(crate) fn create_ticket() -> Vec<Example> {
    vec![example(
        "The app opens a support ticket about a slow connection",
        json!({
            "customer_document_number": "390.533.447-05",
            "contract_id": "2871",
            "subject": "Internet lenta",
            "message": "Velocidade abaixo de 50 Mega no Wi-Fi desde ontem à noite.",
            "wda_user": user()
        }),
        json!({"remote_id": "66104", "remote_message": "Atendimento aberto com protocolo 2026112866104"}),
    )]
}

/// Examples of `list_fiscal_notes`.
pub(crate) fn list_fiscal_notes() -> Vec<Example> {
    vec![example(
        "A company's fiscal notes",
        json!({"customer_document_number": "45.378.209/0001-21"}),
        json!([
            {"id_nota": "20931", "status": "Emitida", "valor": "349.90", "valor_pago": "349.90",
             "data_lancamento": "2026-10-01", "data_vencimento": "2026-10-10",
             "data_baixa": "2026-10-09", "url_nota_fiscal": "https://nfse.campinas.sp.gov.br/nota/20931"},
            {"id_nota": "21388", "status": "Emitida", "valor": "349.90", "valor_pago": "0.00",
             "data_lancamento": "2026-11-01", "data_vencimento": "2026-11-10",
             "data_baixa": "", "url_nota_fiscal": ""}
        ]),
    )]
}

/// Examples of `get_fiscal_note_pdf`.
pub(crate) fn get_fiscal_note_pdf() -> Vec<Example> {
    vec![example(
        "The PDF of a fiscal note",
        json!({"nota_id": "21388", "customer_document_number": "45.378.209/0001-21"}),
        json!({"base_64": "JVBERi0xLjQKJeLjz9MKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK"}),
    )]
}
