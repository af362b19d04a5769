"Sweeps: resumable, refuse mixing, local processes and submitit's local executor"
import json, subprocess, time
from pathlib import Path
import pytest
from ntk_escape.core import InputError
from ntk_escape.sweep import *

SPEC = SweepSpec("ntk_escape.model:taylor_scale_point", grid=dict(m=[40, 80], seed=[0, 1]), fixed=dict(d=4, n=50))

def test_resume_recomputes_only_missing(tmp_path):
    first = run_sweep(SPEC, tmp_path, progress=False)
    assert len(first) == 4 and (tmp_path / "results.csv").exists()
    (tmp_path / "points" / f"{point_key(first[0]['params'])}.json").unlink()
    time.sleep(1.1)
    second = run_sweep(SPEC, tmp_path, progress=False)
    assert [a["finished_at"] != b["finished_at"] for a, b in zip(first, second)] == [True, False, False, False]
    strip = lambda r: {k: v for k, v in r["result"].items() if k != "seconds"}
    assert strip(second[0]) == strip(first[0])  # same seed, same numbers

def test_refuses_other_config_and_keeps_files(tmp_path):
    run_sweep(SPEC, tmp_path, progress=False)
    before = {p.name: p.read_text() for p in (tmp_path / "points").iterdir()}
    other = SweepSpec(SPEC.task, grid=dict(m=[40, 120], seed=[0, 1]), fixed=SPEC.fixed)
    with pytest.raises(InputError, match="different sweep configuration"): run_sweep(other, tmp_path, progress=False)
    assert before == {p.name: p.read_text() for p in (tmp_path / "points").iterdir()}

@pytest.mark.parametrize("kw, msg", [
    (dict(task="bad", grid=dict(m=[1])), "module:function"),
    (dict(task="a:b", grid={}), "non-empty mapping"),
    (dict(task="a:b", grid=dict(m=[])), "non-empty list"),
    (dict(task="a:b", grid=dict(m=[[1, 2]])), "numbers, strings or booleans"),
])
def test_malformed_grid(kw, msg):
    with pytest.raises(InputError, match=msg): SweepSpec(**kw)

def test_local_pool_matches_in_process(tmp_path):
    a = run_sweep(SPEC, tmp_path / "a", progress=False)
    b = run_sweep(SPEC, tmp_path / "b", workers=2, progress=False)
    assert [r["result"]["rms_fQ"] for r in a] == [r["result"]["rms_fQ"] for r in b]
    assert len({r["pid"] for r in b}) >= 1 and all(r["pid"] != a[0]["pid"] for r in b)

def test_submitit_local_executor(tmp_path):
    pytest.importorskip("submitit")
    recs = run_sweep(SPEC, tmp_path, launcher="submitit", submitit_options=dict(cluster="local", timeout_min=5), progress=False)
    assert len(recs) == 4 and (tmp_path / "submitit").is_dir()

def test_cli_sweep_and_bad_grid(tmp_path):
    cmd = ["ntk-escape", "sweep", "--task", SPEC.task, "--grid", "m=40,80", "--fixed", "d=4", "--fixed", "n=50", "--out", str(tmp_path), "--quiet"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0 and "2/2 points finished" in res.stdout
    res = subprocess.run(cmd[:5] + ["m=40,120"] + cmd[6:], capture_output=True, text=True)
    assert res.returncode == 2 and res.stderr.startswith("error:") and "different sweep configuration" in res.stderr
