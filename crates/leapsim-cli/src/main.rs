//! `leapsim`: the command-line front end. A thin layer over `leapsim_model` (the run) and `leapsim_io`
//! (the files). Errors print one line and exit non-zero: 2 for bad arguments, 1 for failures of the run.

mod attribute;
mod bench;
mod calibrate;
mod compare;
mod ensemble;
mod out;
mod resume;
mod run;
mod scenarios;
mod summary;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "leapsim", version, about = "An agent-based simulator of China's Great Leap Forward (1958–1962).")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario, print a summary beside the historical record and write the outputs.
    Run(run::RunArgs),
    /// Continue a run started with --checkpoint-every from the checkpoint in its output directory, and write
    /// its outputs (a finished run is left as it is).
    Resume(resume::ResumeArgs),
    /// Fit the global free parameters to the historical record; writes params.json and a report.
    Calibrate(calibrate::CalibrateArgs),
    /// Measure throughput (person-months per second per core) and memory (bytes per person).
    Bench(bench::BenchArgs),
    /// Check a run's outputs against the historical targets (DESIGN §6) and draw charts beside the record.
    Validate(validate::ValidateArgs),
    /// List the built-in scenarios (`scenarios show NAME` prints one's TOML file).
    Scenarios(scenarios::ScenariosArgs),
    /// Print the JSON Schema of scenario files.
    Schema,
    /// Compare two scenarios (B − A) by year and province over seeds, with common random numbers.
    Compare(compare::CompareArgs),
    /// Attribute the famine's excess deaths to mechanisms (exact Shapley values over coalitions).
    Attribute(attribute::AttributeArgs),
}

/// A user error: printed as one line, exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: clap's first line names the problem; the usage block is noise here.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid arguments");
            eprintln!("{} (see leapsim --help)", first.trim_end());
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Resume(args) => resume::resume(args),
        Command::Bench(args) => bench::bench(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Scenarios(args) => scenarios::scenarios(args),
        Command::Schema => scenarios::schema(),
        Command::Compare(args) => compare::compare(args),
        Command::Attribute(args) => attribute::attribute(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = if e.downcast_ref::<UsageError>().is_some() { 2 } else { 1 };
            eprintln!("error: {}", one_line(&e));
            ExitCode::from(code)
        }
    }
}

/// The error and its causes on one line. A cause already said by an earlier part is left out, compared
/// without case and without std's " (os error N)" suffix, so "cannot create X: permission denied" is not
/// followed by ": Permission denied (os error 13)".
fn one_line(e: &anyhow::Error) -> String {
    fn normalized(s: &str) -> String {
        let s = match s.rfind(" (os error ") {
            Some(i) if s.ends_with(')') => &s[..i],
            _ => s,
        };
        s.to_lowercase()
    }
    let mut parts: Vec<String> = Vec::new();
    for c in e.chain() {
        let s = c.to_string();
        let key = normalized(&s);
        if !parts.iter().any(|p| normalized(p).contains(&key)) {
            parts.push(s);
        }
    }
    parts.join(": ").replace('\n', " ")
}
