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
    /// Share of the land taken out of grain that comes back to it each year once the centre wants it sown
    /// again; fraction per year. Land cut in 1959 under the "three-three system" went to green manure, forest,
    /// pasture and other crops, and some was under the Leap's reservoirs and canals: the grain sown area was
    /// 116.0 M ha in 1959 and stayed at 121.4–122.4 M ha in 1960–62, 9% under 1957's 133.6 M ha
    /// (data/national.csv). 0: none comes back; 1: all at the next sowing. Range 0–1.
    pub sown_area_return_rate: f64,
    /// Elasticity of output to sown area (the land left unsown is the worst); dimensionless. Range 0.3–1.
    pub output_area_elasticity: f64,
}

impl Default for AgronomyParams {
    fn default() -> Self {
        AgronomyParams {
            close_planting_loss: 0.04,
            sown_area_cut_per_surplus: 0.12,
            max_sown_area_cut: 0.12,
            sown_area_return_rate: 0.0,
            output_area_elasticity: 0.6,
        }
    }
}

/// Sown area the centre wants for a year, decided at the autumn sowing from its belief about the last harvest.
pub fn wanted_sown_area_share(p: &AgronomyParams, belief: f64, normal: f64) -> f64 {
    if normal <= 0.0 {
        return 1.0;
    }
    1.0 - (p.sown_area_cut_per_surplus * (belief / normal - 1.0).max(0.0)).min(p.max_sown_area_cut)
}

/// Sown-area share for next year from this year's and the centre's wish: a cut is carried out at once, land
/// comes back to grain only at `sown_area_return_rate` of the gap a year.
pub fn next_sown_area_share(p: &AgronomyParams, this_year: f64, wanted: f64) -> f64 {
    if wanted <= this_year {
        wanted
    } else {
        this_year + p.sown_area_return_rate.clamp(0.0, 1.0) * (wanted - this_year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_comes_at_once_the_return_at_its_rate() {
        let p = AgronomyParams { sown_area_return_rate: 0.25, ..AgronomyParams::default() };
        assert_eq!(next_sown_area_share(&p, 1.0, 0.9), 0.9);
        assert!((next_sown_area_share(&p, 0.9, 1.0) - 0.925).abs() < 1e-12);
        let kept = AgronomyParams { sown_area_return_rate: 0.0, ..p.clone() };
        assert_eq!(next_sown_area_share(&kept, 0.9, 1.0), 0.9);
        let back = AgronomyParams { sown_area_return_rate: 1.0, ..p };
        assert_eq!(next_sown_area_share(&back, 0.9, 1.0), 1.0);
    }
}
