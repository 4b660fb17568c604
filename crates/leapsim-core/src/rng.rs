//! Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11, "Parallel random numbers: as
//! easy as 1, 2, 3"). Every draw is a pure function of (seed, stream, entity, month, draw index), so
//! results do not depend on thread count or iteration order, and two scenarios that share a seed share
//! every draw the policy difference does not touch (DESIGN §4).

/// The named random streams. One per mechanism that draws, so switching a mechanism off never shifts
/// another mechanism's numbers. Values are part of the determinism contract: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Stream {
    /// Synthetic population: ages, sexes, household sizes.
    Population = 1,
    /// Death hazard budgets of persons.
    Mortality = 2,
    /// Births.
    Fertility = 3,
    /// Sex at birth and newborn attributes.
    Newborn = 4,
    /// Registration of births and deaths.
    Registration = 5,
    /// Stochastic weather.
    Weather = 6,
    /// Yield noise of production teams.
    Harvest = 7,
    /// Migration between rural and urban sectors.
    Migration = 8,
    /// Reporting noise in the hierarchy.
    Reporting = 9,
    /// Within-team allocation (mess halls, cadres).
    Allocation = 10,
}

const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

/// The raw Philox4x32 block function with 10 rounds.
#[derive(Debug, Clone, Copy)]
pub struct Philox4x32;

impl Philox4x32 {
    #[inline(always)]
    fn round(ctr: [u32; 4], key: [u32; 2]) -> [u32; 4] {
        let p0 = (M0 as u64) * (ctr[0] as u64);
        let p1 = (M1 as u64) * (ctr[2] as u64);
        let (hi0, lo0) = ((p0 >> 32) as u32, p0 as u32);
        let (hi1, lo1) = ((p1 >> 32) as u32, p1 as u32);
        [hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0]
    }

    /// Encrypts `ctr` under `key`.
    #[inline(always)]
    pub fn block(mut ctr: [u32; 4], mut key: [u32; 2]) -> [u32; 4] {
        for i in 0..10 {
            if i > 0 {
                key = [key[0].wrapping_add(W0), key[1].wrapping_add(W1)];
            }
            ctr = Self::round(ctr, key);
        }
        ctr
    }
}

/// Draws for one (seed, stream): the key is the seed mixed with the stream id; the counter holds
/// (entity low, entity high, month, draw index).
#[derive(Debug, Clone, Copy)]
pub struct Rng {
    key: [u32; 2],
}

impl Rng {
    pub fn new(seed: u64, stream: Stream) -> Rng {
        // Mix the stream into the high key word so distinct streams are distinct block ciphers.
        let hi = ((seed >> 32) as u32) ^ (stream as u32).wrapping_mul(0x85EB_CA6B);
        Rng { key: [seed as u32, hi] }
    }

    /// Four independent 32-bit words for (entity, month, draw).
    #[inline(always)]
    pub fn words(&self, entity: u64, month: u32, draw: u32) -> [u32; 4] {
        Philox4x32::block([entity as u32, (entity >> 32) as u32, month, draw], self.key)
    }

    /// A uniform in [0, 1) with 32 bits of resolution.
    #[inline(always)]
    pub fn uniform(&self, entity: u64, month: u32, draw: u32) -> f64 {
        to_unit(self.words(entity, month, draw)[0])
    }

    /// Four uniforms in (0, 1) from one block.
    #[inline(always)]
    pub fn uniforms4(&self, entity: u64, month: u32, draw: u32) -> [f64; 4] {
        let w = self.words(entity, month, draw);
        [to_unit(w[0]), to_unit(w[1]), to_unit(w[2]), to_unit(w[3])]
    }
}

/// Maps a 32-bit word to (0, 1): never exactly 0, so `-ln(u)` is finite.
#[inline(always)]
pub fn to_unit(w: u32) -> f64 {
    (w as f64 + 0.5) * (1.0 / 4_294_967_296.0)
}

/// Binomial draw by inversion for small means and a normal approximation for large ones. Pure in its
/// inputs: the caller supplies the uniforms. Used for aggregate draws (registration of counts).
pub fn binomial(n: u64, p: f64, u: [f64; 4]) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let mean = n as f64 * p;
    if mean < 30.0 {
        // Inversion of the cumulative distribution.
        let q = 1.0 - p;
        let mut prob = q.powf(n as f64);
        let mut cum = prob;
        let mut k = 0u64;
        while u[0] > cum && k < n {
            prob *= (n - k) as f64 / (k + 1) as f64 * p / q;
            k += 1;
            cum += prob;
            if prob < 1e-300 {
                break;
            }
        }
        k
    } else {
        // Box–Muller on two uniforms.
        let z = (-2.0 * u[1].ln()).sqrt() * (std::f64::consts::TAU * u[2]).cos();
        let sd = (mean * (1.0 - p)).sqrt();
        (mean + sd * z).round().clamp(0.0, n as f64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known-answer vectors from Random123 (kat_vectors, philox4x32_10).
    #[test]
    fn philox_known_answers() {
        assert_eq!(Philox4x32::block([0, 0, 0, 0], [0, 0]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
        assert_eq!(Philox4x32::block([u32::MAX; 4], [u32::MAX; 2]), [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
        assert_eq!(
            Philox4x32::block([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]),
            [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]
        );
    }

    #[test]
    fn streams_and_seeds_differ() {
        let a = Rng::new(1, Stream::Mortality).words(7, 3, 0);
        let b = Rng::new(1, Stream::Fertility).words(7, 3, 0);
        let c = Rng::new(2, Stream::Mortality).words(7, 3, 0);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, Rng::new(1, Stream::Mortality).words(7, 3, 0));
    }

    #[test]
    fn uniforms_are_uniform_enough() {
        let r = Rng::new(42, Stream::Population);
        let n = 100_000;
        let mean: f64 = (0..n).map(|i| r.uniform(i, 0, 0)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
    }

    #[test]
    fn binomial_has_the_right_mean() {
        let r = Rng::new(3, Stream::Registration);
        for &(n, p) in &[(20u64, 0.3f64), (10_000, 0.8)] {
            let draws = 20_000u64;
            let total: u64 = (0..draws).map(|i| binomial(n, p, r.uniforms4(i, 0, 0))).sum();
            let mean = total as f64 / draws as f64;
            assert!((mean - n as f64 * p).abs() < 0.02 * n as f64 * p + 0.1, "n={n} p={p} mean={mean}");
        }
    }
}
