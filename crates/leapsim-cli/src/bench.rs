//! `leapsim bench`: throughput and memory of the engine.

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {}

pub fn bench(_args: BenchArgs) -> Result<()> {
    anyhow::bail!("not yet")
}
