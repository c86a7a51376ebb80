//! Every text the console shows, keyed by a message id, one table per language.
//!
//! Templates and handlers never hold a sentence: they name a message id (`t("nav.integrations")`
//! in a template, [`Text::get`] in Rust). Adding a language is adding a table and choosing it in
//! [`Text::for_language`]; a test checks that every id a template names is in every table.

/// The console's texts in one language.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    table: &'static [(&'static str, &'static str)],
}

impl Text {
    /// Brazilian Portuguese, the console's language.
    pub const PT_BR: Text = Text { table: PT_BR };

    /// The table for a language tag; Brazilian Portuguese for anything unknown.
    #[must_use]
    pub fn for_language(_tag: &str) -> Text {
        Text::PT_BR
    }

    /// The message `id`, or the id itself when the table lacks it (a test keeps that from
    /// happening with the shipped templates).
    #[must_use]
    pub fn get(self, id: &str) -> &'static str {
        self.lookup(id).unwrap_or("?")
    }

    /// The message `id`, if the table has it.
    #[must_use]
    pub fn lookup(self, id: &str) -> Option<&'static str> {
        self.table
            .iter()
            .find(|(key, _)| *key == id)
            .map(|(_, text)| *text)
    }

    /// Every id of the table.
    pub fn ids(self) -> impl Iterator<Item = &'static str> {
        self.table.iter().map(|(key, _)| *key)
    }
}

const PT_BR: &[(&str, &str)] = &[
    ("app.name", "Ponte"),
    ("app.console", "Console do operador"),
    ("nav.integrations", "Integrações"),
    ("nav.executions", "Execuções"),
    ("nav.payments", "Pagamentos"),
    ("nav.audit", "Auditoria"),
    ("nav.sign_out", "Sair"),
    ("nav.signed_in_as", "Conectado como"),
    ("role.admin", "administrador"),
    ("role.viewer", "somente leitura"),
    ("sign_in.title", "Entrar"),
    ("sign_in.name", "Operador"),
    ("sign_in.password", "Senha"),
    ("sign_in.submit", "Entrar"),
    (
        "sign_in.hint",
        "Use seu nome de operador e senha, ou \"admin-token\" com o token de administração.",
    ),
    ("sign_in.failed", "Operador ou senha incorretos."),
    ("sign_in.required", "Informe o operador e a senha."),
    (
        "sign_in.expired",
        "Sua sessão expirou. Entre novamente; nada foi alterado.",
    ),
    ("sign_in.signed_out", "Você saiu do console."),
    (
        "sign_in.off",
        "O console está desligado: configure security.admin_token ou cadastre operadores.",
    ),
    ("refused.title", "Alteração recusada"),
    (
        "refused.viewer",
        "Seu perfil é somente leitura: você não pode alterar nada.",
    ),
    (
        "refused.csrf",
        "O formulário expirou ou não veio deste console. Recarregue a página e tente de novo; nada foi alterado.",
    ),
    (
        "refused.cross_site",
        "Pedidos vindos de outro site não podem alterar nada.",
    ),
    ("refused.back", "Voltar"),
    ("error.title", "Algo não deu certo"),
    ("error.not_found", "Não encontrado."),
    ("error.code", "Código"),
    ("integrations.title", "Integrações"),
    ("integrations.empty", "Nenhuma integração cadastrada."),
    ("integrations.new", "Nova integração"),
    ("integrations.id", "Identificador"),
    ("integrations.name", "Nome"),
    ("integrations.preset", "Modelo"),
    ("integrations.active", "Ativa"),
    ("integrations.inactive", "Inativa"),
    ("integrations.calls", "Chamadas (24 h)"),
    ("integrations.error_rate", "Taxa de erro"),
    ("integrations.p95", "p95"),
    ("integrations.circuit", "Circuito"),
    ("circuit.closed", "fechado (normal)"),
    ("circuit.open", "aberto (ERP indisponível)"),
    ("circuit.half_open", "em teste"),
    ("integration.settings", "Configurações"),
    ("integration.variables", "Variáveis"),
    ("integration.secrets", "Segredos"),
    (
        "integration.secrets_hint",
        "Os valores nunca são exibidos; defina um novo valor para trocar.",
    ),
    ("integration.secret_set", "Segredo definido."),
    ("integration.no_secrets", "Nenhum segredo definido."),
    ("integration.secret_name", "Nome do segredo"),
    ("integration.secret_value", "Novo valor"),
    ("integration.secret_submit", "Definir segredo"),
    ("integration.keys", "Chaves de API"),
    ("integration.key_new", "Gerar nova chave"),
    (
        "integration.key_created",
        "Chave criada. Copie agora: ela não será mostrada de novo.",
    ),
    ("integration.key_revoke", "Revogar"),
    ("integration.key_revoked", "revogada"),
    ("integration.key_prefix", "Prefixo"),
    ("integration.key_created_at", "Criada em"),
    ("integration.no_keys", "Nenhuma chave."),
    ("integration.functions", "Funções"),
    ("integration.chart", "Chamadas e latência por função (24 h)"),
    (
        "integration.chart_empty",
        "Nenhuma chamada nas últimas 24 horas.",
    ),
    ("integration.edit", "Editar configurações"),
    ("integration.save", "Salvar"),
    ("integration.saved", "Configurações salvas."),
    ("integration.executions", "Execuções desta integração"),
    ("integration.associations", "Associações"),
    (
        "associations.hint",
        "Cada código da plataforma aponta para um código do ERP, escolhido na lista do ERP \
         (guardada em cache). Os pedidos usam estas associações.",
    ),
    ("associations.kind.products", "Produtos"),
    ("associations.kind.resellers", "Revendedores"),
    ("associations.kind.due_dates", "Datas de vencimento"),
    ("associations.kind.origins", "Origens comerciais"),
    ("associations.platform_code", "Código da plataforma"),
    ("associations.erp_code", "Código do ERP"),
    ("associations.name", "Nome no ERP"),
    ("associations.empty", "Nenhuma associação."),
    ("associations.remove", "Remover"),
    ("associations.save", "Associar"),
    ("associations.pick", "Escolha…"),
    ("associations.required", "Obrigatório."),
    (
        "associations.not_in_list",
        "Este código não está na lista do ERP.",
    ),
    (
        "associations.no_such",
        "Não há associação com este código da plataforma.",
    ),
    ("associations.unknown", "fora da lista do ERP"),
    (
        "associations.no_list",
        "A lista do ERP não pôde ser lida; digite o código.",
    ),
    ("functions.function", "Função"),
    ("functions.binding", "Automação"),
    ("functions.state", "Situação"),
    ("functions.serving", "em serviço"),
    ("functions.unbound", "sem automação"),
    (
        "functions.managed_by_file",
        "gerida pelo arquivo de configuração",
    ),
    (
        "functions.managed_hint",
        "Esta função é definida pelo arquivo de configuração; alterações aqui seriam desfeitas no próximo início.",
    ),
    ("binding.preset", "modelo"),
    ("binding.latest", "última versão"),
    ("binding.version", "versão"),
    ("binding.file", "arquivo"),
    ("function.title", "Função"),
    ("function.test_run", "Execução de teste"),
    (
        "function.test_run_hint",
        "Roda a automação como uma chamada real, registrada como teste, com segredos e dados pessoais mascarados.",
    ),
    ("function.run", "Executar"),
    ("function.result", "Resultado"),
    ("function.output", "Saída"),
    ("function.failed", "A execução falhou"),
    ("function.trace", "Rastro passo a passo"),
    ("function.editor", "Editor de automação"),
    ("function.publish", "Publicar versão"),
    ("function.published", "Versão publicada."),
    (
        "function.diagnostics",
        "A versão tem problemas e não foi publicada:",
    ),
    ("function.versions", "Histórico de versões"),
    (
        "function.no_versions",
        "Nenhuma versão publicada; a função usa o modelo.",
    ),
    ("function.rollback", "Voltar à versão anterior"),
    ("function.rolled_back", "Versão anterior restaurada."),
    ("function.diff", "Comparar"),
    ("function.diff_title", "Diferença entre versões"),
    ("function.line", "linha"),
    ("function.column", "coluna"),
    ("function.required", "obrigatório"),
    ("function.json_hint", "JSON"),
    (
        "function.not_served",
        "Esta integração não serve esta função.",
    ),
    ("executions.title", "Execuções"),
    ("executions.empty", "Nenhuma execução encontrada."),
    ("executions.filter", "Filtrar"),
    ("executions.all", "todas"),
    ("executions.integration", "Integração"),
    ("executions.function", "Função"),
    ("executions.outcome", "Resultado"),
    ("executions.started", "Início"),
    ("executions.duration", "Duração"),
    ("executions.requests", "Pedidos ao ERP"),
    ("executions.test", "Teste"),
    ("executions.tests_only", "só testes"),
    ("executions.no_tests", "sem testes"),
    ("executions.next", "Próxima página"),
    ("execution.title", "Execução"),
    (
        "execution.no_trace",
        "Esta execução não guardou rastro (só falhas, testes e amostras guardam).",
    ),
    ("trace.step", "Passo"),
    ("trace.request", "Pedido"),
    ("trace.status", "Status"),
    ("trace.timing", "Tempo"),
    ("trace.body", "Corpo"),
    ("trace.response", "Resposta"),
    (
        "trace.masked",
        "Segredos e dados pessoais aparecem mascarados.",
    ),
    ("payments.title", "Pagamentos"),
    ("payments.empty", "Nenhum pagamento com falha."),
    ("payments.retry", "Tentar de novo"),
    ("payments.retried", "Pagamento reenfileirado."),
    ("payments.state", "Situação"),
    ("payments.amount", "Valor"),
    ("payments.error", "Erro"),
    ("associations.title", "Associações"),
    ("audit.title", "Auditoria"),
    ("audit.empty", "Nenhuma alteração registrada."),
    ("audit.at", "Quando"),
    ("audit.actor", "Quem"),
    ("audit.action", "Ação"),
    ("audit.target", "Alvo"),
    ("audit.change", "Antes → depois"),
    ("create.title", "Nova integração a partir de um modelo"),
    ("create.preset", "Modelo"),
    ("create.choose", "Escolher"),
    ("create.variables", "Variáveis do modelo"),
    ("create.secrets", "Segredos do modelo"),
    ("create.submit", "Criar integração"),
    (
        "create.id_hint",
        "Letras minúsculas, dígitos, - e _; não muda depois.",
    ),
    ("create.created", "Integração criada."),
    ("form.required", "Campo obrigatório."),
    ("form.invalid", "Valor inválido."),
    ("form.save", "Salvar"),
    ("form.cancel", "Cancelar"),
    ("yes", "sim"),
    ("no", "não"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<_> = Text::PT_BR.ids().collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all, "a message id appears twice");
    }
}
