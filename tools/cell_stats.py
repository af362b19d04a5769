"""Size statistics of the exported cells of nbs/*.ipynb (issue 12): median and longest exported cell, cells over a
limit, and exported cells defining more than one public name. `python tools/cell_stats.py [--limit 40]`."""
import argparse, ast, json, statistics
from pathlib import Path

def exported_cells(nb_path:Path):
    "(notebook, index, source) of every `#| export` / `#| exports` code cell"
    nb = json.loads(nb_path.read_text())
    for i, c in enumerate(nb["cells"]):
        src = "".join(c["source"])
        first = src.lstrip().splitlines()[0] if src.strip() else ""
        if c["cell_type"] == "code" and first.replace(" ", "") in ("#|export", "#|exports"): yield nb_path.name, i, src

def public_defs(src:str) -> list[str]:
    "Top-level public functions and classes a cell defines (patched methods count as their own)"
    try: tree = ast.parse(src)
    except SyntaxError: return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")]

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nbs", default=str(Path(__file__).resolve().parents[1] / "nbs"))
    p.add_argument("--limit", type=int, default=40)
    a = p.parse_args(argv)
    cells = [c for f in sorted(Path(a.nbs).glob("*.ipynb")) for c in exported_cells(f)]
    sizes = [len(s.strip().splitlines()) - 1 for _, _, s in cells]      # without the #| export line
    multi = [(f, i, public_defs(s)) for f, i, s in cells if len(public_defs(s)) > 1]
    print(f"exported cells: {len(cells)}, median {statistics.median(sizes):g} lines, longest {max(sizes)}")
    for (f, i, s), n in sorted(zip(cells, sizes), key=lambda t: -t[1]):
        if n > a.limit: print(f"  over {a.limit}: {f} cell {i}: {n} lines")
    print(f"cells defining more than one public function/class: {len(multi)}")
    for f, i, names in multi: print(f"  {f} cell {i}: {', '.join(names)}")

if __name__ == "__main__": main()
