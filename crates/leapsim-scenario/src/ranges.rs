//! The plausible range of every numeric parameter, machine-readable. Each comes from the "Range a–b" of
//! the parameter's doc comment in `leapsim-model` (params.rs, mechanisms/*.rs); the exceptions are marked.
//! A test checks that every numeric parameter path of `Params` has exactly one entry and that the
//! shipped calibration lies inside.

use leapsim_core::Month;

/// A numeric parameter's path (`group.field`) and its plausible range, inclusive.
pub type ParamRange = (&'static str, f64, f64);

/// First and last month a timeline date may take: the simulated period.
pub const PERIOD_FIRST: (i32, u32) = (1955, 1);
pub const PERIOD_LAST: (i32, u32) = (1966, 12);

pub(crate) fn period() -> (Month, Month) {
    (
        Month::from_ym(PERIOD_FIRST.0, PERIOD_FIRST.1).expect("valid month"),
        Month::from_ym(PERIOD_LAST.0, PERIOD_LAST.1).expect("valid month"),
    )
}

/// Every numeric parameter with its range, in the order of `Params`.
pub const RANGES: &[ParamRange] = &[
    ("demography.cdr_1955_true", 18.0, 26.0),
    ("demography.cbr_1955_true", 38.0, 46.0),
    ("demography.mortality_floor", 0.3, 0.7),
    ("demography.mortality_decline_rate", 0.05, 0.5),
    ("demography.male_excess_mortality", 1.0, 1.2),
    ("demography.sex_ratio_at_birth", 1.03, 1.08),
    ("demography.famine_kcal_threshold", 1600.0, 2100.0),
    ("demography.famine_mortality_strength", 2.0, 9.0),
    ("demography.famine_memory_months", 1.0, 8.0),
    ("demography.famine_sensitivity_child", 1.0, 3.0),
    ("demography.famine_sensitivity_old", 1.0, 3.0),
    ("demography.famine_sensitivity_male", 1.0, 1.5),
    ("demography.postpartum_infecund_months", 8.0, 20.0),
    ("demography.fertility_threshold_share", 0.6, 1.0),
    ("demography.fertility_stop_share", 0.4, 0.95),
    ("demography.rural_urban_migration_rate", 0.0, 0.06),
    ("demography.migrant_female_ratio", 0.2, 1.0),
    ("demography.catch_up_share", 0.0, 1.0),
    ("demography.catch_up_months", 3.0, 36.0),
    ("demography.catch_up_delay_months", 0.0, 18.0),
    ("demography.famine_return_share", 0.3, 0.95),
    ("demography.fertility_trend", -0.03, 0.01),
    ("registration.death_completeness_1955", 0.45, 0.7),
    ("registration.death_completeness_trend", 0.0, 0.04),
    ("registration.birth_completeness_1955", 0.65, 0.9),
    ("registration.birth_completeness_trend", 0.0, 0.03),
    ("registration.completeness_max", 0.85, 1.0),
    ("registration.pressure_hiding", 0.0, 0.5),
    ("registration.crisis_overload", 0.0, 0.3),
    ("agriculture.labour_elasticity", 0.2, 0.6),
    ("agriculture.productivity_growth", 0.0, 0.03),
    ("agriculture.summer_harvest_share", 0.2, 0.4),
    ("agriculture.team_productivity_sd", 0.0, 0.3),
    ("agriculture.team_yield_noise_sd", 0.0, 0.2),
    ("agriculture.work_capacity_loss", 0.0, 2.0),
    ("agriculture.seed_feed_waste_share", 0.12, 0.25),
    ("agriculture.cash_crop_share", 0.04, 0.15),
    ("agriculture.capital_elasticity", 0.1, 0.5),
    ("agriculture.capital_loss_per_deficit", 0.0, 0.1),
    ("agriculture.capital_recovery_rate", 0.02, 0.5),
    ("weather.normal_affected_share", 0.1, 0.2),
    ("weather.loss_per_affected_share", 0.1, 0.8),
    ("food.procurement_rate", 0.15, 0.35),
    ("food.procurement_progressivity", 0.0, 0.5),
    ("food.retention_floor_kg", 150.0, 230.0),
    ("food.rural_desired_kg", 220.0, 300.0),
    ("food.urban_ration_kg", 200.0, 300.0),
    ("food.kcal_per_kg", 2500.0, 2900.0),
    ("food.non_grain_kcal", 100.0, 400.0),
    ("food.household_stock_cap_months", 6.0, 18.0),
    ("food.work_point_share", 0.2, 0.5),
    ("food.baseline_net_exports_mt", 1.5, 3.0),
    ("food.initial_state_stock_months", 6.0, 12.0),
    // Doc comment: 10–30; the calibration's prior (leapsim-calibrate) goes down to 5.
    ("food.state_other_uses_mt", 5.0, 30.0),
    ("food.state_reserve_months", 3.0, 9.0),
    ("food.state_ceiling_months", 12.0, 36.0),
    ("politics.cooling_level", 0.3, 0.9),
    ("politics.lushan_level", 0.8, 1.3),
    ("politics.retreat_level", 0.0, 0.4),
    ("politics.radicalism_spread", 0.0, 2.0),
    ("politics.default_participation", 0.6, 0.9),
    ("reporting.inflation_per_level", 0.05, 0.3),
    ("reporting.levels", 1.0, 5.0),
    ("reporting.learning_rate", 0.05, 0.6),
    ("procurement.rate", 0.15, 0.35),
    ("procurement.plan_growth", 0.0, 0.5),
    ("procurement.resale_admitted_at_peak", 0.0, 1.0),
    ("procurement.floor_squeeze", 0.2, 0.9),
    ("trade.belief_elasticity", 0.0, 2.0),
    // Doc comment: 0.03–0.3 (the calibration prior); 0 is the counterfactual "exit right kept" (Lin 1990).
    ("communes.effort_loss", 0.0, 0.3),
    ("communes.effort_build_months", 0.0, 36.0),
    ("communes.effort_recovered", 0.0, 1.0),
    ("communes.private_plot_food_share", 0.2, 0.7),
    ("mess_halls.free_eating_factor", 1.0, 1.6),
    ("mess_halls.waste_share", 0.0, 0.2),
    ("mess_halls.cadre_premium", 0.0, 1.5),
    ("labor_mobilization.irrigation_share", 0.1, 0.45),
    ("labor_mobilization.irrigation_harvest_weight", 0.0, 0.5),
    ("labor_mobilization.steel_share", 0.1, 0.4),
    ("labor_mobilization.unharvested_share", 0.0, 0.6),
    ("labor_mobilization.recruitment_multiplier", 1.0, 8.0),
    ("labor_mobilization.return_rate", 0.0, 0.3),
    ("labor_mobilization.migration_after_retreat", 0.0, 1.0),
    ("labor_mobilization.separation_fertility_loss", 0.0, 1.5),
    ("labor_mobilization.irrigation_yield_gain", 0.0, 0.08),
    ("labor_mobilization.irrigation_gain_years", 1.0, 10.0),
    ("backyard_steel.tool_loss", 0.0, 0.08),
    ("backyard_steel.tool_recovery_months", 6.0, 36.0),
    ("backyard_steel.iron_per_worker_month_t", 0.005, 0.03),
    ("backyard_steel.usable_share", 0.0, 0.3),
    ("four_pests.yield_loss", 0.0, 0.05),
    ("four_pests.recovery_months", 6.0, 36.0),
    ("agronomy.close_planting_loss", 0.0, 0.15),
    ("agronomy.sown_area_cut_per_surplus", 0.0, 0.3),
    ("agronomy.max_sown_area_cut", 0.05, 0.2),
    ("agronomy.sown_area_return_rate", 0.0, 1.0),
    ("agronomy.output_area_elasticity", 0.3, 1.0),
    // No range in the doc comment (a datum: 5.35 Mt, data/national.csv); ± the revisions of the series.
    ("industry.steel_1957_mt", 5.0, 6.0),
    ("industry.normal_growth", 0.08, 0.2),
    ("industry.leap_growth", 0.2, 0.7),
    ("industry.soviet_loss", 0.1, 0.5),
    ("industry.retreat_utilisation", 0.3, 0.8),
    ("industry.recovery_months", 12.0, 60.0),
    ("retrenchment.procurement_cut", 0.0, 0.3),
    ("retrenchment.imports_mt", 3.0, 7.0),
    ("retrenchment.imports_lag_months", 1.0, 6.0),
    ("retrenchment.farm_input_growth", 0.0, 0.06),
    ("retrenchment.urban_ration_cut", 0.0, 0.3),
    ("public_health.baseline_reduction", 0.0, 0.08),
];

/// The range of the numeric parameter at `path`.
pub fn range_of(path: &str) -> Option<(f64, f64)> {
    RANGES.iter().find(|(p, _, _)| *p == path).map(|&(_, lo, hi)| (lo, hi))
}

/// The "Range a–b" written in each numeric parameter's doc comment (read from the JSON Schema that
/// `schemars` builds from the doc comments), by path; `None` where the comment gives no range.
pub fn documented_ranges() -> Vec<(String, Option<(f64, f64)>)> {
    let schema = schemars::schema_for!(leapsim_model::Params).to_value();
    let defs = &schema["$defs"];
    let mut out = Vec::new();
    let Some(groups) = schema["properties"].as_object() else { return out };
    for (g, v) in groups {
        let Some(def) = v["$ref"].as_str().map(|r| &defs[r.trim_start_matches("#/$defs/")]) else { continue };
        let Some(fields) = def["properties"].as_object() else { continue };
        for (f, p) in fields {
            let numeric = matches!(p["type"].as_str(), Some("number") | Some("integer"));
            if numeric {
                out.push((format!("{g}.{f}"), parse_range(p["description"].as_str().unwrap_or(""))));
            }
        }
    }
    out
}

/// `…. Range 1,600–2,100.` → (1600, 2100); `Range −0.03–0.01` → (−0.03, 0.01).
fn parse_range(doc: &str) -> Option<(f64, f64)> {
    let lower = doc.to_lowercase();
    let at = lower.rfind("range ")?;
    let rest = doc[at + 6..].replace('\u{2212}', "-");
    // The separator is an en dash, or a hyphen that is not a leading minus sign.
    let (a, b) = match rest.split_once('–') {
        Some(p) => p,
        None => {
            let i = rest.char_indices().skip(1).find(|(_, c)| *c == '-')?.0;
            (&rest[..i], &rest[i + 1..])
        }
    };
    let num = |s: &str| -> Option<f64> {
        let s = s.trim();
        let (sign, s) = if let Some(t) = s.strip_prefix('-') { (-1.0, t) } else { (1.0, s) };
        let t: String = s.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',').collect();
        t.replace(',', "").trim_end_matches('.').parse::<f64>().ok().map(|x| sign * x)
    };
    Some((num(a)?, num(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use leapsim_model::Params;
    use std::collections::BTreeSet;

    /// Every numeric leaf of the parameters, as `group.field`.
    fn numeric_paths() -> Vec<String> {
        let v = serde_json::to_value(Params::default()).unwrap();
        let mut out = Vec::new();
        for (g, fields) in v.as_object().unwrap() {
            for (f, x) in fields.as_object().unwrap() {
                if x.is_number() {
                    out.push(format!("{g}.{f}"));
                }
            }
        }
        out
    }

    #[test]
    fn every_numeric_parameter_has_exactly_one_range() {
        let paths = numeric_paths();
        assert!(paths.len() > 80, "{}", paths.len());
        for p in &paths {
            assert!(range_of(p).is_some(), "no entry in RANGES for {p}: add its \"Range a–b\"");
        }
        let listed: BTreeSet<&str> = RANGES.iter().map(|r| r.0).collect();
        assert_eq!(listed.len(), RANGES.len(), "a path is listed twice");
        for r in RANGES {
            assert!(paths.iter().any(|p| p == r.0), "RANGES lists {} which is not a parameter", r.0);
            assert!(r.1 < r.2, "{}", r.0);
        }
    }

    /// RANGES agrees with the doc comments, except where an entry's comment in RANGES says why not.
    #[test]
    fn ranges_follow_the_doc_comments() {
        let exceptions = ["food.state_other_uses_mt", "communes.effort_loss", "industry.steel_1957_mt"];
        let mut missing = String::new();
        for (path, doc) in documented_ranges() {
            match (doc, range_of(&path)) {
                (Some((lo, hi)), None) => missing.push_str(&format!("    (\"{path}\", {lo:?}, {hi:?}),\n")),
                (None, None) => missing.push_str(&format!("    (\"{path}\", ?, ?), // no Range in the doc comment\n")),
                (Some(d), Some(r)) if d != r && !exceptions.contains(&path.as_str()) => {
                    panic!("{path}: RANGES says {r:?}, the doc comment {d:?}")
                }
                _ => {}
            }
        }
        assert!(missing.is_empty(), "parameters missing from RANGES (leapsim-scenario/src/ranges.rs); add:\n{missing}");
        assert_eq!(parse_range("kcal/day. Range 1,600–2,100."), Some((1600.0, 2100.0)));
        assert_eq!(parse_range("per year. Range \u{2212}0.03–0.01."), Some((-0.03, 0.01)));
        assert_eq!(parse_range("Range 0-0.5."), Some((0.0, 0.5)));
    }

    #[test]
    fn defaults_and_the_shipped_calibration_lie_in_range() {
        for p in [Params::default(), Params::calibrated()] {
            for &(path, lo, hi) in RANGES {
                let v = p.get_path(path).unwrap();
                assert!((lo..=hi).contains(&v), "{path} = {v} outside {lo}–{hi}");
            }
        }
    }
}
