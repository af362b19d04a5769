"""Sweep launchers that start other processes (a local process pool, submitit's local executor): 9-14 s each on a 2-core machine.

nbs/11_sweep.ipynb checks everything else about sweeps (resume, refusal, malformed grids) when pytest runs it; its `#| slow`
cell runs both launchers too, but pytest skips slow cells, so these two stay here.
"""
import pytest
from ntk_escape.sweep import *

SPEC = SweepSpec("ntk_escape.model:taylor_scale_point", grid=dict(m=[40, 80], seed=[0, 1]), fixed=dict(d=4, n=50))

def test_local_pool_matches_in_process(tmp_path):
    a = run_sweep(SPEC, tmp_path / "a", progress=False)
    b = run_sweep(SPEC, tmp_path / "b", workers=2, progress=False)
    assert [r["result"]["rms_fQ"] for r in a] == [r["result"]["rms_fQ"] for r in b]
    assert len({r["pid"] for r in b}) >= 1 and all(r["pid"] != a[0]["pid"] for r in b)

def test_submitit_local_executor(tmp_path):
    pytest.importorskip("submitit")
    recs = run_sweep(SPEC, tmp_path, launcher="submitit", submitit_options=dict(cluster="local", timeout_min=5), progress=False)
    assert len(recs) == 4 and (tmp_path / "submitit").is_dir()
