//! `leapsim validate DIR`: checks a run's outputs against the targets of DESIGN.md §6 and draws the key
//! series beside the record. The work is `leapsim_report`'s; this file only wires it to the command line.
//!
//! Exit codes: 0 when every target passes, 1 when any fails (or a file cannot be written), 2 when DIR is
//! missing or one of its files cannot be read.

use crate::out::outln;
use crate::UsageError;
use anyhow::Result;
use clap::Args;
use leapsim_report::RunOutput;
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct ValidateArgs {
    /// Output directory of `leapsim run`; validation.json and the charts (*.svg) are written into it.
    pub dir: PathBuf,
}

/// Some targets failed: exit code 1, after the table has been printed.
#[derive(Debug)]
struct TargetsFailed {
    failed: usize,
    total: usize,
    report: PathBuf,
}

impl std::fmt::Display for TargetsFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {} validation targets failed (details in {})", self.failed, self.total, self.report.display())
    }
}

impl std::error::Error for TargetsFailed {}

pub fn validate(args: ValidateArgs) -> Result<()> {
    // An unreadable run directory is a bad argument (exit 2), like an unusable --out for `run`.
    let run = RunOutput::read(&args.dir).map_err(|e| UsageError(e.to_string()))?;
    let validation = leapsim_report::evaluate(&run);
    let written = leapsim_report::write_report(&args.dir, &run, &validation)?;
    let table = leapsim_report::render_table(&validation);
    // The table's last line is the totals; list the files just above it.
    let (body, totals) = table.trim_end().rsplit_once('\n').unwrap_or(("", table.trim_end()));
    let names: Vec<String> =
        written.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
    outln!("{body}");
    outln!("wrote {} in {}", names.join(", "), args.dir.display());
    outln!("{totals}");
    if validation.failed() > 0 {
        return Err(TargetsFailed {
            failed: validation.failed(),
            total: validation.targets.len(),
            report: args.dir.join("validation.json"),
        }
        .into());
    }
    Ok(())
}
