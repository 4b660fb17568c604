//! `agronomy`: the Leap's farming directives. Close planting and deep ploughing lowered yields (Anhui: from
//! 400 to below 200 jin/mu, Yang Jisheng; literature §6) in proportion to how hard a province pushed them;
//! and believing in a surplus, the centre cut the sown area for 1959 by nearly 10% ("three-three system").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgronomyParams {
    /// Yield lost to close planting and deep ploughing at provincial pressure 1; fraction. Range 0–0.15.
    pub close_planting_loss: f64,
    /// Sown-area cut per unit of believed surplus (centre's belief / true normal output − 1); fraction. The
    /// 1959 grain sown area fell 9.1% (data/national.csv) after a claimed 1958 harvest 1.87× the real one. Range 0–0.3.
    pub sown_area_cut_per_surplus: f64,
    /// Largest cut; fraction. Range 0.05–0.2.
    pub max_sown_area_cut: f64,
    /// Elasticity of output to sown area (the land left unsown is the worst); dimensionless. Range 0.3–1.
    pub output_area_elasticity: f64,
}

impl Default for AgronomyParams {
    fn default() -> Self {
        AgronomyParams {
            close_planting_loss: 0.04,
            sown_area_cut_per_surplus: 0.12,
            max_sown_area_cut: 0.12,
            output_area_elasticity: 0.6,
        }
    }
}

/// Sown-area share for a year, decided at the autumn sowing from the centre's belief about the last harvest.
pub fn sown_area_share(p: &AgronomyParams, belief: f64, normal: f64) -> f64 {
    if normal <= 0.0 {
        return 1.0;
    }
    1.0 - (p.sown_area_cut_per_surplus * (belief / normal - 1.0).max(0.0)).min(p.max_sown_area_cut)
}
