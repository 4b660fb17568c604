//! `public_health`: the health and education campaigns of the Leap years (Patriotic Health, schistosomiasis —
//! Yujiang county's eradication read by Mao on 30 Jun 1958 —, literacy): a small reduction of baseline
//! mortality from 1958. Famine diseases (oedema, pellagra, beriberi) are part of the famine hazard of
//! `demography`. The campaigns of 1952–57 are in the baseline decline.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicHealthParams {
    /// Reduction of baseline hazards once the campaigns run; fraction. No national magnitude in the
    /// literature (>10 M infected with schistosomiasis in the 1950s, literature §13). Range 0–0.08.
    pub baseline_reduction: f64,
}

impl Default for PublicHealthParams {
    fn default() -> Self {
        PublicHealthParams { baseline_reduction: 0.02 }
    }
}
