#!/usr/bin/env python
"""Build the documentation site offline, without Quarto: `python tools/build_docs.py` -> `_site/`.

The build has two halves.

1. nbdev's own processing -- the steps `nbdev_docs` runs before it calls Quarto: refresh the Quarto
   config (`nbs/_quarto.yml`, `nbs/nbdev.yml`), rebuild the module index (`<lib>/_modidx.py`), write
   `nbs/sidebar.yml` from the notebooks on disk, and process every notebook into `_proc/` (front
   matter from `# title` / `> summary`, `#| hide` and `#| export` cells removed, `show_doc` entries
   added after exported definitions, backtick names linked). We call these functions directly and
   never `nbdev_proc_nbs`/`nbdev_docs`: those first run `_ensure_quarto()`, which downloads Quarto and
   pip-installs the project. The committed notebook outputs are used as they are; nothing but the
   exported definitions and imports (which `show_doc` needs) is executed.

2. Rendering `_proc/` to HTML, one page per notebook in sidebar (numeric) order. We render with a
   small renderer built on nbconvert's pieces -- its mistune Markdown-with-math parser and Pygments --
   rather than nbconvert's `lab` HTML template or mkdocs:
   * `_proc/` notebooks carry Quarto cell options that nbdev's processors emit (`#| echo: false`,
     `#| output: asis` on every `show_doc` cell, `#| code-fold`), Pandoc attribute syntax in the
     `show_doc` markdown (`[source](...){target="_blank"}`) and front matter in a raw cell. No
     off-the-shelf renderer understands these, so each would need this same preprocessing anyway.
   * The lab template inlines ~300 KB of CSS per page and links require.js and MathJax 2 from CDNs;
     mkdocs + mkdocs-material + mkdocs-jupyter would add three dependencies (and web fonts unless
     `font: false`). nbconvert is already installed with jupyterlab, so the build needs nothing new
     from PyPI.
   * nbconvert's parser keeps `$...$` and `$$...$$` verbatim (HTML-escaped), both in markdown cells and
     in `show_doc` docstrings, so MathJax typesets them in the browser.
   Math is typeset by MathJax 3.2.2 from npm (`npm pack mathjax@3.2.2`, checked against the registry's
   sha512, cached in `_docs_cache/`); only `es5/tex-chtml-full.js` and `es5/output/chtml/fonts/` are
   copied into the site. No page requests anything from another host.

The README is nbdev's too: with Quarto installed `--readme` calls `nbdev_readme`; without it the same
processed `index.ipynb` is written as GitHub-flavoured markdown (figures under `index_files/`, as
`nbdev_readme` does).

Usage: `python tools/build_docs.py [--force] [--readme | --no-readme] [--out _site]`.
"""
from __future__ import annotations
import argparse, base64, hashlib, html, json, os, re, shutil, subprocess, sys, tarfile, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATHJAX_VERSION = "3.2.2"
# dist.integrity of mathjax@3.2.2 on registry.npmjs.org (`npm view mathjax@3.2.2 dist.integrity`)
MATHJAX_SHA512 = "Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
MINISEARCH_VERSION = "7.2.0"
# dist.integrity of minisearch@7.2.0 on registry.npmjs.org (`npm view minisearch@7.2.0 dist.integrity`)
MINISEARCH_SHA512 = "dqT2XBYUOZOiC5t2HRnwADjhNS2cecp9u+TJRiJ1Qp/f5qjkeT5APcGPjHw+bz89Ms8Jp+cG4AlE+QZ/QnDglg=="
CACHE_DIR = ROOT / "_docs_cache"
IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}

# ---------------------------------------------------------------------------------------------------
# 1. nbdev's processing
# ---------------------------------------------------------------------------------------------------

def nbdev_steps(force:bool=False, # reprocess every notebook, ignoring the `_proc/` cache
                n_workers:int|None=None, # processes for `proc_nbs`
               ) -> Path:
    "Run the steps of `nbdev_docs` before Quarto; returns the `_proc/` folder"
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    from nbdev.serve import proc_nbs
    import nbdev.doclinks
    cfg = get_config()
    refresh_quarto_yml()
    nbdev.doclinks._build_modidx()
    nbdev_sidebar.__wrapped__(path=str(cfg.nbs_path))
    return Path(proc_nbs(str(cfg.nbs_path), n_workers=n_workers or min(4, os.cpu_count() or 1), force=force))

def page_list(nbs:Path, # the notebooks folder
              proc:Path, # the processed copy `_proc/`
             ) -> list:
    "Navigation tree from `sidebar.yml`: pages are dicts, sections are (name, children); notebooks missing from it are appended"
    import yaml
    side = nbs / "sidebar.yml"
    contents = yaml.safe_load(side.read_text())["website"]["sidebar"]["contents"] if side.exists() else []
    seen = set()
    def page(src):
        src = str(src)
        if not src.endswith((".ipynb", ".md", ".qmd")) or not (proc / src).exists(): return None
        seen.add(src)
        return dict(source=src)
    def walk(items):
        out = []
        for it in items or []:
            if isinstance(it, str): p = page(it)
            elif isinstance(it, dict) and "contents" in it:
                kids = walk(it["contents"])
                p = (it.get("section", ""), kids) if kids else None
            elif isinstance(it, dict): p = page(it.get("href") or it.get("file") or "")
            else: p = None
            if p: out.append(p)
        return out
    tree = walk(contents)
    rest = sorted(p.relative_to(nbs).as_posix() for p in nbs.rglob("*.ipynb")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(nbs).parts))
    tree += [p for p in map(page, [r for r in rest if r not in seen]) if p]
    return tree

def flat_pages(tree:list) -> list:
    "The pages of a navigation tree, in order"
    out = []
    for it in tree: out.extend(flat_pages(it[1]) if isinstance(it, tuple) else [it])
    return out

# ---------------------------------------------------------------------------------------------------
# 2. MathJax from npm
# ---------------------------------------------------------------------------------------------------

def npm_package(name:str, # package name on registry.npmjs.org
                version:str, # exact version
                sha512:str, # the registry's dist.integrity (base64 sha512 of the tarball)
                keep, # predicate on a tarball member's name ('package/...'): extract it or not
                cache:Path=CACHE_DIR, # cache folder (git-ignored)
               ) -> Path:
    "The cached folder of `name@version`'s kept files, fetched with `npm pack` and verified by sha512 on first use"
    dest = cache / f"{name}-{version}"
    if (dest / ".complete").exists(): return dest
    npm = shutil.which("npm")
    if npm is None: sys.exit(f"build_docs: {name} is not cached and `npm` is not installed (apt-get install npm)")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        subprocess.run([npm, "pack", f"{name}@{version}", "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        tgz = Path(tmp) / f"{name}-{version}.tgz"
        digest = base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
        if digest != sha512: sys.exit(f"build_docs: {tgz.name} has sha512 {digest}, expected {sha512}")
        out = Path(tmp) / "out"
        with tarfile.open(tgz) as tf:
            for mem in tf.getmembers():
                if not (mem.isfile() and keep(mem.name)) or ".." in Path(mem.name).parts: continue
                target = out / Path(mem.name).relative_to("package")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tf.extractfile(mem).read())
        (out / ".complete").write_text(sha512)
        if dest.exists(): shutil.rmtree(dest)
        out.rename(dest)
    return dest

def ensure_mathjax(cache:Path=CACHE_DIR, # cache folder (git-ignored)
                  ) -> Path:
    "The folder holding MathJax's `es5/` build, fetched with `npm pack` and verified on first use"
    old = cache / f"mathjax-{MATHJAX_VERSION}"   # a cache written before `.complete` markers
    if (old / "es5" / "tex-chtml-full.js").exists() and (old / "es5/output/chtml/fonts/woff-v2").is_dir(): return old
    keep = lambda n: n == "package/es5/tex-chtml-full.js" or n.startswith("package/es5/output/chtml/fonts/")
    return npm_package("mathjax", MATHJAX_VERSION, MATHJAX_SHA512, keep, cache)

def ensure_minisearch(cache:Path=CACHE_DIR, # cache folder (git-ignored)
                     ) -> Path:
    "The folder holding MiniSearch's browser build (`dist/umd/index.js`) and its licence"
    keep = lambda n: n in ("package/dist/umd/index.js", "package/LICENSE.txt")
    return npm_package("minisearch", MINISEARCH_VERSION, MINISEARCH_SHA512, keep, cache)

def copy_mathjax(mj:Path, site:Path):
    "Copy the MathJax script and its fonts into `site/mathjax/`"
    (site / "mathjax").mkdir(parents=True, exist_ok=True)
    shutil.copy2(mj / "es5/tex-chtml-full.js", site / "mathjax/tex-chtml-full.js")
    shutil.copytree(mj / "es5/output/chtml/fonts", site / "mathjax/output/chtml/fonts", dirs_exist_ok=True)

# ---------------------------------------------------------------------------------------------------
# 3. Rendering notebooks
# ---------------------------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])")
_DIRECTIVE = re.compile(r"^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$")
_FM = re.compile(r"^---\s*\n(.*?\S.*?)\n---\s*$", re.DOTALL)

def _src(x) -> str: return "".join(x) if isinstance(x, list) else (x or "")

def front_matter(nb:dict) -> dict:
    "The YAML front matter of a processed notebook (its first raw cell), or {}"
    import yaml
    for c in nb["cells"]:
        if c["cell_type"] == "raw":
            m = _FM.match(_src(c["source"]).strip())
            if m: return yaml.safe_load(m.group(1)) or {}
    return {}

def split_directives(source:str) -> tuple[dict, str]:
    "Quarto/nbdev `#|` options at the top of a code cell, and the code without them"
    lines, opts = source.splitlines(), {}
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m: break
        opts[m.group(1)] = m.group(2).strip().strip("\"'")
        i += 1
    return opts, "\n".join(lines[i:]).strip("\n")

def _false(v) -> bool: return str(v).strip().lower() in ("false", "no", "0")

def pandoc_id(text:str) -> str:
    "Pandoc's auto identifier of a heading (so nbdev's `page.html#name` links resolve)"
    t = re.sub(r"<[^>]+>", "", text)
    t = html.unescape(t).strip().lower()
    t = re.sub(r"[^\w\s.-]", "", t)
    t = re.sub(r"\s+", "-", t)
    t = re.sub(r"^[^a-z]+", "", t)
    return t or "section"

_ATTR_TOKEN = re.compile(r'([\w-]+)=(?:"([^"]*)"|\'([^\']*)\'|(\S+))|([.#][\w-]+)')
_SAFE_ATTRS = {"target", "style", "title", "rel", "width", "height", "alt"}

def _pandoc_attrs(s:str) -> str:
    "Pandoc's `{#id .class key=value}` as HTML attributes (a safe subset)"
    s, classes, out = html.unescape(s), [], []
    for key, v1, v2, v3, tok in _ATTR_TOKEN.findall(s):
        if tok: (classes.append(tok[1:]) if tok[0] == "." else out.append(f'id="{html.escape(tok[1:])}"'))
        elif key in _SAFE_ATTRS:
            v = v1 or v2 or v3
            if key in ("width", "height") and v.endswith("px"): v = v[:-2]
            out.append(f'{key}="{html.escape(v)}"')
            if key == "target" and v == "_blank": out.append('rel="noopener"')
    if classes: out.append(f'class="{html.escape(" ".join(classes))}"')
    return " ".join(out)

def _fix_attrs(h:str) -> str:
    "Apply Pandoc attribute blocks that follow links and images"
    h = re.sub(r"(<a\s[^>]*?)>((?:(?!</a>).)*?)</a>\{([^}\n]*)\}", lambda m: f"{m.group(1)} {_pandoc_attrs(m.group(3))}>{m.group(2)}</a>", h, flags=re.DOTALL)
    h = re.sub(r"(<img\s[^>]*?)\s*/?>\{([^}\n]*)\}", lambda m: f"{m.group(1)} {_pandoc_attrs(m.group(2))} />", h)
    return h

_PIPE = "\ue000"   # stands for a table cell's escaped pipe while mistune splits the row into cells

def _code_links(h:str) -> str:
    "Markdown links that nbdev writes into code blocks (show_doc signatures' comments) become HTML links"
    link = re.compile(r"\[`([^`\]]+)`\]\(([^)\s]+)\)")
    return re.sub(r"<pre\b.*?</pre>", lambda m: link.sub(r'<a href="\2"><code>\1</code></a>', m.group(0)), h, flags=re.DOTALL)

_MATH_PUNCT = re.compile(r"(?<![$\\])(\$[^$\n<>]+\$)([.,;:!?)\]]+)")

def _outside_code(h:str, f) -> str:
    "Apply `f` to the parts of HTML `h` outside <pre> and <code> elements"
    parts = re.split(r"(<pre\b.*?</pre>|<code\b.*?</code>)", h, flags=re.DOTALL)
    return "".join(p if i % 2 else f(p) for i, p in enumerate(parts))

def _nowrap_math_punct(h:str) -> str:
    "Inline math and the punctuation right after it in one unbreakable span, so a lone '.' never wraps onto a line of its own"
    return _outside_code(h, lambda p: _MATH_PUNCT.sub(r'<span class="nowrap">\1\2</span>', p))

_SUB = re.compile(r"(?<![\w$\\&/.#-])([A-Za-z])_(?:\{([A-Za-z0-9]{1,4})\}|([A-Za-z0-9]{1,3}))(?![\w])")

def subscripts(h:str) -> str:
    "Paper symbols written with an underscore in titles and subtitles (f_L, R_tr, f_C) as subscripts, outside code and math"
    def sub(p):
        bits = re.split(r"(\$[^$]*\$|<[^>]+>)", p)
        return "".join(b if i % 2 else _SUB.sub(lambda m: f"{m.group(1)}<sub>{m.group(2) or m.group(3)}</sub>", b) for i, b in enumerate(bits))
    return _outside_code(h, sub)

def figure_alt(source:str, # the code cell that drew the figure
               heading:str, # the last heading before it
              ) -> str:
    "Alt text of a figure: the titles the cell sets (matplotlib's set_title / suptitle), else the section it belongs to"
    titles = [t for _, t in re.findall(r"(?:set_title|suptitle)\(\s*[rRfF]{0,2}([\"'])(.+?)\1", source)]
    clean = lambda t: re.sub(r"\s+", " ", re.sub(r"\{[^{}]*\}", "…", t).replace("$", "").replace("\\", "")).strip()
    titles = [clean(t) for t in titles if clean(t)]
    if titles: return "Figure: " + "; ".join(titles)
    return f"Figure in the section “{heading}”" if heading else "Figure"

class Page:
    "Renders one processed notebook to an HTML fragment, collecting its headings and figures"
    def __init__(self, out_path:Path, # where the page will be written
                 site:Path, # the site folder
                 link_map:dict, # notebook path (relative to nbs/) -> page path (relative to the site)
                 doc_url:str, # the published site's URL (links to it become relative)
                 root:str, # relative URL from this page to the site root, e.g. '' or '../'
                ):
        self.out_path, self.site, self.link_map, self.doc_url, self.root = out_path, site, link_map, doc_url, root
        self.ids, self.toc, self.n_images, self.alt_hint, self.last_heading = set(), [], 0, "figure", ""
        from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
        page = self
        class Renderer(IPythonRenderer):
            def heading(self, text, level, **attrs):
                m = re.search(r"\s*\{([^}]*)\}\s*$", text)
                explicit = None
                if m:
                    ids = re.findall(r"#([\w.-]+)", m.group(1))
                    explicit, text = (ids[0] if ids else None), text[:m.start()]
                return page.heading(text, level, explicit)
        self._Renderer, self._Markdown = Renderer, MarkdownWithMath

    def heading(self, text:str, level:int, explicit:str|None=None) -> str:
        hid = base = explicit or pandoc_id(text)
        i = 1
        while hid in self.ids: hid, i = f"{base}-{i}", i + 1
        self.ids.add(hid)
        self.last_heading = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if level in (2, 3): self.toc.append((level, hid, re.sub(r"<a\s[^>]*>|</a>", "", text)))
        return f'<h{level} id="{hid}" class="anchored">{text}<a class="anchor-link" href="#{hid}" aria-label="link to this section">#</a></h{level}>\n'

    def markdown(self, source:str, attachments:dict|None=None) -> str:
        "Markdown (with `$` math kept for MathJax and Quarto `:::` divs) to HTML"
        parts, stack, buf, fence = [], [], [], None
        def flush():
            if buf:
                md = self._Markdown(renderer=self._Renderer(escape=False, exclude_anchor_links=True, attachments=attachments or {}))
                parts.append(_fix_attrs(md.render("\n".join(buf))))
                buf.clear()
        for line in source.splitlines():
            f = re.match(r"^\s*(`{3,}|~{3,})", line)
            if fence is None and f: fence = f.group(1)
            elif fence is not None and line.strip().startswith(fence): fence = None
            elif fence is None and re.match(r"^:{3,}", line.strip()):
                flush()
                spec = line.strip().lstrip(":").strip()
                if spec:
                    attrs = spec[1:-1] if spec.startswith("{") and spec.endswith("}") else f".{spec}"
                    classes = re.findall(r"\.([\w-]+)", attrs)
                    title = re.search(r'title="([^"]*)"', attrs)
                    call = next((c for c in classes if c.startswith("callout")), None)
                    cls = " ".join(classes + (["callout"] if call else []))
                    head = f'<div class="callout-title">{html.escape(title.group(1) if title else call.split("-", 1)[-1].capitalize())}</div>' if call else ""
                    parts.append(f'<div class="{html.escape(cls)}">{head}'); stack.append(1)
                elif stack: parts.append("</div>"); stack.pop()
                continue
            if fence is None and line.lstrip().startswith("|"): line = line.replace("\\|", _PIPE)  # GFM's escaped pipe in a table cell
            buf.append(line)
        flush()
        parts.extend("</div>" for _ in stack)
        return _nowrap_math_punct(_code_links("\n".join(parts)).replace(_PIPE, "|"))

    def code(self, source:str) -> str:
        from pygments import highlight
        from pygments.lexers import PythonLexer
        from pygments.formatters import HtmlFormatter
        return highlight(source, PythonLexer(), HtmlFormatter(cssclass="highlight"))

    def save_image(self, data:str, ext:str, cell_no:int, out_no:int) -> str:
        "Write an output image next to the page; returns its relative URL"
        rel = Path(f"{self.out_path.stem}_files/figure-html/cell-{cell_no}-output-{out_no}.{ext}")
        dest = self.out_path.parent / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if ext == "svg": dest.write_text(_src(data))
        else: dest.write_bytes(base64.b64decode(_src(data)))
        self.n_images += 1
        return rel.as_posix()

    def output(self, o:dict, cell_no:int, out_no:int, asis:bool) -> str:
        kind = o.get("output_type")
        if kind == "stream":
            cls = "cell-output-stderr" if o.get("name") == "stderr" else "cell-output-stdout"
            return f'<div class="cell-output {cls}"><pre><code>{html.escape(_ANSI.sub("", _src(o.get("text"))))}</code></pre></div>'
        if kind == "error":
            tb = _ANSI.sub("", "\n".join(o.get("traceback") or [f"{o.get('ename')}: {o.get('evalue')}"]))
            return f'<div class="cell-output cell-output-error"><pre><code>{html.escape(tb)}</code></pre></div>'
        data, meta = o.get("data", {}), o.get("metadata", {})
        order = ["text/markdown"] if asis else []
        order += ["text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/markdown", "text/latex", "text/plain"]
        mime = next((m for m in order if m in data), None)
        if mime is None: return ""
        val = _src(data[mime])
        if mime.startswith("image/"):
            ext = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}[mime]
            url = self.save_image(data[mime], ext, cell_no, out_no)
            m = meta.get(mime, {}) if isinstance(meta.get(mime), dict) else {}
            size = "".join(f' {k}="{int(m[k])}"' for k in ("width", "height") if k in m)
            plain = _src(data.get("text/plain", "")).strip()
            alt = html.escape((self.alt_hint if not plain or plain.startswith("<Figure") else plain)[:200], quote=True)
            return (f'<div class="cell-output cell-output-display"><a class="figure-link" href="{url}" target="_blank" title="open the figure at full size">'
                    f'<img src="{url}" alt="{alt}"{size} /></a></div>')
        if mime == "text/markdown":
            cls = "showdoc" if asis else "cell-output cell-output-markdown"
            return f'<div class="{cls}">{self.markdown(val)}</div>'
        if mime == "text/html":
            # outputs may link scripts or styles on other hosts; the site never loads them
            val = re.sub(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>", "", val, flags=re.I)
            val = re.sub(r"<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>", "", val, flags=re.I)
            return f'<div class="cell-output cell-output-display">{val}</div>'
        if mime == "text/latex":
            return f'<div class="cell-output cell-output-display">{html.escape(val)}</div>'
        return f'<div class="cell-output cell-output-display"><pre><code>{html.escape(_ANSI.sub("", val))}</code></pre></div>'

    def cell(self, c:dict, cell_no:int) -> str:
        if c["cell_type"] == "markdown": return self.markdown(_src(c["source"]), c.get("attachments"))
        if c["cell_type"] == "raw":
            src = _src(c["source"])
            if _FM.match(src.strip()): return ""
            fmt = c.get("metadata", {}).get("raw_mimetype") or c.get("metadata", {}).get("format", "")
            return src if fmt in ("text/html", "html") else (self.markdown(src) if fmt in ("text/markdown", "markdown") else "")
        opts, src = split_directives(_src(c["source"]))
        if _false(opts.get("include", "true")): return ""
        asis = opts.get("output", "").lower() == "asis"
        out = []
        if src.strip() and not _false(opts.get("echo", "true")):
            block = f'<div class="sourceCode cell-code">{self.code(src)}</div>'
            fold = opts.get("code-fold", "false").lower()
            if fold in ("true", "show"):
                summary = html.escape(opts.get("code-summary", "Code"))
                block = f'<details class="code-fold"{" open" if fold == "show" else ""}><summary>{summary}</summary>{block}</details>'
            out.append(block)
        if not _false(opts.get("output", "true")):
            self.alt_hint = figure_alt(src, self.last_heading)
            out += [self.output(o, cell_no, j, asis) for j, o in enumerate(c.get("outputs", []), 1)]
        body = "\n".join(x for x in out if x)
        if not body: return ""
        if asis and _false(opts.get("echo", "true")): return body  # show_doc entries stand on their own
        return f'<div class="cell">{body}</div>'

    def links(self, h:str) -> str:
        "Make links to the published site and to notebooks point into this site"
        if self.doc_url:
            h = re.sub(rf'href="{re.escape(self.doc_url)}/?"', f'href="{self.root}index.html"', h)   # the site itself
            h = h.replace(f'href="{self.doc_url}/', f'href="{self.root}')
        def nb_link(m):
            target, anchor = m.group(1), m.group(2) or ""
            key = os.path.normpath((self.out_source.parent / target).as_posix()).replace(os.sep, "/")
            return f'href="{self.root}{self.link_map[key]}{anchor}"' if key in self.link_map else m.group(0)
        h = re.sub(r'href="(?!https?:|/|#)([^"#]+\.ipynb)(#[^"]*)?"', nb_link, h)
        # nbdev links every name of its index, private helpers too, but documents only public ones: no link to a page anchor
        # that cannot exist (links to public names are checked by `missing_anchors`)
        return re.sub(r'<a href="[^"#]*#_[\w.]*"><code>(_[\w.]*)</code></a>', r"<code>\1</code>", h)

    def render(self, nb:dict, source:str) -> str:
        self.out_source = Path(source)
        return self.links("\n".join(self.cell(c, i) for i, c in enumerate(nb["cells"], 1)))

# ---------------------------------------------------------------------------------------------------
# 4. The page template and site assets
# ---------------------------------------------------------------------------------------------------

SITE_CSS = """
:root { --fg:#212529; --muted:#6c757d; --accent:#2780e3; --border:#dee2e6; --code-bg:#f6f8fa; --side:15rem; --toc:13rem; }
* { box-sizing: border-box; }
html { scroll-padding-top: 4rem; }
body { margin:0; color:var(--fg); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.navbar { position: sticky; top: 0; z-index: 10; background: var(--accent); color: #fff; padding: .6rem 1.2rem; display:flex; gap:1rem; align-items: baseline; }
.navbar a { color:#fff; font-weight:600; font-size:1.15rem; } .navbar .tagline { opacity:.85; font-size:.9rem; white-space: nowrap; overflow:hidden; text-overflow: ellipsis; }
.layout { display:grid; grid-template-columns: var(--side) minmax(0, 1fr) var(--toc); gap: 1.5rem; max-width: 110rem; margin: 0 auto; padding: 0 1rem; }
.sidebar, .toc { position: sticky; top: 3.5rem; align-self: start; max-height: calc(100vh - 4rem); overflow-y: auto; padding-top: 1.5rem; font-size: .92rem; }
.sidebar ul, .toc ul { list-style: none; margin: 0; padding-left: 0; } .sidebar ul ul { padding-left: .9rem; }
.sidebar li a { display:block; padding: .25rem .6rem; border-radius: .3rem; color: var(--fg); }
.sidebar li a.active { background: #e9f2fc; color: var(--accent); font-weight: 600; }
.sidebar .section-name { display:block; padding: .4rem .6rem .1rem; color: var(--muted); font-weight:600; text-transform: uppercase; font-size:.78rem; }
.toc h2 { font-size: .85rem; margin: 0 0 .4rem; color: var(--muted); } .toc li a { display:block; padding: .12rem 0; color: var(--muted); }
.toc li.lvl3 a { padding-left: .8rem; font-size: .86rem; }
main.content { min-width: 0; padding: 1.5rem 0 4rem; }
.title-block h1.title { margin: 0 0 .3rem; font-size: 2.1rem; }
h2, h3 { margin-top: 2rem; } .anchor-link { visibility:hidden; margin-left:.4rem; font-size:.8em; color: var(--muted); } h2:hover .anchor-link, h3:hover .anchor-link, h4:hover .anchor-link { visibility: visible; }
pre { background: var(--code-bg); padding: .6rem .8rem; border-radius: .35rem; overflow-x: auto; font-size: .8rem; line-height: 1.45; }
.sidebar .nb-num { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .15rem; }
a.figure-link { cursor: zoom-in; }
code { font-family: SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .9em; }
p code, li code, td code { background: var(--code-bg); padding: .05rem .3rem; border-radius: .25rem; }
.cell-output pre { background: none; font-size: .75rem; }
.cell-output-stderr pre { border-left-color: #d9534f !important; color: #8a1f1b; }
.cell-output-error pre { border-left: 2px solid #d9534f; color: #8a1f1b; }
.cell-output-display img { max-width: 100%; height: auto; }
details.code-fold > summary { cursor: pointer; color: var(--muted); font-size: .9rem; margin-bottom: .3rem; }
.showdoc { margin: 1.2rem 0; } .showdoc hr { border: 0; border-top: 1px solid var(--border); margin: 1.5rem 0 .5rem; }
.showdoc h3, .showdoc h4 { margin-top: .3rem; font-family: SFMono-Regular, Menlo, Consolas, monospace; }
.showdoc > p > em, .showdoc p em:only-child { font-style: normal; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .92rem; } th, td { border-bottom: 1px solid var(--border); padding: .3rem .7rem; text-align: left; }
.callout { border-left: 4px solid var(--accent); background: #f8fbff; padding: .5rem 1rem; margin: 1rem 0; border-radius: .3rem; }
.callout-warning { border-left-color: #f0ad4e; } .callout-important { border-left-color: #d9534f; } .callout-tip { border-left-color: #3fb618; }
.callout-title { font-weight: 600; }
.pager { display:flex; justify-content: space-between; gap: 1rem; margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--border); }
footer.site-footer { color: var(--muted); font-size: .82rem; padding: 1.5rem 0; }
mjx-container[display="true"] { overflow-x: auto; overflow-y: hidden; }
main.content table { display: block; max-width: 100%; overflow-x: auto; }
.nowrap { white-space: nowrap; }
.navbar .search { margin-left: auto; position: relative; align-self: center; }
.navbar .search input { width: 16rem; padding: .25rem .55rem; border: 0; border-radius: .3rem; font-size: .9rem; }
.search-results { position: absolute; right: 0; top: 2.1rem; width: 30rem; max-width: 90vw; max-height: 70vh; overflow-y: auto; margin: 0; padding: .3rem 0;
  list-style: none; background: #fff; color: var(--fg); border: 1px solid var(--border); border-radius: .35rem; box-shadow: 0 .4rem 1.2rem rgba(0,0,0,.15); }
.search-results li a { display: block; padding: .35rem .8rem; color: var(--fg); font-size: .9rem; font-weight: 400; }
.search-results li a:hover, .search-results li a:focus, .search-results li.current a { background: #e9f2fc; text-decoration: none; }
.search-results .hit-page { font-weight: 600; color: var(--accent); } .search-results .hit-section { color: var(--muted); }
.search-results .hit-snippet { display: block; color: var(--muted); font-size: .8rem; }
.search-results .none { padding: .35rem .8rem; color: var(--muted); }
@media (max-width: 100rem) { .layout { grid-template-columns: var(--side) minmax(0,1fr); } .toc { display:none; } }
@media (max-width: 48rem) { .layout { grid-template-columns: minmax(0,1fr); } .sidebar { position: static; max-height: none; } }
"""

SITE_JS = r"""// The sidebar shows the current page's entry; the search box searches every page offline (MiniSearch, served locally)
(function () {
  const root = document.documentElement.dataset.root || '';
  const side = document.querySelector('.sidebar'), active = side && side.querySelector('a.active');
  if (side && active) {
    const s = side.getBoundingClientRect(), a = active.getBoundingClientRect();
    if (a.top < s.top || a.bottom > s.bottom) side.scrollTop += a.top - s.top - (s.height - a.height) / 2;
  }
  const input = document.getElementById('search-input'), list = document.getElementById('search-results');
  if (!input || !list) return;
  let index = null, loading = null, hits = [], current = -1;
  const load = src => new Promise((resolve, reject) => {
    const el = document.createElement('script'); el.src = root + src; el.onload = resolve;
    el.onerror = () => reject(new Error('cannot load ' + src)); document.head.appendChild(el);
  });
  const ready = () => loading || (loading = load('search/minisearch.js').then(() => load('search/index.js')).then(() => {
    index = new MiniSearch({ fields: ['title', 'heading', 'text'], storeFields: ['title', 'title_html', 'heading', 'href', 'page', 'snippet'],
      searchOptions: { boost: { title: 4, heading: 2 }, prefix: true, fuzzy: 0.15, combineWith: 'AND' } });
    index.addAll(window.NTK_SEARCH_DOCS);
    return index;
  }));
  const esc = t => t.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  function show(query) {
    hits = []; current = -1;
    if (!query) { list.hidden = true; list.innerHTML = ''; return; }
    const best = new Map();   // one entry per page: its best-scoring section, pages in the order of their best score
    for (const r of index.search(query)) if (!best.has(r.page)) best.set(r.page, r);
    hits = [...best.values()].slice(0, 12);
    list.innerHTML = hits.length ? hits.map(r => '<li><a href="' + root + r.href + '"><span class="hit-page">' + r.title_html + '</span>' +
        (r.heading && r.heading !== r.title ? ' <span class="hit-section">› ' + esc(r.heading) + '</span>' : '') +
        '<span class="hit-snippet">' + r.snippet + '</span></a></li>').join('')
      : '<li class="none">No page matches “' + esc(query) + '”</li>';
    list.hidden = false;
    if (window.MathJax && MathJax.typesetPromise) MathJax.typesetPromise([list]).catch(() => {});   // formulas in headings and snippets
  }
  function move(step) {
    const items = list.querySelectorAll('li'); if (!hits.length) return;
    if (current >= 0) items[current].classList.remove('current');
    current = (current + step + hits.length) % hits.length; items[current].classList.add('current');
    items[current].scrollIntoView({ block: 'nearest' });
  }
  input.addEventListener('focus', ready);
  input.addEventListener('input', () => ready().then(() => show(input.value.trim())));
  input.addEventListener('keydown', e => {
    if (e.key === 'ArrowDown') { e.preventDefault(); move(1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
    else if (e.key === 'Enter' && hits.length) { window.location.href = root + hits[Math.max(current, 0)].href; }
    else if (e.key === 'Escape') { input.value = ''; show(''); }
  });
  document.addEventListener('click', e => { if (!e.target.closest('.search')) list.hidden = true; });
})();
"""

def search_documents(body:str, # a page's rendered HTML fragment
                     p:dict, # the page record (title, description, href)
                     max_chars:int=6000, # text kept per section
                    ) -> list[dict]:
    "One search document per section of a page (split at h2/h3): page title, heading, prose and docstrings (code left out)"
    body = re.sub(r"<pre\b.*?</pre>|<script\b.*?</script>|<style\b.*?</style>", " ", body, flags=re.DOTALL)
    text_of = lambda h: re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", h))).strip()
    parts = re.split(r'(<h[23] id="[^"]+"[^>]*>.*?</h[23]>)', body, flags=re.DOTALL)
    docs, heading, anchor = [], p["title"], ""
    chunks = [(heading, anchor, p.get("description", "") + " " + parts[0])]
    for h, content in zip(parts[1::2], parts[2::2]):
        m = re.match(r'<h[23] id="([^"]+)"', h)
        chunks.append((text_of(re.sub(r'<a class="anchor-link".*?</a>', "", h, flags=re.DOTALL)), m.group(1), content))
    for heading, anchor, content in chunks:
        text = text_of(content)
        if not text and not anchor: continue
        snippet = text[:160]
        if snippet.count("$") % 2: snippet = snippet[:snippet.rindex("$")]   # no half formula: the snippet is typeset
        docs.append(dict(title=p["title"], title_html=subscripts(html.escape(p["title"])), heading=heading, text=text[:max_chars],
                         snippet=subscripts(html.escape(snippet.rstrip() + ("…" if len(text) > len(snippet) else ""), quote=False)),
                         href=p["href"] + (f"#{anchor}" if anchor else ""), page=p["href"]))
    return docs

MATHJAX_CONFIG = """<script>
window.MathJax = {
  tex: { inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
         processEscapes: true, processEnvironments: true },
  options: { skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code'] },
  chtml: { fontURL: '__ROOT__mathjax/output/chtml/fonts/woff-v2' }
};
</script>
<script defer id="MathJax-script" src="__ROOT__mathjax/tex-chtml-full.js"></script>"""

def nav_html(tree:list, current:str, root:str) -> str:
    items = []
    for it in tree:
        if isinstance(it, tuple):
            items.append(f'<li><span class="section-name">{html.escape(it[0])}</span>{nav_html(it[1], current, root)}</li>')
        else:
            active = ' class="active" aria-current="page"' if it["href"] == current else ""
            num = re.match(r"^(\d+[a-zA-Z]*)_", Path(it["source"]).name)   # the notebook number the prose refers to ("notebook 05", "00a")
            label = (f'<span class="nb-num">{num.group(1)}</span> ' if num else "") + subscripts(html.escape(it["title"]))
            items.append(f'<li><a href="{root}{it["href"]}"{active}>{label}</a></li>')
    return "<ul>" + "".join(items) + "</ul>"

def inline_md(page:Page, text:str) -> str:
    "Markdown of one paragraph without the <p> wrapper (for the subtitle)"
    return re.sub(r"^<p>(.*)</p>\s*$", r"\1", page.markdown(text).strip(), flags=re.DOTALL)

def page_html(cfg, tree, p, body, page, prev, nxt) -> str:
    root, title, desc = page.root, p["title"], p.get("description", "")
    toc = "".join(f'<li class="lvl{l}"><a href="#{i}">{t}</a></li>' for l, i, t in page.toc)
    pager = '<nav class="pager">' + (f'<a href="{root}{prev["href"]}">&larr; {subscripts(html.escape(prev["title"]))}</a>' if prev else "<span></span>") \
            + (f'<a href="{root}{nxt["href"]}">{subscripts(html.escape(nxt["title"]))} &rarr;</a>' if nxt else "<span></span>") + "</nav>"
    site_title = html.escape(cfg.get("title") or cfg.get("lib_name") or "")
    return f"""<!DOCTYPE html>
<html lang="en" data-root="{root}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – {site_title}</title>
<meta name="description" content="{html.escape(desc)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{root}assets/site.css">
<link rel="stylesheet" href="{root}assets/pygments.css">
<link rel="stylesheet" href="{root}styles.css">
{MATHJAX_CONFIG.replace('__ROOT__', root)}
</head>
<body>
<header class="navbar"><a href="{root}index.html">{site_title}</a><span class="tagline">{html.escape(cfg.get("description", ""))}</span>
<div class="search" role="search"><input type="search" id="search-input" placeholder="Search the docs" aria-label="Search the documentation" autocomplete="off" spellcheck="false">
<ol id="search-results" class="search-results" hidden></ol></div></header>
<div class="layout">
<nav class="sidebar" aria-label="pages">{nav_html(tree, p["href"], root)}</nav>
<main class="content">
<header class="title-block"><h1 class="title">{subscripts(html.escape(title))}</h1>
{f'<div class="description subtitle">{subscripts(inline_md(page, desc))}</div>' if desc else ''}</header>
{body}
{pager}
<footer class="site-footer">Generated from <code>{html.escape(p["source"])}</code> by <code>tools/build_docs.py</code> (nbdev processing, offline rendering).</footer>
</main>
<aside class="toc">{'<h2>On this page</h2><ul>' + toc + '</ul>' if toc else ''}</aside>
</div>
<script src="{root}assets/site.js"></script>
</body>
</html>
"""

def build_site(proc:Path, # the processed notebooks
               out:Path, # output folder
               mathjax:Path, # MathJax's cached package folder
               minisearch:Path|None=None, # MiniSearch's cached package folder (None: no search box index)
              ) -> list:
    "Render every page of the navigation; returns the page records (also written to `pages.json`)"
    from nbdev.config import get_config
    from pygments.formatters import HtmlFormatter
    cfg = get_config()
    nbs = Path(cfg.nbs_path)
    tree = page_list(nbs, proc)
    pages = flat_pages(tree)
    for p in pages:
        src = Path(p["source"])
        nb = json.loads((proc / src).read_text(encoding="utf-8")) if src.suffix == ".ipynb" else None
        fm = front_matter(nb) if nb else {}
        p["nb"] = nb
        p["title"] = str(fm.get("title") or re.sub(r"^\d+[a-zA-Z0-9]*_", "", src.stem).replace("_", " ").capitalize())
        p["description"] = str(fm.get("description", "") or "")
        name = fm.get("output-file") or re.sub(r"^\d+[a-zA-Z0-9]*_", "", src.name.lower())
        p["href"] = (src.parent / Path(name).with_suffix(".html").name).as_posix()
    if out.exists(): shutil.rmtree(out)
    (out / "assets").mkdir(parents=True)
    (out / "assets/site.css").write_text(SITE_CSS)
    (out / "assets/pygments.css").write_text(HtmlFormatter(style="default").get_style_defs(".highlight"))
    styles = nbs / "styles.css"
    (out / "styles.css").write_text(styles.read_text() if styles.exists() else "")
    copy_mathjax(mathjax, out)
    (out / "assets/site.js").write_text(SITE_JS)
    (out / "search").mkdir()
    if minisearch is not None:
        shutil.copy2(minisearch / "dist/umd/index.js", out / "search/minisearch.js")
        shutil.copy2(minisearch / "LICENSE.txt", out / "search/MINISEARCH-LICENSE.txt")
    search_docs = []
    for f in proc.rglob("*"):  # images referenced from markdown cells
        rel = f.relative_to(proc)
        if f.suffix.lower() in IMAGE_EXTS and not any(x.startswith(("_", ".")) for x in rel.parts):
            (out / rel).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(f, out / rel)
    link_map = {p["source"]: p["href"] for p in pages}
    doc_url = (cfg.get("doc_host", "") + cfg.get("doc_baseurl", "")).rstrip("/")
    records = []
    for i, p in enumerate(pages):
        dest = out / p["href"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * (len(Path(p["href"]).parts) - 1)
        page = Page(dest, out, link_map, doc_url, root)
        if p["nb"] is not None: body = page.render(p["nb"], p["source"])
        else:
            text = (proc / p["source"]).read_text(encoding="utf-8")
            m = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.DOTALL)
            if m:
                import yaml
                fm = yaml.safe_load(m.group(1)) or {}
                p["title"], p["description"] = str(fm.get("title", p["title"])), str(fm.get("description", ""))
                text = text[m.end():]
            body = page.render({"cells": [{"cell_type": "markdown", "source": text}]}, p["source"])
        prev, nxt = (pages[i - 1] if i else None), (pages[i + 1] if i + 1 < len(pages) else None)
        dest.write_text(page_html(cfg, tree, p, body, page, prev, nxt), encoding="utf-8")
        search_docs += search_documents(body, p)
        records.append(dict(source=p["source"], href=p["href"], title=p["title"], description=p["description"],
                            images=page.n_images, headings=[h for _, h, _ in page.toc]))
    (out / "pages.json").write_text(json.dumps(records, indent=1))
    for i, doc in enumerate(search_docs): doc["id"] = i
    (out / "search/index.js").write_text("window.NTK_SEARCH_DOCS = " + json.dumps(search_docs, ensure_ascii=False) + ";\n", encoding="utf-8")
    (out / ".nojekyll").write_text("")
    for link in missing_anchors(out): print(f"warning: {link}: no such anchor")
    return records

def missing_anchors(site:Path) -> list[str]:
    "Links between the site's pages (page.html#anchor, #anchor) whose target id does not exist, as 'from -> to'"
    pages = {f.relative_to(site).as_posix(): f.read_text(encoding="utf-8") for f in site.rglob("*.html") if "mathjax" not in f.parts}
    ids = {k: set(re.findall(r'\bid="([^"]+)"', h)) for k, h in pages.items()}
    bad = []
    for k, h in pages.items():
        for target, anchor in re.findall(r'href="(?!https?:|mailto:)([^"#]*)#([^"]+)"', h):
            dest = os.path.normpath((Path(k).parent / target).as_posix()).replace(os.sep, "/") if target else k
            if dest in ids and html.unescape(anchor) not in ids[dest]: bad.append(f"{k} -> {target}#{anchor}")
    return sorted(set(bad))

# ---------------------------------------------------------------------------------------------------
# 5. README.md from index.ipynb
# ---------------------------------------------------------------------------------------------------

def readme_offline(proc:Path) -> Path:
    "README.md (GitHub-flavoured markdown) from the processed `index.ipynb`, as `nbdev_readme` writes it with Quarto"
    from nbdev.config import get_config
    cfg = get_config()
    root = Path(cfg.config_path)
    nb_name = cfg.get("readme_nb", "index.ipynb")
    nb = json.loads((proc / nb_name).read_text(encoding="utf-8"))
    fm = front_matter(nb)
    stem = Path(nb_name).stem
    fig_dir = root / f"{stem}_files" / "figure-commonmark"
    if fig_dir.exists(): shutil.rmtree(fig_dir)
    out = [f"# {fm.get('title', cfg.lib_name)}\n"]
    if fm.get("description"): out.append(f"> {fm['description']}\n")
    for i, c in enumerate(nb["cells"], 1):
        src = _src(c["source"])
        if c["cell_type"] == "markdown": out.append(src.strip() + "\n"); continue
        if c["cell_type"] != "code": continue
        opts, code = split_directives(src)
        if _false(opts.get("include", "true")): continue
        if code.strip() and not _false(opts.get("echo", "true")):
            block = f"``` python\n{code}\n```\n"
            fold = opts.get("code-fold", "false").lower()
            if fold in ("true", "show"):
                block = f"<details{' open' if fold == 'show' else ''}>\n<summary>{html.escape(opts.get('code-summary', 'Code'))}</summary>\n\n{block}\n</details>\n"
            out.append(block)
        if _false(opts.get("output", "true")): continue
        for j, o in enumerate(c.get("outputs", []), 1):
            data = o.get("data", {})
            if o.get("output_type") == "stream":
                out.append("```\n" + _ANSI.sub("", _src(o["text"])).rstrip("\n") + "\n```\n")
            elif "image/png" in data:
                fig_dir.mkdir(parents=True, exist_ok=True)
                f = fig_dir / f"cell-{i}-output-{j}.png"
                f.write_bytes(base64.b64decode(_src(data["image/png"])))
                out.append(f"![]({f.relative_to(root).as_posix()})\n")
            elif "text/markdown" in data: out.append(_src(data["text/markdown"]).strip() + "\n")
            elif "text/html" in data: out.append(_src(data["text/html"]).strip() + "\n")
            elif "text/plain" in data: out.append("```\n" + _src(data["text/plain"]).rstrip("\n") + "\n```\n")
    readme = root / "README.md"
    readme.write_text("\n".join(out), encoding="utf-8")
    return readme

def make_readme(proc:Path) -> Path:
    "README.md with nbdev's `nbdev_readme` when Quarto is installed, else offline from `_proc/`"
    if shutil.which("quarto"):
        from nbdev.quarto import nbdev_readme
        from nbdev.config import get_config
        nbdev_readme.__wrapped__(chk_time=False)
        return Path(get_config().config_path) / "README.md"
    return readme_offline(proc)

def readme_stale() -> bool:
    from nbdev.config import get_config
    cfg = get_config()
    readme, nb = Path(cfg.config_path) / "README.md", Path(cfg.nbs_path) / cfg.get("readme_nb", "index.ipynb")
    return nb.exists() and (not readme.exists() or readme.stat().st_mtime < nb.stat().st_mtime)

# ---------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Build the documentation site offline into _site/ (no Quarto needed).")
    ap.add_argument("--out", default="_site", help="output folder, relative to the repository root (default _site)")
    ap.add_argument("--force", action="store_true", help="reprocess every notebook instead of only the changed ones")
    ap.add_argument("--workers", type=int, default=None, help="processes for nbdev's notebook processing")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--readme", action="store_true", help="only regenerate README.md from nbs/index.ipynb (always)")
    g.add_argument("--no-readme", action="store_true", help="build the site without touching README.md")
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    t0 = time.perf_counter()
    proc = nbdev_steps(force=args.force, n_workers=args.workers)
    t1 = time.perf_counter()
    if args.readme:
        print(f"wrote {make_readme(proc).relative_to(ROOT)} ({t1 - t0:.1f}s)")
        return 0
    records = build_site(proc, ROOT / args.out, ensure_mathjax(), ensure_minisearch())
    if not args.no_readme and readme_stale(): print(f"wrote {make_readme(proc).relative_to(ROOT)} (index.ipynb was newer)")
    t2 = time.perf_counter()
    print(f"built {len(records)} pages into {args.out}/ in {t2 - t0:.1f}s (nbdev processing {t1 - t0:.1f}s, rendering {t2 - t1:.1f}s)")
    return 0

if __name__ == "__main__": sys.exit(main())
