"""`mkdocs serve`: an edited case file shows on the next rebuild, in its page and in search.

The rebuild reuses the search entries of pages that did not change (macros/mkdocs_glue.py,
`_remember_search_entries`); the index it writes must be the one a fresh build writes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import copy_repo, mkdocs_build

pytestmark = pytest.mark.slow

MARK = "Hamadanzzqx"  # a word no page has before the edit


class Serve:
    def __init__(self, repo):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=repo,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, text: str, after: int = 0, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines[after:]):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"mkdocs serve did not print {text!r}:\n" + "".join(self.lines))

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=30) as r:
            return r.read().decode("utf-8")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def test_serve_rebuilds_an_edited_case_with_the_same_search_index_as_a_build(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    case = repo / "data" / "cases" / "syria-civil-war.yml"
    server = Serve(repo)
    try:
        server.wait_for("Serving on")
        assert MARK not in server.get("cases/syria-civil-war/")
        time.sleep(1.5)  # past the watcher's debounce of the start-up build
        mark = len(server.lines)
        text = case.read_text(encoding="utf-8")
        assert "Hamadan" in text
        case.write_text(text.replace("Hamadan", MARK), encoding="utf-8")
        server.wait_for("Reloading browsers", after=mark)
        assert MARK in server.get("cases/syria-civil-war/")
        served = json.loads(server.get("search/search_index.json"))
        # an edited page template shows too (the core's templates are read once per build)
        template = repo / "macros" / "templates" / "pages" / "case.html"
        layout = template.read_text(encoding="utf-8")
        time.sleep(1.5)
        mark = len(server.lines)
        template.write_text(layout.replace('"Derived verdicts"', '"Verdicts"'), encoding="utf-8")
        server.wait_for("Reloading browsers", after=mark)
        assert ">Verdicts<" in server.get("cases/syria-civil-war/")
    finally:
        server.stop()
    template.write_text(layout, encoding="utf-8")  # as it was when `served` was taken
    built = tmp_path / "site"
    result = mkdocs_build(repo, built)
    assert result.returncode == 0, result.stdout + result.stderr
    fresh = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(MARK in doc["text"] for doc in served["docs"])
    assert served == fresh
