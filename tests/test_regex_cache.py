"""The stored regex patterns (pipeline/regex_cache.py): the same patterns, without the parsing."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from pipeline import regex_cache

#: Dates in the languages the sites publish in, and strings no locale reads.
DATES = ["12 mars 2021", "۱۲ مارس ۲۰۲۱", "March 3, 2020", "3. März 2019", "12 de enero de 2018",
         "2021-03-12", "qzx wvq 0 zqx", "posted 2 days ago", "১২ মার্চ ২০২১", "12 مارچ 2021", "yesterday"]


_PARSE = """
import json, sys
from pathlib import Path
from pipeline import regex_cache
if sys.argv[1] != "-":
    regex_cache.install(Path(sys.argv[1]))
from htmldate.extractors import get_external_parser
parser = get_external_parser()
dates = [parser.get_date_data(s)["date_obj"] for s in json.loads(sys.argv[2])]
import pytest
import regex
from regex import _main
served = sum(1 for key in regex_cache._patterns or {} if regex.compile(key[0], key[1]) is regex_cache._patterns[key])
print(json.dumps({"dates": [str(d) for d in dates], "served": served, "installed": _main._compile.__name__}))
"""


def _parse_in_a_process(patterns: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PARSE, patterns, json.dumps(DATES)],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def patterns_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file the setup command writes, from a fresh process (this one may have warmed dateparser)."""
    out = tmp_path_factory.mktemp("regex") / "patterns.pickle"
    done = subprocess.run([sys.executable, "-m", "pipeline.regex_cache", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, check=True)
    assert "regex patterns" in done.stdout and str(out) in done.stdout
    return out


def test_a_stored_pattern_matches_as_the_pattern_regex_compiles(patterns_file: Path) -> None:
    """Every stored pattern finds what a fresh compile of it finds. (Their arguments are not
    compared byte for byte: regex orders a first-character set as a set of objects does, which
    differs between processes.)"""
    stored = regex_cache.load(patterns_file)
    assert len(stored) > 500  # dateparser's patterns for every locale
    probes = [*DATES, *(d.upper() for d in DATES), "in the early morning of 3 June", "il y a 2 heures",
              "vor 3 Tagen, 14:05 Uhr", "hace 5 minutos", "۳ روز پیش", "منذ 4 ساعات", "10:30 pm", ""]
    for (pattern, flags, _version), compiled in stored.items():
        fresh = regex.compile(pattern, flags, cache_pattern=False)
        assert (compiled.pattern, compiled.flags, compiled.groupindex) == (fresh.pattern, fresh.flags, fresh.groupindex)
        for probe in probes:
            found, expected = compiled.search(probe), fresh.search(probe)
            assert (found and (found.span(), found.groups())) == (expected and (expected.span(), expected.groups())), (
                pattern, probe)


def test_dates_parse_the_same_with_the_stored_patterns(patterns_file: Path) -> None:
    without = _parse_in_a_process("-")
    served = _parse_in_a_process(str(patterns_file))
    assert without["installed"] == "_compile" and served["installed"] == "compile_stored"
    assert served["served"] > 500  # regex.compile answered from the file
    assert served["dates"] == without["dates"]
    assert "2021-03-12 00:00:00" in served["dates"] and "None" in served["dates"]  # read and unread


def test_a_file_of_another_build_or_with_anything_but_patterns_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "patterns.pickle"
    assert regex_cache.load(path) == {}  # missing
    path.write_bytes(pickle.dumps({"fingerprint": {"regex": "0.0"}, "patterns": {("a", 0, 0): regex.compile("a")}}))
    assert regex_cache.load(path) == {}  # another regex
    path.write_bytes(pickle.dumps({"fingerprint": regex_cache.fingerprint(), "patterns": {("a", 0, 0): Path("x")}}))
    assert regex_cache.load(path) == {}  # a class that is not a pattern is refused, not built
    path.write_bytes(b"not a pickle")
    assert regex_cache.load(path) == {}


def test_make_setup_stored_the_patterns_for_this_environment() -> None:
    """`make setup` (the README's test command runs it) writes the file every docpipe process reads."""
    assert regex_cache.PATTERNS_FILE.is_file(), "run `make setup` (python -m pipeline.regex_cache)"
    assert len(regex_cache.load()) > 500
