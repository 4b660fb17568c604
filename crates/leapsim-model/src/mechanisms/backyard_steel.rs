//! `backyard_steel`: metal collected and melted in backyard furnaces (Aug–Dec 1958).
//!
//! Woks and farm tools were melted into low-quality pig iron: farm productivity is lower until the tools are
//! replaced; the furnaces' output is reported as steel, but most of it is unusable: 10.7 Mt "achieved" in
//! 1958, of which more than 3 Mt unusable (literature §4). Fuel and forests: not modelled (no national
//! magnitude in the literature).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SteelParams {
    /// Farm output lost to melted tools just after the campaign; fraction. No literature magnitude. Range 0–0.08.
    pub tool_loss: f64,
    /// Months over which the tools are replaced (the loss fades linearly). Range 6–36.
    pub tool_recovery_months: f64,
    /// Pig iron per worker-month in the furnaces; tonnes. Henan: 3.6 M workers; 4.16 Mt native iron in 1958
    /// [M] from ≈ 60–90 M workers over ≈ 4 months (literature §4). Range 0.005–0.03.
    pub iron_per_worker_month_t: f64,
    /// Share of backyard iron that is usable; fraction. Range 0–0.3.
    pub usable_share: f64,
}

impl Default for SteelParams {
    fn default() -> Self {
        SteelParams { tool_loss: 0.03, tool_recovery_months: 24.0, iron_per_worker_month_t: 0.015, usable_share: 0.1 }
    }
}
