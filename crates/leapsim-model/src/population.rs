//! Struct-of-arrays storage of persons, households and production teams for one province.
//!
//! Bytes matter at 1:1 scale (650 million persons): a person is 13 bytes in five columns, a household
//! 18 bytes, and nothing is boxed; columns are reserved exactly (never doubled). Persons of a household are
//! stored next to each other at creation, so the monthly pass over persons reads household columns almost
//! sequentially. Newborns are appended and the dead stay as tombstones until the yearly compaction
//! ([`Persons::compact_by_household`]) drops them and puts every person back next to its household.

/// Person flag bits.
pub mod flag {
    pub const FEMALE: u8 = 1;
    pub const ALIVE: u8 = 2;
    pub const PREGNANT: u8 = 4;
    /// Member of an urban household (mirrors the household's team, so the pass over persons need not
    /// read household columns).
    pub const URBAN: u8 = 8;
}

/// Team index of an urban household (state-supplied, outside the communes).
pub const URBAN: u32 = u32::MAX;

#[derive(Debug, Clone, Default, PartialEq)]
///
/// Within a year a person's row does not change: the dead stay as tombstones (flag `ALIVE` cleared) and
/// newborns are appended. Once a year [`Persons::compact_by_household`] drops the tombstones and sorts the
/// living by household, so a row is **not** a stable id across years, and no id column is stored (4 bytes a
/// person). The rule for random draws (`world::person_entity`):
///
/// * a draw made once in a life (the death budget) is keyed by the province's count of persons ever created
///   at the person's creation (`Province::next_id`), which no other person shares;
/// * a draw made in a given month (conception, a newborn's sex, migration, return) is keyed by (row, month):
///   rows are unique within a month, and the compaction runs between months.
///
/// Nothing outside the person columns holds a row index from one month to the next.
pub struct Persons {
    /// Birth month (months since January 1850).
    pub birth: Vec<u16>,
    /// [`flag`] bits.
    pub flags: Vec<u8>,
    /// Index of the household in the province's [`Households`].
    pub household: Vec<u32>,
    /// Remaining exponential death budget: the person dies in the month the cumulated hazard exceeds
    /// it, so one draw per life gives exact time-varying hazards and common random numbers across
    /// scenarios.
    pub budget: Vec<f32>,
    /// Month of conception while pregnant, otherwise month of the last birth (0: none).
    pub event: Vec<u16>,
}

impl Persons {
    pub const BYTES_PER_PERSON: usize = 2 + 1 + 4 + 4 + 2;

    pub fn len(&self) -> usize {
        self.birth.len()
    }

    pub fn is_empty(&self) -> bool {
        self.birth.is_empty()
    }

    /// Appends a person; returns its row (valid until the next compaction).
    pub fn push(&mut self, birth: u16, flags: u8, household: u32, budget: f32) -> u32 {
        let id = self.birth.len() as u32;
        self.birth.push(birth);
        self.flags.push(flags);
        self.household.push(household);
        self.budget.push(budget);
        self.event.push(0);
        id
    }

    /// Room for `n` more persons, reserved exactly (no doubling: at 1:1 a doubled column costs gigabytes).
    pub fn reserve(&mut self, n: usize) {
        self.birth.reserve_exact(n);
        self.flags.reserve_exact(n);
        self.household.reserve_exact(n);
        self.budget.reserve_exact(n);
        self.event.reserve_exact(n);
    }

    /// Makes room for `n` more persons, growing by at least 1/128 of the length when it must grow, so the
    /// columns are reallocated every few months (births are ≈ 0.3% a month), never doubled.
    pub fn grow_for(&mut self, n: usize) {
        if self.birth.capacity() < self.len() + n {
            self.reserve(n.max(self.len() / 128));
        }
    }

    /// Drops the dead and stably sorts the living by household (a counting sort: O(rows + households)), so the
    /// members of a household are next to each other again and the pass over persons reads the household
    /// columns in order: at 1:1 the persons born since 1955 and appended in birth order made every household
    /// read from their rows a cache miss into hundreds of MB, and a sixth of the rows were tombstones by
    /// 1966. `households` is the number of households (every person's household is below it).
    ///
    /// In place: the columns keep their allocations (the tombstones' room serves the births of the next
    /// months, so the columns grow later than without compaction), and nothing is reallocated (fresh columns
    /// fragmented the heap: +25% peak RSS at scale 10). Memory beyond the columns, freed on return: a `u32`
    /// per household (bucket starts), the permutation and one scratch column (a `u32` per living person
    /// each): ≈ 9 bytes a row, ≈ 0.6 GB for Sichuan at 1:1. Deterministic
    /// (row order within a household is kept). Returns whether anything moved.
    pub fn compact_by_household(&mut self, households: usize) -> bool {
        let n = self.len();
        let (flags, household) = (&self.flags[..n], &self.household[..n]);
        // Living members per household, shifted by one so that the prefix sum gives each bucket's first row.
        let mut next = vec![0u32; households + 1];
        let mut in_order = true;
        let mut prev = 0u32;
        for (&f, &h) in flags.iter().zip(household) {
            let alive = f & flag::ALIVE != 0;
            next[h as usize + 1] += alive as u32;
            in_order &= alive & (h >= prev);
            prev = h;
        }
        if in_order {
            // No tombstone and already sorted (the world as built): nothing to do.
            return false;
        }
        for h in 1..next.len() {
            next[h] += next[h - 1];
        }
        let living = next[households] as usize;
        let mut perm = vec![0u32; living];
        for (i, (&f, &h)) in flags.iter().zip(household).enumerate() {
            if f & flag::ALIVE != 0 {
                let slot = &mut next[h as usize];
                perm[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
        // Each column gathered into the scratch (widened to u32), then copied back over its first `living` rows;
        // birth and event months travel together, and the household column is the buckets' (`next[h]` is now
        // the end of household h's rows): three gathers, not five.
        let mut scratch: Vec<u32> = Vec::with_capacity(living);
        scratch.extend(perm.iter().map(|&i| self.birth[i as usize] as u32 | (self.event[i as usize] as u32) << 16));
        self.birth.truncate(living);
        self.event.truncate(living);
        for ((b, e), &v) in self.birth.iter_mut().zip(self.event.iter_mut()).zip(scratch.iter()) {
            (*b, *e) = (v as u16, (v >> 16) as u16);
        }
        fn gather<T: Copy>(
            col: &mut Vec<T>,
            perm: &[u32],
            scratch: &mut Vec<u32>,
            to: fn(T) -> u32,
            from: fn(u32) -> T,
        ) {
            scratch.clear();
            scratch.extend(perm.iter().map(|&i| to(col[i as usize])));
            col.truncate(perm.len());
            for (c, &v) in col.iter_mut().zip(scratch.iter()) {
                *c = from(v);
            }
        }
        gather(&mut self.flags, &perm, &mut scratch, u32::from, |v| v as u8);
        gather(&mut self.budget, &perm, &mut scratch, f32::to_bits, f32::from_bits);
        drop((perm, scratch));
        self.household.truncate(living);
        let mut first = 0usize;
        for (h, &end) in next[..households].iter().enumerate() {
            self.household[first..end as usize].fill(h as u32);
            first = end as usize;
        }
        true
    }

    pub fn heap_bytes(&self) -> usize {
        self.birth.capacity() * 2
            + self.flags.capacity()
            + self.household.capacity() * 4
            + self.budget.capacity() * 4
            + self.event.capacity() * 2
    }
}

/// Adult equivalents from the twentieths households keep.
#[inline]
pub fn adult_eq_from_20(ae_20: u16) -> f32 {
    ae_20 as f32 / 20.0
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Households {
    /// Rural households (members of production teams) are the range `rural_first..rural_end`, built
    /// together; every other household is urban (built before them, or founded by a migrant after). The
    /// team of a rural household follows from the teams' household ranges, so no column is stored.
    pub rural_first: u32,
    pub rural_end: u32,
    /// Living members.
    pub size: Vec<u16>,
    /// Working-age members (15–64), counted in the last pass over persons.
    pub workers: Vec<u16>,
    /// Adult equivalents of energy need in twentieths (every value of the scale is a multiple of 1/20), kept
    /// up to date by the pass over persons. Integer, so the incremental updates (deaths, birthdays, moves,
    /// births) give the same value in any order; read it with [`Households::adult_eq`].
    pub adult_eq_20: Vec<u16>,
    /// Grain held by the household; kg unhusked (f32: 7 significant digits of a household's grain are
    /// plenty, and 4 bytes a household matter at 1:1).
    pub stock: Vec<f32>,
    /// Energy intake last month; kcal per adult equivalent per day.
    pub kcal: Vec<f32>,
    /// Nutritional depletion: the energy deficit smoothed over the last months (bodies run down over a
    /// hungry season and recover over months). Famine mortality follows it.
    pub depletion: Vec<f32>,
}

impl Households {
    pub const BYTES_PER_HOUSEHOLD: usize = 2 + 2 + 2 + 4 + 4 + 4;

    pub fn len(&self) -> usize {
        self.size.len()
    }

    pub fn is_empty(&self) -> bool {
        self.size.is_empty()
    }

    /// Appends a household of `team` ([`URBAN`] or a team index). Rural households must be pushed one after
    /// the other (world building does); urban ones at any time.
    pub fn push(&mut self, team: u32) -> u32 {
        let h = self.size.len() as u32;
        if team != URBAN {
            if self.rural_first == self.rural_end {
                self.rural_first = h;
                self.rural_end = h;
            }
            assert_eq!(self.rural_end, h, "rural households must be contiguous");
            self.rural_end = h + 1;
        }
        if self.size.len() == self.size.capacity() {
            // Grow by 1/64 (migrants found households a few at a time), never double.
            self.reserve(self.size.len() / 64 + 16);
        }
        self.size.push(0);
        self.workers.push(0);
        self.adult_eq_20.push(0);
        self.stock.push(0.0);
        self.kcal.push(0.0);
        self.depletion.push(0.0);
        h
    }

    /// Room for `n` more households, reserved exactly.
    pub fn reserve(&mut self, n: usize) {
        self.size.reserve_exact(n);
        self.workers.reserve_exact(n);
        self.adult_eq_20.reserve_exact(n);
        self.stock.reserve_exact(n);
        self.kcal.reserve_exact(n);
        self.depletion.reserve_exact(n);
    }

    /// Releases spare capacity (after the world is built).
    pub fn shrink_to_fit(&mut self) {
        self.size.shrink_to_fit();
        self.workers.shrink_to_fit();
        self.adult_eq_20.shrink_to_fit();
        self.stock.shrink_to_fit();
        self.kcal.shrink_to_fit();
        self.depletion.shrink_to_fit();
    }

    /// Adult equivalents of household `h`.
    #[inline]
    pub fn adult_eq(&self, h: usize) -> f32 {
        adult_eq_from_20(self.adult_eq_20[h])
    }

    /// A member of `ae_20` twentieths of adult need, a worker or not, joins household `h`.
    #[inline]
    pub fn add_member(&mut self, h: usize, ae_20: u16, worker: bool) {
        self.size[h] += 1;
        self.adult_eq_20[h] += ae_20;
        self.workers[h] += worker as u16;
    }

    /// A member of `ae_20` twentieths of adult need, a worker or not, leaves household `h` (dies or moves).
    #[inline]
    pub fn remove_member(&mut self, h: usize, ae_20: u16, worker: bool) {
        self.size[h] -= 1;
        self.adult_eq_20[h] -= ae_20;
        self.workers[h] -= worker as u16;
    }

    #[inline]
    pub fn is_urban(&self, h: usize) -> bool {
        !(self.rural_first as usize..self.rural_end as usize).contains(&h)
    }

    pub fn heap_bytes(&self) -> usize {
        self.size.capacity() * Self::BYTES_PER_HOUSEHOLD
    }
}

/// Production teams: the unit that farms, is procured from and distributes grain. Households of a team
/// are a contiguous range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Teams {
    pub commune: Vec<u32>,
    pub first_household: Vec<u32>,
    pub households: Vec<u32>,
    /// Land, in units of "persons farmed for in 1955": a team's share of the province's sown area.
    pub land: Vec<f32>,
    /// Fixed relative productivity (soil, water); mean 1.
    pub quality: Vec<f32>,
    /// Working-age members at creation: the labour the land was farmed with in 1955.
    pub base_workers: Vec<f32>,
    /// Whether the team runs a communal mess hall while they exist (drawn once from the province's
    /// participation).
    pub mess_hall: Vec<bool>,
    /// The team's collective granary (mess halls); kg.
    pub stock: Vec<f64>,
    /// Resale the team needed at its last harvest that the centre did not admit (it believed in a surplus);
    /// kg. Paid out as relief in later months as far as the pressure falls (`procurement`).
    pub withheld: Vec<f64>,
}

impl Teams {
    pub fn len(&self) -> usize {
        self.commune.len()
    }

    pub fn is_empty(&self) -> bool {
        self.commune.is_empty()
    }

    pub fn heap_bytes(&self) -> usize {
        self.commune.capacity() * 41
    }

    /// Releases spare capacity (after the world is built).
    pub fn shrink_to_fit(&mut self) {
        self.commune.shrink_to_fit();
        self.first_household.shrink_to_fit();
        self.households.shrink_to_fit();
        self.land.shrink_to_fit();
        self.quality.shrink_to_fit();
        self.base_workers.shrink_to_fit();
        self.mess_hall.shrink_to_fit();
        self.stock.shrink_to_fit();
        self.withheld.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Persons of households 0..4 pushed out of order, some dead: a newborn appended to household 0 after
    /// members of later households, a migrant's household (3) founded before the rows of household 2.
    fn scattered() -> (Persons, usize) {
        let mut p = Persons::default();
        let rows: [(u16, u8, u32); 10] = [
            (10, flag::ALIVE, 0),
            (11, 0, 0),
            (12, flag::ALIVE | flag::FEMALE, 1),
            (13, flag::ALIVE | flag::URBAN, 3),
            (14, flag::ALIVE, 2),
            (15, 0, 1),
            (16, flag::ALIVE | flag::FEMALE | flag::PREGNANT, 0),
            (17, flag::ALIVE, 1),
            (18, flag::ALIVE, 0),
            (19, 0, 3),
        ];
        for (k, &(birth, f, h)) in rows.iter().enumerate() {
            let row = p.push(birth, f, h, k as f32 + 0.5) as usize;
            p.event[row] = 100 + k as u16;
        }
        (p, 4)
    }

    #[test]
    fn compaction_drops_the_dead_and_groups_by_household_stably() {
        let (mut p, households) = scattered();
        let before = p.clone();
        let alive = |p: &Persons| (0..p.len()).filter(|&i| p.flags[i] & flag::ALIVE != 0).collect::<Vec<_>>();
        let per_household = |p: &Persons| {
            let mut c = vec![0usize; households];
            for i in alive(p) {
                c[p.household[i] as usize] += 1;
            }
            c
        };
        assert!(p.compact_by_household(households));
        // No tombstones; every column as long as the living.
        assert_eq!(alive(&p).len(), p.len());
        assert_eq!(p.len(), alive(&before).len());
        for len in [p.flags.len(), p.household.len(), p.budget.len(), p.event.len()] {
            assert_eq!(len, p.len());
        }
        // Grouped by household, in household order; the same members per household.
        assert!(p.household.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(per_household(&p), per_household(&before));
        // Stable: within a household the old row order, every column carried along (birth identifies the row).
        assert_eq!(p.birth, vec![10, 16, 18, 12, 17, 14, 13]);
        for (i, &b) in p.birth.iter().enumerate() {
            let old = (b - 10) as usize;
            assert_eq!(
                (p.flags[i], p.household[i], p.budget[i], p.event[i]),
                (before.flags[old], before.household[old], before.budget[old], before.event[old])
            );
        }
        // The columns keep their room (for the births to come), and a second compaction has nothing to do.
        assert!(p.birth.capacity() >= before.len());
        let once = p.clone();
        assert!(!p.compact_by_household(households));
        assert_eq!(p, once);
    }

    #[test]
    fn compaction_of_an_ordered_living_population_changes_nothing() {
        let mut p = Persons::default();
        for h in [0u32, 0, 1, 2, 2, 2] {
            p.push(5, flag::ALIVE, h, 1.0);
        }
        let before = p.clone();
        assert!(!p.compact_by_household(3));
        assert_eq!(p, before);
        // Empty households (a household of dead members, or one that has none) are fine.
        p.flags[2] = 0;
        assert!(p.compact_by_household(3));
        assert_eq!(p.household, vec![0, 0, 2, 2, 2]);
    }
}
