"""Shared fixtures: the real data, copies of the minimal fixture data, and built sites.

Two tiers: `make test-fast` runs what needs neither MkDocs nor a browser (`-m "not slow"`);
`make test` runs everything. A test is slow when it is marked so, or when it uses a built
site (the fixtures named in SLOW_FIXTURES), which marks it here.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import settings

from macros.model import load_project
from macros.view import Site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SLOW_FIXTURES = {"built_site", "hostile_site"}

REPO_PARTS = ("mkdocs.yml", "docs", "macros", "data", "overrides", "CONTRIBUTING.md")


@pytest.fixture(scope="session")
def project():
    return load_project(ROOT / "data")


@pytest.fixture(scope="session")
def site(project):
    return Site(project)


def overlay(base: Path, extra: Path, dest: Path) -> Path:
    """Copy `base` to `dest`, then copy every file of `extra` over it."""
    shutil.copytree(base, dest)
    for path in extra.rglob("*"):
        if path.is_file() and path.name != "expected.txt":
            target = dest / path.relative_to(extra)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return dest


@pytest.fixture
def minimal_data(tmp_path) -> Path:
    return overlay(FIXTURES / "minimal", tmp_path / "empty-overlay", tmp_path / "data")


def copy_repo(dest: Path) -> Path:
    """A copy of everything a build reads, so a test can change data without touching ours."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in REPO_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy(src, dest / part)
    return dest


def mkdocs_build(repo: Path, site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            *(["--strict"] if strict else []),
            "--site-dir",
            str(site_dir),
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real site, built once per test session with --strict."""
    site_dir = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs_build(ROOT, site_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir, result


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def run_check(data_dir: Path) -> subprocess.CompletedProcess:
    """`python -m macros check DATA_DIR`, as a contributor runs it."""
    return subprocess.run(
        [sys.executable, "-m", "macros", "check", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


# Property-based tests: 200 examples each in `make test`; `make test-fast` sets
# HYPOTHESIS_PROFILE=fast for a quick pass over the same properties.
settings.register_profile("thorough", max_examples=200)
settings.register_profile("fast", max_examples=30)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "thorough"))


# ----- the built site in a real browser (Debian's Chromium driven by Playwright) -------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site[0]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}. Install Debian's: apt-get install -y chromium "
            "(or set CHROMIUM_PATH). Browser tests are not skipped."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class Visit:
    """A page plus everything it asked for and complained about."""

    def __init__(self, browser, base_url, path, **context):
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} {r.status}")
        )
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(base_url + path, wait_until="load")

    def close(self):
        self.context.close()


def visits(browser, base_url):
    """A fixture body: yields a function that opens pages of one site, closed afterwards."""
    opened = []

    def _visit(path, **context):
        v = Visit(browser, base_url, path, **context)
        opened.append(v)
        return v

    yield _visit
    for v in opened:
        v.close()


@pytest.fixture
def visit(browser, base_url):
    yield from visits(browser, base_url)
