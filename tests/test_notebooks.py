"""Every notebook runs top to bottom: through nbdev's test runner and under a real Jupyter kernel.

Cells flagged `#| slow` (settings.ini `tst_flags`) and `#| eval: false` are skipped by both runners,
so CI stays fast; run `nbdev_test --flags slow` to include them.
"""
import re, subprocess, sys
import pytest
from conftest import ROOT, NBS, notebooks

NOTEBOOKS = notebooks()

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_nbdev_runner(nb):
    "nbdev_test executes the notebook's cells (slow cells skipped)"
    res = subprocess.run(["nbdev_test", "--path", str(nb), "--do_print"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]

_SKIP = re.compile(r"^\s*#\s*\|\s*(slow\b|eval\s*:\s*false)", re.M)

def _strip_skipped(nb):
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and _SKIP.search(c.source))]
    return nb

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_jupyter_kernel(nb):
    "The notebook runs top to bottom in a real IPython kernel, as a user opening it in JupyterLab would"
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    book = _strip_skipped(nbformat.read(nb, as_version=4))
    client = nbclient.NotebookClient(book, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NBS)}})
    client.execute()
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors

def test_skip_pattern():
    "The skip pattern recognises nbdev's flags and leaves ordinary cells alone"
    assert _SKIP.search("#| slow\nx = 1") and _SKIP.search("#| eval: false\n") and _SKIP.search("# | slow")
    assert not _SKIP.search("#| export\nslow = 1") and not _SKIP.search("x = 'slow'")
