//! `politics`: the timeline of the Leap and the pressure it puts on cadres.
//!
//! Pressure is a number per month: 0 under the 1957 course (the Anti-Rightist campaign of 1957 had silenced
//! critics, but the Leap's targets did not yet exist), rising from the launch of the Leap (May 1958) to its
//! peak at Beidaihe (Aug 1958), cooling from the Zhengzhou conference (Nov 1958) to the 7th Plenum (Apr 1959,
//! when Mao left the head of state), back to the peak with the anti-right-deviation campaign after Lushan
//! (Jul–Aug 1959), and falling with the retreat (Twelve Articles, Nov 1960; Sixty Articles, Mar 1961;
//! team accounting, Feb 2 1962). Literature §1, §7, §12. Provincial pressure scales the national pressure by
//! the province's radicalism, measured by its mess-hall participation at end-1959 (the literature's usual
//! proxy: Kung & Lin 2003; Liu, Wen & Wei 2014; data/provincial_other.csv, unverified-recalled values).
//!
//! The pressure drives reporting (inflation), procurement (quotas on inflated expectations, the squeeze on
//! retention), registration (hidden deaths) and how slowly the centre's beliefs follow the evidence.

use leapsim_core::Month;
use serde::{Deserialize, Serialize};

/// Dates of the political timeline; scenario files can move them (e.g. the 1959 critique wins at Lushan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timeline {
    /// Launch of the Great Leap (2nd session of the 8th Party Congress, May 1958).
    pub leap_start: Month,
    /// Beidaihe conference and the CC resolution on communes (29 Aug 1958): pressure at its peak.
    pub beidaihe: Month,
    /// First cooling: Zhengzhou conference (Nov 1958) …
    pub cooling_start: Month,
    /// … to the 7th Plenum and Mao leaving the head of state (Apr 1959).
    pub cooling_end: Month,
    /// Lushan (Jul–Aug 1959).
    pub lushan: Month,
    /// Whether Lushan launches the anti-right-deviation campaign (historical) or the critique wins.
    pub anti_right_deviation: bool,
    /// The retreat begins: the Twelve Articles (3 Nov 1960).
    pub retreat_start: Month,
    /// Sixty Articles (Mar 1961): procurement cut, mess halls voluntary (dissolved by mid-1961).
    pub sixty_articles: Month,
    /// Team made the basic accounting unit (13 Feb 1962).
    pub team_accounting: Month,
    /// Collectivisation into communes (Aug–Nov 1958): exit right and private plots abolished.
    pub communes_start: Month,
    /// Communal mess halls open (autumn 1958; People's Daily editorial Oct 1958).
    pub mess_halls_start: Month,
    /// End of "free eating" (spring 1959: village stocks depleted, rations cut).
    pub free_eating_end: Month,
    /// Mess halls dissolved (voluntary from mid-1961).
    pub mess_halls_end: Month,
    /// Backyard steel campaign (Aug–Dec 1958).
    pub steel_campaign_start: Month,
    pub steel_campaign_end: Month,
    /// Four-pests directive (12 Feb 1958).
    pub four_pests_start: Month,
    /// Sparrows dropped from the list (spring 1960).
    pub sparrows_dropped: Month,
    /// Soviet technicians withdrawn (Jul–Sep 1960).
    pub soviet_withdrawal: Month,
    /// Water-conservancy campaigns: the first winter (Oct 1957) …
    pub irrigation_start: Month,
    /// … to the last (Mar 1960).
    pub irrigation_end: Month,
    /// Urban grain rations cut (CC directive, Sep 1960) …
    pub urban_rations_cut: Month,
    /// … until the imports reach the towns and the summer harvest is in (Jul 1961). The imports, contracted in
    /// Dec 1960–Jan 1961 (5.8 Mt in 1961, literature §9), went to the coastal cities' rations. No date for the
    /// restoration of the ration standards in the literature of `reference/`: this is the earliest defensible one.
    pub urban_rations_restored: Month,
    /// Urban people sent back to the villages (mid-1961 …
    pub urban_return_start: Month,
    /// … to mid-1963).
    pub urban_return_end: Month,
    /// A lever: from this month no grain is exported (imports, if any, continue). Historically none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exports_end: Option<Month>,
    /// A lever: from this month procurement follows the real harvest (pre-1958 rules) whatever the politics.
    /// Historically none; the retreat brings the same change with the Sixty Articles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procurement_follows_harvest: Option<Month>,
}

impl Default for Timeline {
    fn default() -> Self {
        let m = |y, mo| Month::from_ym(y, mo).expect("valid month");
        Timeline {
            leap_start: m(1958, 5),
            beidaihe: m(1958, 8),
            cooling_start: m(1958, 11),
            cooling_end: m(1959, 4),
            lushan: m(1959, 8),
            anti_right_deviation: true,
            retreat_start: m(1960, 11),
            sixty_articles: m(1961, 3),
            team_accounting: m(1962, 2),
            communes_start: m(1958, 9),
            mess_halls_start: m(1958, 10),
            free_eating_end: m(1959, 2),
            mess_halls_end: m(1961, 6),
            steel_campaign_start: m(1958, 8),
            steel_campaign_end: m(1958, 12),
            four_pests_start: m(1958, 2),
            sparrows_dropped: m(1960, 4),
            soviet_withdrawal: m(1960, 7),
            irrigation_start: m(1957, 10),
            irrigation_end: m(1960, 3),
            urban_rations_cut: m(1960, 9),
            urban_rations_restored: m(1961, 7),
            urban_return_start: m(1961, 6),
            urban_return_end: m(1963, 6),
            exports_end: None,
            procurement_follows_harvest: None,
        }
    }
}

/// Parameters of `politics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PoliticsParams {
    /// Pressure at the end of the first cooling (Apr 1959), relative to the peak of 1; dimensionless.
    /// The centre revised the 1958 claim from 375 Mt (Dec 1958) to 263 Mt (Apr 1959) (literature §7). Range 0.3–0.9.
    pub cooling_level: f64,
    /// Pressure after the anti-right-deviation campaign starts (Lushan); dimensionless. Range 0.8–1.3.
    pub lushan_level: f64,
    /// Pressure left once the Sixty Articles are in force; dimensionless. Range 0–0.4.
    pub retreat_level: f64,
    /// How strongly provincial radicalism (mess-hall participation above the national mean) scales pressure;
    /// dimensionless: π_p = π · (1 + spread · (m_p − m̄)). Range 0–2.
    pub radicalism_spread: f64,
    /// Mess-hall participation assumed where the data have none: the national share at end-1959, 72.6%
    /// (literature §2, [M]). Range 0.6–0.9.
    pub default_participation: f64,
}

impl Default for PoliticsParams {
    fn default() -> Self {
        PoliticsParams {
            cooling_level: 0.6,
            lushan_level: 1.0,
            retreat_level: 0.15,
            radicalism_spread: 0.8,
            default_participation: 0.726,
        }
    }
}

fn lerp(m: Month, a: Month, b: Month, va: f64, vb: f64) -> f64 {
    if b.0 <= a.0 {
        return vb;
    }
    let t = (m.0.saturating_sub(a.0)) as f64 / (b.0 - a.0) as f64;
    va + (vb - va) * t.clamp(0.0, 1.0)
}

/// National political pressure in `m` (0 under the 1957 course, 1 at the Beidaihe peak).
pub fn national_pressure(p: &PoliticsParams, tl: &Timeline, enabled: bool, m: Month) -> f64 {
    if !enabled || m < tl.leap_start {
        return 0.0;
    }
    // The retreat overrides everything after it starts.
    if m >= tl.retreat_start {
        let start = pressure_before_retreat(p, tl, tl.retreat_start);
        return if m >= tl.team_accounting {
            0.0
        } else if m >= tl.sixty_articles {
            lerp(m, tl.sixty_articles, tl.team_accounting, p.retreat_level, 0.0)
        } else {
            lerp(m, tl.retreat_start, tl.sixty_articles, start, p.retreat_level)
        };
    }
    pressure_before_retreat(p, tl, m)
}

fn pressure_before_retreat(p: &PoliticsParams, tl: &Timeline, m: Month) -> f64 {
    if m < tl.beidaihe {
        lerp(m, tl.leap_start, tl.beidaihe, 0.3, 1.0)
    } else if m < tl.cooling_start {
        1.0
    } else if m < tl.lushan {
        lerp(m, tl.cooling_start, tl.cooling_end, 1.0, p.cooling_level)
    } else if tl.anti_right_deviation {
        p.lushan_level
    } else {
        // The critique wins: pressure keeps falling.
        lerp(m, tl.lushan, tl.retreat_start, p.cooling_level, p.retreat_level)
    }
}

/// A province's pressure given its mess-hall participation (radicalism).
pub fn provincial_pressure(p: &PoliticsParams, national: f64, participation: f64) -> f64 {
    (national * (1.0 + p.radicalism_spread * (participation - p.default_participation))).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pressure_follows_the_timeline() {
        let p = PoliticsParams::default();
        let tl = Timeline::default();
        let at = |y, mo| national_pressure(&p, &tl, true, Month::from_ym(y, mo).unwrap());
        assert_eq!(at(1957, 12), 0.0);
        assert_eq!(at(1958, 9), 1.0);
        assert!(at(1959, 5) < 0.7);
        assert_eq!(at(1959, 10), p.lushan_level);
        assert!(at(1961, 6) <= p.retreat_level);
        assert_eq!(at(1963, 1), 0.0);
        assert_eq!(national_pressure(&p, &tl, false, Month::from_ym(1958, 9).unwrap()), 0.0);
        // The critique wins at Lushan: no second peak.
        let reversal = Timeline { anti_right_deviation: false, ..Timeline::default() };
        assert!(national_pressure(&p, &reversal, true, Month::from_ym(1959, 10).unwrap()) < at(1959, 10));
        // Radical provinces feel more pressure.
        assert!(provincial_pressure(&p, 1.0, 0.97) > provincial_pressure(&p, 1.0, 0.3));
    }
}
