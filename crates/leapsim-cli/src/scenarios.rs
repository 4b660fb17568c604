//! `leapsim scenarios` (list the built-ins), `leapsim scenarios show NAME` (print one's TOML) and
//! `leapsim schema` (the JSON Schema of scenario files).

use crate::out::out;
use crate::UsageError;
use anyhow::Result;
use clap::{Args, Subcommand};

#[derive(Args, Debug, Clone)]
pub struct ScenariosArgs {
    #[command(subcommand)]
    pub command: Option<ScenariosCommand>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum ScenariosCommand {
    /// Print a built-in scenario's TOML file (a starting point for your own: change `name` and edit).
    Show {
        /// Built-in scenario name.
        name: String,
    },
}

pub fn scenarios(args: ScenariosArgs) -> Result<()> {
    match args.command {
        None => {
            let width = leapsim_scenario::BUILTIN_NAMES.iter().map(|n| n.len()).max().unwrap_or(0);
            let mut out = String::new();
            for name in leapsim_scenario::BUILTIN_NAMES {
                // A built-in that no longer validates is a bug, but the list still prints.
                let description = leapsim_scenario::builtin_description(name)
                    .unwrap_or_else(|| "(does not validate: see `leapsim scenarios show`)".into());
                out.push_str(&format!("{name:<width$}  {description}\n"));
            }
            out!("{out}");
            Ok(())
        }
        Some(ScenariosCommand::Show { name }) => {
            let text = leapsim_scenario::builtin_toml(&name).ok_or_else(|| {
                UsageError(format!(
                    "unknown scenario {name:?}; built-in scenarios: {}",
                    leapsim_scenario::BUILTIN_NAMES.join(", ")
                ))
            })?;
            out!("{text}");
            Ok(())
        }
    }
}

pub fn schema() -> Result<()> {
    out!("{}", leapsim_scenario::json_schema_string());
    Ok(())
}
