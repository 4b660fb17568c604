//! Checkpoints: a simulation saved at month k and restored runs on to the same bits as a straight run, for any
//! k (the start, a January right after the yearly compaction, harvest months, the end) and any thread count;
//! a truncated or corrupted checkpoint is an error, never a panic or a wrong state.

use leapsim_core::{Month, Period};
use leapsim_model::checkpoint::{self, Encoder, RunState};
use leapsim_model::{CheckpointError, MonthRecord, Quiet, RunOptions, Scenario, Simulation};

fn options(scale: u32, seed: u64, threads: usize, last: (i32, u32)) -> RunOptions {
    let period = Period { first: Month::from_ym(1955, 1).unwrap(), last: Month::from_ym(last.0, last.1).unwrap() };
    RunOptions { scale, seed, threads, period }
}

fn records_bytes(records: &[MonthRecord]) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    checkpoint::encode_records(records, &mut e).unwrap();
    e.finish().unwrap().0
}

/// The state of a simulation without its wall-time fields, as bytes.
fn state_bytes(sim: &mut Simulation) -> Vec<u8> {
    sim.phase_seconds = [0.0; 4];
    sim.build_seconds = 0.0;
    let mut e = Encoder::new(Vec::new());
    checkpoint::encode_simulation(sim, &mut e).unwrap();
    e.finish().unwrap().0
}

#[test]
fn a_restored_simulation_runs_on_to_the_same_bits_as_a_straight_run() {
    let opts = options(5000, 2, 2, (1966, 12));
    // Months done when the checkpoint is taken: the start; one month in; the state before and after the January
    // of 1958 (the yearly compaction of the person columns happens in January's step); before and after the
    // June and the October harvests of 1958; the last month; the end.
    let ks = [0usize, 1, 36, 37, 41, 42, 45, 46, 143, 144];
    let mut state = RunState::new(Simulation::new(Scenario::historical(), opts.clone()).unwrap());
    let mut snapshots = Vec::new();
    loop {
        if ks.contains(&state.months_done()) {
            snapshots.push((state.months_done(), state.sim.month, checkpoint::state_to_bytes(&state)));
        }
        if state.is_done() {
            break;
        }
        state.step().unwrap();
    }
    let months: Vec<String> = snapshots.iter().map(|s| s.1.to_string()).collect();
    assert_eq!(
        months,
        ["1955-01", "1955-02", "1958-01", "1958-02", "1958-06", "1958-07", "1958-10", "1958-11", "1966-12", "1967-01"]
    );
    let mut straight_sim = state.sim;
    let straight_state = state_bytes(&mut straight_sim);
    let straight = records_bytes(&state.records);
    // The RunState loop is Simulation::run.
    let run = Simulation::new(Scenario::historical(), opts).unwrap().run(&mut Quiet).unwrap();
    assert_eq!(records_bytes(&run.records), straight, "RunState::step differs from Simulation::run");

    for (i, (k, month, bytes)) in snapshots.iter().enumerate() {
        let threads = [1, 3][i % 2];
        let mut restored = checkpoint::state_from_bytes(bytes, threads).unwrap();
        assert_eq!(restored.months_done(), *k);
        assert_eq!(restored.sim.month, *month);
        assert_eq!(restored.sim.options.threads, threads);
        // Restoring and saving again gives the same bytes.
        assert!(checkpoint::state_to_bytes(&restored) == *bytes, "re-encoding the checkpoint at {month} differs");
        while !restored.is_done() {
            restored.step().unwrap();
        }
        assert!(
            records_bytes(&restored.records) == straight,
            "records of the run restored at {month} ({k} months done, {threads} threads) differ from the straight run"
        );
        assert!(
            state_bytes(&mut restored.sim) == straight_state,
            "the final state of the run restored at {month} differs from the straight run's"
        );
        let results = restored.finish();
        assert_eq!(results.records.len(), 144);
    }
}

#[test]
fn a_counterfactual_restored_mid_run_matches_too() {
    let opts = options(5000, 7, 1, (1960, 12));
    let straight = Simulation::new(Scenario::no_leap(), opts.clone()).unwrap().run(&mut Quiet).unwrap();
    let mut state = RunState::new(Simulation::new(Scenario::no_leap(), opts).unwrap());
    for _ in 0..29 {
        state.step().unwrap();
    }
    let mut restored = checkpoint::state_from_bytes(&checkpoint::state_to_bytes(&state), 2).unwrap();
    while !restored.is_done() {
        restored.step().unwrap();
    }
    assert!(records_bytes(&restored.finish().records) == records_bytes(&straight.records));
}

#[test]
fn the_scenario_survives_with_every_bit_of_its_parameters() {
    let mut sc = Scenario::historical();
    sc.params.food.urban_ration_kg = 0.1 + 0.2;
    sc.params.food.non_grain_kcal = 1e-300 * 3.0;
    sc.name = "a name with ünïcode".into();
    let mut e = Encoder::new(Vec::new());
    checkpoint::encode_scenario(&sc, &mut e).unwrap();
    let (bytes, len, _) = e.finish().unwrap();
    let mut d = checkpoint::Decoder::new(&bytes[..], len);
    let back = checkpoint::decode_scenario(&mut d).unwrap();
    assert_eq!(back, sc);
    assert_eq!(back.params.food.urban_ration_kg.to_bits(), (0.1f64 + 0.2).to_bits());
    assert_eq!(back.content_hash(), sc.content_hash());
}

fn small_checkpoint() -> Vec<u8> {
    let mut state = RunState::new(Simulation::new(Scenario::historical(), options(5000, 1, 1, (1956, 12))).unwrap());
    for _ in 0..13 {
        state.step().unwrap();
    }
    checkpoint::state_to_bytes(&state)
}

fn message(r: Result<RunState, CheckpointError>) -> String {
    match r {
        Ok(_) => panic!("a damaged checkpoint was accepted"),
        Err(e) => {
            let m = e.to_string();
            assert!(!m.contains('\n'), "{m}");
            m
        }
    }
}

#[test]
fn a_truncated_checkpoint_is_an_error() {
    let bytes = small_checkpoint();
    assert!(checkpoint::state_from_bytes(&bytes, 1).is_ok());
    let n = bytes.len();
    for len in [0, 3, 8, 40, 63, 64, 65, 100, n / 3, n / 2, n - 8, n - 1] {
        let m = message(checkpoint::state_from_bytes(&bytes[..len], 1));
        assert!(m.contains("truncated"), "{len} bytes: {m}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let m = message(checkpoint::state_from_bytes(&longer, 1));
    assert!(m.contains("more than its header announces"), "{m}");
}

#[test]
fn a_flipped_byte_anywhere_is_an_error() {
    let bytes = small_checkpoint();
    let n = bytes.len();
    let positions: Vec<usize> = (0..64).chain((0..300).map(|i| 64 + i * (n - 65) / 299)).collect();
    for p in positions {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[p] ^= flip;
            let m = message(checkpoint::state_from_bytes(&b, 1));
            let expected = match p {
                0..=7 => "not a leapsim checkpoint",
                8..=11 => "format version",
                12..=15 => "header length",
                16..=23 => "bytes",
                24..=31 => "checksum mismatch",
                32..=63 => "leapsim",
                _ => "checksum mismatch",
            };
            assert!(m.contains(expected), "byte {p} ^ {flip:#x}: {m}");
        }
    }
}

#[test]
fn another_file_is_not_a_checkpoint() {
    let m = message(checkpoint::state_from_bytes(b"PAR1 this is a parquet file, not a checkpoint, honest", 1));
    assert!(m.contains("not a leapsim checkpoint"), "{m}");
    let m = message(checkpoint::state_from_bytes(b"LEAP", 1));
    assert!(m.contains("truncated"), "{m}");
}
