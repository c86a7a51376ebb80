//! The shapes the input walker checks: which fields each input object has, of what kind,
//! which are required, and whether other fields are kept or refused.
//!
//! They mirror the typed inputs of [`crate::inputs`] and [`crate::platform`]; a test compares
//! both, so the walker and the JSON Schemas cannot drift apart.

use crate::FunctionId;
use crate::platform::TransactionMethod;

/// What a field must hold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Any string.
    Text,
    /// A CPF or CNPJ with valid check digits; normalised to its bare upper-case form.
    Document,
    /// Money `"123.45"`.
    Money,
    /// An RFC 3339 date-time.
    Timestamp,
    /// A date `YYYY-MM-DD`.
    Date,
    /// A non-empty string or an integer.
    Id,
    /// A positive integer.
    Count,
    /// One of the listed strings.
    OneOf(&'static [&'static str]),
    /// A nested object.
    Object(&'static Shape),
    /// A list of objects with at least `min` items.
    List { item: &'static Shape, min: usize },
}

/// One named field of an object.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
}

/// What happens to fields a shape does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Others {
    /// They are an error: Ponte's own inputs, where an unknown name is a typo.
    Refuse,
    /// They pass through untouched: the platform's objects.
    Keep,
}

/// An object's fields.
#[derive(Debug)]
pub(crate) struct Shape {
    /// How the contract calls the object (`"ORDER"`), for messages.
    pub(crate) name: &'static str,
    pub(crate) fields: &'static [Field],
    pub(crate) others: Others,
    /// The least number of fields with a value (CUSTOMER_CHANGES needs one).
    pub(crate) min_given: usize,
}

const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

const fn keep(name: &'static str, fields: &'static [Field]) -> Shape {
    Shape {
        name,
        fields,
        others: Others::Keep,
        min_given: 0,
    }
}

const fn refuse(fields: &'static [Field]) -> Shape {
    Shape {
        name: "inputs",
        fields,
        others: Others::Refuse,
        min_given: 0,
    }
}

use Kind::{Count, Date, Document, Id, Money, Text, Timestamp};

pub(crate) static ADDRESS: Shape = keep(
    "address",
    &[
        opt("cep", Text),
        opt("street", Text),
        opt("number", Text),
        opt("complement", Text),
        opt("neighborhood", Text),
        opt("city", Text),
        opt("state", Text),
        opt("ibge_code", Text),
    ],
);

pub(crate) static ORDER_CUSTOMER: Shape = keep(
    "order customer",
    &[
        req("name", Text),
        req("document_number", Document),
        opt("email", Text),
        opt("phone", Text),
        opt("birth_date", Date),
        opt("rg", Text),
    ],
);

pub(crate) static ORDER_ITEM: Shape = keep(
    "order item",
    &[
        opt("product_id", Id),
        opt("name", Text),
        opt("erp_product_code", Text),
        opt("price", Money),
        opt("quantity", Count),
    ],
);

pub(crate) static ORDER: Shape = keep(
    "ORDER",
    &[
        req("id", Id),
        opt("created_at", Timestamp),
        req("customer", Kind::Object(&ORDER_CUSTOMER)),
        opt("address", Kind::Object(&ADDRESS)),
        req(
            "items",
            Kind::List {
                item: &ORDER_ITEM,
                min: 1,
            },
        ),
        opt("due_date_code", Text),
        opt("commercial_origin_code", Text),
        opt("reseller_code", Text),
        opt("payment_method", Text),
        opt("total", Money),
        opt("notes", Text),
    ],
);

pub(crate) static LEAD: Shape = keep(
    "LEAD",
    &[
        req("id", Id),
        opt("created_at", Timestamp),
        req("name", Text),
        opt("document_number", Document),
        opt("email", Text),
        opt("phone", Text),
        opt("cep", Text),
        opt("address", Kind::Object(&ADDRESS)),
        opt("erp_product_code", Text),
        opt("commercial_origin_code", Text),
        opt("message", Text),
    ],
);

pub(crate) static USER: Shape = keep(
    "USER",
    &[
        req("id", Id),
        req("document_number", Document),
        opt("name", Text),
        opt("middle_name", Text),
        opt("last_name", Text),
        opt("email", Text),
        opt("phone", Text),
        opt("birth_date", Date),
    ],
);

pub(crate) static TRANSACTION: Shape = keep(
    "TRANSACTION",
    &[
        req("id", Id),
        opt("method", Kind::OneOf(&TransactionMethod::NAMES)),
        req("amount", Money),
        req("paid_at", Timestamp),
        opt("nsu", Text),
        opt("authorization_code", Text),
        opt("txid", Text),
        opt("end_to_end_id", Text),
        opt("terminal_id", Text),
    ],
);

pub(crate) static CUSTOMER_CHANGES: Shape = Shape {
    name: "CUSTOMER_CHANGES",
    fields: &[
        opt("email", Text),
        opt("phone", Text),
        opt("cep", Text),
        opt("street", Text),
        opt("number", Text),
        opt("complement", Text),
        opt("neighborhood", Text),
        opt("city", Text),
        opt("state", Text),
    ],
    others: Others::Refuse,
    min_given: 1,
};

const DOC: Field = req("customer_document_number", Document);

static NONE: Shape = refuse(&[]);
static CREATE_ORDER: Shape = refuse(&[req("order", Kind::Object(&ORDER)), req("message", Text)]);
static CREATE_ORDER_EXISTING: Shape = refuse(&[
    req("order", Kind::Object(&ORDER)),
    req("message", Text),
    DOC,
    req("wda_user", Kind::Object(&USER)),
]);
static CREATE_LEAD: Shape = refuse(&[req("lead", Kind::Object(&LEAD))]);
static CUSTOMER: Shape = refuse(&[DOC]);
static CUSTOMER_CONTRACT: Shape = refuse(&[DOC, opt("contract_id", Text)]);
static GET_INVOICE: Shape = refuse(&[req("customer_bill_id", Text), DOC]);
static GET_BOLETO_PDF: Shape = refuse(&[req("boleto_id", Text)]);
static SETTLE_BOLETO: Shape = refuse(&[
    req("transaction", Kind::Object(&TRANSACTION)),
    req("boleto_id", Text),
    DOC,
]);
static UPDATE_CUSTOMER: Shape = refuse(&[
    DOC,
    req("wda_user", Kind::Object(&USER)),
    req("changes", Kind::Object(&CUSTOMER_CHANGES)),
]);
static TRUST_UNLOCK: Shape = refuse(&[DOC, req("contract_id", Text)]);
static CREATE_TICKET: Shape = refuse(&[
    DOC,
    opt("contract_id", Text),
    req("subject", Text),
    req("message", Text),
    opt("wda_user", Kind::Object(&USER)),
]);
static GET_FISCAL_NOTE_PDF: Shape = refuse(&[req("nota_id", Text), DOC]);

/// The top-level inputs of a function.
pub(crate) fn inputs_of(id: FunctionId) -> &'static Shape {
    match id {
        FunctionId::CreateOrder => &CREATE_ORDER,
        FunctionId::CreateOrderExistingCustomer => &CREATE_ORDER_EXISTING,
        FunctionId::CreateLead => &CREATE_LEAD,
        FunctionId::ListResellers
        | FunctionId::ListProducts
        | FunctionId::ListDueDates
        | FunctionId::ListCommercialOrigins => &NONE,
        FunctionId::ListInvoices | FunctionId::ListFiscalNotes => &CUSTOMER_CONTRACT,
        FunctionId::GetInvoice => &GET_INVOICE,
        FunctionId::GetBoletoPdf => &GET_BOLETO_PDF,
        FunctionId::SettleBoleto => &SETTLE_BOLETO,
        FunctionId::GetCustomerInfo
        | FunctionId::ListCustomerContacts
        | FunctionId::GetInternalPendencyMessages
        | FunctionId::ListCustomerPlans
        | FunctionId::ListCustomerBlockedPlans => &CUSTOMER,
        FunctionId::UpdateCustomer => &UPDATE_CUSTOMER,
        FunctionId::TrustUnlock => &TRUST_UNLOCK,
        FunctionId::CreateTicket => &CREATE_TICKET,
        FunctionId::GetFiscalNotePdf => &GET_FISCAL_NOTE_PDF,
    }
}

#[cfg(test)]
mod tests {
    use schemars::JsonSchema;
    use serde_json::Value;

    use super::*;
    use crate::inputs::CustomerChanges;
    use crate::platform::{Address, Lead, Order, OrderCustomer, OrderItem, Transaction, User};
    use crate::spec::schema_of;

    fn names(values: Option<&Value>) -> Vec<String> {
        match values {
            Some(Value::Object(object)) => object.keys().cloned().collect(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    fn assert_agrees<T: JsonSchema>(shape: &Shape) {
        let schema = schema_of::<T>();
        let fields: Vec<String> = shape.fields.iter().map(|f| f.name.to_owned()).collect();
        let required: Vec<String> = shape
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name.to_owned())
            .collect();
        assert_eq!(names(schema.get("properties")), fields, "{}", shape.name);
        assert_eq!(names(schema.get("required")), required, "{}", shape.name);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        assert_eq!(closed, shape.others == Others::Refuse, "{}", shape.name);
    }

    #[test]
    fn the_walker_shapes_agree_with_the_typed_objects() {
        assert_agrees::<Order>(&ORDER);
        assert_agrees::<OrderCustomer>(&ORDER_CUSTOMER);
        assert_agrees::<Address>(&ADDRESS);
        assert_agrees::<OrderItem>(&ORDER_ITEM);
        assert_agrees::<Lead>(&LEAD);
        assert_agrees::<User>(&USER);
        assert_agrees::<Transaction>(&TRANSACTION);
        assert_agrees::<CustomerChanges>(&CUSTOMER_CHANGES);
    }

    #[test]
    fn the_walker_shapes_agree_with_the_typed_inputs() {
        for id in FunctionId::ALL {
            let shape = inputs_of(id);
            let schema = id.spec().input_schema();
            let fields: Vec<String> = shape.fields.iter().map(|f| f.name.to_owned()).collect();
            assert_eq!(names(schema.get("properties")), fields, "{id}");
        }
    }
}
