//! A deterministic bounded pattern search (coordinate search with a halving step, Hooke & Jeeves 1961) in the
//! unit cube of the free parameters' prior ranges. It needs no gradients, respects the bounds, and given the
//! same seeds, scale and code it visits the same points and returns the same parameters.

use crate::parameters::{self, FreeParameter};
use leapsim_model::Params;
use serde::Serialize;

/// Sweeps at one step size at most; the step halves after a sweep without improvement or after this many.
pub const MAX_SWEEPS_PER_STEP: usize = 3;

/// How one parameter set fits the targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The objective: the sum over targets of the squared distance outside each band, in band half-widths,
    /// plus a small pull to the centre of each band.
    pub loss: f64,
    pub passed: usize,
    pub failed: usize,
    /// (target, simulated, low, high, pass)
    pub targets: Vec<(String, f64, f64, f64, bool)>,
}

/// Options of a calibration run.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationOptions {
    /// The first seed; the runs use `seeds` consecutive seeds from it.
    pub seed: u64,
    pub seeds: u64,
    pub scale: u32,
    /// Number of step sizes; at each the parameters are swept until a sweep brings no improvement (at most
    /// [`MAX_SWEEPS_PER_STEP`] sweeps), then the step halves.
    pub sweeps: usize,
    /// First step, as a share of each prior range.
    pub initial_step: f64,
    /// The parameters to fit.
    pub parameters: Vec<FreeParameter>,
}

/// The outcome: fitted values, the fit, and the path of the search.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationReport {
    pub seed: u64,
    pub seeds: u64,
    pub scale: u32,
    pub sweeps: usize,
    pub evaluations: usize,
    /// (path, fitted value, low, high, starting value)
    pub fitted: Vec<(String, f64, f64, f64, f64)>,
    pub initial: Evaluation,
    pub best: Evaluation,
    /// Loss at the end of each step size.
    pub loss_by_sweep: Vec<f64>,
}

/// Fits `opts.parameters` starting from `start`. `evaluate` runs the model for a parameter set; `progress`
/// hears about each evaluation (number, loss, best so far).
pub fn calibrate(
    start: &Params,
    opts: &CalibrationOptions,
    evaluate: &mut dyn FnMut(&Params) -> Result<Evaluation, String>,
    progress: &mut dyn FnMut(usize, f64, f64),
) -> Result<(Params, CalibrationReport), String> {
    let n = opts.parameters.len();
    let to_unit = |f: &FreeParameter, v: f64| ((v - f.low) / (f.high - f.low)).clamp(0.0, 1.0);
    let from_unit = |f: &FreeParameter, u: f64| f.low + u * (f.high - f.low);
    let mut u: Vec<f64> = Vec::with_capacity(n);
    let mut initial_values = Vec::with_capacity(n);
    for f in &opts.parameters {
        let v = parameters::get(start, f.path).ok_or_else(|| format!("no parameter {}", f.path))?;
        initial_values.push(v);
        u.push(to_unit(f, v));
    }
    let build = |u: &[f64]| -> Result<Params, String> {
        let mut p = start.clone();
        for (f, &x) in opts.parameters.iter().zip(u) {
            parameters::set(&mut p, f.path, from_unit(f, x))?;
        }
        Ok(p)
    };
    let mut evaluations = 0usize;
    let mut best_params = build(&u)?;
    let mut best = evaluate(&best_params)?;
    evaluations += 1;
    progress(evaluations, best.loss, best.loss);
    let initial = best.clone();
    let mut step = opts.initial_step;
    let mut loss_by_sweep = Vec::new();
    for _ in 0..opts.sweeps {
        // Sweep at this step while a sweep still improves (at most `MAX_SWEEPS_PER_STEP` times), then halve the
        // step: a parameter can travel several steps when the fit keeps improving in one direction.
        for _ in 0..MAX_SWEEPS_PER_STEP {
            let before = best.loss;
            for i in 0..n {
                for dir in [1.0, -1.0] {
                    let candidate = (u[i] + dir * step).clamp(0.0, 1.0);
                    if (candidate - u[i]).abs() < 1e-12 {
                        continue;
                    }
                    let mut trial = u.clone();
                    trial[i] = candidate;
                    let p = build(&trial)?;
                    let e = evaluate(&p)?;
                    evaluations += 1;
                    progress(evaluations, e.loss, best.loss.min(e.loss));
                    if e.loss < best.loss {
                        u = trial;
                        best = e;
                        best_params = p;
                        break;
                    }
                }
            }
            if best.loss >= before {
                break;
            }
        }
        loss_by_sweep.push(best.loss);
        step *= 0.5;
    }
    let fitted = opts
        .parameters
        .iter()
        .zip(&u)
        .zip(&initial_values)
        .map(|((f, &x), &v0)| (f.path.to_string(), round(from_unit(f, x)), f.low, f.high, v0))
        .collect();
    // Report rounded values, and return the parameters that carry exactly those values.
    let mut rounded = start.clone();
    for (f, &x) in opts.parameters.iter().zip(&u) {
        parameters::set(&mut rounded, f.path, round(from_unit(f, x)))?;
    }
    let _ = best_params;
    let report = CalibrationReport {
        seed: opts.seed,
        seeds: opts.seeds,
        scale: opts.scale,
        sweeps: opts.sweeps,
        evaluations,
        fitted,
        initial,
        best,
        loss_by_sweep,
    };
    Ok((rounded, report))
}

/// Six significant digits: the shipped values are what the report prints.
fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 6 - x.abs().log10().ceil() as i32;
    let m = 10f64.powi(digits);
    (x * m).round() / m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_bowl_within_bounds_deterministically() {
        let opts = CalibrationOptions {
            seed: 1,
            seeds: 1,
            scale: 1000,
            sweeps: 8,
            initial_step: 0.25,
            parameters: vec![
                FreeParameter { path: "communes.effort_loss", low: 0.0, high: 0.4 },
                FreeParameter { path: "mess_halls.cadre_premium", low: 0.0, high: 2.0 },
            ],
        };
        let mut f = |p: &Params| -> Result<Evaluation, String> {
            let loss = (p.communes.effort_loss - 0.1).powi(2) + (p.mess_halls.cadre_premium - 1.5).powi(2);
            Ok(Evaluation { loss, passed: 0, failed: 0, targets: vec![] })
        };
        let (p1, r1) = calibrate(&Params::default(), &opts, &mut f, &mut |_, _, _| {}).unwrap();
        let (p2, r2) = calibrate(&Params::default(), &opts, &mut f, &mut |_, _, _| {}).unwrap();
        assert_eq!(p1, p2);
        assert_eq!(r1.fitted, r2.fitted);
        assert!((p1.communes.effort_loss - 0.1).abs() < 0.01, "{}", p1.communes.effort_loss);
        assert!((p1.mess_halls.cadre_premium - 1.5).abs() < 0.02, "{}", p1.mess_halls.cadre_premium);
        assert!(r1.best.loss <= r1.initial.loss);
    }
}
