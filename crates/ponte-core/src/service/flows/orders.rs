//! Placing an order (SPEC §5.1): `POST /v1/orders` with `{order, message, wda_user?}`.
//!
//! Unless `skip_customer_check`, `get_customer_info` tells whether the buyer is an ERP
//! customer. Not a customer → `create_order`; a customer → `create_lead` when
//! `lead_for_existing_customer`, else `create_order` (`order_procedure = create_order`) or
//! `create_order_existing_customer` (`order_procedure = create_ticket`). The `wda_user` that
//! path needs is built from `order.customer` (with `id` = `order.id`) when none was sent; the
//! lead of `create_lead` is built from the order.
//!
//! Orders are idempotent by `order.id`: the request is fingerprinted (SHA-256 of its canonical
//! JSON) and claimed in the store before the ERP is called; a repeat with the same content
//! answers the first answer and calls nothing, other content is `order_conflict`. A request
//! that fails releases its claim, so the platform can send the order again; a claim left by a
//! process that died is taken over once it is older than any request could still be running.

use std::collections::BTreeMap;
use std::time::Duration;

use ponte_catalog::{FunctionId, InputError, InputErrorCode, InputErrors};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::model::{Association, AssociationKind, OrderClaim, OrderProcedure};
use crate::service::snapshot::Served;
use crate::service::{CallError, Caller, ErrorCode, Ponte, internal};
use crate::store::now_micros;

/// Which function placed an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderPath {
    /// The buyer is not a customer, or the procedure is "create order/prospect".
    CreateOrder,
    /// The buyer is a customer and the procedure is "create ticket/attendance".
    CreateOrderExistingCustomer,
    /// The buyer is a customer and `lead_for_existing_customer` is on.
    CreateLead,
}

/// The answer of `POST /v1/orders`, the same for every repeat of the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderPlaced {
    /// The platform's `order.id`.
    pub order_id: String,
    /// The function that placed it.
    pub path: OrderPath,
    /// The ERP knows the buyer (`false` when the check was skipped).
    pub customer_found: bool,
    /// That function's output (`null` for `create_lead`).
    pub output: Value,
}

impl Ponte {
    /// Places an order for the caller's integration (see the module documentation).
    pub async fn place_order(
        &self,
        caller: &Caller,
        request: Value,
    ) -> Result<OrderPlaced, CallError> {
        let served = &caller.0;
        let integration = &served.integration;
        let order = Order::parse(request)?;
        check_associations(&order.order, &served.associations)?;
        tracing::Span::current().record("function", "orders");

        // A claim older than this was left by a request that cannot still be running: two
        // calls, each within the total timeout, plus as long again for its slot.
        let longest = Duration::from_millis(integration.settings.timeouts.function_ms)
            .saturating_mul(4)
            + Duration::from_secs(10);
        let stale_before = now_micros() - longest;
        let claim = self
            .store
            .claim_order(&integration.id, &order.id, &order.fingerprint, stale_before)
            .await
            .map_err(|err| internal("order claim", &err))?;
        if let OrderClaim::Existing(stored) = claim {
            return match stored.answer {
                _ if stored.fingerprint != order.fingerprint => Err(CallError::new(
                    ErrorCode::OrderConflict,
                    format!(
                        "Order `{}` was already sent with other content; an order id names \
                         one order.",
                        order.id
                    ),
                )),
                Some(answer) => serde_json::from_value(answer)
                    .map_err(|err| internal("stored order answer", &err)),
                None => Err(CallError::new(
                    ErrorCode::OrderConflict,
                    format!(
                        "Order `{}` is being placed by another request; send it again in a \
                         moment to get its answer.",
                        order.id
                    ),
                )),
            };
        }

        let placed = match self.route_order(served, &order).await {
            Ok(placed) => placed,
            Err(error) => {
                if let Err(err) = self.store.release_order(&integration.id, &order.id).await {
                    // The claim expires by itself; the caller is told about the ERP's error.
                    tracing::error!(error = %err, "an order claim could not be released");
                }
                return Err(error);
            }
        };
        let answer = serde_json::to_value(&placed).unwrap_or(Value::Null);
        if let Err(err) = self
            .store
            .complete_order(&integration.id, &order.id, &answer)
            .await
        {
            // The ERP has the order: answering an error would make the platform send it again.
            tracing::error!(error = %err, "a placed order's answer could not be stored");
        }
        tracing::info!(
            integration = integration.id.as_str(),
            path = ?placed.path,
            "an order was placed"
        );
        Ok(placed)
    }

    /// Asks whether the buyer is a customer when the settings say so, and calls the path.
    async fn route_order(&self, served: &Served, order: &Order) -> Result<OrderPlaced, CallError> {
        let settings = &served.integration.settings;
        let customer_found = if settings.skip_customer_check {
            false
        } else {
            let customer = self
                .flow_call(
                    served,
                    FunctionId::GetCustomerInfo,
                    json!({ "customer_document_number": order.document }),
                )
                .await?;
            !customer.is_null()
        };
        let path = match (customer_found, settings.lead_for_existing_customer) {
            (false, _) => OrderPath::CreateOrder,
            (true, true) => OrderPath::CreateLead,
            (true, false) => match settings.order_procedure {
                OrderProcedure::CreateOrder => OrderPath::CreateOrder,
                OrderProcedure::CreateTicket => OrderPath::CreateOrderExistingCustomer,
            },
        };
        let (function, input) = match path {
            OrderPath::CreateOrder => (
                FunctionId::CreateOrder,
                json!({ "order": order.order, "message": order.message }),
            ),
            OrderPath::CreateOrderExistingCustomer => (
                FunctionId::CreateOrderExistingCustomer,
                json!({
                    "order": order.order,
                    "message": order.message,
                    "customer_document_number": order.document,
                    "wda_user": order.wda_user.clone().unwrap_or_else(|| order.user()),
                }),
            ),
            OrderPath::CreateLead => (FunctionId::CreateLead, json!({ "lead": order.lead() })),
        };
        let output = self.flow_call(served, function, input).await?;
        Ok(OrderPlaced {
            order_id: order.id.clone(),
            path,
            customer_found,
            output,
        })
    }
}

/// An order request, validated against the contract of `create_order` (and of
/// `create_order_existing_customer` for a `wda_user`), documents in their bare form.
#[derive(Debug)]
struct Order {
    id: String,
    order: Value,
    message: Value,
    wda_user: Option<Value>,
    /// The buyer's document, bare.
    document: String,
    fingerprint: String,
}

impl Order {
    fn parse(request: Value) -> Result<Order, CallError> {
        let Value::Object(mut body) = request else {
            return Err(CallError::from_input_errors(InputErrors(vec![
                InputError {
                    path: String::new(),
                    code: InputErrorCode::WrongType,
                    expected: "an object `{order, message, wda_user}`".to_owned(),
                    got: "another JSON value".to_owned(),
                },
            ])));
        };
        let wda_user = body
            .remove("wda_user")
            .filter(|user| !user.is_null() && user != "");
        let validated =
            ponte_catalog::validate_input(FunctionId::CreateOrder, &Value::Object(body))
                .map_err(CallError::from_input_errors)?
                .into_value();
        let order = validated.get("order").cloned().unwrap_or(Value::Null);
        let message = validated.get("message").cloned().unwrap_or_default();
        let id = text(&order["id"]);
        let document = text(&order["customer"]["document_number"]);
        let wda_user = match wda_user {
            None => None,
            Some(user) => {
                let input = json!({
                    "order": order,
                    "message": message,
                    "customer_document_number": document,
                    "wda_user": user,
                });
                let validated =
                    ponte_catalog::validate_input(FunctionId::CreateOrderExistingCustomer, &input)
                        .map_err(CallError::from_input_errors)?
                        .into_value();
                validated.get("wda_user").cloned()
            }
        };
        let fingerprint = fingerprint(&json!({
            "order": order,
            "message": message,
            "wda_user": wda_user,
        }));
        Ok(Order {
            id,
            order,
            message,
            wda_user,
            document,
            fingerprint,
        })
    }

    /// The `wda_user` built from `order.customer`, with `id` = `order.id`.
    fn user(&self) -> Value {
        let customer = &self.order["customer"];
        let mut user = Map::new();
        user.insert("id".into(), Value::String(self.id.clone()));
        user.insert(
            "document_number".into(),
            Value::String(self.document.clone()),
        );
        for field in ["name", "email", "phone", "birth_date"] {
            copy(&mut user, field, &customer[field]);
        }
        Value::Object(user)
    }

    /// The lead of `create_lead`, built from the order.
    fn lead(&self) -> Value {
        let order = &self.order;
        let customer = &order["customer"];
        let mut lead = Map::new();
        lead.insert("id".into(), Value::String(self.id.clone()));
        copy(&mut lead, "created_at", &order["created_at"]);
        copy(&mut lead, "name", &customer["name"]);
        lead.insert(
            "document_number".into(),
            Value::String(self.document.clone()),
        );
        copy(&mut lead, "email", &customer["email"]);
        copy(&mut lead, "phone", &customer["phone"]);
        copy(&mut lead, "cep", &order["address"]["cep"]);
        if order["address"].is_object() {
            lead.insert("address".into(), order["address"].clone());
        }
        copy(
            &mut lead,
            "erp_product_code",
            &order["items"][0]["erp_product_code"],
        );
        copy(
            &mut lead,
            "commercial_origin_code",
            &order["commercial_origin_code"],
        );
        copy(&mut lead, "message", &self.message);
        Value::Object(lead)
    }
}

/// Copies a string field when it is given.
fn copy(into: &mut Map<String, Value>, field: &str, value: &Value) {
    if let Value::String(text) = value
        && !text.is_empty()
    {
        into.insert(field.to_owned(), Value::String(text.clone()));
    }
}

/// A scalar as text (`""` when absent).
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The SHA-256 (hex) of the value's canonical JSON: object keys sorted at every level, so the
/// same content sent with its fields in another order is the same order.
fn fingerprint(value: &Value) -> String {
    fn canonical(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let sorted: BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, canonical(v))).collect();
                Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    hex::encode(Sha256::digest(canonical(value).to_string().as_bytes()))
}

/// With associations of a kind configured, every platform code of that kind the order names
/// must have one (with none configured, codes pass through as sent).
fn check_associations(
    order: &Value,
    associations: &BTreeMap<AssociationKind, Vec<Association>>,
) -> Result<(), CallError> {
    let mut missing = Vec::new();
    let mut check = |kind: AssociationKind, path: String, code: &Value| {
        let Some(list) = associations.get(&kind).filter(|list| !list.is_empty()) else {
            return;
        };
        let code = text(code);
        if code.is_empty() || list.iter().any(|a| a.platform_code == code) {
            return;
        }
        missing.push(InputError {
            path,
            code: InputErrorCode::InvalidValue,
            expected: format!("a platform code with an association of `{kind}`"),
            got: code,
        });
    };
    if let Some(items) = order["items"].as_array() {
        for (index, item) in items.iter().enumerate() {
            check(
                AssociationKind::Products,
                format!("/order/items/{index}/product_id"),
                &item["product_id"],
            );
        }
    }
    check(
        AssociationKind::Resellers,
        "/order/reseller_code".into(),
        &order["reseller_code"],
    );
    check(
        AssociationKind::DueDates,
        "/order/due_date_code".into(),
        &order["due_date_code"],
    );
    check(
        AssociationKind::Origins,
        "/order/commercial_origin_code".into(),
        &order["commercial_origin_code"],
    );
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing
        .iter()
        .map(|m| format!("`{}` ({})", m.got, m.path))
        .collect();
    Err(CallError {
        errors: missing,
        ..CallError::new(
            ErrorCode::AssociationMissing,
            format!(
                "The order names platform codes with no ERP association: {}.",
                names.join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_ignores_the_order_of_fields_only() {
        let a = json!({"order": {"id": "1", "total": "10.00"}, "message": "m"});
        let b = json!({"message": "m", "order": {"total": "10.00", "id": "1"}});
        let c = json!({"message": "m", "order": {"total": "10.01", "id": "1"}});
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn a_code_without_association_is_named_only_when_its_kind_has_associations() {
        let order = json!({"items": [{"product_id": "p1"}, {"product_id": "p9"}],
                           "reseller_code": "r7"});
        assert!(check_associations(&order, &BTreeMap::new()).is_ok());
        let mut associations = BTreeMap::new();
        associations.insert(
            AssociationKind::Products,
            vec![Association {
                platform_code: "p1".into(),
                erp_code: "12".into(),
                label: String::new(),
            }],
        );
        let error = check_associations(&order, &associations).unwrap_err();
        assert_eq!(error.code, ErrorCode::AssociationMissing);
        assert_eq!(error.errors.len(), 1);
        assert_eq!(error.errors[0].path, "/order/items/1/product_id");
        assert_eq!(error.errors[0].got, "p9");
    }
}
