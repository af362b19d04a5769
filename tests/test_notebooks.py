"""Every notebook runs top to bottom once, under a real Jupyter kernel (what a reader opening it in JupyterLab gets).

Cells flagged `#| slow` (settings.ini `tst_flags`) and `#| eval: false` are skipped, so CI stays fast; run
`nbdev_test --flags slow` to include them. (`nbdev_test` runs the same cells in nbdev's own shell; running both
doubled the suite's time for no extra check.)
"""
import json, re
import pytest
from conftest import NBS, notebooks

NOTEBOOKS = notebooks()

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

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_python3_kernelspec(nb):
    "The notebook names its kernel, so JupyterLab opens it without asking for one"
    spec = json.loads(nb.read_text(encoding="utf-8"))["metadata"].get("kernelspec", {})
    assert spec.get("name") == "python3" and spec.get("language") == "python", f"kernelspec of {nb.name}: {spec}"
