"The GPU paper-grid script (issue 7), run on the CPU at a tiny size: it must stay ready for a device machine."
import importlib.util, json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

def test_gpu_paper_grid_script_small_on_cpu(tmp_path):
    gpu = _load("gpu_paper_grid")
    out = tmp_path / "grid"
    gpu.main(["--device", "cpu", "--small", "--steps", "4", "--fused", "--bf16", "--out", str(out)])
    rep = json.loads((out / "gpu_paper_grid.json").read_text())
    assert rep["device"] == "cpu" and rep["small"] and rep["fused"] and rep["bf16"] and rep["steps"] == 4
    assert rep["runs"] == 6 * 3                       # the paper's grid: 6 lambda x 3 seeds
    assert rep["wall_seconds"] > 0 and rep["peak_gpu_memory_gib"] is None
    methods = {r["method"] for r in rep["summary"]}
    assert any("NTK" in m for m in methods) and len(rep["summary"]) >= 2
    assert all(r["test_loss_mean"] == r["test_loss_mean"] for r in rep["summary"])   # no NaN
    for f in ("config.json", "metrics.csv"): assert (out / f).exists()
