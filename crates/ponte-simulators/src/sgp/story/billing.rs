//! Seeded contracts and their money: monthly titles with valid boletos and PIX codes, payments
//! of the paid ones, fiscal notes, and the occurrences and annotations around them.

use time::{Date, Duration};

use super::catalog::{DEFAULT_RECEIVING_POINT, DUE_DAYS, POPS, Plan, SYSTEM_OCCURRENCE_TYPE};
use super::codes;
use super::model::{
    Contract, ContractStatus, Customer, Note, Occurrence, Payment, Title, TitleStatus,
};
use super::values::in_month;
use super::{Story, StoryConfig};
use crate::rng::Rng;

/// The situation a seeded contract is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Active, paid up, one title still to come due.
    Active,
    /// Suspended for debt with two overdue titles; payment promises allowed.
    Suspended,
    /// Reduced speed for debt with two overdue titles.
    Reduced,
    /// Suspended, and this month's payment promise was already used.
    UnlockUsed,
    /// Suspended, and the provider does not let this contract use payment promises.
    UnlockNotAllowed,
    /// Active, with an overdue title partly paid.
    Partial,
    /// Cancelled, with one cancelled title.
    Cancelled,
    /// Inactive (service ended without cancellation), paid up.
    Inactive,
    /// Sold, not installed yet: no titles.
    New,
}

impl Scenario {
    fn status(self) -> ContractStatus {
        match self {
            Scenario::Active | Scenario::Partial => ContractStatus::Active,
            Scenario::Suspended | Scenario::UnlockUsed | Scenario::UnlockNotAllowed => {
                ContractStatus::Suspended
            }
            Scenario::Reduced => ContractStatus::Reduced,
            Scenario::Cancelled => ContractStatus::Cancelled,
            Scenario::Inactive => ContractStatus::Inactive,
            Scenario::New => ContractStatus::New,
        }
    }
}

/// What one seeded title ends up as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Paid,
    Open,
    Partial,
    Cancelled,
}

/// Seeds one contract with its titles, notes and occurrences; returns its id.
pub fn contract(
    story: &mut Story,
    rng: &mut Rng,
    config: &StoryConfig,
    customer: &Customer,
    scenario: Scenario,
    plan: Plan,
) -> u64 {
    let today = config.today;
    let id = story.next_contract_id();
    let service_id = id + 4_000;
    let (_, due_day) = *rng.pick(&DUE_DAYS).unwrap_or(&(2, 10));
    let created = today - Duration::days(rng.between(120, 1500) as i64);
    let status = scenario.status();
    let status_changed = match status {
        ContractStatus::Suspended | ContractStatus::Reduced => today - Duration::days(2),
        ContractStatus::Cancelled => today - Duration::days(40),
        ContractStatus::Inactive => today - Duration::days(20),
        _ => created,
    };
    let first = customer
        .name
        .split(' ')
        .next()
        .unwrap_or("cliente")
        .to_lowercase();
    let login: String = first
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .chain(id.to_string().chars())
        .collect();
    let promises = if scenario == Scenario::UnlockUsed {
        // Used this month: on the 1st at the latest, five days ago when the month allows.
        let first_of_month = in_month(today, 0, 1);
        vec![(today - Duration::days(5)).max(first_of_month)]
    } else {
        Vec::new()
    };
    let (pop_id, _) = *rng.pick(&POPS).unwrap_or(&POPS[0]);
    let mac = (0..6)
        .map(|_| format!("{:02X}", rng.below(256)))
        .collect::<Vec<_>>()
        .join(":");
    let contract = Contract {
        id,
        customer_id: customer.id,
        plan_id: plan.id,
        status,
        status_changed,
        service_id,
        login,
        service_password: rng.digits(8),
        central_login: customer.document.clone(),
        central_password: format!("{}{}", rng.digits(4), customer.id),
        pop_id,
        due_day,
        created,
        promise_allowed: scenario != Scenario::UnlockNotAllowed,
        promises: promises.clone(),
        promise: None,
        mac,
    };
    story.contracts.push(contract);
    if let Some(&used) = promises.first() {
        let at = story.tick(9 * 3600);
        story.push_occurrence(Occurrence {
            id: 0,
            protocol: String::new(),
            contract_id: id,
            customer_id: customer.id,
            type_id: SYSTEM_OCCURRENCE_TYPE,
            content: "Liberação via URA - Motivo: Promessa de Pagamento".to_string(),
            contact: String::new(),
            contact_number: String::new(),
            created: (used, at),
            status: 1,
            origin: "URA".to_string(),
        });
    }
    titles(story, rng, config, customer.id, id, scenario, plan, due_day);
    id
}

#[allow(clippy::too_many_arguments)]
fn titles(
    story: &mut Story,
    rng: &mut Rng,
    config: &StoryConfig,
    customer_id: u64,
    contract_id: u64,
    scenario: Scenario,
    plan: Plan,
    due_day: u8,
) {
    let today = config.today;
    // The first due date on or after today is the title still to come; the months before it
    // are history.
    let upcoming = i32::from(in_month(today, 0, due_day) < today);
    let fates: &[(i32, Fate)] = match scenario {
        Scenario::New => &[],
        Scenario::Active => &[
            (-3, Fate::Paid),
            (-2, Fate::Paid),
            (-1, Fate::Paid),
            (0, Fate::Open),
        ],
        Scenario::Partial => &[
            (-3, Fate::Paid),
            (-2, Fate::Paid),
            (-1, Fate::Partial),
            (0, Fate::Open),
        ],
        Scenario::Suspended
        | Scenario::Reduced
        | Scenario::UnlockUsed
        | Scenario::UnlockNotAllowed => &[
            (-3, Fate::Paid),
            (-2, Fate::Open),
            (-1, Fate::Open),
            (0, Fate::Open),
        ],
        Scenario::Cancelled => &[(-4, Fate::Paid), (-3, Fate::Paid), (-2, Fate::Cancelled)],
        Scenario::Inactive => &[(-3, Fate::Paid), (-2, Fate::Paid)],
    };
    for &(offset, fate) in fates {
        let due = in_month(today, upcoming + offset, due_day);
        title(
            story,
            rng,
            config,
            customer_id,
            contract_id,
            plan,
            due,
            fate,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn title(
    story: &mut Story,
    rng: &mut Rng,
    config: &StoryConfig,
    customer_id: u64,
    contract_id: u64,
    plan: Plan,
    due: Date,
    fate: Fate,
) {
    let id = story.next_title_id();
    let cents = plan.cents;
    let our_number = format!("{id:011}");
    let boleto = codes::boleto(config, cents, due, &our_number);
    let pix = codes::pix(config, cents, &format!("SGP{id}")).unwrap_or_default();
    let paid_on = due - Duration::days(rng.between(0, 4) as i64);
    let form = *rng
        .pick(&["PIX", "DINHEIRO", "CARTAO", "PIX"])
        .unwrap_or(&"PIX");
    let payment = |cents: i64| Payment {
        date: paid_on,
        cents,
        form: form.to_string(),
        point_id: DEFAULT_RECEIVING_POINT,
        fee_cents: 0,
        discount_cents: 0,
        note: String::new(),
    };
    let (status, payments, cancelled_on) = match fate {
        Fate::Paid => (TitleStatus::Paid, vec![payment(cents)], None),
        Fate::Open => (TitleStatus::Open, Vec::new(), None),
        Fate::Partial => (TitleStatus::Open, vec![payment(cents / 2)], None),
        Fate::Cancelled => (
            TitleStatus::Cancelled,
            Vec::new(),
            Some(due - Duration::days(3)),
        ),
    };
    let link_code = (0..10)
        .map(|_| {
            const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
            char::from(*rng.pick(ALPHABET).unwrap_or(&b'A'))
        })
        .collect();
    let document_number = story.titles.len() as u64 + 5_001;
    let title = Title {
        id,
        customer_id,
        contract_id,
        document_number,
        issued: due - Duration::days(12),
        due,
        cents,
        status,
        payments,
        cancelled_on,
        barcode: boleto
            .as_ref()
            .map(|b| b.barcode.clone())
            .unwrap_or_default(),
        linha: boleto.map(|b| b.linha).unwrap_or_default(),
        pix,
        link_id: id + 549,
        link_code,
        description: format!(
            "Mensalidade {} - {:02}/{}",
            plan.name,
            u8::from(due.month()),
            due.year()
        ),
        our_number,
    };
    if fate == Fate::Paid || fate == Fate::Cancelled {
        note(story, &title, fate == Fate::Cancelled);
    }
    story.titles.push(title);
}

fn note(story: &mut Story, title: &Title, cancelled: bool) {
    let id = story.notes.len() as u64 + 801;
    let number = story.notes.len() as u64 + 1_001;
    let issued = if cancelled {
        title.issued
    } else {
        title.paid_on().unwrap_or(title.due)
    };
    // 44 digits: state 42 (SC), year and month, the provider's CNPJ, model 62, series 001,
    // the number, emission type 1, a code and a check digit. Only the length and the digits
    // matter to clients.
    let key = format!(
        "42{:02}{:02}112223330001816200{:09}1{:09}{}",
        issued.year() % 100,
        u8::from(issued.month()),
        number,
        title.id % 100_000_000,
        number % 10
    );
    story.notes.push(Note {
        id,
        number,
        series: 1,
        key,
        customer_id: title.customer_id,
        contract_id: title.contract_id,
        title_id: title.id,
        issued,
        cents: title.cents,
        status: if cancelled { 8 } else { 1 },
    });
}

#[cfg(test)]
mod tests {
    use super::super::model::TitleStatus;
    use super::super::{Story, StoryConfig};

    #[test]
    fn every_note_key_has_44_digits_and_every_code_validates() {
        let config = StoryConfig::default();
        let (story, _) = Story::seed(&config);
        for note in &story.notes {
            assert_eq!(note.key.len(), 44, "{}", note.key);
            assert!(note.key.bytes().all(|b| b.is_ascii_digit()));
        }
        for title in &story.titles {
            let boleto = ponte_br::Boleto::parse(&title.linha).unwrap();
            assert_eq!(boleto.barcode(), title.barcode);
            assert_eq!(boleto.amount().unwrap().get(), title.cents as u64);
            let pix = ponte_br::BrCode::parse(&title.pix).unwrap();
            assert_eq!(pix.amount().unwrap().get(), title.cents as u64);
            if title.status == TitleStatus::Paid {
                assert!(title.paid_on().is_some());
            }
        }
    }
}
