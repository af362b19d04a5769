"""Write results/separation_k{1,2}/exponents.json (threshold 0.3, the issue's schema), exponents_tau0.5.json and figure.png
from the committed results.csv of each sweep, over the d whose every grid point is finished, each d from the CPU sweep
if it finished it and from the GPU sweep (results/separation_k*_cuda) otherwise (as notebook 17 reads them); and the same
for results/separation_k2_d32_cpu (the NTK and f_L + f_Q with and without the regulariser at k = 2, d = 32 on the CPU), over d = 8 ... 32.

    python tools/separation_report.py            # both k
"""
import json, sys
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from ntk_escape.experiments.separation import exponents_record, plot_separation, merged_rows
from ntk_escape.report import read_csv

ROOT = Path(__file__).resolve().parents[1]

def write_report(folder:Path, rows:list, k:int, methods=None):
    "exponents.json (tau 0.3), exponents_tau0.5.json and figure.png of `rows` into `folder`"
    kw = dict(methods=methods) if methods else {}
    for tau, name in ((0.3, "exponents.json"), (0.5, "exponents_tau0.5.json")):
        (folder / name).write_text(json.dumps(exponents_record(rows, k, tau, **kw), indent=2, sort_keys=False) + "\n")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, tau in zip(axes, (0.3, 0.5)): plot_separation([r for r in rows if not methods or r["method"] in methods], k, tau, ax)
    fig.tight_layout(); fig.savefig(folder / "figure.png", dpi=110); plt.close(fig)
    print(f"{folder.name}: d = {sorted({(r['d'], r.get('device') or 'cpu') for r in rows})}, {len(rows)} rows -> exponents.json, exponents_tau0.5.json, figure.png")

def main() -> int:
    merged = {}
    for k in (1, 2):
        folder = ROOT / "results" / f"separation_k{k}"
        merged[k] = rows = merged_rows([folder, folder.with_name(folder.name + "_cuda")])   # the CPU sweep first, the GPU sweep for the d it has not finished
        if not rows: print(f"{folder.name}: no d finished yet"); continue
        write_report(folder, rows, k)
    d32 = ROOT / "results" / "separation_k2_d32_cpu"
    if (d32 / "results.csv").exists() and merged[2]:   # part of a grid by design: every row it has, beside the finished k = 2 rows
        write_report(d32, merged[2] + read_csv(d32 / "results.csv"), 2, methods=("ntk", "flq_reg", "flq"))
    return 0

if __name__ == "__main__": sys.exit(main())
