//! The tables the simulator knows and their columns, with the value each column takes when a
//! row is inserted without it.
//!
//! Every row of a table carries every column (IXC has no projection), all as strings. A column
//! is written `name` (default `""`), `name=V` (default `V`), `name:d` (a date, default
//! `0000-00-00`) or `name:t` (a date-time, default `0000-00-00 00:00:00`). Dates sent as
//! `dd/mm/yyyy` in bodies are stored as `yyyy-mm-dd` in date columns.

use indexmap::IndexMap;

use super::guesses::{COMMERCIAL_ORIGIN_TABLE, DUE_DAY_TABLE};
use super::values::{EMPTY_DATE, EMPTY_DATETIME};

/// A row: column name to value, in the table's column order.
pub type Row = IndexMap<String, String>;

/// The kind of a column, which decides its default and how dates are normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text (ids, flags and money too: everything is a string).
    Text,
    /// `yyyy-mm-dd`.
    Date,
    /// `yyyy-mm-dd hh:mm:ss`.
    DateTime,
}

/// One column: name, kind and insert default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: &'static str,
    /// Column kind.
    pub kind: ColumnKind,
    /// Value on insert when the body omits it.
    pub default: &'static str,
}

fn parse(spec: &'static str) -> Column {
    if let Some(name) = spec.strip_suffix(":d") {
        Column {
            name,
            kind: ColumnKind::Date,
            default: EMPTY_DATE,
        }
    } else if let Some(name) = spec.strip_suffix(":t") {
        Column {
            name,
            kind: ColumnKind::DateTime,
            default: EMPTY_DATETIME,
        }
    } else if let Some((name, default)) = spec.split_once('=') {
        Column {
            name,
            kind: ColumnKind::Text,
            default,
        }
    } else {
        Column {
            name: spec,
            kind: ColumnKind::Text,
            default: "",
        }
    }
}

const CLIENTE: &[&str] = &[
    "id",
    "razao",
    "fantasia",
    "tipo_pessoa=F",
    "cnpj_cpf",
    "ie_identidade",
    "contribuinte_icms=N",
    "tipo_assinante=3",
    "ativo=S",
    "email",
    "hotsite_email",
    "fone",
    "telefone_celular",
    "telefone_comercial",
    "whatsapp",
    "cep",
    "endereco",
    "numero",
    "complemento",
    "bairro",
    "cidade=0",
    "uf=0",
    "referencia",
    "data_nascimento:d",
    "data_cadastro:d",
    "senha",
    "hotsite_acesso=2",
    "id_vendedor=0",
    "id_candato_tipo=0",
    "id_campanha=0",
    "filial_id=1",
    "alerta",
    "obs",
    "crm_data_vencemos:d",
    "ultima_atualizacao:t",
];

const CLIENTE_CONTRATO: &[&str] = &[
    "id",
    "id_cliente",
    "tipo=I",
    "contrato",
    "id_vd_contrato=0",
    "id_tipo_contrato=1",
    "id_modelo=1",
    "id_filial=1",
    "id_vendedor=0",
    "id_carteira_cobranca=1",
    "data:d",
    "data_ativacao:d",
    "data_renovacao:d",
    "pago_ate_data:d",
    "data_cancelamento:d",
    "motivo_cancelamento",
    "obs_cancelamento",
    "status=P",
    "status_internet=AA",
    "status_velocidade=N",
    "bloqueio_automatico=S",
    "nao_bloquear_ate:d",
    "aviso_atraso=S",
    "desbloqueio_confianca=S",
    "desbloqueio_confianca_ativo=N",
    "restricao_auto_desbloqueio=N",
    "dt_ult_bloq_auto:d",
    "dt_ult_bloq_manual:d",
    "dt_ult_finan_atraso:d",
    "dt_ult_desb_conf:d",
    "dt_ult_des_bloq_conf:d",
    "dt_retorno_desb_conf:d",
    "dia_fixo_vencimento",
    "tipo_cobranca=P",
    "renovacao_automatica=S",
    "endereco_padrao_cliente=S",
    "cep",
    "endereco",
    "numero",
    "complemento",
    "bairro",
    "cidade=0",
    "obs",
    "ultima_atualizacao:t",
];

const FN_ARECEBER: &[&str] = &[
    "id",
    "id_cliente",
    "id_contrato",
    "id_contrato_avulso",
    "filial_id=1",
    "status=A",
    "liberado=S",
    "data_emissao:d",
    "data_vencimento:d",
    "valor=0.00",
    "valor_aberto=0.00",
    "valor_recebido=0.00",
    "valor_cancelado=0.00",
    "documento",
    "nparcela=1",
    "tipo_recebimento=Boleto",
    "id_carteira_cobranca=1",
    "linha_digitavel",
    "nn_boleto",
    "gateway_link",
    "pix_txid",
    "boleto",
    "obs",
    "pagamento_data:d",
    "pagamento_valor=0.00",
    "baixa_data:d",
    "data_cancelamento:d",
    "id_mot_cancelamento=0",
    "recebido_via_pix=N",
    "id_nota_gerada=0",
    "ultima_atualizacao:t",
];

const FN_ARECEBER_BAIXAS: &[&str] = &[
    "id",
    "id_receber",
    "filial_id=1",
    "conta_",
    "id_conta",
    "data:d",
    "tipo_recebimento",
    "documento",
    "valor_parcela=0.00",
    "credito=0.00",
    "debito=0.00",
    "valor_total_recebido=0.00",
    "pdesconto",
    "vdesconto",
    "id_motivo_desconto",
    "pacrescimo",
    "vacrescimo",
    "historico",
    "tipo_r",
    "previsao",
    "tipo_lanc",
    "data_lancamento:t",
];

const VD_CONTRATOS: &[&str] = &[
    "id",
    "nome",
    "descricao",
    "valor_contrato=0.00",
    "ativo=S",
    "id_filial=1",
    "tipo=I",
];

const VD_CONTRATOS_PRODUTOS: &[&str] = &[
    "id",
    "id_contrato=0",
    "id_vd_contrato=0",
    "id_plano=0",
    "descricao",
    "tipo=I",
    "qtde=1",
    "valor_unit=0.000000000",
];

const VENDEDOR: &[&str] = &["id", "nome", "cnpj_cpf", "email", "telefone", "status=A"];
const ORIGENS: &[&str] = &["id", "descricao", "ativo=S"];
const VENCIMENTOS: &[&str] = &["id", "dia", "descricao", "ativo=S"];
const CIDADE: &[&str] = &["id", "nome", "uf", "cod_ibge"];
const UF: &[&str] = &["id", "sigla", "nome"];
const FILIAL: &[&str] = &["id", "razao", "fantasia", "cnpj"];
const CARTEIRA: &[&str] = &["id", "descricao", "banco", "ativo=S"];
const CONDICOES: &[&str] = &["id", "nome", "ativo=S"];
const ASSUNTO: &[&str] = &["id", "assunto", "ativo=S"];
const SETOR: &[&str] = &["id", "setor", "ativo=S"];

const VD_SAIDA: &[&str] = &[
    "id",
    "id_cliente",
    "id_contrato=0",
    "filial_id=1",
    "modelo_nf=21",
    "numero_nf",
    "serie=1",
    "status=F",
    "nfse_status",
    "data_emissao:d",
    "data_saida:d",
    "valor_total=0.00",
    "id_tipo_documento",
    "id_condicao_pagamento",
    "id_comissionado=0",
    "gera_estoque=N",
    "modalidade_frete=9",
    "obs",
];

const SU_TICKET: &[&str] = &[
    "id",
    "tipo=C",
    "id_cliente",
    "id_contrato",
    "id_login",
    "id_assunto",
    "titulo",
    "id_ticket_setor",
    "prioridade=M",
    "menssagem",
    "su_status=N",
    "status=T",
    "protocolo",
    "origem_endereco",
    "id_ticket_origem",
    "data_criacao:t",
    "data_ultima_alteracao:t",
];

const SU_OSS_CHAMADO: &[&str] = &[
    "id",
    "tipo=C",
    "id_cliente",
    "id_contrato_kit",
    "id_login",
    "id_assunto",
    "id_filial=1",
    "origem_endereco=M",
    "prioridade=M",
    "setor",
    "status=A",
    "mensagem",
    "protocolo",
    "id_ticket",
    "data_abertura:t",
    "data_agenda:t",
    "data_fechamento:t",
];

const CONTATO: &[&str] = &[
    "id",
    "nome",
    "tipo_pessoa=F",
    "cnpj_cpf",
    "email",
    "fone_celular",
    "fone_whatsapp",
    "fone_residencial",
    "fone_comercial",
    "lead=S",
    "id_vd_contrato=0",
    "id_campanha=0",
    "indicado_por",
    "cep",
    "endereco",
    "numero",
    "complemento",
    "bairro",
    "cidade",
    "uf",
    "obs",
    "origem_source",
    "origem_medium",
    "origem_campaing",
    "data_cadastro:d",
    "ativo=S",
];

const CRM_CANDITADOS: &[&str] = &[
    "id",
    "razao",
    "tipo_pessoa=F",
    "cnpj_cpf",
    "email",
    "telefone_celular",
    "cidade",
    "status_prospeccao=N",
    "ativo=S",
    "crm=S",
    "id_vendedor=0",
    "id_candato_tipo=0",
    "id_vd_contrato_desejado=0",
    "obs",
    "data_cadastro:d",
];

const RADUSUARIOS: &[&str] = &[
    "id",
    "id_cliente",
    "id_contrato",
    "login",
    "senha",
    "ativo=S",
    "online=N",
    "mac",
    "ip",
    "motivo_desconexao",
    "ultima_conexao_inicial:t",
];

/// Every table the simulator serves, with its column specs.
fn specs(table: &str) -> Option<&'static [&'static str]> {
    Some(match table {
        "cliente" => CLIENTE,
        "cliente_contrato" => CLIENTE_CONTRATO,
        "fn_areceber" => FN_ARECEBER,
        "fn_areceber_baixas" => FN_ARECEBER_BAIXAS,
        "vd_contratos" => VD_CONTRATOS,
        "vd_contratos_produtos" => VD_CONTRATOS_PRODUTOS,
        "vendedor" => VENDEDOR,
        "cidade" => CIDADE,
        "uf" => UF,
        "filial" => FILIAL,
        "fn_carteira_cobranca" => CARTEIRA,
        "condicoes_pagamento" => CONDICOES,
        "su_oss_assunto" => ASSUNTO,
        "su_ticket_setor" => SETOR,
        "vd_saida" => VD_SAIDA,
        "su_ticket" => SU_TICKET,
        "su_oss_chamado" => SU_OSS_CHAMADO,
        "contato" => CONTATO,
        "crm_canditados" => CRM_CANDITADOS,
        "radusuarios" => RADUSUARIOS,
        t if t == COMMERCIAL_ORIGIN_TABLE => ORIGENS,
        t if t == DUE_DAY_TABLE => VENCIMENTOS,
        _ => return None,
    })
}

/// Names of every table, for seeding empty ones.
pub fn table_names() -> Vec<&'static str> {
    vec![
        "cliente",
        "cliente_contrato",
        "fn_areceber",
        "fn_areceber_baixas",
        "vd_contratos",
        "vd_contratos_produtos",
        "vendedor",
        "cidade",
        "uf",
        "filial",
        "fn_carteira_cobranca",
        "condicoes_pagamento",
        "su_oss_assunto",
        "su_ticket_setor",
        "vd_saida",
        "su_ticket",
        "su_oss_chamado",
        "contato",
        "crm_canditados",
        "radusuarios",
        COMMERCIAL_ORIGIN_TABLE,
        DUE_DAY_TABLE,
    ]
}

/// The columns of `table`, or `None` for a table IXC would call unavailable.
pub fn columns(table: &str) -> Option<Vec<Column>> {
    specs(table).map(|specs| specs.iter().copied().map(parse).collect())
}

/// A row of `table` with every column at its default.
pub fn blank_row(table: &str) -> Option<Row> {
    columns(table).map(|cols| {
        cols.into_iter()
            .map(|c| (c.name.to_string(), c.default.to_string()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_an_id_column_and_no_duplicate_columns() {
        for table in table_names() {
            let cols = columns(table).unwrap();
            assert_eq!(cols[0].name, "id", "{table}");
            let mut names: Vec<_> = cols.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), cols.len(), "{table} repeats a column");
        }
    }

    #[test]
    fn date_columns_default_to_the_empty_date() {
        let row = blank_row("cliente").unwrap();
        assert_eq!(row["data_nascimento"], "0000-00-00");
        assert_eq!(row["ultima_atualizacao"], "0000-00-00 00:00:00");
        assert_eq!(row["ativo"], "S");
        assert!(blank_row("nao_existe").is_none());
    }
}
