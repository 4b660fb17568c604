//! Scenario files (DESIGN §8: `model` → `scenario`). A scenario file is TOML: a built-in `base` plus
//! overrides of mechanism switches, parameters and timeline dates. Every file is validated against the
//! model's own types (unknown names get the closest valid name as a suggestion), each numeric parameter
//! against its plausible range ([`RANGES`]), each date against the simulated period; errors name the file,
//! line and column. The same types give the JSON Schema ([`json_schema`]). The built-in scenarios are TOML
//! files of `scenarios/`, embedded. [`attribution`] holds the coalitions and the exact Shapley arithmetic of
//! `leapsim attribute`, and [`stats`] the quantiles of ensembles.
//!
//! ```
//! let sc = leapsim_scenario::parse_str("my.toml", "base = \"historical\"\n[mechanisms]\ntrade = false\n")?;
//! assert!(!sc.mechanisms.trade);
//! # Ok::<(), leapsim_scenario::ScenarioError>(())
//! ```

pub mod attribution;
mod builtins;
mod error;
mod file;
mod ranges;
mod schema;
pub mod stats;
mod suggest;

pub use builtins::{builtin, builtin_description, builtin_toml, BUILTIN_NAMES};
pub use error::{ErrorKind, ScenarioError};
pub use file::{load_path, parse_str, resolve, MAX_FILE_BYTES};
pub use ranges::{documented_ranges, range_of, ParamRange, PERIOD_FIRST, PERIOD_LAST, RANGES};
pub use schema::{json_schema, json_schema_string};
