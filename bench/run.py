"""`make bench`: how fast the site builds and how heavy its pages are, measured in one run.

Writes bench/RESULTS.md (tables and the machine) and bench/results.json. Every time is set
beside a floor measured in the same run, so the ratios hold on any machine:

- build: the real site, and the real data plus 10, 100 and 1,000 synthetic cases (copies of
  real case files under new ids), each against a plain Material build (same theme settings, no
  macros, no hooks) of the same number of static pages holding the same article HTML;
- `macros check` on the same data sets;
- wall time and CPU time (user + system) of every build: the machine may be shared, and
  wall time grows with its load (the load average is recorded beside each size);
- the time `mkdocs serve` takes to rebuild the real site after an edit to one case file;
- page weight per page type, and Lighthouse 12.2.3 (mobile preset, median of three runs) on
  Debian's Chromium, with the site served gzip-compressed as a static host serves it.

Options: --sizes 10,100 (fewer synthetic sizes), --no-lighthouse, --runs N.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PARTS = ("mkdocs.yml", "docs", "macros", "data", "overrides", "CONTRIBUTING.md")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
PAGE_TYPES = {
    "home": "",
    "case": "cases/syria-civil-war/",
    "concept": "concepts/strategic-alliance/",
    "comparison": "comparison/",
    "cases index": "cases/",
    "sources": "sources/",
    "sources letter": "sources/t/",
    "timeline": "timeline/",
    "argument": "argument/",
}
# Kinds with more than one page: an index split into numbered pages beyond one page's worth
# (macros/view.py PAGING), the letters of the bibliography. Each is measured by its largest.
SEVERAL = {
    "comparison": "comparison/*/",
    "cases index": "cases/page/*/",
    "timeline": "timeline/*/",
    "sources letter": "sources/*/",
}
LIGHTHOUSE_PAGES = ("home", "case", "comparison", "concept")
LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


CPU_TIMES: dict[str, list[float]] = {}  # command kind -> CPU seconds of each run


def run(cmd: list[str], cwd: Path, kind: str = "") -> tuple[float, int]:
    """Wall time in seconds and peak memory (MB) of one command; fails loudly. Its CPU time
    (user + system) is kept under `kind`: on a machine shared with other work, wall time
    grows with the load, CPU time much less."""
    started = time.perf_counter()
    process = subprocess.Popen(
        cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    stderr = process.stderr.read().decode() if process.stderr else ""  # before wait: no deadlock
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{stderr}")
    if kind:
        CPU_TIMES.setdefault(kind, []).append(usage.ru_utime + usage.ru_stime)
    return elapsed, usage.ru_maxrss // 1024


def build(project: Path, site_dir: Path, kind: str = "") -> tuple[float, int]:
    return run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(site_dir)],
        project,
        kind,
    )


def serve_rebuild(project: Path, runs: int) -> float:
    """Seconds from saving an edit to one case file to `mkdocs serve` having rebuilt the site
    (its "Reloading browsers" line), median of `runs` edits."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[tuple[float, str]] = []

    def read():
        for line in process.stderr:
            lines.append((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()

    def wait_for(text: str, after: int, timeout: float = 300) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for stamp, line in lines[after:]:
                if text in line:
                    return stamp
            time.sleep(0.05)
        shown = "".join(line for _, line in lines)
        raise SystemExit(f"mkdocs serve did not print {text!r}:\n{shown}")

    case = project / "data" / "cases" / "syria-civil-war.yml"
    original = case.read_text(encoding="utf-8")
    times = []
    try:
        wait_for("Serving on", 0)
        for i in range(runs):
            time.sleep(1.5)  # past the watcher's debounce of the previous event
            mark = len(lines)
            saved = time.perf_counter()
            case.write_text(original + f"# bench edit {i}\n", encoding="utf-8")
            times.append(wait_for("Reloading browsers", mark) - saved)
    finally:
        case.write_text(original, encoding="utf-8")
        process.terminate()
        process.wait(timeout=30)
    return round(statistics.median(times), 2)


def copy_repo(dest: Path, extra_cases: int) -> Path:
    dest.mkdir(parents=True)
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, dest / part)
    # A checkout that has built once has its formatted references in .cache/ (they depend on
    # the sources only, which the synthetic cases share): builds are measured in that state.
    if (ROOT / ".cache").is_dir():
        shutil.copytree(ROOT / ".cache", dest / ".cache")
    real = sorted((dest / "data" / "cases").glob("*.yml"))
    for i in range(extra_cases):
        original = real[i % len(real)]
        shutil.copy(original, original.with_name(f"bench-{i:04d}-{original.stem}"[:80] + ".yml"))
    return dest


def article(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    return match.group(1) if match else ""


def floor_project(site: Path, ours: Path, dest: Path) -> Path:
    """A plain Material project with the same theme settings and, for every page of our built
    site, a static page holding the same article HTML."""
    import yaml

    class Loader(yaml.SafeLoader):  # mkdocs.yml's !ENV [NAME, default] -> the default
        pass

    Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
    config = yaml.load((ours / "mkdocs.yml").read_text(), Loader=Loader)  # noqa: S506
    for key in ("hooks", "watch"):
        config.pop(key, None)
    config["plugins"] = ["search"]
    config["validation"] = {
        "omitted_files": "ignore",
        "unrecognized_links": "ignore",
        "anchors": "ignore",
        "absolute_links": "ignore",
    }
    dest.mkdir()
    # Material's own layout (our main.html reads what the site's hooks add to each page),
    # with the same stylesheets and scripts.
    shutil.copytree(
        ours / "overrides",
        dest / "overrides",
        ignore=shutil.ignore_patterns("main.html", "cite-*.html"),
    )
    for folder in ("stylesheets", "javascripts"):
        shutil.copytree(ours / "docs" / folder, dest / "docs" / folder)
    for page in site.rglob("index.html"):
        relative = page.parent.relative_to(site)
        if relative.parts and relative.parts[0] in ("search", "assets"):
            continue
        target = dest / "docs" / (f"{relative}.md" if relative.parts else "index.md")
        if relative.parts and (ours / "docs" / relative / "index.md").exists():
            target = dest / "docs" / relative / "index.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"<div>\n{article(page)}\n</div>\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


def page_bytes(site: Path) -> dict[str, int]:
    sizes = {
        name: len((site / url / "index.html").read_bytes())
        for name, url in PAGE_TYPES.items()
        if (site / url / "index.html").exists()
    }
    for name, pattern in SEVERAL.items():
        pages = [len(p.read_bytes()) for p in site.glob(pattern + "index.html")]
        sizes[name] = max([sizes.get(name, 0), *pages])
    return sizes


def largest(site: Path, folder: str) -> int:
    pages = [p for p in (site / folder).glob("*/index.html")]
    return max((len(p.read_bytes()) for p in pages), default=0)


def measure_size(extra: int, runs: int, tmp: Path) -> dict:
    repo = copy_repo(tmp / f"ours-{extra}", extra)
    cases = len(list((repo / "data" / "cases").glob("*.yml")))
    check_times = [run([sys.executable, "-m", "macros", "check"], repo)[0] for _ in range(runs)]
    site = tmp / f"site-{extra}"
    CPU_TIMES.clear()
    builds = [build(repo, site, "ours") for _ in range(runs)]
    floor = floor_project(site, repo, tmp / f"floor-{extra}")
    floors = [build(floor, tmp / f"floor-site-{extra}", "floor") for _ in range(runs)]
    ours_time = statistics.median(t for t, _ in builds)
    floor_time = statistics.median(t for t, _ in floors)
    ours_cpu = statistics.median(CPU_TIMES["ours"])
    floor_cpu = statistics.median(CPU_TIMES["floor"])
    return {
        "build_cpu_s": round(ours_cpu, 2),
        "floor_cpu_s": round(floor_cpu, 2),
        "cpu_ratio": round(ours_cpu / floor_cpu, 2),
        "load_average": os.getloadavg()[0],
        "extra_cases": extra,
        "cases": cases,
        "pages": sum(1 for _ in site.rglob("index.html")),
        "build_s": round(ours_time, 2),
        "floor_s": round(floor_time, 2),
        "ratio": round(ours_time / floor_time, 2),
        "peak_mb": max(m for _, m in builds),
        "floor_peak_mb": max(m for _, m in floors),
        "check_s": round(statistics.median(check_times), 2),
        "page_bytes": page_bytes(site),
        "largest_case_page": largest(site, "cases"),
        "largest_concept_page": largest(site, "concepts"),
    }


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files gzip-compressed when the client accepts it, as static hosts do."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        compressible = path.suffix in (".html", ".css", ".js", ".json", ".svg", ".xml")
        if not (
            path.is_file() and compressible and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return __import__("io").BytesIO(body)


def lighthouse(site: Path, runs: int) -> dict:
    npm_dir = BENCH / ".npm"
    binary = npm_dir / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(npm_dir), LIGHTHOUSE], check=True
        )
    handler = functools.partial(_GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    try:
        for name in LIGHTHOUSE_PAGES:
            reports = []
            for _ in range(runs):
                out = subprocess.run(
                    [
                        str(binary),
                        base + PAGE_TYPES[name],
                        "--output=json",
                        "--quiet",
                        "--only-categories=performance,accessibility,best-practices,seo",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
                        "--disable-background-networking --disable-component-update",
                    ],
                    env={**os.environ, "CHROME_PATH": CHROMIUM},
                    capture_output=True,
                    text=True,
                    check=True,
                )
                reports.append(json.loads(out.stdout))
            median = lambda values: statistics.median(values)  # noqa: E731
            results[name] = {
                **{
                    category: round(
                        100 * median([r["categories"][category]["score"] for r in reports])
                    )
                    for category in ("performance", "accessibility", "best-practices", "seo")
                },
                "transfer_kb": round(
                    median([r["audits"]["total-byte-weight"]["numericValue"] for r in reports])
                    / 1024,
                    1,
                ),
                "requests": median(
                    [len(r["audits"]["network-requests"]["details"]["items"]) for r in reports]
                ),
                "other_hosts": sorted(
                    {
                        i["url"].split("/")[2]
                        for r in reports
                        for i in r["audits"]["network-requests"]["details"]["items"]
                        if not i["url"].startswith((base, "data:"))  # data: is inline
                    }
                ),
            }
    finally:
        server.shutdown()
    return results


def machine() -> dict:
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024**2, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "date": time.strftime("%Y-%m-%d"),
    }


def markdown_report(results: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); the numbers below are from the last run. "
        "Times are medians; the floor is a plain Material build of the same pages, "
        "measured in the same run.",
        "",
        "| cases | pages | build (s) | floor (s) | ours/floor | build CPU (s) | floor CPU (s) "
        "| ours/floor CPU | peak MB | check (s) | largest case page (KB) | "
        "largest concept page (KB) | load average |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["sizes"]:
        lines.append(
            f"| {row['cases']} | {row['pages']} | {row['build_s']} | {row['floor_s']} | "
            f"{row['ratio']} | {row.get('build_cpu_s', '')} | {row.get('floor_cpu_s', '')} | "
            f"{row.get('cpu_ratio', '')} | {row['peak_mb']} | {row['check_s']} | "
            f"{row['largest_case_page'] / 1024:.0f} | "
            f"{row['largest_concept_page'] / 1024:.0f} | {row.get('load_average', 0):.1f} |"
        )
    if results.get("serve_rebuild_s") is not None:
        lines += [
            "",
            f"`mkdocs serve`, real site: {results['serve_rebuild_s']} s from saving an edit to "
            "one case file to the rebuilt site (median of 3 edits).",
        ]
    if results.get("growth"):
        lines += ["", f"Growth: {results['growth']}"]
    lines += [
        "",
        "## HTML per page type (KB)",
        "",
        "The largest page of the kind for "
        + ", ".join(SEVERAL)
        + " (numbered pages of a long index, letters of the bibliography).",
        "",
        "| page | " + " | ".join(f"{r['cases']} cases" for r in results["sizes"]) + " |",
        "|---|" + "---:|" * len(results["sizes"]),
    ]
    for name in PAGE_TYPES:
        lines.append(
            f"| {name} | "
            + " | ".join(f"{r['page_bytes'].get(name, 0) / 1024:.0f}" for r in results["sizes"])
            + " |"
        )
    if results.get("lighthouse"):
        lines += [
            "",
            "## Lighthouse 12.2.3, mobile preset, median of "
            f"{results['lighthouse_runs']} runs, served gzip-compressed",
            "",
            *(
                [
                    f"Load average when Lighthouse finished: {results['lighthouse_load_average']}.",
                    "",
                ]
                if "lighthouse_load_average" in results
                else []
            ),
            "| page | performance | accessibility | best practices | SEO | "
            "transfer (KB) | requests | other hosts |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, row in results["lighthouse"].items():
            lines.append(
                f"| {name} | {row['performance']} | {row['accessibility']} | "
                f"{row['best-practices']} | {row['seo']} | {row['transfer_kb']} | "
                f"{row['requests']} | {', '.join(row['other_hosts']) or 'none'} |"
            )
    notes = BENCH / "NOTES.md"  # written by hand: profiles, what was tried, what is left
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    m = results["machine"]
    lines += [
        "",
        "## Machine",
        "",
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, "
        f"Python {m['python']}, {m['system']}, {m['date']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)
    sizes = [0] + [int(s) for s in args.sizes.split(",") if s]
    results: dict = {"machine": machine(), "sizes": [], "lighthouse_runs": args.runs}
    with tempfile.TemporaryDirectory() as tmp:
        for extra in sizes:
            runs = args.runs if extra < 1000 else 1
            print(f"bench: real data + {extra} synthetic cases ({runs} run(s))...", flush=True)
            results["sizes"].append(measure_size(extra, runs, Path(tmp)))
        print("bench: mkdocs serve, rebuild after an edit to one case file...", flush=True)
        results["serve_rebuild_s"] = serve_rebuild(copy_repo(Path(tmp) / "serve", 0), 3)
        by_extra = {r["extra_cases"]: r for r in results["sizes"]}
        if 100 in by_extra and 1000 in by_extra and 10 in by_extra:
            small = (by_extra[100]["build_s"] - by_extra[10]["build_s"]) / 90
            large = (by_extra[1000]["build_s"] - by_extra[100]["build_s"]) / 900
            results["growth"] = (
                f"{small * 1000:.1f} ms per added case from 10 to 100 extra "
                f"cases, {large * 1000:.1f} ms from 100 to 1,000 "
                f"({'linear' if large < 1.5 * small + 0.002 else 'worse than linear'})"
            )
        if not args.no_lighthouse:
            print("bench: Lighthouse...", flush=True)
            results["lighthouse"] = lighthouse(Path(tmp) / "site-0", args.runs)
            # Lighthouse simulates a slow phone from the time the page's work took here:
            # another busy process lowers the performance score.
            results["lighthouse_load_average"] = round(os.getloadavg()[0], 1)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (BENCH / "RESULTS.md").write_text(markdown_report(results))
    print((BENCH / "RESULTS.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
