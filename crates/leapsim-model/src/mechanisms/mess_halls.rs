//! `mess_halls`: communal dining (autumn 1958 – mid-1961).
//!
//! In a team with a mess hall the households' grain is pooled in the team's granary and eaten in the hall.
//! At first there are no rations ("eat your fill": the planners' arithmetic was 500 jin a year per person,
//! literature §2), so village stocks are over-consumed in late 1958; from spring 1959 the hall rations what
//! is left, with a waste of fuel and grain, and cadres control the allocation (their households eat more).
//! Households lose their own buffers. Participation by province: end-1959 shares (data/, unverified-recalled;
//! 90%+ nationally at end-1958). Dissolved, the hall's stock returns to the households.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessHallParams {
    /// Consumption during "free eating" relative to normal need; ratio. 500 jin a year per person against
    /// ≈ 400 normally eaten (literature §2). Range 1.0–1.6.
    pub free_eating_factor: f64,
    /// Grain lost in collective cooking and storage; fraction of what the hall uses. Range 0–0.2.
    pub waste_share: f64,
    /// Extra share of a cadre household per adult equivalent, relative to others; ratio − 1. Range 0–1.5.
    pub cadre_premium: f64,
}

impl Default for MessHallParams {
    fn default() -> Self {
        MessHallParams { free_eating_factor: 1.15, waste_share: 0.05, cadre_premium: 0.5 }
    }
}
