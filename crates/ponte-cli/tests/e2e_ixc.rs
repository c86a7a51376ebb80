//! Every catalog function served by the embedded IXC preset, called over HTTP against the IXC
//! simulator and checked field by field against the simulator's seeded data; the error codes a
//! platform sees when the document is invalid or the ERP misbehaves.

mod e2e_ixc {
    pub mod harness;
}
#[path = "e2e_ixc/catalogs.rs"]
mod catalogs;
#[path = "e2e_ixc/contracts.rs"]
mod contracts;
#[path = "e2e_ixc/customers.rs"]
mod customers;
#[path = "e2e_ixc/errors.rs"]
mod errors;
#[path = "e2e_ixc/fiscal.rs"]
mod fiscal;
#[path = "e2e_ixc/invoices.rs"]
mod invoices;
#[path = "e2e_ixc/orders.rs"]
mod orders;

pub use e2e_ixc::harness;
