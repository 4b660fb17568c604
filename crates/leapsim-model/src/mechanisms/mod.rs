//! One module per mechanism of DESIGN §2. The order in which they act within a month is written in
//! [`crate::sim::Simulation::step`].

pub mod agriculture;
pub mod demography;
pub mod food;
pub mod procurement;
pub mod registration;
pub mod trade;
pub mod weather;
