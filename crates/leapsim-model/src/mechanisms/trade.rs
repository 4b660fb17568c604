//! `trade`: the state's net grain exports. Under the 1957 course, the mean 1955–57 net exports
//! (2.16 Mt/yr; data/national.csv) leave the state granary in equal monthly parts, as far as the stock
//! allows. (The Leap's debt-repayment exports and the 1961 imports belong to the Leap issue.)

use crate::params::FoodParams;
use serde::{Deserialize, Serialize};

/// Exports under the Leap: Soviet debt repaid in grain, planned on the believed harvest (net 2.7 Mt in 1958,
/// 4.2 Mt in 1959; Lin & Yang 2000). Imports come with the retreat (`retrenchment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TradeParams {
    /// Elasticity of planned exports to the centre's belief about last year's harvest relative to the truth
    /// it would have seen under the 1957 course; dimensionless. 1959: 4.2 Mt after a 1.87× claim. Range 0–2.
    pub belief_elasticity: f64,
}

impl Default for TradeParams {
    fn default() -> Self {
        TradeParams { belief_elasticity: 1.0 }
    }
}

/// Planned exports of a month under the Leap; tonnes.
pub fn leap_monthly_exports_t(f: &FoodParams, t: &TradeParams, belief_ratio: f64) -> f64 {
    planned_monthly_net_exports_t(f) * belief_ratio.max(0.0).powf(t.belief_elasticity)
}

/// Planned net exports of a month; tonnes (real units).
pub fn planned_monthly_net_exports_t(p: &FoodParams) -> f64 {
    p.baseline_net_exports_mt * 1e6 / 12.0
}
