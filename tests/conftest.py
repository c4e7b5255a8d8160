"""Shared fixtures: the real data, copies of the minimal fixture data, and built sites.

Two tiers: `make test-fast` runs what needs neither MkDocs nor a browser (`-m "not slow"`);
`make test` runs everything. A test is slow when it is marked so, or when it uses a built
site (the fixtures named in SLOW_FIXTURES), which marks it here.

`make test` runs two pytest-xdist workers. What is costly and the same for both (a built
site, the Nu checker's report) is made once per session by whichever worker asks first, in a
folder both share (`once`), while the other waits for it.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import json
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
    if (ROOT / ".cache").is_dir():  # formatted references: a copy need not format them again
        shutil.copytree(ROOT / ".cache", dest / ".cache", dirs_exist_ok=True)
    return dest


def mkdocs_build(
    repo: Path, site_dir: Path, strict: bool = True, env: dict | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
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


def once(tmp_path_factory, name: str, make) -> tuple[Path, dict]:
    """`make(folder)` run once per test session, however many xdist workers ask: the first
    to ask runs it in a folder named `name` that every worker of the session shares, and
    keeps what it returns (JSON); the others wait for it and get the same folder and value.
    A failure is kept too, so each worker reports it without running it again."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, record = shared / name, shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not record.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            record.write_text(json.dumps(make(folder)))
    return folder, json.loads(record.read_text())


def built_once(tmp_path_factory, name: str, prepare=None, **build) -> tuple[Path, dict]:
    """A site built once per session (see `once`): the repository copied and changed by
    `prepare(repo)` first if given (else ROOT itself), built into `<name>/site`. Returns the
    site folder and the build's returncode, stdout and stderr."""

    def make(folder: Path) -> dict:
        repo = ROOT
        if prepare is not None:
            repo = copy_repo(folder / "repo")
            prepare(repo)
        result = mkdocs_build(repo, folder / "site", **build)
        return {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}

    folder, result = once(tmp_path_factory, name, make)
    return folder / "site", result


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real site, built once per test session with --strict."""
    site_dir, result = built_once(tmp_path_factory, "built")
    result = subprocess.CompletedProcess("mkdocs build", **result)
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
# axe-core's options for every check: the WCAG 2.1 A and AA rules, and only the violations
# worked out in full (passes and the rest are not read; listing all their nodes is most of
# axe's time on a long page).
AXE = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site; `search_index`, when set, is the body sent for the search index."""

    search_index: bytes | None = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.search_index is not None and self.path == "/search/search_index.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.search_index)))
            self.end_headers()
            self.wfile.write(self.search_index)
            return
        super().do_GET()


# The address of the same site served with its real search index, by the address of each site
# served with the empty one (see Visit).
_REAL_SEARCH: dict[str, str] = {}


def serve(directory: Path):
    """Serve the built site in `directory` on 127.0.0.1 (for a browser) until the returned
    function is called; returns (base address, that function).

    Material's search reads the whole site's index into a worker on every page load (about a
    second of CPU at the real site's size, several at bench size) whether or not the reader
    searches. So this address serves the index with its settings and no entry, and search
    starts as usual with nothing to read; a test that searches opens its page with
    Visit(search=True), which goes to a second address serving the real index. Only the
    index's own address is answered so: a page asking for it at a wrong one still gets a 404."""
    index = json.loads((directory / "search" / "search_index.json").read_text(encoding="utf-8"))
    empty = json.dumps({**index, "docs": []}).encode()
    servers = []
    for search_index in (empty, None):
        handler = functools.partial(
            type("Handler", (_QuietHandler,), {"search_index": search_index}),
            directory=str(directory),
        )
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    base, real = (f"http://127.0.0.1:{s.server_address[1]}/" for s in servers)
    _REAL_SEARCH[base] = real

    def stop():
        for server in servers:
            server.shutdown()

    return base, stop


@pytest.fixture(scope="session")
def base_url(built_site):
    base, stop = serve(built_site[0])
    yield base
    stop()


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


class Tabs:
    """Browser tabs kept open from one visit to the next, one set for each context's settings.
    A new context and tab cost Chromium about a second of CPU; a page loaded in a tab that is
    already open, a third of that. A tab is handed on emptied: its page unloaded, the site's
    storage and cookies cleared, media emulation reset and the mouse moved off the page (a
    new page then starts as in a new tab, with a warm HTTP cache). A tab that cannot be
    emptied is closed."""

    def __init__(self, browser):
        self.browser = browser
        self.idle: dict[str, list] = {}

    @staticmethod
    def key(options: dict) -> str:
        return json.dumps(options, sort_keys=True)

    def take(self, options: dict):
        spare = self.idle.get(self.key(options))
        if spare:
            return spare.pop()
        return self.browser.new_context(**options).new_page()

    def give_back(self, page, options: dict, origins) -> None:
        try:
            page.mouse.move(-1, -1)
            page.evaluate(
                "() => { try { localStorage.clear(); sessionStorage.clear(); } catch {} }"
            )
            page.emulate_media(media="null")
            page.goto("about:blank")
            page.context.clear_cookies()
            cdp = page.context.new_cdp_session(page)
            for origin in origins:
                cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
            cdp.detach()
        except Exception:  # noqa: BLE001 - a tab in an unknown state is not handed on
            page.context.close()
            return
        self.idle.setdefault(self.key(options), []).append(page)


@pytest.fixture(scope="session")
def tabs(browser):
    return Tabs(browser)


class Visit:
    """A page of a site served by `serve`, plus everything it asked for and complained about.
    `search=True` opens it where the real search index is served (see `serve`); `options`
    are the browser context's (viewport, color_scheme, ...). The tab comes from `tabs` and
    goes back there on close()."""

    def __init__(self, tabs, base_url, path, search=False, **options):
        self.tabs, self.options = tabs, options
        base = _REAL_SEARCH[base_url] if search else base_url
        self.origins = [base.rstrip("/")]
        self.page = tabs.take(options)
        self.context = self.page.context
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.requests: list[str] = []
        self.listeners = {
            "console": lambda m: m.type == "error" and self.console_errors.append(m.text),
            "pageerror": lambda e: self.console_errors.append(str(e)),
            "requestfailed": lambda r: self.failed.append(f"{r.url} {r.failure}"),
            "response": lambda r: r.status >= 400 and self.failed.append(f"{r.url} {r.status}"),
            "request": lambda r: self.requests.append(r.url),
        }
        for event, listener in self.listeners.items():
            self.page.on(event, listener)
        self.page.goto(base + path, wait_until="load")
        if options.get("java_script_enabled", True):
            # A comparison page lays its table out just after start-up (overrides/main.html).
            self.page.wait_for_function(
                "!document.querySelector('.ir-defer [data-ir-defer]:not([data-ir-rows=\"all\"])')"
            )

    def close(self):
        for event, listener in self.listeners.items():
            self.page.remove_listener(event, listener)
        self.tabs.give_back(self.page, self.options, self.origins)


def visits(tabs, base_url):
    """A fixture body: yields a function that opens pages of one site, closed afterwards."""
    opened = []

    def _visit(path, search=False, **options):
        v = Visit(tabs, base_url, path, search=search, **options)
        opened.append(v)
        return v

    yield _visit
    for v in opened:
        v.close()


@pytest.fixture
def visit(tabs, base_url):
    yield from visits(tabs, base_url)
