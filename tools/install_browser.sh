#!/usr/bin/env bash
# Install what tests/test_docs_site.py needs, only where it is missing (safe to run repeatedly):
#   * Chromium from Debian (`chromium`, `chromium-driver`) at /usr/bin/chromium,
#   * npm (the site build fetches MathJax with `npm pack mathjax@3.2.2`),
#   * Playwright's Python package, which drives that system Chromium.
# Never runs `playwright install`: Playwright's own browser download does not work offline and is not
# needed, because the tests launch /usr/bin/chromium through `executable_path`.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium chromium-driver)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
if [ "${#apt_packages[@]}" -gt 0 ]; then
    echo "install_browser: apt-get install ${apt_packages[*]}"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${apt_packages[@]}"
else
    echo "install_browser: chromium and npm already installed"
fi

PYTHON="${PYTHON:-python}"
if "$PYTHON" -c "import playwright.sync_api" >/dev/null 2>&1; then
    echo "install_browser: playwright already installed"
else
    echo "install_browser: pip install playwright"
    "$PYTHON" -m pip install playwright
fi

/usr/bin/chromium --version
"$PYTHON" -c "import playwright, importlib.metadata as m; print('playwright', m.version('playwright'))"
