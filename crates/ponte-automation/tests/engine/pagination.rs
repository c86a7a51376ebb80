//! Every pagination style, and every way a pagination stops.

use std::collections::HashMap;

use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use serde_json::{Value, json};

use crate::support::*;

fn records(range: std::ops::Range<usize>) -> Vec<Value> {
    range
        .map(|i| json!({"id": i.to_string(), "nome": format!("R{i}")}))
        .collect()
}

/// 7 records served 3 per page; past the end, an empty page.
async fn pages(Query(q): Query<HashMap<String, String>>) -> axum::Json<Value> {
    let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let start = (page - 1) * 3;
    axum::Json(json!({"data": records(start.min(7)..(start + 3).min(7)), "page": page}))
}

async fn offsets(Query(q): Query<HashMap<String, String>>) -> axum::Json<Value> {
    let offset: usize = q.get("offset").and_then(|p| p.parse().ok()).unwrap_or(0);
    let limit: usize = q.get("limit").and_then(|p| p.parse().ok()).unwrap_or(3);
    axum::Json(json!({"data": records(offset.min(7)..(offset + limit).min(7))}))
}

async fn cursors(Query(q): Query<HashMap<String, String>>) -> axum::Json<Value> {
    let at: usize = q.get("cursor").and_then(|p| p.parse().ok()).unwrap_or(0);
    let next = if at + 3 < 7 {
        json!((at + 3).to_string())
    } else {
        Value::Null
    };
    axum::Json(json!({"data": records(at..(at + 3).min(7)), "next": next}))
}

async fn linked(Query(q): Query<HashMap<String, String>>) -> axum::Json<Value> {
    let p: usize = q.get("p").and_then(|p| p.parse().ok()).unwrap_or(0);
    let next = if p < 2 {
        json!(format!("/linked?p={}", p + 1))
    } else {
        Value::Null
    };
    axum::Json(json!({"data": records(p * 3..(p * 3 + 3).min(7)), "links": {"next": next}}))
}

/// Always the same page, whatever is asked: a paginator that trusts the page number loops.
async fn stuck() -> axum::Json<Value> {
    axum::Json(json!({"data": records(0..3)}))
}

async fn app() -> Erp {
    erp(Router::new()
        .route("/pages", get(pages))
        .route("/offsets", get(offsets))
        .route("/cursors", get(cursors))
        .route("/linked", get(linked))
        .route("/stuck", get(stuck)))
    .await
}

async fn collect(
    request: &str,
) -> (
    Result<Value, ponte_automation::RunError>,
    ponte_automation::Trace,
) {
    let e = app().await;
    let a = automation(&resellers(request, MAP_ITEMS));
    let out = run(&a, json!({}), &env(&e.base)).await;
    (out.result.clone(), out.trace())
}

fn codes(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

fn stopped_by(t: &ponte_automation::Trace) -> String {
    t.steps[0].pagination.as_ref().unwrap().stopped_by.clone()
}

#[tokio::test]
async fn page_numbers_are_read_until_an_empty_page() {
    let (r, t) = collect(
        "url: \"{{ vars.base_url }}/pages\"\npaginate:\n  style: page\n  param: page\n  items: .data\n  max_pages: 10",
    )
    .await;
    assert_eq!(codes(&r.unwrap()), ["0", "1", "2", "3", "4", "5", "6"]);
    assert_eq!(stopped_by(&t), "empty_page");
    assert_eq!(t.steps[0].requests.len(), 4);
}

#[tokio::test]
async fn a_stop_expression_ends_on_the_last_page_without_asking_for_more() {
    let (r, t) = collect(
        "url: \"{{ vars.base_url }}/pages\"\npaginate:\n  style: page\n  param: page\n  items: .data\n  stop: '(.data | length) < 3'\n  max_pages: 10",
    )
    .await;
    assert_eq!(codes(&r.unwrap()).len(), 7);
    assert_eq!(stopped_by(&t), "stop_expression");
    assert_eq!(t.steps[0].requests.len(), 3);
}

#[tokio::test]
async fn offsets_advance_by_the_page_size() {
    let (r, t) = collect(
        "url: \"{{ vars.base_url }}/offsets\"\npaginate:\n  style: offset\n  param: offset\n  size: 3\n  size_param: limit\n  items: .data\n  max_pages: 10",
    )
    .await;
    assert_eq!(codes(&r.unwrap()), ["0", "1", "2", "3", "4", "5", "6"]);
    assert!(t.steps[0].requests[1].url.contains("offset=3"));
    assert!(t.steps[0].requests[1].url.contains("limit=3"));
}

#[tokio::test]
async fn cursors_are_followed_until_there_is_none() {
    let (r, t) = collect(
        "url: \"{{ vars.base_url }}/cursors\"\npaginate:\n  style: cursor\n  param: cursor\n  cursor: .next\n  items: .data\n  max_pages: 10",
    )
    .await;
    assert_eq!(codes(&r.unwrap()), ["0", "1", "2", "3", "4", "5", "6"]);
    assert_eq!(stopped_by(&t), "no_next");
}

#[tokio::test]
async fn next_urls_are_followed_until_there_is_none() {
    let (r, t) = collect(
        "url: \"{{ vars.base_url }}/linked\"\npaginate:\n  style: next_url\n  next_url: .links.next\n  items: .data\n  max_pages: 10",
    )
    .await;
    assert_eq!(codes(&r.unwrap()), ["0", "1", "2", "3", "4", "5", "6"]);
    assert_eq!(stopped_by(&t), "no_next");
}

#[tokio::test]
async fn the_same_page_twice_stops_the_listing() {
    let (r, t) = collect(
        "url: \"{{ vars.base_url }}/stuck\"\npaginate:\n  style: page\n  param: page\n  items: .data\n  max_pages: 50",
    )
    .await;
    assert_eq!(codes(&r.unwrap()), ["0", "1", "2"]);
    assert_eq!(stopped_by(&t), "repeated_page");
    assert_eq!(t.steps[0].requests.len(), 2);
}

#[tokio::test]
async fn max_pages_fails_by_default_rather_than_dropping_records() {
    let (r, _) = collect(
        "url: \"{{ vars.base_url }}/pages\"\npaginate:\n  style: page\n  param: page\n  items: .data\n  max_pages: 2",
    )
    .await;
    let e = r.unwrap_err();
    assert_eq!(e.code(), "limit_exceeded");
    assert!(e.to_string().contains("max_pages"), "{e}");
}

#[tokio::test]
async fn max_pages_can_be_told_to_keep_what_was_read() {
    let (r, t) = collect(
        "url: \"{{ vars.base_url }}/pages\"\npaginate:\n  style: page\n  param: page\n  items: .data\n  max_pages: 2\n  on_max_pages: stop",
    )
    .await;
    assert_eq!(codes(&r.unwrap()).len(), 6);
    assert_eq!(stopped_by(&t), "max_pages");
}

#[test]
fn a_pagination_without_max_pages_does_not_compile() {
    let yaml = resellers(
        "url: \"{{ vars.base_url }}/pages\"\npaginate:\n  style: page\n  param: page\n  items: .data",
        MAP_ITEMS,
    );
    let diags = ponte_automation::compile("p.yaml", &yaml).unwrap_err();
    assert_eq!(diags[0].code, ponte_automation::Code::Pagination);
    assert!(diags[0].message.contains("max_pages"));
}
