"""Build the documentation site and open every page in headless Chromium, checking what a reader sees.

Needs Chromium (`/usr/bin/chromium`, Debian package `chromium`) and Playwright's Python package;
`tools/install_browser.sh` installs both. Without them the tests are skipped. Playwright only drives
the system Chromium here: `playwright install` (its own browser download) is never needed.

Set `NTK_DOCS_PREBUILT=1` to test an existing `_site/` instead of building it first.
Screenshots of every page go to `_site_screenshots/` (git-ignored).
"""
from __future__ import annotations
import ast, contextlib, functools, importlib.util, http.server, json, os, re, shutil, socketserver, subprocess, sys, threading, time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS, SITE, PROC, SHOTS = ROOT / "nbs", ROOT / "_site", ROOT / "_proc", ROOT / "_site_screenshots"
CHROMIUM = os.environ.get("NTK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    pytest.skip("Playwright's Python package is not installed (run tools/install_browser.sh)", allow_module_level=True)
if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium not found at {CHROMIUM} (run tools/install_browser.sh)", allow_module_level=True)
if not os.environ.get("NTK_DOCS_PREBUILT") and shutil.which("npm") is None and not (ROOT / "_docs_cache").exists():
    pytest.skip("the site build fetches MathJax with npm, which is not installed (run tools/install_browser.sh)", allow_module_level=True)


def notebooks() -> list[str]:
    "The notebooks the site must have a page for, as paths relative to nbs/, in the docs' order (index first)"
    found = [p.relative_to(NBS).as_posix() for p in NBS.rglob("*.ipynb")
             if not any(part.startswith(("_", ".")) for part in p.relative_to(NBS).parts)]
    return sorted(found, key=lambda s: (Path(s).parent.as_posix(), Path(s).name != "index.ipynb", Path(s).name))


def _src(x) -> str: return "".join(x) if isinstance(x, list) else (x or "")

def _directives(code:str) -> tuple[set, str]:
    "The leading `#|` directive names of a cell and the code after them"
    lines, names = code.splitlines(), set()
    while lines and re.match(r"^\s*#\|", lines[0]):
        m = re.match(r"^\s*#\|\s*([\w-]+)", lines.pop(0))
        if m: names.add(m.group(1))
    return names, "\n".join(lines).strip()

def _squash(s:str) -> str: return re.sub(r"\s+", "", s)

def _documented_name(node) -> str:
    "The name show_doc gives a definition: `Class.method` for a method added with fastcore's @patch (self annotated with the class)"
    patched = any((d.id if isinstance(d, ast.Name) else getattr(getattr(d, "func", None), "id", None)) == "patch" for d in getattr(node, "decorator_list", []))
    if patched and node.args.args and isinstance(node.args.args[0].annotation, ast.Name):
        return f"{node.args.args[0].annotation.id}.{node.name}"
    return node.name


@pytest.fixture(scope="module")
def site() -> list[dict]:
    "Build the site (unless NTK_DOCS_PREBUILT is set) and return its page records"
    if not os.environ.get("NTK_DOCS_PREBUILT"):
        res = subprocess.run([sys.executable, str(ROOT / "tools/build_docs.py"), "--no-readme"], cwd=ROOT,
                             capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, f"site build failed:\n{res.stdout[-3000:]}\n{res.stderr[-5000:]}"
    assert (SITE / "pages.json").exists(), "no _site/pages.json: build the site with `python tools/build_docs.py`"
    return json.loads((SITE / "pages.json").read_text())


@contextlib.contextmanager
def serve(directory:Path):
    "A local HTTP server for `directory` on 127.0.0.1; yields its base URL"
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try: yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally: httpd.shutdown(); httpd.server_close()


@pytest.fixture(scope="module")
def server(site):
    with serve(SITE) as url: yield url


@pytest.fixture(scope="module")
def browser(server):
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def test_one_page_per_notebook_in_order(site):
    "Every notebook has exactly one page, in the order of the sidebar (nbs/sidebar.yml: its sections), and no other page exists"
    import yaml
    def listed(items):
        for it in items or []:
            if isinstance(it, str): yield it
            elif isinstance(it, dict): yield from listed(it.get("contents")) if "contents" in it else [it.get("href") or it.get("file")]
    order = list(listed(yaml.safe_load((NBS / "sidebar.yml").read_text())["website"]["sidebar"]["contents"]))
    sources = [p["source"] for p in site]
    assert sorted(sources) == sorted(notebooks())
    assert sources == [s for s in order if s in sources] + [s for s in sources if s not in order]
    built = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html"))
    assert built == sorted(p["href"] for p in site)
    assert len({p["href"] for p in site}) == len(site)


TYPESET = """() => new Promise((resolve, reject) => {
  const t0 = Date.now();
  (function wait() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) return MathJax.startup.promise.then(() => resolve(true), reject);
    if (Date.now() - t0 > 30000) return reject(new Error('MathJax did not start'));
    setTimeout(wait, 50);
  })();
})"""

VISIBLE_TEXT = """() => {
  // text a reader sees outside code and typeset math
  const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'MJX-CONTAINER', 'NOSCRIPT']);
  const out = [];
  const walk = (n) => {
    if (n.nodeType === Node.TEXT_NODE) { out.push(n.textContent); return; }
    if (n.nodeType !== Node.ELEMENT_NODE || skip.has(n.tagName)) return;
    if (getComputedStyle(n).display === 'none') return;
    for (const c of n.childNodes) walk(c);
  };
  walk(document.body);
  return out.join(' ');
}"""


def pending_requests(log:dict) -> list:
    "Requests the page started that have neither finished nor failed"
    return sorted(set(log["requests"]) - set(log["finished"]) - {f.split(" (")[0] for f in log["failed"]})


def wait_network_quiet(page, log:dict, quiet_s:float=0.5, timeout_s:float=60):
    "Wait until no request is pending and none started for `quiet_s`: Playwright's networkidle, judged on our own log"
    # page.wait_for_load_state("networkidle") timed out intermittently in CI with no request pending (the
    # lifecycle event can be missed on a loaded machine); this waits on what the page actually requested.
    deadline, seen, since = time.monotonic() + timeout_s, -1, time.monotonic()
    while time.monotonic() < deadline:
        if len(log["requests"]) != seen: seen, since = len(log["requests"]), time.monotonic()
        if not pending_requests(log) and time.monotonic() - since >= quiet_s: return
        page.wait_for_timeout(100)   # lets Playwright deliver the request events
    raise AssertionError(f"network not quiet after {timeout_s:.0f} s; unfinished requests: {pending_requests(log)}")


@contextlib.contextmanager
def visit(browser, url:str):
    "Open `url` in a fresh browser context, wait until MathJax has typeset it; yields (page, log of requests and errors)"
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    log = dict(requests=[], finished=[], failed=[], bad_status=[], errors=[])
    ctx.on("request", lambda r: log["requests"].append(r.url))
    ctx.on("requestfinished", lambda r: log["finished"].append(r.url))
    ctx.on("requestfailed", lambda r: log["failed"].append(f"{r.url} ({r.failure})"))
    ctx.on("response", lambda r: r.status >= 400 and log["bad_status"].append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    try:
        page.goto(url, wait_until="load")
        page.evaluate(TYPESET)
        wait_network_quiet(page, log)
        yield page, log
    finally: ctx.close()


def check_math(page, expect_math:bool):
    "MathJax typeset the page's TeX: containers exist when TeX is expected, no TeX errors, no raw delimiters left"
    if expect_math: assert page.locator("mjx-container").count() > 0, "page has TeX but MathJax typeset nothing"
    assert page.locator("mjx-merror").count() == 0, "MathJax reported TeX errors"
    visible = page.evaluate(VISIBLE_TEXT)
    assert "$$" not in visible, "raw $$ visible"
    raw_inline = re.findall(r"\$[^$\s][^$]*?\$", visible)
    assert not raw_inline, f"raw inline math left: {raw_inline[:3]}"
    assert not re.search(r"\\(frac|mathbb|sum|sigma|top|lambda)\b", visible), "raw TeX commands visible"


def check_network(log:dict):
    "Nothing left the machine, nothing failed, no script errors"
    outside = [u for u in log["requests"] if urlparse(u).scheme not in ("data", "blob", "about")
               and urlparse(u).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests to other hosts: {outside}"
    assert not log["failed"] and not log["bad_status"], f"failed requests: {log['failed'] + log['bad_status']}"
    assert not log["errors"], f"console errors: {log['errors']}"


@pytest.mark.parametrize("source", notebooks())
def test_page(site, server, browser, source):
    rec = next((p for p in site if p["source"] == source), None)
    assert rec is not None, f"no page for {source}"
    nb = json.loads((NBS / source).read_text(encoding="utf-8"))
    proc = json.loads((PROC / source).read_text(encoding="utf-8"))
    with visit(browser, server + rec["href"]) as (page, log):
        # the current page's sidebar entry is in view without scrolling the sidebar (checked at 1280 x 900, before the
        # full-page screenshot resizes the window)
        box = page.evaluate("""() => { const s = document.querySelector('.sidebar').getBoundingClientRect(),
                                             a = document.querySelector('.sidebar a.active').getBoundingClientRect();
                                       return [a.top >= s.top - 1, a.bottom <= Math.min(s.bottom, window.innerHeight) + 1]; }""")
        assert box == [True, True], "the current page's sidebar entry is out of view"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / Path(rec["href"]).with_suffix(".png").as_posix().replace("/", "__")), full_page=True)

        # title, and the `> summary` line as subtitle
        # (paper symbols such as f_C are shown with a subscript: the underscore is not visible)
        assert page.inner_text("h1.title").strip() == re.sub(r"(?<![\w$])([A-Za-z])_(\w{1,3})\b", r"\1\2", rec["title"])
        if rec["description"]: assert page.locator(".title-block .subtitle").count() == 1

        # sidebar: every page, in order, this one marked
        hrefs = "els => els.map(a => new URL(a.href).pathname.slice(1))"
        assert page.eval_on_selector_all(".sidebar a", hrefs) == [p["href"] for p in site]
        assert page.eval_on_selector_all(".sidebar a.active", hrefs) == [rec["href"]]

        # math in markdown cells and in show_doc docstrings typeset by MathJax
        texts = [_src(c["source"]) for c in proc["cells"] if c["cell_type"] == "markdown"]
        texts += [_src(o.get("data", {}).get("text/markdown", "")) for c in proc["cells"] for o in c.get("outputs", [])]
        check_math(page, any(re.search(r"\$[^$\n]+\$|\$\$", t) for t in texts))

        # nbdev directives honoured: no `#|` anywhere, hidden and exported cells not shown as code,
        # an API entry (show_doc) for every public definition of an exported cell
        assert "#|" not in page.inner_text("body")
        shown_code = _squash(" ".join(page.eval_on_selector_all(".cell-code", "els => els.map(e => e.innerText)")))
        for c in nb["cells"]:
            if c["cell_type"] != "code": continue
            names, code = _directives(_src(c["source"]))
            if names & {"hide", "export", "exporti", "default_exp"} and code:
                assert _squash(code) not in shown_code, f"a #| {' '.join(sorted(names))} cell is visible:\n{code[:200]}"
            if names & {"export", "exports"} and "hide" not in names:
                for node in ast.parse(code).body:
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                        name = _documented_name(node)
                        assert page.locator(f'.showdoc [id="{name.lower()}"]').count() == 1, f"no API entry (show_doc) for {name}"

        # every image loaded, one per image output shown
        imgs = page.eval_on_selector_all("img", "els => els.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])")
        assert all(ok and w > 0 for _, ok, w in imgs), f"images not loaded: {[s for s, ok, w in imgs if not (ok and w > 0)]}"
        shown_cells = [c for c in proc["cells"] if c["cell_type"] == "code"
                       and not re.search(r"^\s*#\|\s*(output|include)\s*:\s*false", _src(c["source"]), re.M)]
        n_fig = sum(any(k.startswith("image/") for k in o.get("data", {})) for c in shown_cells for o in c.get("outputs", []))
        assert n_fig == rec["images"] and len(imgs) >= n_fig, f"{len(imgs)} images shown, {n_fig} image outputs"
        # a text column wide enough for the code (682 px before the layout was widened), figures that open at full size
        assert page.evaluate("document.querySelector('main.content').clientWidth") >= 900
        links = page.eval_on_selector_all(".cell-output-display img", "els => els.map(i => [i.closest('a') && i.closest('a').getAttribute('href'), i.getAttribute('src')])")
        assert all(href == src for href, src in links), f"figures without a full-size link: {[s for h, s in links if h != s]}"
        # sidebar entries carry the notebook numbers the prose refers to ("notebook 05")
        num = re.match(r"^(\d+[a-zA-Z]*)_", Path(source).name)
        if num: assert page.inner_text(".sidebar a.active").startswith(num.group(1) + " ")
        # no raw underscores of paper symbols in the title, subtitle or sidebar; figures described in their alt text
        for sel in ("h1.title", ".title-block .subtitle", ".sidebar"):
            if page.locator(sel).count():
                assert not re.search(r"(?<![\w$])[A-Za-z]_[A-Za-z0-9]{1,3}\b", page.inner_text(sel)), f"raw underscore in {sel}"
        alts = page.eval_on_selector_all(".cell-output-display img", "els => els.map(i => i.getAttribute('alt'))")
        assert all(a and not a.startswith("<Figure") for a in alts), f"figures without a description: {alts}"
        # wide tables scroll inside the text column instead of being cut off at its edge
        overflow = page.evaluate("""() => [...document.querySelectorAll('main.content table')].filter(t =>
            t.getBoundingClientRect().right > document.querySelector('main.content').getBoundingClientRect().right + 1).length""")
        assert overflow == 0, f"{overflow} table(s) wider than the text column"
        check_network(log)


def test_search(site, server, browser):
    "The search box searches every page offline: 'regulariser' lists the regulariser page first; nothing leaves the machine"
    docs = json.loads(re.sub(r"^window\.NTK_SEARCH_DOCS = |;\s*$", "", (SITE / "search/index.js").read_text(encoding="utf-8")))
    assert {d["page"] for d in docs} == {p["href"] for p in site}, "a page is missing from the search index"
    with visit(browser, server + "index.html") as (page, log):
        assert page.locator("#search-input").count() == 1
        page.fill("#search-input", "regulariser")
        page.wait_for_selector("#search-results li a", timeout=30000)
        hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(a => new URL(a.href).pathname.slice(1))")
        titles = page.eval_on_selector_all("#search-results .hit-page", "els => els.map(e => e.textContent)")
        SHOTS.mkdir(exist_ok=True); page.screenshot(path=str(SHOTS / "search_regulariser.png"))
        assert hrefs[0] == "regulariser.html", (hrefs, titles)
        assert len(hrefs) == len(set(hrefs)) > 3          # one entry per page, several pages mention it
        # a function's name finds the page that documents it
        page.fill("#search-input", "problem_from_data")
        page.wait_for_function("() => document.querySelector('#search-results li a .hit-page')")
        found = page.eval_on_selector_all("#search-results li a", "els => els.map(a => new URL(a.href).pathname.slice(1))")
        assert "training.html" in found[:3], found
        page.fill("#search-input", "zzzqqqxxy")
        page.wait_for_selector("#search-results li.none")
        page.keyboard.press("Escape")
        check_network(log)


def _build_docs_module():
    spec = importlib.util.spec_from_file_location("build_docs", ROOT / "tools/build_docs.py")
    bd = importlib.util.module_from_spec(spec); spec.loader.exec_module(bd)
    return bd

def test_links_between_pages_resolve(site):
    "Every link from one page to another page's anchor (e.g. ntk.html#topdirections.predictions_perp) has its target"
    assert _build_docs_module().missing_anchors(SITE) == []

def test_missing_anchor_is_found(tmp_path):
    "The anchor check sees a link to an id that no page has (so the test above can fail)"
    (tmp_path / "a.html").write_text('<h2 id="here">x</h2><a href="b.html#there">y</a><a href="#here">z</a>')
    (tmp_path / "b.html").write_text('<h2 id="elsewhere">x</h2>')
    assert _build_docs_module().missing_anchors(tmp_path) == ["a.html -> b.html#there"]

def test_subscripts_nowrap_and_alt():
    "Titles show f_L as a subscript (not inside code), a '.' after inline math stays on its line, figures get alt text"
    bd = _build_docs_module()
    assert bd.subscripts("the cubic term f_C and R_tr, <code>make_problem</code>, lam_tr") == \
        "the cubic term f<sub>C</sub> and R<sub>tr</sub>, <code>make_problem</code>, lam_tr"
    h = bd.Page(Path("/tmp/x.html"), Path("/tmp"), {}, "", "").markdown("invisible to $f_L$. And $x$, $$y$$.")
    assert '<span class="nowrap">$f_L$.</span>' in h and '<span class="nowrap">$x$,</span>' in h and 'nowrap">$$' not in h
    assert bd.figure_alt('ax.set_title(f"d = {d}")\nfig.suptitle(r"$f_Q$ wins")', "x") == "Figure: d = …; f_Q wins"
    assert bd.figure_alt("plt.plot(x)", "Results") == "Figure in the section “Results”"


def test_table_pipes_and_code_links():
    "An escaped pipe in a markdown table cell renders as |, and links nbdev writes into signatures' comments become HTML links"
    bd = _build_docs_module()
    page = bd.Page(Path("/tmp/x.html"), Path("/tmp"), {}, "", "")
    h = page.markdown("| command | what |\n|---|---|\n| `reproduce --scale cpu\\|paper` | runs |")
    assert "cpu|paper" in h and "\\|" not in h and h.count("<td>") == 2
    h = page.markdown("```python\ndef f(x, # see [`Objective`](regulariser.html#objective)\n): pass\n```")
    assert '<a href="regulariser.html#objective"><code>Objective</code></a>' in h and "[`" not in h


DOCMATH_MODULE = '''
def scaled_gram(X, # inputs, shape $(n, d)$
                lam:float=1.0, # ridge $\\lambda$
               ):
    r"The Gram matrix $K = XX^\\top/d + \\lambda I$; its norm obeys $$\\|K\\|_2 \\le \\frac{\\|X\\|_F^2}{d} + \\lambda$$"
'''

def test_math_in_show_doc_docstrings(site, browser, tmp_path):
    "`$...$` and `$$...$$` in a docstring are typeset in its show_doc entry (the library's docstrings hold no TeX yet)"
    (tmp_path / "docmath_mod.py").write_text(DOCMATH_MODULE)
    sys.path.insert(0, str(tmp_path))
    try:
        import docmath_mod
        from nbdev.showdoc import show_doc
        md = show_doc(docmath_mod.scaled_gram)._repr_markdown_()
    finally: sys.path.remove(str(tmp_path)); sys.modules.pop("docmath_mod", None)
    assert "$$" in md and r"$K = XX^\top/d" in md
    bd = _build_docs_module()
    out = tmp_path / "site"
    for d in ("assets", "mathjax"): shutil.copytree(SITE / d, out / d)
    shutil.copy2(SITE / "styles.css", out / "styles.css")
    nb = {"cells": [{"cell_type": "markdown", "source": "Markdown math too: $x^2$ and $$\\int_0^1 x\\,dx = \\tfrac12.$$"},
                    {"cell_type": "code", "source": "#| echo: false\n#| output: asis\nshow_doc(scaled_gram)",
                     "outputs": [{"output_type": "execute_result", "data": {"text/markdown": md}, "metadata": {}}]}]}
    page = bd.Page(out / "check.html", out, {}, "", "")
    body = page.render(nb, "check.ipynb")
    rec = dict(source="check.ipynb", href="check.html", title="Docstring math", description="")
    (out / "check.html").write_text(bd.page_html({"title": "check"}, [rec], rec, body, page, None, None))
    with serve(out) as url, visit(browser, url + "check.html") as (pg, log):
        pg.screenshot(path=str(tmp_path / "check.png"))
        check_math(pg, True)
        assert pg.locator('.showdoc [id="scaled_gram"]').count() == 1
        assert pg.locator(".showdoc mjx-container:not([display])").count() >= 1, "inline math in the docstring not typeset"
        assert pg.locator('.showdoc mjx-container[display="true"]').count() == 1, "display math in the docstring not typeset"
        check_network(log)
