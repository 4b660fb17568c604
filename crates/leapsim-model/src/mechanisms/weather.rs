//! `weather`: yearly provincial yield shocks from the historical disaster record (record input).
//!
//! The provincial affected share of `data/` (drought episodes of the meteorological administration's table,
//! scaled so the national mean equals the disaster-affected share of the sown area, 1958–62; see
//! data/README.md) is compared with a normal year's share; the yield multiplier is
//! 1 − loss_per_affected_share × (affected − normal). Years without a record (1955–57, 1963–66) are
//! normal. Switched off, every year is normal.

use crate::params::WeatherParams;

pub fn yield_multiplier(p: &WeatherParams, enabled: bool, province: &str, year: i32) -> f64 {
    if !enabled {
        return 1.0;
    }
    let affected = leapsim_data::drought_affected_share(province, year);
    if affected == 0.0 {
        return 1.0; // no record: a normal year
    }
    // Symmetric around the normal share: a province spared in a year of record does better than normal, so a
    // normal national year (1958) costs nothing nationally.
    (1.0 - p.loss_per_affected_share * (affected - p.normal_affected_share)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn drought_years_lower_yields_only_when_enabled() {
        let p = Params::default().weather;
        assert_eq!(yield_multiplier(&p, true, "Henan", 1956), 1.0);
        assert!(yield_multiplier(&p, true, "Henan", 1960) < 1.0);
        assert_eq!(yield_multiplier(&p, false, "Henan", 1960), 1.0);
    }
}
