//! DESIGN §4: two scenarios with the same seed share every draw the policy difference does not touch, so
//! every month before the first policy difference is bit-identical.

use leapsim_core::{Month, Period};
use leapsim_model::{MonthRecord, RunOptions, Scenario, Simulation};

fn records(sc: Scenario, last: Month) -> Vec<MonthRecord> {
    let options = RunOptions {
        scale: 4000,
        seed: 7,
        threads: 2,
        period: Period { first: Month::from_ym(1955, 1).unwrap(), last },
    };
    Simulation::new(sc, options).unwrap().run(&mut leapsim_model::Quiet).unwrap().records
}

/// Identical before `m`, different from `m` on (within a few months).
fn assert_diverge_at(a: Scenario, b: Scenario, m: Month) {
    let last = Month(m.0 + 4);
    let (ra, rb) = (records(a, last), records(b, last));
    assert_eq!(ra.len(), rb.len());
    for (x, y) in ra.iter().zip(&rb).filter(|(x, _)| x.month < m) {
        assert!(x == y, "{}: the runs differ before the first policy difference {m}", x.month);
    }
    assert!(ra.iter().zip(&rb).any(|(x, y)| x.month >= m && x != y), "the policy difference at {m} changed nothing");
}

#[test]
fn procurement_following_the_harvest_from_june_1959_changes_nothing_before() {
    let b = leapsim_scenario::parse_str("b.toml", "[timeline]\nprocurement_follows_harvest = \"1959-06\"\n").unwrap();
    assert_diverge_at(Scenario::historical(), b, Month::from_ym(1959, 6).unwrap());
}

#[test]
fn closing_the_mess_halls_in_march_1960_changes_nothing_before() {
    let b = leapsim_scenario::parse_str("b.toml", "[timeline]\nmess_halls_end = \"1960-03\"\n").unwrap();
    assert_diverge_at(Scenario::historical(), b, Month::from_ym(1960, 3).unwrap());
}
