"""Write results/separation_k{1,2}/exponents.json (threshold 0.3, the issue's schema), exponents_tau0.5.json and figure.png
from the committed results.csv of each sweep, over the d whose every grid point is finished, each d from the CPU sweep
if it finished it and from the GPU sweep (results/separation_k*_cuda) otherwise (as notebook 17 reads them).

    python tools/separation_report.py            # both k
"""
import json, sys
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from ntk_escape.experiments.separation import exponents_record, plot_separation, merged_rows

ROOT = Path(__file__).resolve().parents[1]

def main() -> int:
    for k in (1, 2):
        folder = ROOT / "results" / f"separation_k{k}"
        rows = merged_rows([folder, folder.with_name(folder.name + "_cuda")])   # the CPU sweep first, the GPU sweep for the d it has not finished
        if not rows: print(f"{folder.name}: no d finished yet"); continue
        for tau, name in ((0.3, "exponents.json"), (0.5, "exponents_tau0.5.json")):
            (folder / name).write_text(json.dumps(exponents_record(rows, k, tau), indent=2, sort_keys=False) + "\n")
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        for ax, tau in zip(axes, (0.3, 0.5)): plot_separation(rows, k, tau, ax)
        fig.tight_layout(); fig.savefig(folder / "figure.png", dpi=110); plt.close(fig)
        print(f"{folder.name}: d = {sorted({(r['d'], r.get('device') or 'cpu') for r in rows})}, {len(rows)} rows -> exponents.json, exponents_tau0.5.json, figure.png")
    return 0

if __name__ == "__main__": sys.exit(main())
