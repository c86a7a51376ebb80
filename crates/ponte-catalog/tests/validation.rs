//! `validate_input`: every problem reported with its path, documents normalised, platform
//! objects passed through with their extra fields.

use ponte_catalog::inputs::CreateOrderInput;
use ponte_catalog::{FunctionId, InputError, InputErrorCode, InputErrors, ValidatedInput};
use serde_json::{Value, json};

/// The normalised input of a successful validation, as JSON.
fn validate_input(id: FunctionId, input: &Value) -> Result<Value, InputErrors> {
    ponte_catalog::validate_input(id, input).map(ValidatedInput::into_value)
}

fn example_input(id: FunctionId) -> Value {
    id.spec().examples()[0].input.clone()
}

fn errors(id: FunctionId, input: Value) -> Vec<InputError> {
    match validate_input(id, &input) {
        Ok(value) => panic!("{id} accepted {value}"),
        Err(InputErrors(errors)) => errors,
    }
}

/// The errors as `(path, code)` pairs, the part a caller acts on.
fn found(id: FunctionId, input: Value) -> Vec<(String, InputErrorCode)> {
    errors(id, input)
        .into_iter()
        .map(|error| (error.path, error.code))
        .collect()
}

fn pair(path: &str, code: InputErrorCode) -> (String, InputErrorCode) {
    (path.to_owned(), code)
}

#[test]
fn a_formatted_cpf_becomes_bare() {
    let clean = validate_input(
        FunctionId::GetCustomerInfo,
        &json!({"customer_document_number": " 529.982.247-25 "}),
    )
    .unwrap();
    assert_eq!(clean, json!({"customer_document_number": "52998224725"}));
}

#[test]
fn an_alphanumeric_cnpj_is_accepted_and_normalised_to_upper_case() {
    for given in ["12.ABC.345/01DE-35", "12abc34501de35", "12.abc.345/01DE-35"] {
        let clean = validate_input(
            FunctionId::ListInvoices,
            &json!({"customer_document_number": given}),
        )
        .unwrap();
        assert_eq!(
            clean["customer_document_number"], "12ABC34501DE35",
            "{given}"
        );
    }
}

#[test]
fn a_numeric_cnpj_is_accepted() {
    let clean = validate_input(
        FunctionId::ListFiscalNotes,
        &json!({"customer_document_number": "11.222.333/0001-81"}),
    )
    .unwrap();
    assert_eq!(clean["customer_document_number"], "11222333000181");
}

#[test]
fn rejects_a_cpf_with_a_wrong_check_digit_without_echoing_it() {
    let errors = errors(
        FunctionId::ListInvoices,
        json!({"customer_document_number": "529.982.247-24"}),
    );
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert_eq!(error.path, "/customer_document_number");
    assert_eq!(error.code, InputErrorCode::InvalidDocument);
    assert!(error.got.contains("check digits"), "{}", error.got);
    assert!(
        !error.got.contains("982"),
        "the document is not echoed: {}",
        error.got
    );
}

#[test]
fn rejects_a_cpf_with_repeated_digits() {
    let found = found(
        FunctionId::GetCustomerInfo,
        json!({"customer_document_number": "111.111.111-11"}),
    );
    assert_eq!(
        found,
        [pair(
            "/customer_document_number",
            InputErrorCode::InvalidDocument
        )]
    );
}

#[test]
fn rejects_documents_of_the_wrong_length() {
    let found = found(
        FunctionId::GetCustomerInfo,
        json!({"customer_document_number": "5299822472"}),
    );
    assert_eq!(
        found,
        [pair(
            "/customer_document_number",
            InputErrorCode::InvalidDocument
        )]
    );
}

#[test]
fn an_invalid_document_is_told_apart_from_other_problems() {
    let bad_document = validate_input(
        FunctionId::GetCustomerInfo,
        &json!({"customer_document_number": "529.982.247-24"}),
    )
    .unwrap_err();
    assert!(bad_document.has_invalid_document());
    let missing = validate_input(FunctionId::GetCustomerInfo, &json!({})).unwrap_err();
    assert!(!missing.has_invalid_document());
}

#[test]
fn a_number_where_a_string_goes_is_a_wrong_type() {
    let found = found(
        FunctionId::GetInvoice,
        json!({"customer_bill_id": 48213, "customer_document_number": 52998224725_u64}),
    );
    assert_eq!(
        found,
        [
            pair("/customer_bill_id", InputErrorCode::WrongType),
            pair("/customer_document_number", InputErrorCode::WrongType),
        ]
    );
}

#[test]
fn every_missing_required_input_is_reported() {
    let found = found(FunctionId::SettleBoleto, json!({}));
    assert_eq!(
        found,
        [
            pair("/transaction", InputErrorCode::Missing),
            pair("/boleto_id", InputErrorCode::Missing),
            pair("/customer_document_number", InputErrorCode::Missing),
        ]
    );
}

#[test]
fn a_required_input_that_is_empty_or_null_is_reported() {
    let found = found(
        FunctionId::GetInvoice,
        json!({"customer_bill_id": "", "customer_document_number": null}),
    );
    assert_eq!(
        found,
        [
            pair("/customer_bill_id", InputErrorCode::Empty),
            pair("/customer_document_number", InputErrorCode::Missing),
        ]
    );
}

#[test]
fn optional_inputs_absent_empty_or_null_are_handed_over_as_empty_strings() {
    for given in [
        json!({"customer_document_number": "52998224725", "contract_id": ""}),
        json!({"customer_document_number": "52998224725", "contract_id": null}),
        json!({"customer_document_number": "52998224725"}),
    ] {
        let clean = validate_input(FunctionId::ListInvoices, &given).unwrap();
        assert_eq!(
            clean,
            json!({"customer_document_number": "52998224725", "contract_id": ""}),
            "{given}"
        );
    }

    let clean = validate_input(
        FunctionId::CreateTicket,
        &json!({
            "customer_document_number": "52998224725",
            "contract_id": null,
            "subject": "Sem conexão",
            "message": "Luz LOS vermelha na ONU",
            "wda_user": ""
        }),
    )
    .unwrap();
    assert_eq!(
        clean,
        json!({
            "customer_document_number": "52998224725",
            "subject": "Sem conexão",
            "message": "Luz LOS vermelha na ONU",
            "contract_id": "",
            "wda_user": ""
        })
    );
}

#[test]
fn the_documents_of_an_input_are_handed_over_with_it_each_once() {
    let validated = ponte_catalog::validate_input(
        FunctionId::CreateOrderExistingCustomer,
        &json!({
            "order": {
                "id": "o-1",
                "customer": {"name": "Maria", "document_number": "529.982.247-25"},
                "items": [{"product_id": "p", "name": "Fibra", "price": "99.90", "quantity": 1}]
            },
            "message": "Pedido",
            "customer_document_number": "52998224725",
            "wda_user": {"id": "u-1", "document_number": "11.222.333/0001-81"}
        }),
    )
    .unwrap();
    let documents: Vec<&str> = validated.documents().iter().map(|d| d.as_str()).collect();
    assert_eq!(documents, ["52998224725", "11222333000181"]);
    assert_eq!(
        validated.function(),
        FunctionId::CreateOrderExistingCustomer
    );
    assert!(
        ponte_catalog::validate_input(FunctionId::ListProducts, &json!({}))
            .unwrap()
            .documents()
            .is_empty()
    );
}

#[test]
fn an_optional_input_that_is_given_is_still_checked() {
    let found = found(
        FunctionId::ListInvoices,
        json!({"customer_document_number": "52998224725", "contract_id": 3120}),
    );
    assert_eq!(found, [pair("/contract_id", InputErrorCode::WrongType)]);
}

#[test]
fn unknown_top_level_inputs_are_errors_that_name_the_known_ones() {
    let errors = errors(
        FunctionId::ListInvoices,
        json!({"customer_document_number": "52998224725", "contrato": "3120"}),
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "/contrato");
    assert_eq!(errors[0].code, InputErrorCode::UnknownField);
    assert!(
        errors[0].expected.contains("contract_id"),
        "{}",
        errors[0].expected
    );
}

#[test]
fn functions_without_inputs_refuse_any() {
    assert_eq!(
        validate_input(FunctionId::ListProducts, &json!({})).unwrap(),
        json!({})
    );
    let found = found(FunctionId::ListProducts, json!({"page": 2}));
    assert_eq!(found, [pair("/page", InputErrorCode::UnknownField)]);
}

#[test]
fn inputs_must_be_an_object() {
    for input in [json!([]), json!("52998224725"), Value::Null] {
        let found = found(FunctionId::GetCustomerInfo, input);
        assert_eq!(found, [pair("", InputErrorCode::WrongType)]);
    }
}

#[test]
fn every_problem_of_an_order_is_collected_with_its_path() {
    let mut input = example_input(FunctionId::CreateOrder);
    input["order"]["customer"]["document_number"] = json!("529.982.247-00");
    input["order"]["customer"]["birth_date"] = json!("16/04/1987");
    input["order"]["items"][0]["price"] = json!("129,90");
    input["order"]["items"][0]["quantity"] = json!(0);
    input["order"]["total"] = json!(129.9);
    input["order"]["created_at"] = json!("2026-11-28 14:03");
    input.as_object_mut().unwrap().remove("message");
    input["mensagem"] = json!("oi");
    let found = found(FunctionId::CreateOrder, input);
    assert_eq!(
        found,
        [
            pair("/mensagem", InputErrorCode::UnknownField),
            pair("/order/created_at", InputErrorCode::InvalidValue),
            pair(
                "/order/customer/document_number",
                InputErrorCode::InvalidDocument
            ),
            pair("/order/customer/birth_date", InputErrorCode::InvalidValue),
            pair("/order/items/0/price", InputErrorCode::InvalidValue),
            pair("/order/items/0/quantity", InputErrorCode::InvalidValue),
            pair("/order/total", InputErrorCode::WrongType),
            pair("/message", InputErrorCode::Missing),
        ]
    );
}

#[test]
fn an_order_needs_an_id_a_customer_and_at_least_one_item() {
    let mut input = example_input(FunctionId::CreateOrder);
    let order = input["order"].as_object_mut().unwrap();
    order.remove("id");
    order.remove("customer");
    order.insert("items".to_owned(), json!([]));
    let found = found(FunctionId::CreateOrder, input);
    assert_eq!(
        found,
        [
            pair("/order/id", InputErrorCode::Missing),
            pair("/order/customer", InputErrorCode::Missing),
            pair("/order/items", InputErrorCode::Empty),
        ]
    );
}

#[test]
fn order_items_must_be_objects() {
    let mut input = example_input(FunctionId::CreateOrder);
    input["order"]["items"] = json!([{"name": "Fibra 600 Mega"}, "38"]);
    let found = found(FunctionId::CreateOrder, input);
    assert_eq!(found, [pair("/order/items/1", InputErrorCode::WrongType)]);
}

#[test]
fn the_extra_fields_of_an_order_are_kept_and_its_document_normalised() {
    let mut input = example_input(FunctionId::CreateOrder);
    input["order"]["customer"]["whatsapp"] = json!("19998124410");
    input["order"]["items"][0]["discount"] = json!({"percent": 10});
    input["order"]["address"]["latitude"] = json!(-22.8184);
    input["order"]["email"] = json!("");
    let clean = validate_input(FunctionId::CreateOrder, &input).unwrap();

    let order = &clean["order"];
    assert_eq!(order["coupon"], "BEMVINDO10");
    assert_eq!(order["customer"]["whatsapp"], "19998124410");
    assert_eq!(order["items"][0]["discount"], json!({"percent": 10}));
    assert_eq!(order["address"]["latitude"], json!(-22.8184));
    assert_eq!(
        order["email"], "",
        "the platform's own empty fields pass untouched"
    );
    assert_eq!(order["customer"]["document_number"], "52998224725");

    // Apart from the document, the order is exactly what came in.
    let mut expected = input["order"].clone();
    expected["customer"]["document_number"] = json!("52998224725");
    assert_eq!(order, &expected);

    let typed: CreateOrderInput = serde_json::from_value(clean).unwrap();
    assert_eq!(typed.order.extra["coupon"], "BEMVINDO10");
    assert_eq!(typed.order.customer.extra["whatsapp"], "19998124410");
    assert_eq!(typed.order.customer.document_number.as_str(), "52998224725");
}

#[test]
fn empty_optional_fields_of_platform_objects_pass() {
    let mut input = example_input(FunctionId::CreateOrder);
    input["order"]["total"] = json!("");
    input["order"]["created_at"] = Value::Null;
    input["order"]["customer"]["birth_date"] = json!("");
    let clean = validate_input(FunctionId::CreateOrder, &input).unwrap();
    assert_eq!(clean["order"]["total"], "");
    assert!(serde_json::from_value::<CreateOrderInput>(clean).is_ok());
}

#[test]
fn a_lead_document_is_optional_but_checked_when_given() {
    let mut input = example_input(FunctionId::CreateLead);
    input["lead"]["document_number"] = json!("");
    assert!(validate_input(FunctionId::CreateLead, &input).is_ok());
    input["lead"]["document_number"] = json!("714.602.380-02");
    let found = found(FunctionId::CreateLead, input);
    assert_eq!(
        found,
        [pair(
            "/lead/document_number",
            InputErrorCode::InvalidDocument
        )]
    );
}

#[test]
fn a_transaction_is_checked_field_by_field() {
    let mut input = example_input(FunctionId::SettleBoleto);
    input["transaction"]["method"] = json!("boleto");
    input["transaction"]["amount"] = json!(129.9);
    input["transaction"]["paid_at"] = json!("2026-11-28");
    input["transaction"]["id"] = json!("");
    let found = found(FunctionId::SettleBoleto, input);
    assert_eq!(
        found,
        [
            pair("/transaction/id", InputErrorCode::Empty),
            pair("/transaction/method", InputErrorCode::InvalidValue),
            pair("/transaction/amount", InputErrorCode::WrongType),
            pair("/transaction/paid_at", InputErrorCode::InvalidValue),
        ]
    );
}

#[test]
fn a_transaction_keeps_its_extra_fields() {
    let mut input = example_input(FunctionId::SettleBoleto);
    input["transaction"]["acquirer"] = json!("Cielo");
    let clean = validate_input(FunctionId::SettleBoleto, &input).unwrap();
    assert_eq!(clean["transaction"]["acquirer"], "Cielo");
    assert_eq!(clean["customer_document_number"], "52998224725");
}

#[test]
fn the_user_document_is_normalised_too() {
    let clean = validate_input(
        FunctionId::UpdateCustomer,
        &example_input(FunctionId::UpdateCustomer),
    )
    .unwrap();
    assert_eq!(clean["wda_user"]["document_number"], "39053344705");
    assert_eq!(clean["customer_document_number"], "39053344705");
}

#[test]
fn customer_changes_need_at_least_one_known_field() {
    let base = example_input(FunctionId::UpdateCustomer);

    let mut none = base.clone();
    none["changes"] = json!({});
    assert_eq!(
        found(FunctionId::UpdateCustomer, none),
        [pair("/changes", InputErrorCode::Empty)]
    );

    let mut blank = base.clone();
    blank["changes"] = json!({"email": "", "phone": null});
    assert_eq!(
        found(FunctionId::UpdateCustomer, blank),
        [pair("/changes", InputErrorCode::Empty)]
    );

    let mut unknown = base.clone();
    unknown["changes"] = json!({"apelido": "Jão", "city": "Campinas"});
    assert_eq!(
        found(FunctionId::UpdateCustomer, unknown),
        [pair("/changes/apelido", InputErrorCode::UnknownField)]
    );

    let mut partly_blank = base;
    partly_blank["changes"] = json!({"email": "", "city": "Campinas"});
    let clean = validate_input(FunctionId::UpdateCustomer, &partly_blank).unwrap();
    assert_eq!(clean["changes"], json!({"city": "Campinas"}));
}

#[test]
fn keys_with_slashes_are_escaped_in_the_pointer() {
    let found = found(
        FunctionId::GetBoletoPdf,
        json!({"boleto_id": "48213", "a/b~c": 1}),
    );
    assert_eq!(found, [pair("/a~1b~0c", InputErrorCode::UnknownField)]);
}

#[test]
fn got_is_short_and_never_a_whole_object() {
    let long = "x".repeat(500);
    let errors = errors(
        FunctionId::CreateTicket,
        json!({
            "customer_document_number": "52998224725",
            "subject": {"text": long},
            "message": ["a", "b"],
            "extra": long
        }),
    );
    let got: Vec<&str> = errors.iter().map(|error| error.got.as_str()).collect();
    assert_eq!(
        got[0].chars().count(),
        43,
        "40 characters, an ellipsis and quotes"
    );
    assert_eq!(got[1], "an object with 1 field");
    assert_eq!(got[2], "a list of 2 items");
}

#[test]
fn errors_serialise_with_path_code_expected_and_got() {
    let errors = validate_input(
        FunctionId::GetCustomerInfo,
        &json!({"customer_document_number": 1}),
    )
    .unwrap_err();
    let json = serde_json::to_value(&errors).unwrap();
    assert_eq!(
        json,
        json!([{
            "path": "/customer_document_number",
            "code": "wrong_type",
            "expected": "a CPF (11 digits) or CNPJ (14 characters) with valid check digits",
            "got": "1"
        }])
    );
    assert_eq!(InputErrorCode::InvalidDocument.as_str(), "invalid_document");
}

#[test]
fn the_error_message_lists_every_problem() {
    let errors = validate_input(FunctionId::GetInvoice, &json!({})).unwrap_err();
    let message = errors.to_string();
    assert!(message.starts_with("2 problems in the inputs"), "{message}");
    assert!(message.contains("/customer_bill_id"), "{message}");
    assert!(message.contains("/customer_document_number"), "{message}");
}

#[test]
fn the_platform_ids_may_be_strings_or_integers() {
    let mut input = example_input(FunctionId::CreateOrder);
    for id in [json!("ped-2291"), json!(2291)] {
        input["order"]["id"] = id;
        assert!(validate_input(FunctionId::CreateOrder, &input).is_ok());
    }
    for id in [json!(22.91), json!(true), json!({"id": 1})] {
        input["order"]["id"] = id;
        assert_eq!(
            found(FunctionId::CreateOrder, input.clone()),
            [pair("/order/id", InputErrorCode::WrongType)]
        );
    }
}

#[test]
fn whole_numbers_written_as_floats_are_the_integers_they_spell() {
    let input = serde_json::json!({
        "lead": {"id": 42.0, "name": "Ana"}
    });
    let validated = ponte_catalog::validate_input(ponte_catalog::FunctionId::CreateLead, &input)
        .expect("42.0 is an integer");
    assert_eq!(validated.value()["lead"]["id"], serde_json::json!(42));
    let input = serde_json::json!({"lead": {"id": 4.5, "name": "Ana"}});
    assert!(ponte_catalog::validate_input(ponte_catalog::FunctionId::CreateLead, &input).is_err());
}

#[test]
fn a_whole_number_a_double_cannot_spell_exactly_is_no_id() {
    // One below the 64-bit minimum: read as a double it is exactly -2^63, which must not
    // pass as the smallest id.
    let input: serde_json::Value =
        serde_json::from_str(r#"{"lead": {"id": -9223372036854775809, "name": "Ana"}}"#).unwrap();
    let errors = ponte_catalog::validate_input(ponte_catalog::FunctionId::CreateLead, &input)
        .expect_err("beyond 64 bits");
    assert_eq!(errors.0[0].path, "/lead/id");
    assert_eq!(errors.0[0].code, InputErrorCode::WrongType);
    // Exact integers keep working at the edges of 64 bits and of a double's exact range.
    for id in [
        "-9223372036854775808",
        "9223372036854775807",
        "9007199254740992.0",
    ] {
        let input: serde_json::Value =
            serde_json::from_str(&format!(r#"{{"lead": {{"id": {id}, "name": "Ana"}}}}"#)).unwrap();
        ponte_catalog::validate_input(ponte_catalog::FunctionId::CreateLead, &input)
            .unwrap_or_else(|errors| panic!("{id}: {errors}"));
    }
}
