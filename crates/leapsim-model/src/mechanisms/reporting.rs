//! `reporting`: the true-versus-reported layer. Each of the four levels below the centre (team, commune,
//! county, province) reports upward its output inflated by the pressure it is under:
//! reported = true · (1 + inflation · π_p)^levels. The centre sees only reports; its belief about a year's
//! harvest starts at the reported figure and moves towards the truth each month at a speed that falls with
//! political pressure (it learns nothing while the pressure is at its peak). 1958: 375 Mt claimed against
//! 200 Mt real (literature §7; data/claimed_vs_actual.csv). Switched off, reports equal the truth.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportingParams {
    /// Inflation added by each level at pressure 1; fraction. (1 + 0.17)^4 ≈ 1.87 = 375/200 (literature §7). Range 0.05–0.3.
    pub inflation_per_level: f64,
    /// Levels that report upward (team, commune, county, province). Range 1–5.
    pub levels: u32,
    /// Share of the gap between belief and truth the centre closes in a month without pressure; per month.
    /// The 1958 claim fell from 375 to 263 Mt between Dec 1958 and Apr 1959 under the first cooling. Range 0.05–0.6.
    pub learning_rate: f64,
}

impl Default for ReportingParams {
    fn default() -> Self {
        ReportingParams { inflation_per_level: 0.17, levels: 4, learning_rate: 0.3 }
    }
}

/// Reported / true output for a province under pressure `pressure`.
pub fn report_factor(p: &ReportingParams, enabled: bool, pressure: f64) -> f64 {
    if !enabled {
        return 1.0;
    }
    (1.0 + p.inflation_per_level * pressure).powi(p.levels as i32)
}

/// One month of the centre's learning: the belief moves towards the truth at a speed that falls with pressure.
pub fn learn(p: &ReportingParams, enabled: bool, belief: f64, truth: f64, pressure: f64) -> f64 {
    if !enabled {
        return truth;
    }
    belief + p.learning_rate * (1.0 - pressure).clamp(0.0, 1.0) * (truth - belief)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_inflate_with_pressure_and_beliefs_lag() {
        let p = ReportingParams::default();
        assert_eq!(report_factor(&p, true, 0.0), 1.0);
        assert!(report_factor(&p, true, 1.0) > 1.8);
        assert_eq!(report_factor(&p, false, 1.0), 1.0);
        // At peak pressure the centre learns nothing; without reporting it knows the truth.
        assert_eq!(learn(&p, true, 375.0, 200.0, 1.0), 375.0);
        assert!(learn(&p, true, 375.0, 200.0, 0.5) < 375.0);
        assert_eq!(learn(&p, false, 375.0, 200.0, 1.0), 200.0);
    }
}
