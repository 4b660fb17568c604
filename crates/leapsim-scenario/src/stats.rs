//! Quantiles and means over seeds (ensembles, comparisons, attribution).

/// The `q`-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between order statistics (type 7 of
/// Hyndman & Fan, the default of R and numpy). NaN for an empty slice.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (h - lo as f64)
}

/// Mean; NaN for an empty slice.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Mean, 5% and 95% quantiles.
pub fn band(values: &[f64]) -> (f64, f64, f64) {
    (mean(values), quantile(values, 0.05), quantile(values, 0.95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(quantile(&[0.0, 10.0], 0.05), 0.5);
        assert_eq!(quantile(&[7.0], 0.95), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(band(&[1.0, 3.0]), (2.0, 1.1, 2.9));
    }
}
