//! `communes`: collectivisation into People's Communes (Aug–Nov 1958; Beidaihe resolution 29 Aug 1958).
//!
//! * Exit right removed (Lin 1990): the collective becomes a one-shot game, effort falls and output with it.
//!   Team accounting (Feb 1962) restores part of the incentive; Lin's TFP series did not regain its 1952 level
//!   for decades, so part of the loss stays.
//! * Private plots and household sidelines abolished: before 1958 they were ≈ 7% of cropland and ≈ 30% of
//!   peasant income (literature §1, [V-weak]); here they supply part of the non-grain food. Restored with the
//!   Twelve Articles (Nov 1960).
//! * "Communist wind" transfers of labour are part of `labor_mobilization`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunesParams {
    /// Fall of farm output from shirking once the exit right is gone; fraction. Lin (1990): TFP collapsed
    /// (magnitude [M]). Range 0–0.3 (0: the exit right kept).
    pub effort_loss: f64,
    /// Share of the effort loss recovered when the team becomes the accounting unit (Feb 1962); fraction. The
    /// exit right was not restored with team accounting, and in Lin's series agricultural TFP did not regain its
    /// 1952 level until the 1980s (literature §1, [M]), so the range starts at 0 (it started at 0.2 until five
    /// of the six calibrations of sessions 3–6 ended there). Range 0–1.
    pub effort_recovered: f64,
    /// Share of rural non-grain food that came from private plots and sidelines; fraction. Plots ≈ 7% of land,
    /// ≈ 30% of income (literature §1). Range 0.2–0.7.
    pub private_plot_food_share: f64,
}

impl Default for CommunesParams {
    fn default() -> Self {
        CommunesParams { effort_loss: 0.08, effort_recovered: 0.5, private_plot_food_share: 0.4 }
    }
}
