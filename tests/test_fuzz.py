"""Every reader, fed broken and hostile versions of a valid file, gives only the project's own errors.

Each test starts from a real fixture and damages it the ways files get damaged: values of the wrong
type, odd dates (2024-02-30, 9999-12-31), huge numbers, control and escape characters, deep nesting,
random bytes, truncation. The reader may report problems or raise a ComplianceError; any other
exception is a bug. Examples per test: 100, or $COMPLIANCE_FUZZ_EXAMPLES for a longer hunt.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import os
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, Callable

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.calendars import build, read_spec
from compliance.calendars.govuk import import_govuk, read_govuk
from compliance.engines import evaluate
from compliance.errors import ComplianceError, Problem
from compliance.nightly import load_mail_settings
from compliance.records import load_mapped, load_mapping, read_records
from compliance.reports import to_json
from compliance.rules import check_rules, load_rules

from conftest import FIXTURES, ROOT

EXAMPLES = int(os.environ.get("COMPLIANCE_FUZZ_EXAMPLES", "100"))
fuzz = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

NASTY = ["2024-02-30", "2023-02-29", "2024-13-01", "31/02/2022", "9999-12-31", "0001-01-01", "10000-01-01",
         "2024-01-01T25:00", "1e999", "-1", "0", "-0.0", "nan", "9" * 5000, "0x1F", "0123", "12:30:00", "null", "~", "",
         " ", "yes", "no", "true", "[]", "{}", "[[[", "]]", "&a", "*a", "!!python/object/apply:os.system [ls]",
         "<<: *a", "\x00", "\x1b[31mred\x1b[0m", "\u202e", "\ufeff", "\r\n", "\t", "'", '"', "\\", "=HYPERLINK(\"x\")",
         "{id}", "%s", "\U0001F4A5", "a" * 70_000]

odd_values = st.one_of(
    st.sampled_from(NASTY), st.integers(-10**30, 10**30), st.floats(), st.booleans(), st.none(),
    st.dates(), st.text(max_size=20),
    st.recursive(st.integers(0, 9), lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=8))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, prefix + (i,))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    value[path[0]] = _replaced(value[path[0]], path[1:], new)
    return value


@st.composite
def mutated_tree(draw: Any, doc: Any, keys: bool = True, odd: st.SearchStrategy[Any] = odd_values) -> Any:
    """``doc`` with one to three of its values (or keys) replaced by something ``odd``."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(doc)))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if keys and path and isinstance(parent, dict) and draw(st.booleans()):
            new_key = draw(st.one_of(st.sampled_from(NASTY[:40]), st.integers(), st.none(), st.booleans()))
            parent[new_key] = parent.pop(path[-1])
        else:
            doc = _replaced(doc, path, draw(odd))
    return doc


@st.composite
def mutated_bytes(draw: Any, data: bytes, tokens: list[str]) -> bytes:
    """``data`` with one to three pieces inserted, deleted, replaced or cut off."""
    pieces = st.one_of(st.sampled_from([t.encode("utf-8", "surrogatepass") for t in tokens]),
                       st.binary(max_size=8), st.sampled_from([b"[" * 3000, b"{a: " * 3000, b"- " * 3000]))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(data)))
        j = draw(st.integers(i, min(len(data), i + 60)))
        operation = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "repeat"]))
        if operation == "insert":
            data = data[:i] + draw(pieces) + data[i:]
        elif operation == "delete":
            data = data[:i] + data[j:]
        elif operation == "replace":
            data = data[:i] + draw(pieces) + data[j:]
        elif operation == "truncate":
            data = data[:i]
        else:
            data = data[:j] + data[i:j] * draw(st.integers(2, 50)) + data[j:]
    return data


#: Written in place of a value as they stand, unquoted: what a dumper would never write.
RAW = "@@raw@@"
RAW_JSON = ["9" * 5000, "1e999", "-1e999", "NaN", "-Infinity", "1" + "0" * 400, "[" * 5000 + "]" * 5000,
            '"\\ud800"', '"\\u0000"', '"2024-02-30"', "{" * 3000]
RAW_YAML = RAW_JSON[:-1] + ["2024-02-30", "2024-01-01 25:00:00", "9999-12-31", ".nan", "-.inf", "0o777", "0x_ff",
                            "!!binary AAAA", "!!set {a}", "!!timestamp soon", "!!bool maybe", "!!int x", "&a [*a]", "*nowhere", "? [a, b]",
                            "|\n  two\n  lines", "[" * 3000]


def _with_raw(text: str, fragment: str) -> str:
    """``text`` with the marker, quoted or not, replaced by ``fragment`` as it stands."""
    return text.replace(f"'{RAW}'", fragment).replace(f'"{RAW}"', fragment).replace(RAW, fragment)


@st.composite
def yaml_versions(draw: Any, doc: Any, text: str) -> bytes:
    """A YAML document damaged as a tree (then written out, a value now and then raw) or as text."""
    if draw(st.booleans()):
        return draw(mutated_bytes(text.encode(), NASTY))
    tree = draw(mutated_tree(doc, odd=st.one_of(odd_values, st.just(RAW))))
    written = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=10_000)
    return _with_raw(written, draw(st.sampled_from(RAW_YAML))).encode("utf-8", "surrogatepass")


@st.composite
def json_versions(draw: Any, doc: Any, text: str) -> bytes:
    """A JSON document damaged as a tree (then written out, a value now and then raw) or as text."""
    if draw(st.booleans()):
        return draw(mutated_bytes(text.encode(), NASTY))
    tree = draw(mutated_tree(doc, keys=False, odd=st.one_of(odd_values, st.just(RAW))))
    written = json.dumps(tree, default=str, indent=1)
    return _with_raw(written, draw(st.sampled_from(RAW_JSON))).encode("utf-8", "surrogatepass")


def only_own_errors(read: Callable[[], Any]) -> Any:
    """What ``read`` returns; a ComplianceError is an answer too, anything else fails the test."""
    try:
        result = read()
    except ComplianceError as exc:
        for problem in getattr(exc, "problems", ()):
            assert isinstance(problem, Problem) and str(problem)
        return None
    return result


@functools.lru_cache(maxsize=None)
def bundled_rules() -> Any:
    """The bundled rules, loaded once (a fixture would be printed in full with each failing example)."""
    return load_rules()


def records_survive(paths: list[Path], rules: Any) -> None:
    """The records read, and the problems, are usable: the problems print, the records are evaluated, and their
    findings written as JSON (a value of a type JSON has not, such as a YAML !!binary, was exit 3 there)."""
    found = only_own_errors(lambda: read_records(paths, rules.vocabulary))
    if found is not None:
        records, problems = found
        assert all(isinstance(p, Problem) and str(p) for p in problems)
        findings = only_own_errors(lambda: evaluate(records, rules, date(2026, 11, 20)))
        if findings is not None:
            json.loads(to_json(findings, date(2026, 11, 20), rules, show_all=True))


# -- records ------------------------------------------------------------------------------------------

KPI_CASES = FIXTURES / "casework" / "kpi-cases.yaml"
INSPECTIONS_JSON = FIXTURES / "records" / "inspections.json"
TRACKER_CSV = FIXTURES / "records" / "tracker.csv"


@fuzz
@given(data=st.data())
def test_yaml_records(tmp_path, data):
    rules = bundled_rules()
    text = KPI_CASES.read_text(encoding="utf-8")
    path = tmp_path / "records.yaml"
    path.write_bytes(data.draw(yaml_versions(yaml.safe_load(text), text)))
    records_survive([path], rules)


@fuzz
@given(data=st.data())
def test_json_records(tmp_path, data):
    rules = bundled_rules()
    text = INSPECTIONS_JSON.read_text(encoding="utf-8")
    path = tmp_path / "records.json"
    path.write_bytes(data.draw(json_versions(json.loads(text), text)))
    records_survive([path], rules)


def tracker_rows() -> list[list[str]]:
    with TRACKER_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@st.composite
def csv_versions(draw: Any, rows: list[list[str]]) -> bytes:
    """``rows`` as CSV with odd cells (a row made longer now and then), or its bytes damaged."""
    def written(table: list[list[str]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(table)
        return buffer.getvalue().encode("utf-8", "surrogatepass")

    if draw(st.booleans()):
        return draw(mutated_bytes(written(rows), NASTY + ['"', "\r", "\n", "\ufeff", "\udcff"]))
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, 4))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        j = draw(st.integers(0, len(row)))
        value = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=20)))
        row[j:j + 1] = [value]
    return written(rows)


@fuzz
@given(data=st.data())
def test_csv_tracker(tmp_path, data):
    """Read as `check` reads it, and column by column as `kpi` does."""
    from compliance.reports import Tally, tally_files

    rules = bundled_rules()
    path = tmp_path / "tracker.csv"
    path.write_bytes(data.draw(csv_versions(tracker_rows())))
    records_survive([path], rules)
    only_own_errors(lambda: tally_files([path], rules, date(2026, 11, 20), [Tally(["rule"], "deadline")]))


cell_values = st.one_of(st.sampled_from(NASTY[:-1]), st.integers(-10**15, 10**15), st.floats(allow_nan=False),
                        st.booleans(), st.none(), st.dates(), st.datetimes(), st.text(max_size=20),
                        st.sampled_from(["=1/0", "=A1+1", "=NOW()", '=HYPERLINK("http://x","y")']))


def _cell(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767] if isinstance(value, str) else value


@st.composite
def workbooks(draw: Any, rows: list[list[Any]]) -> bytes:
    """``rows`` as a workbook with odd cells, merged ranges and an odd title; or its bytes damaged."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = draw(st.sampled_from(["Sheet1", "Tracker", "x" * 31, "'quoted'", "Données"]))
    for row in rows:
        sheet.append(row)
    for _ in range(draw(st.integers(0, 6))):
        sheet.cell(draw(st.integers(1, len(rows) + 2)), draw(st.integers(1, 12)), _cell(draw(cell_values)))
    for _ in range(draw(st.integers(0, 2))):
        top, left = draw(st.integers(1, len(rows))), draw(st.integers(1, 10))
        sheet.merge_cells(start_row=top, start_column=left, end_row=top + draw(st.integers(0, 3)),
                          end_column=left + draw(st.integers(0, 3)))
    buffer = io.BytesIO()
    book.save(buffer)
    saved = _with_sheet(buffer.getvalue(), _sheet_xml(buffer.getvalue()))
    damage = draw(st.sampled_from(["none", "zip", "sheet"]))
    if damage == "zip":
        return draw(mutated_bytes(saved, ["PK\x03\x04", "PK\x01\x02", "\xff" * 8]))
    if damage == "sheet":
        return _with_sheet(saved, draw(mutated_bytes(_sheet_xml(saved), XML_TOKENS)))
    return saved


def _sheet_xml(book: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _with_sheet(book: bytes, xml: bytes) -> bytes:
    """The workbook with the sheet's XML replaced, and the times it was saved at taken out, so that the same
    draws give the same bytes (Hypothesis replays them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = xml if info.filename == "xl/worksheets/sheet1.xml" else old.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", data)
            new.writestr(zipfile.ZipInfo(info.filename, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@fuzz
@given(book=workbooks(tracker_rows()))
def test_xlsx_tracker(tmp_path, book):
    rules = bundled_rules()
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(book)
    records_survive([path], rules)


# -- mapped extracts ----------------------------------------------------------------------------------

CENSUS = FIXTURES / "casework" / "cin-census.xml"
XML_TOKENS = NASTY[:-1] + [
    "<Child>", "</Child>", "<CINdetails>", "</CINdetails>", "<Section47>", "<Reviews>", "</Message>",
    '<!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa">]>', "&a;", "&amp;", "&#0;", "&#x1F;", "&#1114112;",
    "<![CDATA[2022-01-01]]>", "<?pi x?>", "<!-- c -->", '<x:Child xmlns:x="urn:x">', "</x:Child>",
    '<?xml version="1.0" encoding="UTF-16"?>', "\xff\xfe", "<a>" * 150, "</a>" * 150, "<b/>" * 300, "<",
    "]]>", '<c r="A1"><f>1+1</f></c>', '<mergeCell ref="A1:XFD1048576"/>', '<mergeCell ref="B9:A1"/>',
    '<row r="0">', '<c r="ZZZZ99999999">', '<c t="s"><v>99999</v></c>', '<c t="d"><v>2024-02-30</v></c>']


@st.composite
def census_versions(draw: Any) -> bytes:
    """The census with element values replaced, or its text damaged."""
    text = CENSUS.read_text(encoding="utf-8")
    if draw(st.booleans()):
        values = list(re.finditer(r">([^<>\s][^<>]*)<", text))
        for _ in range(draw(st.integers(1, 4))):
            match = draw(st.sampled_from(values))
            value = draw(st.sampled_from(NASTY[:-2] + ["2022-05-20", "true", "1", "false"]))
            escaped = value.replace("&", "&amp;").replace("<", "&lt;")
            text = text[:match.start(1)] + escaped + text[match.end(1):]
            values = list(re.finditer(r">([^<>\s][^<>]*)<", text))
        return text.encode("utf-8", "surrogatepass")
    return draw(mutated_bytes(text.encode(), XML_TOKENS))


@fuzz
@given(census=census_versions())
def test_cin_census_xml(tmp_path, census):
    rules = bundled_rules()
    path = tmp_path / "census.xml"
    path.write_bytes(census)
    mapping = load_mapping("cin-census", rules.vocabulary)
    found = only_own_errors(lambda: load_mapped([path], mapping, rules.vocabulary))
    if found is not None:
        records, problems = found
        assert all(isinstance(p, Problem) and str(p) for p in problems)
        only_own_errors(lambda: evaluate(records, mapping.duties(rules), date(2023, 3, 31)))


def list4_rows() -> list[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(FIXTURES / "casework" / "annex-a-list4.xlsx")
    return [list(row) for row in book.active.iter_rows(values_only=True)]


@fuzz
@given(book=workbooks(list4_rows()))
def test_annex_a_xlsx_through_its_mapping(tmp_path, book):
    rules = bundled_rules()
    path = tmp_path / "list4.xlsx"
    path.write_bytes(book)
    mapping = load_mapping("annex-a-list4", rules.vocabulary)
    found = only_own_errors(lambda: load_mapped([path], mapping, rules.vocabulary))
    if found is not None:
        records, problems = found
        assert all(isinstance(p, Problem) and str(p) for p in problems)
        only_own_errors(lambda: evaluate(records, mapping.duties(rules), date(2023, 3, 31)))


@fuzz
@given(data=st.data())
def test_annex_a_csv_through_its_mapping(tmp_path, data):
    rules = bundled_rules()
    with (FIXTURES / "casework" / "annex-a-list5.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    path = tmp_path / "list5.csv"
    path.write_bytes(data.draw(csv_versions(rows)))
    mapping = load_mapping("annex-a-list5", rules.vocabulary)
    found = only_own_errors(lambda: load_mapped([path], mapping, rules.vocabulary))
    if found is not None:
        records, problems = found
        assert all(isinstance(p, Problem) and str(p) for p in problems)
        only_own_errors(lambda: evaluate(records, mapping.duties(rules), date(2023, 3, 31)))


MAPPING_FILE = ROOT / "mappings" / "annex-a-list5.yaml"


@fuzz
@given(data=st.data())
def test_mapping_files(tmp_path, data):
    rules = bundled_rules()
    text = MAPPING_FILE.read_text(encoding="utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_bytes(data.draw(yaml_versions(yaml.safe_load(text), text)))
    mapping = only_own_errors(lambda: load_mapping(path, rules.vocabulary))
    if mapping is not None:
        only_own_errors(lambda: mapping.duties(rules))
        only_own_errors(lambda: load_mapped([FIXTURES / "casework" / "annex-a-list4.xlsx"], mapping,
                                            rules.vocabulary))


# -- calendars, mail settings, rule packs ---------------------------------------------------------------

GOVUK = FIXTURES / "govuk-bank-holidays-2028-2029.json"


@fuzz
@given(data=st.data())
def test_govuk_bank_holidays(tmp_path, data):
    text = GOVUK.read_text(encoding="utf-8")
    path = tmp_path / "bank-holidays.json"
    path.write_bytes(data.draw(json_versions(json.loads(text), text)))
    only_own_errors(lambda: read_govuk(path, "england-and-wales", 2000, 2050))
    if data.draw(st.integers(0, 9)) == 0:  # the whole import is slower: now and then
        only_own_errors(lambda: import_govuk(path, "scotland", tmp_path / "scotland.yaml"))


MAIL = ("smtp:\n  host: relay.example-council.gov.uk\n  port: 587\n  from: deadlines@example-council.gov.uk\n"
        "  user: bot\n  password: secret\n  starttls: true\n  cafile: /etc/ssl/council.pem\n")


@fuzz
@given(data=st.data())
def test_mail_settings(tmp_path, data):
    ini = data.draw(st.booleans())
    text = MAIL.replace("smtp:\n", "[smtp]\n").replace(": ", " = ").replace("  ", "") if ini else MAIL
    path = tmp_path / ("mail.ini" if ini else "mail.yaml")
    damaged = mutated_bytes(text.encode(), NASTY) if ini else yaml_versions(yaml.safe_load(text), text)
    path.write_bytes(data.draw(damaged))
    only_own_errors(lambda: load_mail_settings({}, path))


RULE_PACK = FIXTURES / "rules" / "casework-sample.yaml"


@fuzz
@given(data=st.data())
def test_rule_packs(tmp_path, data):
    text = RULE_PACK.read_text(encoding="utf-8")
    path = tmp_path / "pack.yaml"
    path.write_bytes(data.draw(yaml_versions(yaml.safe_load(text), text)))
    found = only_own_errors(lambda: check_rules([path]))
    if found is not None:
        ruleset, problems = found
        assert all(isinstance(p, Problem) and str(p) for p in problems)


CALENDAR = ROOT / "calendars" / "scotland.yaml"


@fuzz
@given(data=st.data())
def test_calendar_files(tmp_path, data):
    text = CALENDAR.read_text(encoding="utf-8")
    path = tmp_path / "scotland.yaml"
    path.write_bytes(data.draw(yaml_versions(yaml.safe_load(text), text)))
    spec = only_own_errors(lambda: read_spec(path))
    if spec is not None:
        only_own_errors(lambda: build(spec))
