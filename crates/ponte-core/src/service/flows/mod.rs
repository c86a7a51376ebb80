//! The platform flows (SPEC §5) built from the catalog functions: placing an order
//! ([`orders`]), judging a customer's pendency ([`pendency`]), the catalog cache
//! ([`catalogs`]) and the associations of the platform's codes with the ERP's
//! ([`associations`]), and the invoices ready to pay ([`invoices`]) with their signed
//! links ([`links`]).
//!
//! A flow calls functions exactly as a platform's call of `POST /v1/functions/{id}` would
//! (validation, circuit breaker, concurrency gate, execution record, metrics), through
//! [`Ponte::call_served`](super::Ponte).

pub(super) mod associations;
pub(crate) mod catalogs;
mod invoices;
mod links;
mod orders;
mod pendency;

pub use invoices::{Pay, PayProblem, barcode_path, pdf_path, pix_qr_path};
pub use links::{DEFAULT_LINK_TTL, LinkSigner};
pub use orders::{OrderPath, OrderPlaced};
pub use pendency::{Pendency, PendencyFound, check_pendency_rules};

use serde_json::Value;

use super::snapshot::Served;
use super::{CallError, Ponte};

impl Ponte {
    /// Calls one function for a flow; answers its output (`null` for functions without one).
    async fn flow_call(
        &self,
        served: &Served,
        function: ponte_catalog::FunctionId,
        input: Value,
    ) -> Result<Value, CallError> {
        let outcome = self.call_served(served, function.as_str(), input).await?;
        Ok(outcome.output.unwrap_or(Value::Null))
    }
}
