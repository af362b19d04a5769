#!/usr/bin/env bash
# The GPU part of the separation sweeps (notebook 17), as run on one H200: a smoke test of every method on CUDA, then
# k = 1 at d = 64 and 96 and k = 2 at d = 24 of the committed results/separation_k{1,2}_cuda specifications, in four
# processes sharing the GPU. Each point is written to $OUT/<sweep>/points/ as it finishes, so a run cut short keeps what
# finished; at the end the point files are packed into $OUT/points.tgz (the device tool does not copy back files whose
# names hold '='). Unpack it in the repository root (tar xzf points.tgz -C results) and rewrite each results.csv with
# load_records + write_results_csv; the same command resumes a partial run from results/.
#
#   OUT=/path/to/out LIMIT_S=480 bash tools/gpu_separation.sh
set -uo pipefail
OUT=${OUT:?set OUT to the output folder}
LIMIT_S=${LIMIT_S:-480}   # every sweep still running this many seconds after the start is stopped (finished points are kept)
DEADLINE=$(( $(date +%s) + LIMIT_S ))
sweep() { local left=$(( DEADLINE - $(date +%s) )); (( left > 0 )) || return 124; timeout "$left" python3 -c 'import sys; from ntk_escape.cli import main; sys.exit(main(sys.argv[1:]))' sweep "$@"; }

python3 - <<'EOF' || exit 1
import time, torch
from ntk_escape.experiments.generalisation import sample_complexity_point, SC_METHODS
t = time.perf_counter()
for m in SC_METHODS:
    r = sample_complexity_point(m, 6, 1.5, m_per_d=10, n_test=200, steps=30, device="cuda")
    assert r["device"].startswith("cuda") and r["test_loss"] == r["test_loss"], r
print(f"smoke: every method ran on {torch.cuda.get_device_name()} in {time.perf_counter() - t:.1f} s", flush=True)
EOF

for s in separation_k1_cuda separation_k2_cuda; do mkdir -p "$OUT/$s"; cp -r "results/$s/." "$OUT/$s/"; done
K1=(--spec "$OUT/separation_k1_cuda/sweep.json" --out "$OUT/separation_k1_cuda" --threads 4)
K2=(--spec "$OUT/separation_k2_cuda/sweep.json" --out "$OUT/separation_k2_cuda" --threads 4)
start=$(date +%s)
(sweep "${K1[@]}" --only d=64; sweep "${K1[@]}" --only d=96 --only method=ntk) > "$OUT/p1_k1_d64_d96_ntk.log" 2>&1 &
sleep 2; (sweep "${K1[@]}" --only d=96 --only method=flq,flq_reg; sweep "${K1[@]}" --only d=96 --only method=full) > "$OUT/p2_k1_d96.log" 2>&1 &
sleep 2; (sweep "${K1[@]}" --only d=96 --only method=flq_reg_pgd,quadntk) > "$OUT/p3_k1_d96.log" 2>&1 &
sleep 2; (sweep "${K2[@]}" --only d=24) > "$OUT/p4_k2_d24.log" 2>&1 &
wait
python3 - "$OUT" "$start" <<'EOF'
import json, os, platform, sys, time, torch
out, start = sys.argv[1], int(sys.argv[2])
json.dump(dict(device=torch.cuda.get_device_name(), torch=torch.__version__, python=platform.python_version(),
               date=time.strftime("%Y-%m-%d"), commit=os.environ.get("COMMIT", "unknown"), wall_s=time.time() - start,
               command="OUT=... bash tools/gpu_separation.sh", cpus=os.cpu_count()),
          open(f"{out}/provenance.json", "w"), indent=2)
EOF
tar czf "$OUT/points.tgz" -C "$OUT" separation_k1_cuda/points separation_k2_cuda/points && rm -rf "$OUT"/separation_k*_cuda/points
for f in "$OUT"/p*.log; do echo "== $f"; tail -c 400 "$f" | tr '\r' '\n' | tail -3; done
