//! `four_pests`: kill quotas for rats, flies, mosquitoes and sparrows from the directive of 12 Feb 1958; with
//! the sparrows gone, insects ate more of the crop until sparrows were dropped from the list in spring 1960.
//! The literature gives no magnitude for the crop loss (literature §5: "a small, uncertain yield penalty"):
//! the central value is small and the range wide.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PestsParams {
    /// Yield lost to insects while sparrows are suppressed; fraction. No literature magnitude. Range 0–0.05.
    pub yield_loss: f64,
    /// Months after sparrows are dropped before the loss is gone (bird populations recover). Range 6–36.
    pub recovery_months: f64,
}

impl Default for PestsParams {
    fn default() -> Self {
        PestsParams { yield_loss: 0.01, recovery_months: 18.0 }
    }
}

/// Yield multiplier from the sparrow campaign in `months_since_start` / `months_since_dropped`.
pub fn yield_factor(p: &PestsParams, enabled: bool, started: bool, months_since_dropped: Option<f64>) -> f64 {
    if !enabled || !started {
        return 1.0;
    }
    let fade = months_since_dropped.map_or(1.0, |m| (1.0 - m / p.recovery_months).clamp(0.0, 1.0));
    1.0 - p.yield_loss * fade
}
