//! The leapsim world: population storage, the synthetic China of January 1955, one module per mechanism
//! (`mechanisms::*`, named as in DESIGN §2), and the monthly step. A run is a library call:
//!
//! ```no_run
//! use leapsim_model::{RunOptions, Scenario, Simulation, Quiet};
//! let results = Simulation::new(Scenario::no_leap(), RunOptions::default())?.run(&mut Quiet)?;
//! println!("{:?}", results.yearly(None).last());
//! # Ok::<(), leapsim_model::SimError>(())
//! ```

pub mod checkpoint;
pub mod mechanisms;
pub mod params;
pub mod policy;
pub mod population;
pub mod results;
pub mod scenario;
pub mod sim;
pub mod world;

pub use checkpoint::{CheckpointError, RunState};
pub use params::Params;
pub use results::{MonthRecord, RunResults, YearTotals};
pub use scenario::{Mechanisms, Scenario};
pub use sim::{Observer, Quiet, RunOptions, SimError, Simulation, PHASES};
