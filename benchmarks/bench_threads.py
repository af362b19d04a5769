"""Threads of the CLI (issue 17, item 2): wall time of `ntk-escape demo` and of a small `reproduce --scale cpu` with
torch's default (one thread per core, OpenMP's default wait policy: the CLI before issue 17) against `--threads 1`,
`--threads <cores>` and `--threads auto` (the default since issue 17, with OMP_WAIT_POLICY=PASSIVE).

    python benchmarks/bench_threads.py --label busy [--repeats 1] [--commands demo reproduce]

Each configuration runs as its own process, one after another, with the 1-minute load average recorded before it
starts. Run it once on a quiet machine (--label quiet) and once beside other busy processes (--label busy); results
are appended to benchmarks/results/bench_threads.json under the label.
"""
import argparse, json, os, platform, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "demo": ["demo", "--quiet"],
    "reproduce": ["reproduce", "--scale", "cpu", "--seeds", "1", "--lams", "0", "0.001", "--device", "cpu", "--quiet"],
}
# the CLI as it was before issue 17: torch (and its OpenMP runtime) loaded before the CLI could set OMP_WAIT_POLICY,
# and torch's default number of threads (one per core, passed explicitly)
BEFORE = "import torch, sys; from ntk_escape.cli import main; sys.exit(main(sys.argv[1:]))"
AFTER = "import sys; from ntk_escape.cli import main; sys.exit(main(sys.argv[1:]))"

def configurations(cores:int) -> dict:
    "name -> (python -c program, extra CLI arguments, environment changes)"
    return {"before (torch default threads, default wait policy)": (BEFORE, ["--threads", str(cores)], {"OMP_WAIT_POLICY": None}),
            "--threads 1": (AFTER, ["--threads", "1"], {}),
            f"--threads {cores}": (AFTER, ["--threads", str(cores)], {}),
            "--threads auto (default)": (AFTER, [], {})}

def run_one(program:str, args:list, env_changes:dict, out:Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MKL_NUM_THREADS")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    for k, v in env_changes.items():
        if v is None: env.pop(k, None)
        else: env[k] = v
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", program, *args, "--out", str(out)], env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if res.returncode: raise SystemExit(f"failed: {args}\n{res.stderr[-2000:]}")
    said = next((l for l in res.stdout.splitlines() if l.startswith("threads:")), None)
    return dict(wall_seconds=round(wall, 2), load_before=round(load, 2), threads_line=said)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--label", required=True, help="machine state, e.g. quiet or busy")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--commands", nargs="+", default=list(COMMANDS), choices=list(COMMANDS))
    ap.add_argument("--only", nargs="+", default=None, help="run only the configurations whose name contains one of these strings")
    ap.add_argument("--note", default="", help="what else the machine was running")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/bench_threads.json"))
    args = ap.parse_args(argv)
    cores = len(os.sched_getaffinity(0))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.repeats):
            for cmd in args.commands:
                for name, (program, extra, env) in configurations(cores).items():
                    if args.only and not any(o in name for o in args.only): continue
                    r = run_one(program, COMMANDS[cmd] + extra, env, Path(tmp) / f"{cmd}_{len(rows)}")
                    rows.append(dict(command="ntk-escape " + " ".join(COMMANDS[cmd]), configuration=name, repeat=rep) | r)
                    print(json.dumps(rows[-1]), flush=True)
    out = Path(args.out)
    saved = json.loads(out.read_text()) if out.exists() else {}
    saved[args.label] = dict(rows=saved.get(args.label, {}).get("rows", []) + rows, cores=cores, note=args.note, machine=platform.platform(), python=platform.python_version(),
                             torch=__import__("torch").__version__, finished_at=time.strftime("%Y-%m-%dT%H:%M:%S"))
    out.write_text(json.dumps(saved, indent=1))
    print(f"wrote {out}")

if __name__ == "__main__": main()
