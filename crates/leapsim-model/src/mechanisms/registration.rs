//! `registration`: the registered (reported) births and deaths. Registration missed a large and changing
//! share of events: Banister (1984) puts registered CDR at 12.3‰ against 22.3‰ true in 1955, improving
//! to ≈ 0.8 completeness by 1966, and falling in the famine (25.4‰ registered against 44.6‰ in 1960,
//! literature §11). Registered counts are binomial draws from the true events of the month.

use crate::params::RegistrationParams;
use leapsim_core::rng::{binomial, Rng};

/// Completeness of registration in `year` before any crisis effect.
pub fn trend_completeness(base: f64, trend: f64, max: f64, year: i32) -> f64 {
    (base + trend * (year - 1955) as f64).clamp(0.0, max)
}

/// Death-registration completeness given the month's true annualised CDR and the normal CDR (‰):
/// a crisis overloads the registration system.
pub fn death_completeness(p: &RegistrationParams, year: i32, cdr: f64, normal_cdr: f64) -> f64 {
    let base = trend_completeness(p.death_completeness_1955, p.death_completeness_trend, p.completeness_max, year);
    let excess = if normal_cdr > 0.0 { ((cdr - normal_cdr) / normal_cdr).max(0.0) } else { 0.0 };
    base / (1.0 + p.crisis_overload * excess)
}

pub fn birth_completeness(p: &RegistrationParams, year: i32) -> f64 {
    trend_completeness(p.birth_completeness_1955, p.birth_completeness_trend, p.completeness_max, year)
}

/// Registered (births, deaths) of a province-month. `enabled == false` means complete registration.
/// `hiding` is the share of deaths cadres keep off the books (`pressure_hiding` × provincial pressure);
/// births are hidden a third as much.
#[allow(clippy::too_many_arguments)]
pub fn register(
    p: &RegistrationParams,
    enabled: bool,
    rng: &Rng,
    entity: u64,
    month: u32,
    year: i32,
    births: u64,
    deaths: u64,
    cdr: f64,
    normal_cdr: f64,
    hiding: f64,
) -> (u64, u64) {
    if !enabled {
        return (births, deaths);
    }
    let kept = |share: f64| (1.0 - share).clamp(0.0, 1.0);
    let b = binomial(births, birth_completeness(p, year) * kept(hiding / 3.0), rng.uniforms4(entity, month, 0));
    let d =
        binomial(deaths, death_completeness(p, year, cdr, normal_cdr) * kept(hiding), rng.uniforms4(entity, month, 1));
    (b, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;
    use leapsim_core::Stream;

    #[test]
    fn registers_a_share_that_improves_and_collapses_in_a_crisis() {
        let p = Params::default().registration;
        assert!((death_completeness(&p, 1955, 20.0, 20.0) - 0.55).abs() < 1e-9);
        assert!(death_completeness(&p, 1960, 20.0, 20.0) > 0.6);
        assert!(death_completeness(&p, 1960, 60.0, 20.0) < death_completeness(&p, 1960, 20.0, 20.0));
        let rng = Rng::new(1, Stream::Registration);
        let (b, d) = register(&p, true, &rng, 0, 0, 1955, 100_000, 50_000, 20.0, 20.0, 0.0);
        assert!((b as f64 / 100_000.0 - p.birth_completeness_1955).abs() < 0.01);
        let (_, hidden) = register(&p, true, &rng, 0, 0, 1955, 100_000, 50_000, 20.0, 20.0, 0.3);
        assert!(hidden < d * 8 / 10, "cadres under pressure hide deaths");
        assert!((d as f64 / 50_000.0 - 0.55).abs() < 0.01);
        assert_eq!(register(&p, false, &rng, 0, 0, 1955, 7, 3, 20.0, 20.0, 0.5), (7, 3));
    }
}
