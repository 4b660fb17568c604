//! A scenario: a name, the parameters and the mechanism switches. (Scenario files in TOML come with the
//! "what if" issue; this is the in-memory form they will deserialise into.)

use crate::params::Params;
use serde::{Deserialize, Serialize};

/// Switches of the mechanisms of DESIGN §2. Switched off, the world follows the pre-1958 course for that
/// mechanism. `demography` and `agriculture` are always on: without them there is no world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mechanisms {
    /// Off: every death and birth is registered.
    pub registration: bool,
    /// Off: normal weather every year.
    pub weather: bool,
}

impl Mechanisms {
    /// Names of the mechanisms implemented so far, in DESIGN order.
    pub const NAMES: [&'static str; 4] = ["demography", "registration", "agriculture", "weather"];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
            description: "The 1957 institutions and policies kept for the whole period (same weather, same seeds).".into(),
            mechanisms: Mechanisms { registration: true, weather: true },
            params: Params::default(),
        }
    }

    /// Built-in scenarios by name.
    pub fn builtin(name: &str) -> Option<Scenario> {
        match name {
            "no_leap" => Some(Scenario::no_leap()),
            _ => None,
        }
    }

    pub const BUILTIN_NAMES: [&'static str; 1] = ["no_leap"];

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
