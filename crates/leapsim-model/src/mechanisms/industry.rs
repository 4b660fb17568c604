//! `industry`: heavy industry first (the Soviet model). Steel capacity grows fast while the Leap's pressure
//! lasts; the withdrawal of 1,390 Soviet experts (Jul–Sep 1960) takes part of it; the retreat ("light industry
//! and agriculture first") and hungry workers cut its use, and 1961 sees the collapse (steel 18.7 → 8.7 Mt).
//! Reported steel adds the backyard furnaces' iron; usable steel counts only its usable part.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndustryParams {
    /// Steel output of 1957; Mt (data/national.csv: 5.35). Range 5–6.
    pub steel_1957_mt: f64,
    /// Yearly growth of capacity under the 1957 course (Second Five-Year Plan proposal: 10.5–12 Mt in 1962); per year. Range 0.08–0.2.
    pub normal_growth: f64,
    /// Yearly growth of capacity at full Leap pressure (5.35 → 18.7 Mt over 1957–60); per year. Range 0.2–0.7.
    pub leap_growth: f64,
    /// Capacity lost with the Soviet experts; fraction. Range 0.1–0.5.
    pub soviet_loss: f64,
    /// Use of capacity during the retreat (heavy industry cut, hungry workers); fraction. Range 0.3–0.8.
    pub retreat_utilisation: f64,
    /// Months after the Sixty Articles until use is back to normal. Range 12–60.
    pub recovery_months: f64,
}

impl Default for IndustryParams {
    fn default() -> Self {
        IndustryParams {
            steel_1957_mt: 5.35,
            normal_growth: 0.15,
            leap_growth: 0.5,
            soviet_loss: 0.25,
            retreat_utilisation: 0.45,
            recovery_months: 48.0,
        }
    }
}
