//! Validation of a leapsim run against the historical record, and charts of the key series beside it.
//!
//! [`validate`] reads the output directory of `leapsim run` ([`RunOutput`]), checks every target of
//! DESIGN.md §6 ([`evaluate`]) and returns a [`Validation`]; [`render_table`] prints it one target a line;
//! [`write_report`] writes `validation.json` and the charts of [`charts`] (`grain.svg`, `cdr.svg`,
//! `procurement.svg`, `population.svg`) into the directory. [`svg`] is a small self-made line-chart
//! builder (no plotting dependency, no external fonts) that the dashboard and HTML report can reuse.
//!
//! The historical record is [`leapsim_data`]; the run is read from its files only, so a directory
//! written by any version of the CLI can be checked.

mod charts;
mod error;
mod run;
mod stats;
pub mod svg;
mod targets;

pub use crate::charts::{charts, Chart};
pub use crate::error::ReportError;
pub use crate::run::RunOutput;
pub use crate::stats::{ranks, spearman};
pub use crate::targets::{evaluate, render_table, Band, Group, Info, Target, Unit, Validation};

use std::path::{Path, PathBuf};

/// Reads the run in `dir` and checks it against every target of DESIGN.md §6.
pub fn validate(dir: &Path) -> Result<Validation, ReportError> {
    Ok(evaluate(&RunOutput::read(dir)?))
}

/// Writes `validation.json` and the four charts into `dir`, each atomically; returns the paths written.
pub fn write_report(dir: &Path, run: &RunOutput, validation: &Validation) -> Result<Vec<PathBuf>, ReportError> {
    let mut written = Vec::new();
    let path = dir.join("validation.json");
    leapsim_io::write_json(&path, &validation.to_json())?;
    written.push(path);
    for chart in charts(run) {
        let path = dir.join(chart.file_name);
        leapsim_io::write_text(&path, &chart.svg)?;
        written.push(path);
    }
    Ok(written)
}
