//! A scenario: a name, the parameters and the mechanism switches. (Scenario files in TOML come with the
//! "what if" issue; this is the in-memory form they will deserialise into.)

use crate::params::Params;
use serde::{Deserialize, Serialize};

/// Switches of the mechanisms of DESIGN §2, by their names there. Switched off, the world follows the
/// pre-1958 course for that mechanism.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mechanisms {
    /// Off: mortality and fertility do not respond to food (baseline rates only).
    pub demography: bool,
    /// Off: every death and birth is registered.
    pub registration: bool,
    /// Off: harvests do not respond to labour or nutrition (normal output times the other multipliers).
    pub agriculture: bool,
    /// Off: normal weather every year.
    pub weather: bool,
    pub communes: bool,
    pub mess_halls: bool,
    pub labor_mobilization: bool,
    pub backyard_steel: bool,
    pub four_pests: bool,
    pub agronomy: bool,
    /// Off: reports equal the truth and the centre knows it.
    pub reporting: bool,
    /// Off: procurement keeps the pre-1958 rules (quotas on normal output, flexible, retention floor, resale).
    pub procurement: bool,
    /// Off: net exports stay at the 1955–57 level and nothing is imported.
    pub trade: bool,
    /// Off: no political pressure (no inflation, squeeze or hiding driven by politics).
    pub politics: bool,
    /// Off: steel follows the 1957 course.
    pub industry: bool,
    /// Off: the Leap's institutions are never reversed.
    pub retrenchment: bool,
    pub public_health: bool,
}

impl Mechanisms {
    /// Names of the mechanisms, in DESIGN order.
    pub const NAMES: [&'static str; 17] = [
        "demography",
        "registration",
        "agriculture",
        "weather",
        "communes",
        "mess_halls",
        "labor_mobilization",
        "backyard_steel",
        "four_pests",
        "agronomy",
        "reporting",
        "procurement",
        "trade",
        "politics",
        "industry",
        "retrenchment",
        "public_health",
    ];

    /// Everything on (the historical system).
    pub fn all() -> Mechanisms {
        Mechanisms {
            demography: true,
            registration: true,
            agriculture: true,
            weather: true,
            communes: true,
            mess_halls: true,
            labor_mobilization: true,
            backyard_steel: true,
            four_pests: true,
            agronomy: true,
            reporting: true,
            procurement: true,
            trade: true,
            politics: true,
            industry: true,
            retrenchment: true,
            public_health: true,
        }
    }

    /// The 1957 institutions: the world's own mechanisms on, every mechanism of the Leap off.
    pub fn pre_leap() -> Mechanisms {
        Mechanisms {
            communes: false,
            mess_halls: false,
            labor_mobilization: false,
            backyard_steel: false,
            four_pests: false,
            agronomy: false,
            reporting: false,
            procurement: false,
            trade: false,
            politics: false,
            industry: false,
            retrenchment: false,
            public_health: false,
            ..Mechanisms::all()
        }
    }

    /// The switch of a mechanism by name.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "demography" => &mut self.demography,
            "registration" => &mut self.registration,
            "agriculture" => &mut self.agriculture,
            "weather" => &mut self.weather,
            "communes" => &mut self.communes,
            "mess_halls" => &mut self.mess_halls,
            "labor_mobilization" => &mut self.labor_mobilization,
            "backyard_steel" => &mut self.backyard_steel,
            "four_pests" => &mut self.four_pests,
            "agronomy" => &mut self.agronomy,
            "reporting" => &mut self.reporting,
            "procurement" => &mut self.procurement,
            "trade" => &mut self.trade,
            "politics" => &mut self.politics,
            "industry" => &mut self.industry,
            "retrenchment" => &mut self.retrenchment,
            "public_health" => &mut self.public_health,
            _ => return None,
        })
    }

    pub fn get(&self, name: &str) -> Option<bool> {
        self.clone().get_mut(name).map(|b| *b)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub mechanisms: Mechanisms,
    pub params: Params,
}

impl Scenario {
    /// The 1957 institutions kept throughout, with the historical weather.
    pub fn no_leap() -> Scenario {
        Scenario {
            name: "no_leap".into(),
            description: "The 1957 institutions and policies kept for the whole period (same weather, same seeds)."
                .into(),
            mechanisms: Mechanisms::pre_leap(),
            params: Params::calibrated(),
        }
    }

    /// The Great Leap as it happened: every mechanism on with the historical dates.
    pub fn historical() -> Scenario {
        Scenario {
            name: "historical".into(),
            description: "The Great Leap Forward as it happened: every mechanism on, historical dates and weather."
                .into(),
            mechanisms: Mechanisms::all(),
            params: Params::calibrated(),
        }
    }

    /// A stable content hash (FNV-1a over the canonical JSON form) for the manifest.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in json.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}
