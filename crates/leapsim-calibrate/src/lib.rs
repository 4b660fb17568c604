//! `leapsim calibrate`: fits the global free parameters (each with a prior range) to the national series and
//! the provincial death rates, by a deterministic bounded pattern search over runs of the historical scenario
//! and its `no_leap` counterfactual at fixed seeds. The shipped parameters (`calibration/params.json`,
//! embedded in `leapsim-model`) are its output; `calibration/report.md` lists every fitted value, its range
//! and the fit to each target.

pub mod objective;
pub mod parameters;
pub mod search;

pub use objective::{combine_seeds, evaluate_runs, run_output, run_pair};
pub use parameters::{FreeParameter, FREE_PARAMETERS};
pub use search::{calibrate, CalibrationOptions, CalibrationReport, Evaluation};
