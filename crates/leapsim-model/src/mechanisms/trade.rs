//! `trade`: the state's net grain exports. Under the 1957 course, the mean 1955–57 net exports
//! (2.16 Mt/yr; data/national.csv) leave the state granary in equal monthly parts, as far as the stock
//! allows. (The Leap's debt-repayment exports and the 1961 imports belong to the Leap issue.)

use crate::params::FoodParams;

/// Planned net exports of a month; tonnes (real units).
pub fn planned_monthly_net_exports_t(p: &FoodParams) -> f64 {
    p.baseline_net_exports_mt * 1e6 / 12.0
}
