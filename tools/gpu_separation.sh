#!/usr/bin/env bash
# The GPU part of the separation sweeps (notebook 17) on one CUDA device: a smoke test of every method on CUDA, then one
# sweep process per job, all sharing the GPU. A job is K:D[:METHODS] — the grid of results/separation_kK_cuda at d = D
# (all methods, or the comma-separated METHODS). Points already in results/ are skipped (the folders are copied to $OUT
# first). Each point is written to $OUT/<sweep>/points/ as it finishes, so a run cut short keeps what finished; at the
# end the point files are packed into $OUT/points.tgz (the device tool does not copy back files whose names hold '=').
# Unpack it with `tar xzf points.tgz -C results` and rewrite each results.csv with load_records + write_results_csv.
#
#   OUT=/path/to/out LIMIT_S=480 bash tools/gpu_separation.sh 1:64 1:96:ntk 1:96:flq,flq_reg,full 1:96:flq_reg_pgd,quadntk 2:24
#
# (the jobs of the first run on an H200, 2026-12-04; the second ran 1:48:… and 2:20:… to compare the devices)
set -uo pipefail
OUT=${OUT:?set OUT to the output folder}
# SMOKE=0 skips the CUDA smoke test (to check the script on a machine without a GPU)
LIMIT_S=${LIMIT_S:-480}   # every sweep still running this many seconds after the start is stopped (finished points are kept)
(( $# > 0 )) || { echo "usage: OUT=... bash tools/gpu_separation.sh K:D[:METHODS] ..." >&2; exit 2; }
DEADLINE=$(( $(date +%s) + LIMIT_S ))
sweep() { local left=$(( DEADLINE - $(date +%s) )); (( left > 0 )) || return 124; timeout "$left" python3 -c 'import sys; from ntk_escape.cli import main; sys.exit(main(sys.argv[1:]))' sweep "$@"; }

[[ "${SMOKE:-1}" == 0 ]] || python3 - <<'EOF' || exit 1
import time, torch
from ntk_escape.experiments.generalisation import sample_complexity_point, SC_METHODS
t = time.perf_counter()
for m in SC_METHODS:
    r = sample_complexity_point(m, 6, 1.5, m_per_d=10, n_test=200, steps=30, device="cuda")
    assert r["device"].startswith("cuda") and r["test_loss"] == r["test_loss"], r
print(f"smoke: every method ran on {torch.cuda.get_device_name()} in {time.perf_counter() - t:.1f} s", flush=True)
EOF

for s in separation_k1_cuda separation_k2_cuda; do mkdir -p "$OUT/$s"; cp -r "results/$s/." "$OUT/$s/"; done
start=$(date +%s); n=${#}
threads=$(( $(nproc) / n )); (( threads > 0 )) || threads=1
for job in "$@"; do
    IFS=: read -r k d methods <<< "$job"
    args=(--spec "$OUT/separation_k${k}_cuda/sweep.json" --out "$OUT/separation_k${k}_cuda" --threads "$threads" --only "d=$d")
    [[ -n "${methods:-}" ]] && args+=(--only "method=$methods")
    sweep "${args[@]}" > "$OUT/job_${k}_${d}_${methods:-all}.log" 2>&1 &
    sleep 2
done
wait
python3 - "$OUT" "$start" "$*" <<'EOF'
import json, os, platform, sys, time, torch
out, start, jobs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
json.dump(dict(device=torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU", torch=torch.__version__, python=platform.python_version(),
               date=time.strftime("%Y-%m-%d"), commit=os.environ.get("COMMIT", "unknown"), wall_s=time.time() - start,
               command=f"OUT=... bash tools/gpu_separation.sh {jobs}", cpus=os.cpu_count()),
          open(f"{out}/provenance.json", "w"), indent=2)
EOF
tar czf "$OUT/points.tgz" -C "$OUT" separation_k1_cuda/points separation_k2_cuda/points && rm -rf "$OUT"/separation_k*_cuda/points
for f in "$OUT"/job_*.log; do echo "== $f"; tail -c 400 "$f" | tr '\r' '\n' | tail -3; done
