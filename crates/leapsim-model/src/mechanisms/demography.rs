//! `demography`: births, deaths and ageing by single year of age and sex.
//!
//! * Baseline mortality: a Siler (1979) hazard shape — falling child hazard, constant adult hazard,
//!   Gompertz senescence — with a level fixed at world building so that the initial population's true
//!   CDR equals Banister's 1955 estimate, declining towards a floor as in the 1950s–60s.
//! * Famine mortality: a multiplier of the baseline hazard that grows with the square of the household's
//!   energy deficit, stronger for children under 10, the old and men (literature §11).
//! * Fertility: each woman conceives with a monthly probability set by her age, months since her last
//!   birth (postpartum infecundity) and her household's energy deficit (famine amenorrhoea); a birth follows
//!   nine months later. Postponed births return when food does: the 1962–63 rebound emerges.
//! * Ageing is implicit: age is the current month minus the birth month.

use crate::params::DemographyParams;

/// Last year of the 1955–57 baseline the world is built on (normal fertility is measured over it).
pub const BASELINE_LAST_YEAR: i32 = 1957;

/// Oldest single-year age kept in tables (the 100+ group of the output is 100..=MAX_AGE).
pub const MAX_AGE: usize = 110;

/// Siler hazard shape (per year) before the level factor. Parameters chosen to give a 1950s Chinese
/// pattern: infant mortality ≈ 140‰ and a life expectancy in the mid-40s at the 1955 level
/// (Banister 1987; literature §11: e0 ≈ 48–49 in 1958). The level is rescaled to the 1955 CDR anyway.
pub fn siler_hazard(age: f64) -> f64 {
    const CHILD: f64 = 0.20; // hazard at birth
    const CHILD_DECAY: f64 = 1.35; // per year
    const ADULT: f64 = 0.0045;
    const SENESCENT: f64 = 0.00006;
    const SENESCENT_RISE: f64 = 0.095; // per year
    CHILD * (-CHILD_DECAY * age).exp() + ADULT + SENESCENT * (SENESCENT_RISE * age).exp()
}

/// Yearly hazard by sex (0 male, 1 female) and single year of age, at level 1. The hazard is averaged
/// over the year of age (midpoint) so the steep first year is represented.
pub fn base_hazard_table(p: &DemographyParams) -> [[f64; MAX_AGE + 1]; 2] {
    let mut t = [[0.0; MAX_AGE + 1]; 2];
    for a in 0..=MAX_AGE {
        // Average of four points within the year of age.
        let h = (0..4).map(|k| siler_hazard(a as f64 + (k as f64 + 0.5) / 4.0)).sum::<f64>() / 4.0;
        // Split around the mean so that the sexes average to h with a 1:1 sex ratio.
        let m = p.male_excess_mortality;
        t[0][a] = h * 2.0 * m / (1.0 + m);
        t[1][a] = h * 2.0 / (1.0 + m);
    }
    t
}

/// Survivorship l(a) at exact ages 0..=MAX_AGE+1 for a yearly hazard table scaled by `level`.
fn survivorship(h: &[f64; MAX_AGE + 1], level: f64) -> Vec<f64> {
    let mut l = Vec::with_capacity(MAX_AGE + 2);
    let mut s = 1.0;
    l.push(s);
    for &x in h.iter() {
        s *= (-x * level).exp();
        l.push(s);
    }
    l
}

/// The stable population (Lotka) implied by the hazards at `level` and growth rate `r`: the share of
/// each (sex, single year of age) cell. Documented method for the age structure of January 1955.
pub fn stable_population(
    table: &[[f64; MAX_AGE + 1]; 2],
    level: f64,
    r: f64,
    sex_ratio: f64,
) -> [[f64; MAX_AGE + 1]; 2] {
    let mut c = [[0.0; MAX_AGE + 1]; 2];
    let share_male = sex_ratio / (1.0 + sex_ratio);
    let mut total = 0.0;
    for (s, share) in [(0usize, share_male), (1, 1.0 - share_male)] {
        let l = survivorship(&table[s], level);
        for a in 0..=MAX_AGE {
            let person_years = 0.5 * (l[a] + l[a + 1]);
            let v = share * (-r * (a as f64 + 0.5)).exp() * person_years;
            c[s][a] = v;
            total += v;
        }
    }
    for row in c.iter_mut() {
        for v in row.iter_mut() {
            *v /= total;
        }
    }
    c
}

/// Crude death rate (per person-year) of the stable population at `level`.
pub fn stable_cdr(table: &[[f64; MAX_AGE + 1]; 2], level: f64, r: f64, sex_ratio: f64) -> f64 {
    let c = stable_population(table, level, r, sex_ratio);
    (0..2).map(|s| (0..=MAX_AGE).map(|a| c[s][a] * (1.0 - (-table[s][a] * level).exp())).sum::<f64>()).sum()
}

/// The level factor that gives the stable population the target CDR (per person-year), by bisection.
pub fn solve_mortality_level(table: &[[f64; MAX_AGE + 1]; 2], target_cdr: f64, r: f64, sex_ratio: f64) -> f64 {
    let (mut lo, mut hi) = (0.05, 5.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if stable_cdr(table, mid, r, sex_ratio) < target_cdr {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The secular decline of baseline mortality: 1 in January 1955, falling towards `mortality_floor`.
pub fn mortality_trend(p: &DemographyParams, years_since_1955: f64) -> f64 {
    p.mortality_floor + (1.0 - p.mortality_floor) * (-p.mortality_decline_rate * years_since_1955).exp()
}

/// Relative age pattern of fertility by single year of age 15..=49 (natural fertility with 1950s Chinese
/// marriage ages; five-year rates .06 .27 .30 .26 .20 .10 .02, total ≈ 6 children: Coale & Trussell
/// natural-fertility shape, in line with Sichuan's TFR of ≈ 6 in the mid-1950s in data/provincial_other.csv).
pub fn asfr_shape(age: usize) -> f64 {
    const FIVE_YEAR: [f64; 7] = [0.06, 0.27, 0.30, 0.26, 0.20, 0.10, 0.02];
    if !(15..=49).contains(&age) {
        return 0.0;
    }
    FIVE_YEAR[(age - 15) / 5]
}

/// Monthly conception probability of an eligible woman of `age` given the yearly age-specific fertility
/// rate `asfr`: a woman's birth interval is 9 months of pregnancy + the postpartum infecund months + a
/// geometric wait of mean 1/p, so 12/asfr = 9 + P + 1/p.
pub fn conception_probability(asfr: f64, postpartum_months: f64) -> f64 {
    if asfr <= 0.0 {
        return 0.0;
    }
    let wait = 12.0 / asfr - 9.0 - postpartum_months;
    if wait <= 1.0 {
        1.0
    } else {
        1.0 / wait
    }
}

/// Energy need of a person of `age` relative to an adult, in twentieths of an adult (FAO-style scale:
/// 0.4, 0.65, 0.85, 1, 0.8). Households keep integer sums, exact in any order of updates.
#[inline]
pub fn adult_equivalent_20(age: u32) -> u16 {
    match age {
        0..=3 => 8,
        4..=9 => 13,
        10..=14 => 17,
        15..=59 => 20,
        _ => 16,
    }
}

/// Energy need of a person of `age` relative to an adult; adult equivalents.
#[inline]
pub fn adult_equivalent(age: u32) -> f32 {
    crate::population::adult_eq_from_20(adult_equivalent_20(age))
}

/// Famine sensitivity by age and sex, relative to women aged 10–49.
#[inline]
pub fn famine_sensitivity(p: &DemographyParams, age: u32, female: bool) -> f64 {
    let by_age = if age < 10 {
        p.famine_sensitivity_child
    } else if age >= 50 {
        p.famine_sensitivity_old
    } else {
        1.0
    };
    if female {
        by_age
    } else {
        by_age * p.famine_sensitivity_male
    }
}

/// Relative energy deficit below the famine threshold: 0 when fed, 1 when nothing is eaten.
#[inline]
pub fn energy_deficit(p: &DemographyParams, kcal: f32) -> f64 {
    (1.0 - kcal as f64 / p.famine_kcal_threshold).max(0.0)
}

/// Extra hazard (multiplier − 1) at relative deficit `d` for a sensitivity of 1: the multiplier grows
/// exponentially with the deficit (≈ ×3 at 1,500 kcal, ×13 at 1,000 kcal, ×80 at 400 kcal per adult
/// equivalent with the default strength), the shape of the famine mortality–calorie relation estimated on
/// county data by Kasahara & Li (2020; literature, models F).
#[inline]
pub fn famine_extra(p: &DemographyParams, d: f64) -> f64 {
    if d <= 0.0 {
        0.0
    } else {
        (p.famine_mortality_strength * d).exp() - 1.0
    }
}

/// One month of nutritional depletion: the deficit smoothed with a time constant of `memory` months.
#[inline]
pub fn update_depletion(p: &DemographyParams, depletion: f32, kcal: f32) -> f32 {
    update_depletion_by_deficit(p, depletion, energy_deficit(p, kcal))
}

/// [`update_depletion`] given the month's [`energy_deficit`] (for callers that need the deficit too).
#[inline]
pub fn update_depletion_by_deficit(p: &DemographyParams, depletion: f32, deficit: f64) -> f32 {
    let a = (1.0 / p.famine_memory_months.max(1.0)) as f32;
    depletion + a * (deficit as f32 - depletion)
}

/// Multiplier of conception at nutritional `depletion` (see [`update_depletion`]): the smoothed intake, as a
/// share of `famine_kcal_threshold`, is `1 − depletion`; conception falls linearly from the fertility threshold
/// (`fertility_threshold_share`) to zero at `fertility_stop_share`, floored at 5% of normal.
#[inline]
pub fn fertility_factor(p: &DemographyParams, depletion: f64) -> f64 {
    let (onset, stop) = (p.fertility_threshold_share, p.fertility_stop_share);
    ((1.0 - depletion - stop) / (onset - stop).max(0.01)).clamp(0.05, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn level_reproduces_target_cdr() {
        let p = Params::default().demography;
        let t = base_hazard_table(&p);
        let level = solve_mortality_level(&t, 0.0223, 0.0207, 1.05);
        assert!((stable_cdr(&t, level, 0.0207, 1.05) - 0.0223).abs() < 1e-6);
        // A 1950s pattern: infant mortality between 100 and 200 per 1000 at that level.
        let q0 = 1.0 - (-t[0][0] * level).exp();
        assert!((0.1..0.2).contains(&q0), "q0 = {q0}");
    }

    #[test]
    fn stable_population_is_young() {
        let p = Params::default().demography;
        let t = base_hazard_table(&p);
        let level = solve_mortality_level(&t, 0.0223, 0.0207, 1.05);
        let c = stable_population(&t, level, 0.0207, 1.05);
        let under15: f64 = (0..2).map(|s| (0..15).map(|a| c[s][a]).sum::<f64>()).sum();
        // A stable population with CBR 43‰ and CDR 22‰ has ≈ 42% under 15; the 1953 census counted 36%, its
        // base narrowed by the wars and famines of the 1940s. The stable method is documented as such.
        assert!((0.36..0.45).contains(&under15), "{under15}");
    }

    #[test]
    fn conception_inverts_the_birth_interval() {
        let p = conception_probability(0.3, 14.0);
        assert!((9.0 + 14.0 + 1.0 / p - 40.0).abs() < 1e-9);
        assert_eq!(conception_probability(0.0, 14.0), 0.0);
    }

    #[test]
    fn famine_raises_hazard_and_lowers_fertility() {
        let p = Params::default().demography;
        assert_eq!(famine_extra(&p, energy_deficit(&p, 2200.0)), 0.0);
        let d = energy_deficit(&p, 1000.0);
        assert!(famine_extra(&p, d) > 1.0);
        assert!(fertility_factor(&p, d) < 0.5);
        assert_eq!(fertility_factor(&p, 0.0), 1.0);
        // A lower fertility threshold: a small depletion no longer lowers conception.
        let low = DemographyParams { fertility_threshold_share: 0.8, ..p.clone() };
        assert_eq!(fertility_factor(&low, 0.15), 1.0);
        assert!(fertility_factor(&low, 0.3) < fertility_factor(&p, 0.15));
        // Conception stops (at its 5% floor) at the stop share.
        assert_eq!(fertility_factor(&p, 1.0 - p.fertility_stop_share), 0.05);
        assert!(famine_sensitivity(&p, 5, true) > famine_sensitivity(&p, 30, true));
        assert!(famine_sensitivity(&p, 30, false) > famine_sensitivity(&p, 30, true));
    }
}

/// What the monthly pass over a province's persons counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassCounts {
    pub births: u64,
    pub deaths: u64,
    pub deaths_under10: u64,
    pub migrants: u64,
    /// Urban persons sent back to the villages.
    pub returned: u64,
    pub population_end: u64,
    pub urban_end: u64,
    /// Deaths and births in urban households (the urban vital rates of the record, literature §9).
    pub urban_deaths: u64,
    pub urban_births: u64,
    /// Population by sex and single year of age (100 = 100+) at the end of the month, filled only when
    /// asked for (June, for the age structure of 30 June).
    pub age_sex: Option<Box<[[u64; 101]; 2]>>,
}

/// Inputs of the pass that do not change within a month.
pub struct PassContext<'a> {
    pub params: &'a crate::params::Params,
    pub demo: &'a crate::world::Demographics,
    pub month: leapsim_core::Month,
    pub hazard: &'a [[f32; MAX_AGE + 1]; 2],
    pub seed: u64,
    pub want_age_structure: bool,
    /// `demography` on: mortality and fertility respond to hunger.
    pub famine_response: bool,
    /// Rural-to-urban migration relative to the 1955–57 rate (`labor_mobilization`).
    pub migration_multiplier: f64,
    /// Yearly probability that an urban person aged 16–45 is sent back to the village.
    pub return_rate: f64,
    /// Multiplier of conceptions for couples separated by labour mobilisation (1: all at home).
    pub separation_factor: f64,
    /// Multiplier of conceptions for the secular fertility trend: not a postponement, so the conceptions it
    /// removes are not made up later.
    pub trend_factor: f64,
}

/// Working-age member (15–64): counts as farm labour.
#[inline]
pub fn is_worker(age: u32) -> bool {
    (15..65).contains(&age)
}

/// A household's famine terms for the month, side by side: the mortality sub-pass's read of a household
/// brings the fertility sub-pass's into cache.
#[derive(Debug, Clone, Copy)]
struct FamineTerms {
    /// Extra hazard at sensitivity 1 ([`famine_extra`] of the depletion).
    extra: f32,
    /// Multiplier of conceptions ([`fertility_factor`] of this month's deficit).
    fert: f32,
}

thread_local! {
    /// The famine terms of the province in hand, one per household, kept from one pass to the next: at 1:1 a
    /// fresh allocation each month (1.2 GB) cost ≈ 40 M page faults over a run.
    static FAMINE_TERMS: std::cell::Cell<Vec<FamineTerms>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Rows of persons taken together through the three sub-passes of [`persons_pass`]: the chunk's person
/// columns and its scratch (≈ 92 KiB) stay in cache between the sub-passes.
const CHUNK: usize = 4096;

/// (sex, age) cells of the mortality sub-pass: `sex * (MAX_AGE + 1) + age`.
const CELLS: usize = 2 * (MAX_AGE + 1);

/// The person columns the pass works on, cut to the same length (no bounds checks in the hot loop).
struct Columns<'a> {
    flags: &'a mut [u8],
    births: &'a [u16],
    household: &'a mut [u32],
    budgets: &'a mut [f32],
    events: &'a mut [u16],
}

/// What the mortality sub-pass counts.
#[derive(Default)]
struct Tally {
    deaths: u64,
    deaths_under10: u64,
    /// Survivors of the month, and those of them in urban households at the start of the month.
    alive: u64,
    urban: u64,
    /// Deaths of persons in urban households.
    urban_deaths: u64,
}

/// Inputs of the fertility and birthday sub-passes fixed for the month.
struct MonthDraws {
    m: u16,
    month_key: u32,
    province: usize,
    fert_rng: leapsim_core::rng::Rng,
    newborn_rng: leapsim_core::rng::Rng,
    mig_rng: leapsim_core::rng::Rng,
    postpartum: u16,
    share_male_births: f64,
    /// Multipliers of conceptions: separation times trend (see [`PassContext`]) and the catch-up boost.
    conception_factor: f64,
    boost: f64,
    /// Yearly probabilities of moving to a town of a rural man and of a rural woman aged 16–30.
    migrate_p: [f64; 2],
    return_p: f64,
}

/// A death in the pass over persons: the household loses the member, counted at last month's age
/// (birthdays are applied later in the pass).
#[cold]
#[inline(never)]
fn remove_dead(hh: &mut crate::population::Households, h: usize, age_months: u16) {
    let counted_age = (age_months.saturating_sub(1) / 12) as u32;
    hh.remove_member(h, adult_equivalent_20(counted_age), is_worker(counted_age));
}

/// Bits of a row's code in the mortality sub-pass.
mod code {
    /// Alive (before the month's deaths; after them in the final codes).
    pub const ALIVE: u8 = 1;
    /// Woman aged 15–49: the fertility sub-pass sees her.
    pub const FERTILE: u8 = 2;
    /// Birthday this month, age ≥ 1: the birthday sub-pass sees the person.
    pub const BIRTHDAY: u8 = 4;
    /// In an urban household (the person flag's bit).
    pub const URBAN: u8 = 8;
    /// Died this month (set with `ALIVE` cleared, by the hazards loop).
    pub const DIED: u8 = 16;
}

/// Scratch of the mortality sub-pass for one chunk (in cache from one sub-pass to the next).
struct Scratch {
    /// (sex, age) cell of each row: the index into the month's `rates`.
    cell: [u16; CHUNK],
    codes: [u8; CHUNK],
    /// The rows' households' extra hazards ([`FamineTerms::extra`]).
    extra: [f32; CHUNK],
    /// Row lists; 8 spare slots, as lists are written 8 entries at a time.
    fertile: [u32; CHUNK + 8],
    birthday: [u32; CHUNK + 8],
    /// The fertility sub-pass's lists: births due, women at risk of conceiving.
    due: [u32; CHUNK],
    at_risk: [u32; CHUNK],
}

/// Positions of the set bits of each byte value, in increasing order (padded with 0): lists are built from
/// byte masks without branches.
const BIT_POSITIONS: [[u8; 8]; 256] = {
    let mut t = [[0u8; 8]; 256];
    let mut v = 0;
    while v < 256 {
        let (mut bit, mut n) = (0, 0);
        while bit < 8 {
            if v & (1 << bit) != 0 {
                t[v][n] = bit as u8;
                n += 1;
            }
            bit += 1;
        }
        v += 1;
    }
    t
};

/// Byte mask (bit j: row j) of the rows of an 8-row group whose code byte has `bit`.
#[inline(always)]
fn group_mask(codes: u64, bit: u8) -> usize {
    // Bit `bit` of each byte moved to bit 0, then the eight bits gathered into the top byte by one multiply.
    ((((codes >> bit) & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080)) >> 56) as usize
}

/// Appends to `list` at `len` the rows `base + j` of the group's `mask`, in order: eight entries are written
/// (the spare ones are overwritten next), the length advances by the count.
#[inline(always)]
fn append_rows(list: &mut [u32; CHUNK + 8], len: usize, base: u32, mask: usize) -> usize {
    let pos = &BIT_POSITIONS[mask];
    let at = len % CHUNK;
    let out: &mut [u32; 8] = (&mut list[at..at + 8]).try_into().expect("8 slots");
    for j in 0..8 {
        out[j] = base + pos[j] as u32;
    }
    len + mask.count_ones() as usize
}

/// Sub-pass A over one chunk of rows starting at row `start` (the column slices are the chunk's): every row,
/// without data-dependent branches. Subtracts the month's hazard (× the household's famine multiplier when
/// `HUNGRY`) from the death budgets, removes the dead, counts the survivors (and their ages when `AGES`), and
/// lists, in row order, the survivors that the next sub-passes must see: women aged 15–49 in `fertile`,
/// persons with a birthday (age ≥ 1) in `birthday`. Returns the lengths of the two lists. Four loops, each
/// simple enough for the compiler: (sex, age) cells and codes (vectorised), the households' extra hazards,
/// hazards and budgets (no branch: the deaths are only marked), lists and the rare deaths.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn mortality<const HUNGRY: bool, const AGES: bool>(
    start: usize,
    flags: &mut [u8],
    births: &[u16],
    household: &[u32],
    budgets: &mut [f32],
    m: u16,
    rates: &[[f32; 2]; CELLS],
    terms: &[FamineTerms],
    hh: &mut crate::population::Households,
    tally: &mut Tally,
    ages: &mut [[u64; 101]; 2],
    sc: &mut Scratch,
) -> (usize, usize) {
    use crate::population::flag;
    // Same lengths, at most a chunk: the loops need no bounds checks on the columns.
    let n = flags.len().min(CHUNK);
    let (flags, births, household, budgets) = (&mut flags[..n], &births[..n], &household[..n], &mut budgets[..n]);
    let (cells, codes) = (&mut sc.cell[..n], &mut sc.codes[..n]);
    for k in 0..n {
        let f = flags[k];
        let age_months = m.saturating_sub(births[k]);
        let age = age_months / 12;
        cells[k] = (f & flag::FEMALE) as u16 * (MAX_AGE as u16 + 1) + age.min(MAX_AGE as u16);
        let fertile = (f & flag::FEMALE != 0) & (15..50).contains(&age);
        let birthday = (age_months >= 12) & (age_months == age * 12);
        codes[k] = ((f & flag::ALIVE != 0) as u8 * code::ALIVE)
            | (fertile as u8 * code::FERTILE)
            | (birthday as u8 * code::BIRTHDAY)
            | ((f & flag::URBAN) / flag::URBAN * code::URBAN);
    }
    let extra = &mut sc.extra[..n];
    if HUNGRY {
        // The households' extra hazards gathered first, in a loop of their own: persons born after the world was
        // built lie far from the rows of their household, and a loop doing nothing else keeps many of those
        // cache misses in flight at once. The dead read household 0's (they pay nothing) rather than miss.
        for k in 0..n {
            let h = household[k] * (codes[k] & code::ALIVE) as u32;
            extra[k] = terms[h as usize].extra;
        }
    }
    // Hazards and budgets, straight-line: a death only sets the code's `DIED` bit (and clears `ALIVE`), and the
    // household and the tallies learn of it in the list loop below, which finds the rare deaths eight rows at a
    // time. (With the death handled here the loop kept a branch and a call and was not vectorised; without them
    // it is.)
    for k in 0..n {
        let c = codes[k];
        let is_alive = c & code::ALIVE != 0;
        let [hazard, sens] = rates[(cells[k] as usize).min(CELLS - 1)];
        let mut h_rate = hazard;
        if HUNGRY {
            h_rate = (h_rate * (1.0 + sens * extra[k])).min(0.5);
        }
        let old = budgets[k];
        let survives = is_alive & (old - h_rate > 0.0);
        // Survivors pay the hazard, the dead (budget 0) pay 0 (× 1.0 and × 0.0 are exact). A product, not a
        // select or a bit mask, which the compiler turns into a branch that the tombstones scattered among the
        // living mispredict. Who dies now keeps the budget here and gets 0 in the list loop.
        budgets[k] = old - h_rate * (survives as u8 as f32);
        codes[k] = (c * survives as u8) | ((is_alive & !survives) as u8 * code::DIED);
    }
    if AGES {
        for k in 0..n {
            let sex = (flags[k] & flag::FEMALE) as usize;
            let age = cells[k] as usize - sex * (MAX_AGE + 1);
            ages[sex][age.min(100)] += (codes[k] & code::ALIVE) as u64;
        }
    }
    // Lists and counts, eight rows at a time; the codes past the chunk's end count as dead.
    sc.codes[n..n.next_multiple_of(8).min(CHUNK)].fill(0);
    let (mut nf, mut nb, mut alive, mut urban) = (0usize, 0usize, 0u64, 0u64);
    for (g, group) in sc.codes[..n.next_multiple_of(8).min(CHUNK)].chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(group.try_into().expect("8 codes"));
        alive += (w & 0x0101_0101_0101_0101).count_ones() as u64;
        urban += (w & 0x0808_0808_0808_0808).count_ones() as u64;
        let base = (start + 8 * g) as u32;
        nf = append_rows(&mut sc.fertile, nf, base, group_mask(w, 1));
        nb = append_rows(&mut sc.birthday, nb, base, group_mask(w, 2));
        let died = group_mask(w, 4);
        if died != 0 {
            for &j in &BIT_POSITIONS[died][..died.count_ones() as usize] {
                let k = 8 * g + j as usize;
                flags[k] &= !flag::ALIVE & !flag::PREGNANT;
                budgets[k] = 0.0;
                let age_months = m.saturating_sub(births[k]);
                remove_dead(hh, household[k] as usize, age_months);
                tally.deaths += 1;
                tally.deaths_under10 += (age_months / 12 < 10) as u64;
                tally.urban_deaths += (flags[k] & flag::URBAN != 0) as u64;
            }
        }
    }
    tally.alive += alive;
    tally.urban += urban;
    (nf, nb)
}

/// Reads one value from every cache line of the person columns' `rows` (the next chunk), all at once: the loads
/// are independent and a few instructions apart, so the processor has many cache misses in flight, where the
/// sub-passes, doing a row's work between two lines, kept only a few (the hardware prefetcher starts afresh at
/// each 4 KiB page). The sub-passes then find the lines in cache. (Safe Rust has no prefetch instruction.)
#[inline(never)]
fn touch(cols: &Columns<'_>, rows: std::ops::Range<usize>) {
    let rows = rows.start.min(cols.flags.len())..rows.end.min(cols.flags.len());
    let mut acc = 0u32;
    for k in rows.clone().step_by(16) {
        acc ^= cols.household[k] ^ cols.budgets[k].to_bits();
    }
    for k in rows.clone().step_by(32) {
        acc ^= (cols.births[k] ^ cols.events[k]) as u32;
    }
    for k in rows.step_by(64) {
        acc ^= cols.flags[k] as u32;
    }
    std::hint::black_box(acc);
}

/// Sub-pass B over the women aged 15–49 alive after this month's deaths, in row order: births nine months
/// after conception, conceptions of women neither pregnant nor in postpartum infecundity. Reads the flags
/// and household the woman had at the start of the month (the birthday sub-pass, which moves migrants,
/// comes after). Conceptions add to `expected` (at normal fertility) and `realised`. The women are first
/// sorted, without branches, into the lists of births due and of women at risk of conceiving (each in row
/// order; the two do not touch each other's state), so the loop of draws runs without mispredictions.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn fertility(
    nf: usize,
    sc: &mut Scratch,
    cols: &mut Columns<'_>,
    md: &MonthDraws,
    conception: &[f64; MAX_AGE + 1],
    terms: &[FamineTerms],
    expected: &mut f64,
    realised: &mut f64,
    newborns: &mut Vec<(u32, u8)>,
) {
    use crate::population::flag;
    use crate::world::person_entity;
    use leapsim_core::rng::to_unit;
    let Columns { flags, births, household, events, .. } = cols;
    let m = md.m;
    let (mut n_due, mut n_risk) = (0usize, 0usize);
    for &id in &sc.fertile[..nf.min(CHUNK)] {
        let i = id as usize;
        let pregnant = flags[i] & flag::PREGNANT != 0;
        let (event, since) = (events[i], m.saturating_sub(events[i]));
        // `% CHUNK` never wraps (a list is no longer than the chunk); it spares the bounds checks.
        sc.due[n_due % CHUNK] = id;
        n_due += (pregnant & (since >= 9)) as usize;
        sc.at_risk[n_risk % CHUNK] = id;
        n_risk += (!pregnant & ((event == 0) | (since >= md.postpartum))) as usize;
    }
    for &id in &sc.due[..n_due.min(CHUNK)] {
        let i = id as usize;
        let f = flags[i];
        flags[i] = f & !flag::PREGNANT;
        events[i] = m;
        let u = to_unit(md.newborn_rng.words(person_entity(md.province, id), md.month_key, 0)[0]);
        let sex = if u < md.share_male_births { 0 } else { flag::FEMALE };
        newborns.push((household[i], sex | (f & flag::URBAN)));
    }
    // The sums in locals (the same additions in the same order): through the `&mut`s, each addition waited for
    // the store of the one before.
    let (mut expected_sum, mut realised_sum) = (*expected, *realised);
    for &id in &sc.at_risk[..n_risk.min(CHUNK)] {
        let i = id as usize;
        let age_idx = ((m.saturating_sub(births[i]) / 12) as usize).min(MAX_AGE);
        let fert_factor = if terms.is_empty() { 1.0f32 } else { terms[household[i] as usize].fert };
        let normal = conception[age_idx];
        let p = normal * fert_factor as f64 * md.conception_factor * md.boost;
        expected_sum += normal;
        realised_sum += p;
        // One Philox block serves four consecutive months (word = month mod 4): still a pure function of
        // (seed, stream, person, month).
        let w = md.fert_rng.words(person_entity(md.province, id), md.month_key / 4, 0)[(md.month_key % 4) as usize];
        if to_unit(w) < p {
            flags[i] |= flag::PREGNANT;
            events[i] = m;
        }
    }
    (*expected, *realised) = (expected_sum, realised_sum);
}

/// Sub-pass C over the persons with a birthday this month (age ≥ 1), alive after this month's deaths, in row
/// order: energy need and labour change with age; rural-to-urban migration and returns to the villages are
/// decided once a year, in the month of the birthday. Migrants found households in row order, so household
/// ids do not depend on the chunking.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn birthdays(
    birthday: &[u32],
    cols: &mut Columns<'_>,
    md: &MonthDraws,
    hh: &mut crate::population::Households,
    first_household: &[u32],
    migrants: &mut u64,
    returned: &mut u64,
) {
    use crate::population::{flag, URBAN};
    use crate::world::person_entity;
    let Columns { flags, births, household, .. } = cols;
    let rural_teams = first_household.len();
    for &id in birthday {
        let i = id as usize;
        let f = flags[i];
        let age = (md.m.saturating_sub(births[i]) / 12) as u32;
        // Birthdays change energy need and labour.
        let (ae_old, ae_new) = (adult_equivalent_20(age - 1), adult_equivalent_20(age));
        let (w_old, w_new) = (is_worker(age - 1), is_worker(age));
        if ae_old != ae_new || w_old != w_new {
            let h = household[i] as usize;
            hh.adult_eq_20[h] = hh.adult_eq_20[h] + ae_new - ae_old;
            hh.workers[h] = hh.workers[h] + w_new as u16 - w_old as u16;
        }
        // Rural-to-urban migration of young adults, decided once a year in the month of their birthday
        // (spreads moves over the year at a twelfth of the draws): the migrant founds a one-person urban
        // household.
        if f & flag::URBAN == 0
            && (16..=30).contains(&age)
            && md.migrate_p[(f & flag::FEMALE) as usize] > 0.0
            && md.mig_rng.uniform(person_entity(md.province, id), md.month_key, 0)
                < md.migrate_p[(f & flag::FEMALE) as usize]
        {
            let h = household[i] as usize;
            let nh = hh.push(URBAN) as usize;
            hh.kcal[nh] = hh.kcal[h];
            hh.remove_member(h, ae_new, w_new);
            hh.add_member(nh, ae_new, w_new);
            household[i] = nh as u32;
            flags[i] = f | flag::URBAN;
            *migrants += 1;
        }
        // Sent back to the village (1961–63): the person joins a rural household of a team drawn at random.
        if f & flag::URBAN != 0 && md.return_p > 0.0 && rural_teams > 0 && (16..=45).contains(&age) {
            let u = md.mig_rng.uniforms4(person_entity(md.province, id), md.month_key, 1);
            if u[0] < md.return_p {
                let team = ((u[1] * rural_teams as f64) as usize).min(rural_teams - 1);
                let nh = first_household[team] as usize;
                hh.remove_member(household[i] as usize, ae_new, w_new);
                hh.add_member(nh, ae_new, w_new);
                household[i] = nh as u32;
                flags[i] = f & !flag::URBAN;
                *returned += 1;
            }
        }
    }
}

/// The monthly pass over persons: deaths (exponential budgets against the month's hazard), conceptions and
/// births, rural-to-urban migration and returns. Household sizes, workers and adult equivalents are kept up
/// to date incrementally (deaths, births, moves and birthdays; adult equivalents are integers, so the order
/// of the updates does not matter), so in normal times the pass reads only the person columns, sequentially;
/// household columns are read only where someone is hungry.
///
/// The persons are taken in chunks of [`CHUNK`] rows, each in three sub-passes: mortality over every row,
/// nearly branch-free, listing the survivors the other two need (dead rows scattered among the living and the
/// one-in-twelve birthdays made one loop doing everything mispredict; with the budget select and the lists
/// made branch-free the mortality sub-pass went from 7.3 to 4.3 ns a row at scale 300); fertility over the
/// listed women; birthdays (need, labour, migration, returns) over the listed persons. Each sub-pass keeps row
/// order, and a person's fertility sees the household and flags of the start of the month, as one loop doing
/// the three in turn per person would. Each chunk ends by reading ahead one value per cache line of the next
/// chunk's columns ([`touch`]).
pub fn persons_pass(pr: &mut crate::world::Province, cx: &PassContext<'_>) -> PassCounts {
    use leapsim_core::rng::Rng;
    use leapsim_core::Stream;

    let d = &cx.params.demography;
    let mort_rng = Rng::new(cx.seed, Stream::Mortality);
    let m = cx.month.0;

    // Famine terms per household, computed once per household, only if anyone is below the threshold.
    let hh = &mut pr.households;
    let mut terms = FAMINE_TERMS.take();
    terms.clear();
    // The households' fertility factors summed in row order (as `Iterator::sum`, from -0.0), in the same loop.
    let mut fert_sum = -0.0f64;
    if cx.famine_response && hh.depletion.iter().any(|&x| x > 0.0) {
        terms.extend(hh.depletion.iter().map(|&x| {
            let f = fertility_factor(d, x as f64) as f32;
            fert_sum += f as f64;
            FamineTerms { extra: famine_extra(d, x as f64) as f32, fert: f }
        }));
    }
    let hungry = !terms.is_empty();
    // Catch-up: once food is back and couples are together, postponed conceptions are made up over
    // `catch_up_months`.
    let mean_fert = if terms.is_empty() { 1.0 } else { fert_sum / terms.len() as f64 };
    // "Food is back" is judged against the province's own 1955–57 level (in poor provinces some households
    // are below the famine threshold in normal years too), and "couples are together" by separation alone
    // (not by the secular fertility trend).
    if cx.month.year() <= BASELINE_LAST_YEAR {
        pr.baseline_months += 1;
        pr.baseline_fertility_factor += (mean_fert - pr.baseline_fertility_factor) / pr.baseline_months as f64;
    }
    // Once a province is out of famine, lean winters do not interrupt the catch-up; only a return to famine
    // restarts the clock. The catch-up waits `catch_up_delay_months`: the weddings the famine put off are held
    // first (Banister's births: 41.0‰ in 1962, 49.8‰ in 1963, a year after food came back).
    // The clock starts when fertility is back near its 1955–57 level (couples together: checked by the reset).
    if mean_fert < d.famine_return_share * pr.baseline_fertility_factor || cx.separation_factor <= 0.97 {
        pr.recovered_months = 0;
    } else if mean_fert > 0.97 * pr.baseline_fertility_factor || pr.recovered_months > 0 {
        pr.recovered_months = pr.recovered_months.saturating_add(1);
    }
    let recovering = pr.recovered_months as f64 > d.catch_up_delay_months;
    let boost = if recovering && pr.expected_conceptions > 0.0 {
        1.0 + (pr.postponed_conceptions / d.catch_up_months.max(1.0) / pr.expected_conceptions).min(1.0)
    } else {
        1.0
    };
    let md = MonthDraws {
        m,
        month_key: m as u32,
        province: pr.index,
        fert_rng: Rng::new(cx.seed, Stream::Fertility),
        newborn_rng: Rng::new(cx.seed, Stream::Newborn),
        mig_rng: Rng::new(cx.seed, Stream::Migration),
        postpartum: d.postpartum_infecund_months.round() as u16,
        share_male_births: d.sex_ratio_at_birth / (1.0 + d.sex_ratio_at_birth),
        conception_factor: cx.separation_factor * cx.trend_factor,
        boost,
        migrate_p: [1.0, d.migrant_female_ratio].map(|r| d.rural_urban_migration_rate * cx.migration_multiplier * r),
        return_p: cx.return_rate,
    };
    let mut expected = 0.0f64;
    let mut realised = 0.0f64;
    // The month's hazard and the famine sensitivity by (sex, age) cell, side by side: one load a row.
    let mut rates = [[0f32; 2]; CELLS];
    for (cell, r) in rates.iter_mut().enumerate() {
        let (s, a) = (cell / (MAX_AGE + 1), cell % (MAX_AGE + 1));
        *r = [cx.hazard[s][a], famine_sensitivity(d, a as u32, s == 1) as f32];
    }

    let mut counts = PassCounts::default();
    let mut ages = Box::new([[0u64; 101]; 2]);
    let mut newborns: Vec<(u32, u8)> = Vec::new();
    let persons = &mut pr.persons;
    let n = persons.len();
    let mut cols = Columns {
        flags: &mut persons.flags[..n],
        births: &persons.birth[..n],
        household: &mut persons.household[..n],
        budgets: &mut persons.budget[..n],
        events: &mut persons.event[..n],
    };
    debug_assert_eq!(crate::population::flag::FEMALE, 1);
    let mut tally = Tally::default();
    let mut sc = Box::new(Scratch {
        cell: [0; CHUNK],
        codes: [0; CHUNK],
        extra: [0.0; CHUNK],
        fertile: [0; CHUNK + 8],
        birthday: [0; CHUNK + 8],
        due: [0; CHUNK],
        at_risk: [0; CHUNK],
    });
    for start in (0..n).step_by(CHUNK) {
        let rows = start..(start + CHUNK).min(n);
        let (nf, nb) = {
            let (hz, e, t, a) = (&rates, &terms[..], &mut tally, &mut *ages);
            let sc = &mut *sc;
            let fg = &mut cols.flags[rows.clone()];
            let (bi, ho, bu) = (&cols.births[rows.clone()], &cols.household[rows.clone()], &mut cols.budgets[rows]);
            match (hungry, cx.want_age_structure) {
                (false, false) => mortality::<false, false>(start, fg, bi, ho, bu, m, hz, e, hh, t, a, sc),
                (false, true) => mortality::<false, true>(start, fg, bi, ho, bu, m, hz, e, hh, t, a, sc),
                (true, false) => mortality::<true, false>(start, fg, bi, ho, bu, m, hz, e, hh, t, a, sc),
                (true, true) => mortality::<true, true>(start, fg, bi, ho, bu, m, hz, e, hh, t, a, sc),
            }
        };
        let conception = &cx.demo.conception;
        fertility(nf, &mut sc, &mut cols, &md, conception, &terms, &mut expected, &mut realised, &mut newborns);
        let first = &pr.teams.first_household[..];
        birthdays(&sc.birthday[..nb], &mut cols, &md, hh, first, &mut counts.migrants, &mut counts.returned);
        // The next chunk's person columns on their way to the cache while this one ends (at scale 60 the run took
        // ≈ 6% less CPU time; the mortality sub-pass had spent a third of its time waiting for the columns).
        touch(&cols, start + CHUNK..start + 2 * CHUNK);
    }
    FAMINE_TERMS.set(terms);
    counts.deaths = tally.deaths;
    counts.deaths_under10 = tally.deaths_under10;
    counts.urban_deaths = tally.urban_deaths;
    counts.population_end = tally.alive;
    // Urban at the end of the month: a migrant was rural at its start, a returnee urban.
    counts.urban_end = tally.urban + counts.migrants - counts.returned;
    // Book-keeping of postponed conceptions: deficits add, the catch-up's surplus pays them back. Expected
    // conceptions include the secular trend (until session 8 they did not, and the trend's shortfall was counted
    // as postponed: paid back in every month judged "food is back", it cancelled part of the trend and made
    // births swing with the harvest).
    let expected = expected * cx.trend_factor;
    pr.expected_conceptions = expected;
    let balance = if cx.famine_response { expected - realised } else { 0.0 };
    pr.postponed_conceptions =
        (pr.postponed_conceptions + d.catch_up_share * balance.max(0.0) + balance.min(0.0)).max(0.0);
    // Newborns join their mother's household.
    let province = pr.index;
    persons.grow_for(newborns.len());
    for (h, bits) in newborns {
        use crate::population::flag;
        let id = pr.next_id;
        pr.next_id += 1;
        // The death budget is drawn once in a life: keyed by the count of persons ever created, not by the row
        // (rows are reused after the yearly compaction; see `population::Persons`).
        let budget = -(mort_rng.uniform(crate::world::person_entity(province, id), 0, 0)).ln() as f32;
        persons.push(m, flag::ALIVE | bits, h, budget);
        let hu = h as usize;
        debug_assert_eq!(hh.is_urban(hu), bits & flag::URBAN != 0);
        hh.add_member(hu, adult_equivalent_20(0), is_worker(0));
        counts.births += 1;
        counts.population_end += 1;
        counts.urban_end += (bits & flag::URBAN != 0) as u64;
        counts.urban_births += (bits & flag::URBAN != 0) as u64;
        ages[(bits & flag::FEMALE) as usize][0] += 1;
    }
    if cx.want_age_structure {
        counts.age_sex = Some(ages);
    }
    counts
}
