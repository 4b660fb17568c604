//! Struct-of-arrays storage of persons, households and production teams for one province.
//!
//! Bytes matter at 1:1 scale (650 million persons): a person is 13 bytes in five columns, a household
//! 18 bytes, and nothing is boxed; columns are reserved exactly (never doubled). Persons of a household are
//! stored next to each other at creation, so the monthly pass over persons reads household columns almost
//! sequentially. Newborns are appended; dead persons stay as tombstones (a row is a person's id).

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
/// A person's row never changes: the dead stay as tombstones (flag `ALIVE` cleared) and newborns are
/// appended, so the row index is the person's province-local stable id, the entity key of its random
/// draws, and no id column is stored (4 bytes a person; the tombstones of 1955–66 cost less).
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

    /// Appends a person; its id is the returned row index.
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
