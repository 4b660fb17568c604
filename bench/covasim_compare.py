#!/usr/bin/env python3
"""Agent-steps per second: leapsim against Covasim, on this machine, one core each.

Different models, the same class of work: both update the state of every agent at every step (Covasim:
one day of an epidemic per step — infection, progression, testing, contacts; leapsim: one month of a
person's life per step — death budget, fertility, ageing, migration, with the household economy).
Neither number says one model is "better"; they say how fast each engine turns agent-steps.

    python3 bench/covasim_compare.py [--agents 1000000] [--days 100] [--reps 3]

Covasim is pip-installed into a virtual environment (target/covasim-venv, or $COVASIM_VENV) when it is
missing; leapsim is built with cargo when target/release/leapsim is missing. Numba and BLAS are held to one
thread and leapsim runs with --threads 1, so both figures are per core.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.environ.get("COVASIM_VENV", os.path.join(ROOT, "target", "covasim-venv"))
VPY = os.path.join(VENV, "bin", "python")

for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"


def ensure_venv():
    """Re-executes this script inside a virtual environment that has covasim."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(VPY):
        print(f"creating {VENV} and installing covasim (once)...", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    if subprocess.call([VPY, "-c", "import covasim"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        subprocess.check_call([VPY, "-m", "pip", "install", "-q", "covasim"])
    os.execv(VPY, [VPY, os.path.abspath(__file__)] + sys.argv[1:])


def covasim_rate(agents, days, reps):
    import covasim as cv

    cv.options.set(verbose=0)
    # Warm-up: Numba compiles Covasim's kernels on first use; that is not part of the rate.
    cv.Sim(pop_size=1000, n_days=2, pop_type="random", verbose=0).run(verbose=0)
    best = None
    for rep in range(reps):
        sim = cv.Sim(pop_size=agents, n_days=days, pop_type="random", rand_seed=rep + 1, verbose=0)
        sim.initialize()
        t = time.perf_counter()
        sim.run(verbose=0)
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    # n_days = 100 runs 101 steps (day 0 included).
    steps = days + 1
    return agents * steps / best, best, cv.__version__


def leapsim_rate(agents, reps):
    exe = os.path.join(ROOT, "target", "release", "leapsim")
    if not os.path.exists(exe):
        subprocess.check_call(["cargo", "build", "--release", "-p", "leapsim-cli"], cwd=ROOT)
    # ~600 M people in 1955: scale 600 gives about `agents` = 1 M simulated persons.
    scale = max(1, round(602.7e6 / agents))
    best = None
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "bench.json")
            subprocess.check_call(
                [exe, "bench", "--scales", str(scale), "--no-months", "--no-bandwidth", "--threads", "1", "--json", out],
                stdout=subprocess.DEVNULL,
            )
            run = json.load(open(out))["runs"][0]
        if best is None or run["person_months_per_second_per_core"] > best["person_months_per_second_per_core"]:
            best = run
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    ensure_venv()
    cov, cov_s, version = covasim_rate(a.agents, a.days, a.reps)
    ls = leapsim_rate(a.agents, a.reps)
    lrate = ls["person_months_per_second_per_core"]
    print(f"Covasim {version}: {a.agents:,} agents x {a.days + 1} days in {cov_s:.2f} s -> {cov / 1e6:.2f} M agent-steps/s (1 core)")
    print(
        f"leapsim: {ls['persons_initial']:,} persons x {ls['months']} months in {ls['run_seconds']:.2f} s "
        f"-> {lrate / 1e6:.2f} M agent-steps (person-months)/s/core"
    )
    print(f"ratio leapsim / Covasim: {lrate / cov:.1f}x  (best of {a.reps}; different models, the same class of work)")


if __name__ == "__main__":
    main()
