"""The package's plan is visible and kept: method modules at the top, theory checks in `theory/`, experiments in
`experiments/`; the method never imports upward; the sidebar groups every page; committed sweeps name their tasks by
the current path."""
import ast, json
from pathlib import Path
import pytest, yaml
from conftest import ROOT, NBS

PKG = ROOT / "ntk_escape"
METHOD = ["core", "data", "model", "ntk", "spectrum", "regulariser", "training", "baselines", "taylor"]
SUBPACKAGES = {"theory": {"expressivity", "landscape", "optimisation"},
               "experiments": {"generalisation", "reproduce", "feature_learning", "higher_order", "mlp_realistic", "depth", "real_data"}}

def imported_modules(path:Path) -> set[str]:
    "Absolute names (ntk_escape.…) of the package modules that `path` imports"
    pkg = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = pkg.rsplit(".", node.level - 1)[0] if node.level else ""
            out.add(".".join(p for p in (base, node.module or "") if p) if node.level else node.module or "")
        elif isinstance(node, ast.Import): out |= {a.name for a in node.names}
    return {m for m in out if m.startswith("ntk_escape")}

def test_subpackages_hold_their_modules():
    for sub, mods in SUBPACKAGES.items():
        assert {p.stem for p in (PKG / sub).glob("*.py")} - {"__init__"} >= mods, sub
        assert not any((PKG / f"{m}.py").exists() for m in mods), f"a {sub} module is still at the top"

@pytest.mark.parametrize("mod", METHOD)
def test_method_does_not_import_upward(mod):
    bad = {m for m in imported_modules(PKG / f"{mod}.py") if m.startswith(("ntk_escape.theory", "ntk_escape.experiments"))}
    assert not bad, f"ntk_escape.{mod} imports {bad}"

def test_imported_modules_reads_relative_imports():
    "The import reader resolves `..core` inside a subpackage (so the test above can fail)"
    assert "ntk_escape.core" in imported_modules(PKG / "experiments" / "reproduce.py")
    assert "ntk_escape.experiments.generalisation" in imported_modules(PKG / "experiments" / "feature_learning.py")

def test_sidebar_groups_every_notebook():
    side = yaml.safe_load((NBS / "sidebar.yml").read_text())["website"]["sidebar"]["contents"]
    sections = {it["section"]: it["contents"] for it in side if isinstance(it, dict)}
    assert list(sections) == ["Method", "Theory", "Experiments", "Tools"]
    listed = [p for it in side for p in ([it] if isinstance(it, str) else it["contents"])]
    on_disk = sorted(p.name for p in NBS.glob("*.ipynb"))
    assert sorted(listed) == on_disk and len(set(listed)) == len(listed)
    for nb in sections["Theory"] + sections["Experiments"]:
        exp = [l for c in json.loads((NBS / nb).read_text())["cells"] for l in c["source"] if "default_exp" in l]
        assert not exp or any(f"default_exp {s}." in exp[0] for s in SUBPACKAGES), f"{nb} exports {exp}"

@pytest.mark.parametrize("spec", sorted((ROOT / "results").glob("*/sweep.json")), ids=lambda p: p.parent.name)
def test_committed_sweeps_name_current_tasks(spec):
    from ntk_escape.sweep import SweepSpec, canonical_task, resolve_task
    s = SweepSpec.from_dict(json.loads(spec.read_text()))
    assert s.task == canonical_task(s.task) and callable(resolve_task(s.task))
