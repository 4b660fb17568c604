//! One module per mechanism of DESIGN §2. The order in which they act within a month is written in
//! [`crate::sim::Simulation::step`].

pub mod agriculture;
pub mod agronomy;
pub mod backyard_steel;
pub mod communes;
pub mod demography;
pub mod food;
pub mod four_pests;
pub mod industry;
pub mod labor_mobilization;
pub mod mess_halls;
pub mod politics;
pub mod procurement;
pub mod public_health;
pub mod registration;
pub mod reporting;
pub mod retrenchment;
pub mod trade;
pub mod weather;
