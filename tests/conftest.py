import os, sys
# OpenMP threads that spin while waiting make torch ~100x slower on a loaded 2-core machine; let them sleep.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"

def notebooks():
    "The project's notebooks in their numbered order, index last"
    nbs = sorted(p for p in NBS.glob("*.ipynb") if not p.name.startswith("_"))
    return [p for p in nbs if p.name != "index.ipynb"] + [p for p in nbs if p.name == "index.ipynb"]
