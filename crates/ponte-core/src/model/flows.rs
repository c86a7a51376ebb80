//! The records of the platform flows (SPEC §5): placed orders, kept for idempotency, and the
//! associations of the platform's own codes with the ERP's.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The catalogs whose codes a platform associates with the ERP's (SPEC §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssociationKind {
    /// Products (`order.items[].product_id` → `list_products`' `codigo`).
    Products,
    /// Resellers (`order.reseller_code` → `list_resellers`' `code`).
    Resellers,
    /// Due dates (`order.due_date_code` → `list_due_dates`' `code`).
    DueDates,
    /// Commercial origins (`order.commercial_origin_code` → `list_commercial_origins`' `code`).
    Origins,
}

impl AssociationKind {
    /// Every kind, in the order of the documentation.
    pub const ALL: [AssociationKind; 4] = [
        AssociationKind::Products,
        AssociationKind::Resellers,
        AssociationKind::DueDates,
        AssociationKind::Origins,
    ];

    /// The kind as the paths and the automation context spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            AssociationKind::Products => "products",
            AssociationKind::Resellers => "resellers",
            AssociationKind::DueDates => "due_dates",
            AssociationKind::Origins => "origins",
        }
    }
}

impl fmt::Display for AssociationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AssociationKind {
    type Err = UnknownAssociationKind;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        AssociationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or(UnknownAssociationKind)
    }
}

/// A name that is none of the [`AssociationKind`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an association kind (products, resellers, due_dates, origins)")]
pub struct UnknownAssociationKind;

/// One platform code associated with one ERP code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Association {
    /// The platform's own code (a product id, a reseller code...).
    pub platform_code: String,
    /// The ERP's code, picked from the catalog list.
    pub erp_code: String,
    /// A human name, for the integrator's screens.
    #[serde(default)]
    pub label: String,
}

/// One code the ERP offers for an association, from its catalog list: what an operator picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssociationOption {
    /// The ERP's code (`codigo` of `list_products`, `code` of the other lists).
    pub code: String,
    /// Its name (`nome`, `name` or `description`).
    pub name: String,
}

/// An order as Ponte keeps it for idempotency: the fingerprint of what was sent and, once the
/// ERP answered, the answer given.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOrder {
    /// SHA-256 (hex) of the request in canonical form.
    pub fingerprint: String,
    /// The answer, once placed; `None` while a request is placing it.
    pub answer: Option<serde_json::Value>,
    /// When the request that placed (or is placing) it started.
    pub claimed_at: OffsetDateTime,
}

/// What [`crate::store::Store::claim_order`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderClaim {
    /// The order is new (or an abandoned attempt was taken over): this request places it.
    Claimed,
    /// The order was seen before; the record says how far it went.
    Existing(StoredOrder),
}
