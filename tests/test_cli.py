"The command line: exit codes and messages, run as a user would run it"
import json, subprocess, sys
from pathlib import Path
import pytest

def run(*args, **kw):
    return subprocess.run(["ntk-escape", *args], capture_output=True, text=True, **kw)

def test_taylor_writes_json(tmp_path):
    res = run("taylor", "--d", "6", "--n", "100", "--widths", "50", "200", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    saved = json.loads((tmp_path / "taylor.json").read_text())
    assert [r["m"] for r in saved["rows"]] == [50, 200] and saved["config"]["d"] == 6

@pytest.mark.parametrize("args, msg", [
    (["taylor", "--widths", "51"], "error: width must be even"),
    (["taylor", "--d", "0"], "error: d must be an integer >= 2"),
    (["taylor", "--dist", "cube"], "error: dist must be one of"),
    (["reproduce", "--scale", "tiny"], "error: scale must be one of"),
    (["reproduce", "--device", "tpu"], "error: device must be"),
    (["demo", "--lam-tr", "-1"], "error: lam_tr must be >= 0"),
])
def test_bad_input_exit_2_without_traceback(args, msg):
    res = run(*args)
    assert res.returncode == 2 and res.stderr.startswith(msg) and "Traceback" not in res.stderr

def test_unwritable_out(tmp_path):
    f = tmp_path / "file"; f.write_text("x")
    res = run("demo", "--out", str(f))
    assert res.returncode == 2 and "exists and is not a folder" in res.stderr

def test_spectrum_writes_plot_and_json(tmp_path):
    res = run("spectrum", "--d", "6", "--m", "400", "--k", "1", "--N", "300", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    rep = json.loads((tmp_path / "spectrum.json").read_text())
    assert (tmp_path / "spectrum.png").stat().st_size > 1000
    assert rep["groups"]["top"] == 7 and "plateaus" in rep

@pytest.mark.parametrize("args, msg", [
    (["spectrum", "--k", "-1"], "error: k must be an integer >= 0"),
    (["spectrum", "--d", "5", "--N", "3"], "error: n_k = 6 top directions"),
    (["spectrum", "--m", "7"], "error: m must be even"),
])
def test_spectrum_bad_input(args, msg):
    res = run(*args)
    assert res.returncode == 2 and res.stderr.startswith(msg) and "Traceback" not in res.stderr

def test_reproduce_ctrl_c_exits_130_and_keeps_checkpoint(tmp_path):
    import signal, time
    p = subprocess.Popen(["ntk-escape", "reproduce", "--scale", "cpu", "--device", "cpu", "--quiet", "--out", str(tmp_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not (tmp_path / "config.json").exists(): time.sleep(0.5)
    time.sleep(8)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert err.startswith("interrupted:") and "Traceback" not in err
    if "checkpoint written to" in err:
        import re
        assert Path(re.search(r"checkpoint written to (\S+?);", err).group(1)).exists()

def test_reproduce_resume_refuses_other_configuration(tmp_path):
    base = ["reproduce", "--scale", "cpu", "--device", "cpu", "--quiet", "--seeds", "1", "--lams", "0", "--steps", "2", "--out", str(tmp_path)]
    res = run(*base)
    assert res.returncode == 0, res.stderr
    assert "test_loss_mean" in res.stdout and (tmp_path / "figure.png").exists()
    assert "published" not in res.stdout          # the published values belong to the d = 100 figure, not to d = 40
    res = run(*base[:-4], "--steps", "3", "--out", str(tmp_path))
    assert res.returncode == 2 and "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert "train.steps: 3 here vs 2 in that folder" in res.stderr and "use another --out" in res.stderr

def test_reproduce_unreadable_checkpoint_one_line(tmp_path):
    part = tmp_path / "parts" / "seeds1_lr16"; part.mkdir(parents=True)
    (part / "checkpoint.pt").write_text("garbage")
    res = run("reproduce", "--scale", "cpu", "--device", "cpu", "--quiet", "--seeds", "1", "--lams", "0", "--steps", "2", "--out", str(tmp_path))
    assert res.returncode == 2 and "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert "cannot be read (UnpicklingError): delete it (or use another output folder) to start over" in res.stderr

def test_cli_sweep_and_bad_grid(tmp_path):
    "ntk-escape sweep runs a grid, then refuses a different grid in the same folder with exit code 2 and a one-line error"
    cmd = ["ntk-escape", "sweep", "--task", "ntk_escape.model:taylor_scale_point", "--grid", "m=40,80", "--fixed", "d=4", "--fixed", "n=50",
           "--out", str(tmp_path), "--quiet"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0 and "2/2 points finished" in res.stdout
    res = subprocess.run(cmd[:5] + ["m=40,120"] + cmd[6:], capture_output=True, text=True)
    assert res.returncode == 2 and res.stderr.startswith("error:") and "different sweep configuration" in res.stderr

@pytest.mark.parametrize("extra, msg", [
    (["--grid", "mm=40,80"], "error: task ntk_escape.model:taylor_scale_point: unknown argument mm; missing argument m; its parameters are m, d=20,"),
    (["--grid", "m=40", "--fixed", "widht=3"], "error: task ntk_escape.model:taylor_scale_point: unknown argument widht; its parameters are"),
])
def test_cli_sweep_bad_task_argument(tmp_path, extra, msg):
    "A missing or unknown task argument: one line naming it and the task's parameters, exit 2, no output folder"
    out = tmp_path / "sweep"
    res = run("sweep", "--task", "ntk_escape.model:taylor_scale_point", *extra, "--out", str(out), "--quiet")
    assert res.returncode == 2 and res.stderr.startswith(msg) and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not out.exists()

@pytest.mark.parametrize("command", ["demo", "reproduce", "taylor", "spectrum", "sweep"])
def test_help_shows_defaults_and_threads(command):
    "Every computing command has --threads (default auto) and its help shows defaults"
    res = run(command, "--help")
    assert res.returncode == 0 and "--threads" in res.stdout and "(default: auto)" in res.stdout.replace("\n", " ")
    assert "lent" not in res.stdout

def test_help_choices_and_descriptions():
    rep, demo, sweep = (run(c, "--help").stdout for c in ("reproduce", "demo", "sweep"))
    assert "--scale {cpu,paper}" in rep and "43.1 s" in rep
    assert "The main job" in demo
    assert "parameters: method, d, alpha, seed=0" in sweep and "device: yes (cpu, cuda)" in sweep and "cost:" in sweep

def test_threads_option(tmp_path):
    res = run("taylor", "--d", "6", "--n", "50", "--widths", "20", "--threads", "1")
    assert res.returncode == 0 and res.stdout.startswith("threads: 1 per process (--threads)")
    res = run("taylor", "--d", "6", "--n", "50", "--widths", "20")
    assert res.returncode == 0 and "(auto: " in res.stdout.splitlines()[0]
    res = run("taylor", "--threads", "zero")
    assert res.returncode == 2 and res.stderr.startswith("error: threads must be 'auto' or an integer >= 1")

# Issue 20: the depth and real-data tasks reach the sweep, with one-line errors for bad points and data folders
DEPTH, REAL = "ntk_escape.experiments.depth:depth_point", "ntk_escape.experiments.real_data:real_data_point"

def sweep(out, task, *assignments):
    args = ["sweep", "--task", task, "--out", str(out), "--quiet"]
    if not any("," in a for a in assignments): assignments += ("seed=0,",)   # a sweep needs a grid
    for a in assignments: args += ["--grid" if "," in a else "--fixed", a]
    return run(*args)

@pytest.mark.parametrize("task, assignments, msg", [
    (DEPTH, ["method=ntk"], "error: method must be one of 'full', 'fl', 'flq'"),
    (DEPTH, ["lam=-1"], "error: lam must be >= 0"),
    (DEPTH, ["dtype=\"int64\""], "error: dtype must be one of"),
    (DEPTH, ["depth=1"], "error: depth must be an integer >= 2"),
    (REAL, ["data=\"cifar10\""], "error: data='cifar10' needs data_dir"),
    (REAL, ["data=\"cifar10\"", "data_dir=\"/nonexistent/cifar\""], "error: data_dir '/nonexistent/cifar' is not a folder"),
    (REAL, ["depth=4"], "error: depth = 4 is too deep for digits"),
    (REAL, ["method=\"f\""], "error: method must be one of"),
])
def test_sweep_tasks_bad_points(tmp_path, task, assignments, msg):
    res = sweep(tmp_path / "out", task, *assignments)
    assert res.returncode == 2 and res.stderr.startswith(msg) and "Traceback" not in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1

def test_sweep_cifar_folder_that_is_not_cifar(tmp_path):
    (tmp_path / "data").mkdir(); (tmp_path / "data" / "readme.txt").write_text("not images")
    res = sweep(tmp_path / "out", REAL, "data=\"cifar10\"", f"data_dir=\"{tmp_path / 'data'}\"")
    assert res.returncode == 2 and "is not CIFAR-10: expected data_batch_1" in res.stderr and "Traceback" not in res.stderr

def test_sweep_real_data_on_fake_cifar_and_depth(tmp_path):
    "Both tasks run end to end through the CLI at toy size (the CIFAR loader on fake files in CIFAR-10's format)"
    from ntk_escape.experiments.real_data import write_fake_cifar10
    write_fake_cifar10(tmp_path / "data", per_batch=40)
    res = sweep(tmp_path / "real", REAL, "method=full,flq", "data=\"cifar10\"", f"data_dir=\"{tmp_path / 'data'}\"", "channels=2",
                "depth=1", "batch=8", "epochs=2", "lam=0.1", "n_k=2")
    assert res.returncode == 0 and "2/2 points finished" in res.stdout, res.stderr
    rec = json.loads(next((tmp_path / "real" / "points").glob("*.json")).read_text())["result"]
    assert len(rec["logs"]) == 2 and rec["status"] == "completed"
    res = sweep(tmp_path / "depth", DEPTH, "method=full,fl,flq", "d=4", "width=8", "steps=3", "n_test=20", "lam=0.5")
    assert res.returncode == 0 and "3/3 points finished" in res.stdout, res.stderr
