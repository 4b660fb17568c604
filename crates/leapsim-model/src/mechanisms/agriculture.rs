//! `agriculture`: the harvests of production teams.
//!
//! Output of team t in a harvest month (June: summer grain; October: autumn grain):
//! Y = A_p · land_t · quality_t · (1+g)^(year−1956) · W_p,year · (L_eff / L_1955)^α · season share · noise,
//! the Li & Yang (2005) production function with land fixed. A_p is fixed at world building so that the
//! province's normal output equals its mean 1955–57 output (data/). L_eff counts working-age members
//! weighted by work capacity, which falls with the household's energy deficit (nutrition channel).

use crate::params::{AgricultureParams, DemographyParams};

/// Work capacity of a household's workers given its energy intake (kcal per adult equivalent per day).
#[inline]
pub fn work_capacity(a: &AgricultureParams, d: &DemographyParams, kcal: f32) -> f64 {
    let deficit = crate::mechanisms::demography::energy_deficit(d, kcal);
    (1.0 - a.work_capacity_loss * deficit).clamp(0.1, 1.0)
}

/// Technology trend relative to 1956, the centre of the 1955–57 baseline.
pub fn productivity_trend(a: &AgricultureParams, year: i32) -> f64 {
    (1.0 + a.productivity_growth).powi(year - 1956)
}

/// Share of the year's output harvested in `month_of_year`, or `None` if it is not a harvest month.
pub fn harvest_share(a: &AgricultureParams, month_of_year: u32) -> Option<f64> {
    match month_of_year {
        6 => Some(a.summer_harvest_share),
        10 => Some(1.0 - a.summer_harvest_share),
        _ => None,
    }
}

/// Output relative to normal given effective labour relative to 1955 labour.
#[inline]
pub fn labour_factor(a: &AgricultureParams, labour_ratio: f64) -> f64 {
    labour_ratio.max(0.0).powf(a.labour_elasticity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn harvests_fall_with_labour_and_hunger() {
        let p = Params::default();
        assert!(labour_factor(&p.agriculture, 0.5) < 1.0);
        assert_eq!(labour_factor(&p.agriculture, 1.0), 1.0);
        assert_eq!(work_capacity(&p.agriculture, &p.demography, 2300.0), 1.0);
        assert!(work_capacity(&p.agriculture, &p.demography, 1000.0) < 0.8);
        assert!(
            work_capacity(&p.agriculture, &p.demography, 600.0) < work_capacity(&p.agriculture, &p.demography, 1000.0)
        );
        let total: f64 = (1..=12).filter_map(|m| harvest_share(&p.agriculture, m)).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }
}
