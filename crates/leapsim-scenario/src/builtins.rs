//! The built-in scenarios: TOML files of `scenarios/` embedded in the binary, each with a comment giving
//! the historical argument behind it. `historical.toml` has no `base`: a file without one starts from the
//! model's historical scenario (`leapsim_model::Scenario::historical`).

use crate::error::{ErrorKind, ScenarioError};
use crate::file;
use leapsim_model::Scenario;

/// Names of the built-in scenarios, in the order `leapsim scenarios` lists them.
pub const BUILTIN_NAMES: [&str; 11] = [
    "historical",
    "no_leap",
    "honest_reporting",
    "flexible_procurement",
    "no_exports",
    "exit_right_kept",
    "no_mess_halls",
    "no_steel_campaign",
    "lushan_reversal",
    "early_retrenchment",
    "no_weather_shock",
];

const FILES: [&str; 11] = [
    include_str!("../../../scenarios/historical.toml"),
    include_str!("../../../scenarios/no_leap.toml"),
    include_str!("../../../scenarios/honest_reporting.toml"),
    include_str!("../../../scenarios/flexible_procurement.toml"),
    include_str!("../../../scenarios/no_exports.toml"),
    include_str!("../../../scenarios/exit_right_kept.toml"),
    include_str!("../../../scenarios/no_mess_halls.toml"),
    include_str!("../../../scenarios/no_steel_campaign.toml"),
    include_str!("../../../scenarios/lushan_reversal.toml"),
    include_str!("../../../scenarios/early_retrenchment.toml"),
    include_str!("../../../scenarios/no_weather_shock.toml"),
];

/// The TOML text of a built-in scenario.
pub fn builtin_toml(name: &str) -> Option<&'static str> {
    BUILTIN_NAMES.iter().position(|n| *n == name).map(|i| FILES[i])
}

/// A built-in scenario by name.
pub fn builtin(name: &str) -> Result<Scenario, ScenarioError> {
    builtin_at_depth(name, 0)
}

pub(crate) fn builtin_at_depth(name: &str, depth: usize) -> Result<Scenario, ScenarioError> {
    let text = builtin_toml(name).ok_or_else(|| {
        ScenarioError::new(
            ErrorKind::UnknownScenario,
            name,
            format!("no built-in scenario of this name; built-in scenarios: {}", BUILTIN_NAMES.join(", ")),
        )
    })?;
    let sc = file::parse(&format!("builtin:{name}"), text, Some(name), depth, true)?;
    if sc.name != name {
        return Err(ScenarioError::new(
            ErrorKind::Invalid,
            &format!("builtin:{name}"),
            format!("the file names itself \"{}\"", sc.name),
        ));
    }
    Ok(sc)
}

/// The one-line description of a built-in scenario.
pub fn builtin_description(name: &str) -> Option<String> {
    builtin(name).ok().map(|s| s.description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_is_named_after_its_file() {
        for name in BUILTIN_NAMES {
            let sc = builtin(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(sc.name, name);
            assert!(!sc.description.is_empty() && !sc.description.contains('\n'), "{name}");
            assert!(builtin_toml(name).unwrap().trim_start().starts_with('#'), "{name}: explain the argument");
        }
    }

    #[test]
    fn historical_and_no_leap_equal_the_model_definitions() {
        assert_eq!(builtin("historical").unwrap(), Scenario::historical());
        assert_eq!(builtin("no_leap").unwrap(), Scenario::no_leap());
    }

    #[test]
    fn each_counterfactual_changes_what_it_says() {
        let h = Scenario::historical();
        let get = |n| builtin(n).unwrap();
        assert!(!get("honest_reporting").mechanisms.reporting);
        assert_eq!(
            get("flexible_procurement").params.timeline.procurement_follows_harvest,
            Some(h.params.timeline.leap_start)
        );
        assert_eq!(get("exit_right_kept").params.communes.effort_loss, 0.0);
        assert!(!get("no_mess_halls").mechanisms.mess_halls);
        let steel = get("no_steel_campaign");
        assert!(!steel.mechanisms.backyard_steel && steel.params.labor_mobilization.unharvested_share == 0.0);
        let lushan = get("lushan_reversal").params.timeline;
        assert!(!lushan.anti_right_deviation && lushan.retreat_start == lushan.lushan);
        assert!(get("early_retrenchment").params.timeline.retreat_start < h.params.timeline.retreat_start);
        assert!(!get("no_weather_shock").mechanisms.weather);
        // Only the intended fields differ from historical (besides name and description).
        for n in BUILTIN_NAMES.iter().skip(2) {
            let s = get(n);
            assert!(s.mechanisms != h.mechanisms || s.params != h.params, "{n} changes nothing");
        }
    }
}
