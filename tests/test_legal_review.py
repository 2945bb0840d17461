"""An independent legal review: hand-worked records run through the command line, compared row for row.

Each record in tests/data/legal-review/records.yaml was worked out by a reviewer from the law (the
deadlines counted on a calendar, or with Python's datetime and a hand list of bank holidays, never with
this project's code). Every duty of every record is compared: the status, the deadline, the bound it
rests on, the caveats, the data-quality flag and what a missing-data finding asks for. The records run
through `compliance check --format json --all` on the native and durable-rules engines, and their counts
through `compliance kpi` on the batch engine. An expectation the tool does not meet carries
`discrepancy:` (the reviewer's reasoning and source); it is an expected failure until the integrator
decides, so a fix shows up as an unexpected pass. Where the integrator keeps the tool's reading, the
expectation is the tool's verdict and `decision:` gives the reasoning. A discrepancy that leaves the KPI
counts unchanged (a caveat, a flag, a version, the wording) says `counts: agree`, so the group's KPI test
is not marked: every mark is strict.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from conftest import needs_durable

DATA = Path(__file__).resolve().parent / "data" / "legal-review" / "records.yaml"
CASES = yaml.safe_load(DATA.read_text(encoding="utf-8"))["records"]
RULES_OF_KIND = yaml.safe_load(DATA.read_text(encoding="utf-8"))["rules_of_kind"]


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def _local(written):
    """A deadline as a document writes it (JSON and CSV give a time of day with its UTC offset; a finding's own
    to_dict, London time) in London's wall-clock time, as the reviewer wrote it: an offset is checked by the
    conversion, not dropped."""
    if not isinstance(written, str) or "T" not in written:
        return written
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(written)
    if moment.tzinfo is None:
        return written
    return moment.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None).isoformat(timespec="minutes")


def _cli(*args: str) -> tuple[int, str]:
    import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue() + err.getvalue() if code == 2 else out.getvalue()


def _group_key(case) -> tuple[str, str | None]:
    return _iso(case["as_of"]), _iso(case.get("extract_date"))


def _records_file(cases, folder: Path) -> Path:
    doc = {"records": [{"id": c["id"], "kind": c["kind"], "attributes": c.get("attributes") or {},
                        "events": {k: ([_iso(x) for x in v] if isinstance(v, list) else _iso(v))
                                   for k, v in (c.get("events") or {}).items()}} for c in cases]}
    path = folder / "records.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


_RUNS: dict[tuple, dict] = {}


def findings(engine: str, key: tuple[str, str | None], folder: Path) -> dict:
    """The findings of every record judged as of ``key`` (as-of date, extract date), by (record, rule, occurrence)."""
    if (engine, key) not in _RUNS:
        as_of, drawn = key
        group = [c for c in CASES if _group_key(c) == key]
        path = _records_file(group, folder)
        args = ["check", str(path), "--as-of", as_of, "--format", "json", "--all", "--engine", engine, "--jobs", "1"]
        if drawn:
            args += ["--extract-date", drawn]
        code, out = _cli(*args)
        assert code in (0, 1), out
        doc = json.loads(out)
        assert doc["problems"] == [], doc["problems"]
        _RUNS[(engine, key)] = {(f["record"], f["rule"], f["occurrence"]): f for f in doc["findings"]}
    return _RUNS[(engine, key)]


def _group_of(kind: str, rule: str) -> tuple[str, ...]:
    """The versions of one duty (a record gets one finding per duty, from the version in force)."""
    return next(tuple(g) for g in RULES_OF_KIND[kind] if rule in g)


def differences(case, found: dict) -> list[str]:
    """Where the tool's findings for one record differ from the reviewer's expectations."""
    mine = {(r, o) for (rec, r, o) in found if rec == case["id"]}
    seen = set()
    out = []
    for rule, exp in case["expect"].items():
        group = _group_of(case["kind"], rule)
        for e in (exp if isinstance(exp, list) else [exp]):
            occ = e.get("occurrence", 1)
            hits = [(r, occ) for r in group if (r, occ) in mine]
            seen.update(hits)
            if not hits:
                out.append(f"{rule}#{occ}: no finding")
                continue
            got_rule = hits[0][0]
            got = found[(case["id"], got_rule, occ)]
            version = e.get("version", rule)
            if got_rule != version and not e.get("any_version"):
                out.append(f"{rule}#{occ}: the version expected is {version}, the tool used {got_rule}")
            out += [f"{rule}#{occ}: {d}" for d in compare(e, got)]
    out += [f"{rule}#{occ}: unexpected finding {found[(case['id'], rule, occ)]['status']} "
            f"{found[(case['id'], rule, occ)].get('deadline')}" for rule, occ in sorted(mine - seen)]
    for group in RULES_OF_KIND[case["kind"]]:
        if not any(r in group for r, _ in mine):
            out.append(f"{group[0]}: no finding at all (a duty dropped)")
    return out


def compare(e: dict, got: dict) -> list[str]:
    diffs = []

    def check(name, want, have):
        if want != have:
            diffs.append(f"{name} expected {want!r}, got {have!r}")

    check("status", e["status"], got["status"])
    if "deadline" in e:
        check("deadline", _iso(e["deadline"]), _local(got.get("deadline")))
    for name in ("on_bound", "days_late", "working_days_late", "days_left", "working_days_left"):
        if name in e:
            check(name, e[name], got.get(name))
    for name in ("provisional", "approximate"):
        if name in e:
            check(name, e[name], bool(got.get(name)))
    if "data_quality" in e:
        check("data_quality", e["data_quality"], bool(got.get("data_quality")))
    if "caveat" in e:
        warnings = " | ".join(got.get("warnings") or [])
        if e["caveat"] is False:
            check("caveat", "none", warnings or "none")
        elif e["caveat"] not in warnings:
            diffs.append(f"caveat expected to contain {e['caveat']!r}, got {warnings or 'none'!r}")
    if "assumption" in e:
        said = " | ".join(got.get("assumptions") or [])
        if e["assumption"] not in said:
            diffs.append(f"assumption expected to contain {e['assumption']!r}, got {said or 'none'!r}")
    if "needs" in e:
        check("needs", sorted(e["needs"]), sorted(got.get("needs") or []))
    if "reason_has" in e:
        reason = got.get("reason") or ""
        if e["reason_has"].lower() not in reason.lower():
            diffs.append(f"reason expected to contain {e['reason_has']!r}, got {reason!r}")
    return diffs


def _discrepancies(case) -> list[str]:
    notes = []
    for exp in case["expect"].values():
        for e in (exp if isinstance(exp, list) else [exp]):
            if e.get("discrepancy"):
                notes.append(e["discrepancy"])
    return notes


def _params(engines):
    out = []
    for case in CASES:
        for engine, marks in engines:
            known = _discrepancies(case)
            m = list(marks) + ([pytest.mark.xfail(reason="; ".join(known), strict=True)] if known else [])
            out.append(pytest.param(case, engine, id=f"{case['id']}-{engine}", marks=m))
    return out


@pytest.mark.parametrize("case,engine", _params([("native", ()), ("durable", (needs_durable,))]))
def test_record_agrees_with_the_review(case, engine, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"legal-{engine}")
    found = findings(engine, _group_key(case), folder)
    assert differences(case, found) == []


def _kpi_counts(key, folder, engine):
    """`compliance kpi` on the group's records, as YAML and as CSV trackers (streamed into the batch engine)."""
    as_of, drawn = key
    group = [c for c in CASES if _group_key(c) == key]
    paths = [str(_records_file(group, folder))]
    for kind in sorted({c["kind"] for c in group}):
        path = folder / f"{kind}.csv"
        path.write_text(_tracker_csv([c for c in group if c["kind"] == kind], kind), encoding="utf-8")
        paths.append(str(path))
    return [_kpi_run(paths[:1], as_of, drawn, engine), _kpi_run(paths[1:], as_of, drawn, engine)]


def _kpi_run(paths, as_of, drawn, engine):
    args = ["kpi", *paths, "--as-of", as_of, "--format", "json", "--engine", engine]
    if drawn:
        args += ["--extract-date", drawn]
    code, out = _cli(*args)
    assert code in (0, 1), out
    return json.loads(out)


def _duty_of(rule: str) -> str:
    """The duty a rule is a version of (counts are compared per duty: which version applies is checked elsewhere)."""
    return next(g[0] for groups in RULES_OF_KIND.values() for g in groups if rule in g)


def _expected_counts(key):
    counts: dict[str, Counter] = defaultdict(Counter)
    for case in CASES:
        if _group_key(case) != key:
            continue
        for rule, exp in case["expect"].items():
            for e in (exp if isinstance(exp, list) else [exp]):
                counts[_duty_of(rule)][e["status"]] += 1 if e["status"] != "not_applicable" else 0
    return counts


GROUPS = sorted({_group_key(c) for c in CASES}, key=lambda k: (k[0], k[1] or ""))


def _group_counts_differ(key):
    """Whether a known discrepancy of the group changes what `kpi` counts: one about a status does; one about
    a caveat, a flag, a version or the wording does not, and says so with `counts: agree` beside it."""
    return any(e.get("discrepancy") and e.get("counts") != "agree"
               for c in CASES if _group_key(c) == key
               for exp in c["expect"].values() for e in (exp if isinstance(exp, list) else [exp]))


@pytest.mark.parametrize("key", [pytest.param(k, id=f"{k[0]}{'-drawn-' + k[1] if k[1] else ''}",
                                              marks=[pytest.mark.xfail(reason="a record of this group has a known "
                                                                       "discrepancy in a status", strict=True)]
                                              if _group_counts_differ(k) else [])
                                 for k in GROUPS])
def test_kpi_batch_counts_agree_with_the_review(key, tmp_path):
    from_yaml, from_csv = _kpi_counts(key, tmp_path, "batch")
    assert from_yaml["rows"] == from_csv["rows"]
    rows = from_csv["rows"]
    want = _expected_counts(key)
    got: dict[str, dict[str, int]] = {}
    for row in rows:
        duty = got.setdefault(_duty_of(row["rule"]), dict.fromkeys(("met", "late", "overdue", "due", "missing_data"), 0))
        for status in duty:
            duty[status] += row.get(status, 0)
        # "Not in this extract" is missing data counted apart.
        duty["missing_data"] += row.get("not_recorded", 0)
    for rule, counter in want.items():
        expected = {s: counter.get(s, 0) for s in ("met", "late", "overdue", "due", "missing_data")}
        if not any(expected.values()) and rule not in got:
            continue
        assert got.get(rule) == expected, rule


DOC = yaml.safe_load(DATA.read_text(encoding="utf-8"))


@pytest.mark.parametrize("extract", [pytest.param(x, id=x["id"]) for x in DOC["extracts"]])
def test_extract_read_through_its_mapping_agrees_with_the_review(extract, tmp_path):
    path = tmp_path / extract["file"]
    path.write_text(extract["content"], encoding="utf-8")
    args = ["check", str(path), "--mapping", extract["mapping"], "--as-of", extract["as_of"], "--format", "json", "--all"]
    if extract.get("extract_date"):
        args += ["--extract-date", extract["extract_date"]]
    code, out = _cli(*args)
    assert code in (0, 1), out
    doc = json.loads(out)
    assert doc["problems"] == []
    found = {(f["record"], f["rule"], f["occurrence"]): f for f in doc["findings"]}
    diffs = []
    for record, rules in extract["expect"].items():
        for rule, exp in rules.items():
            for e in (exp if isinstance(exp, list) else [exp]):
                got = found.get((record, rule, e.get("occurrence", 1)))
                if got is None:
                    diffs.append(f"{record} {rule}: no finding")
                else:
                    diffs += [f"{record} {rule}#{e.get('occurrence', 1)}: {d}" for d in compare(e, got)]
    assert diffs == []


@pytest.mark.parametrize("case", [pytest.param(d, id=f"{d['start']}+{d['period'].replace(' ', '-')}")
                                  for d in DOC["deadlines"]])
def test_deadline_agrees_with_the_hand_calendar(case):
    args = ["deadline", case["start"], case["period"], "--json"] + (["--including"] if case.get("including") else [])
    code, out = _cli(*args)
    if case.get("error"):
        assert code == 2 and case["error"] in out, out
        return
    assert code == 0, out
    assert json.loads(out)["deadline"] == case["expect"], case["why"]


@pytest.mark.parametrize("plan", [pytest.param(p, id=f"{p['kind']}-{i}", marks=[pytest.mark.xfail(
    reason=p["discrepancy"], strict=True)] if p.get("discrepancy") else []) for i, p in enumerate(DOC["plans"])])
def test_plan_agrees_with_the_review(plan):
    code, out = _cli("plan", plan["kind"], *plan["given"], "--as-of", plan["as_of"], "--format", "json",
                     "--occurrences", "3")
    assert code in (0, 1), out
    duties = {d["rule"]: d for d in json.loads(out)["duties"]}
    for rule, deadlines in plan["expect"].items():
        got = [_local(x["deadline"]) for x in duties.get(rule, {}).get("deadlines", [])]
        assert got[:len(deadlines)] == deadlines, (rule, plan["why"])
    for rule, words in plan.get("clock_has", {}).items():
        assert words in duties[rule]["clock"], (rule, duties[rule]["clock"], plan["why"])


def test_an_unknown_period_unit_is_named_with_the_valid_ones(tmp_path):
    unit = DOC["unknown_unit"]
    pack = {"pack": "legal-review", "title": "An unknown unit", "rules": [{
        "id": "fortnightly", "title": "A duty counted in fortnights", "kind": "local-target",
        "duty_holder": "Local authority", "applies_to": "referral", "trigger": "referral",
        "completion": "referral_decision", "period": unit["period"],
        "source": {"citation": "a test", "verification": "unverified"}}]}
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    code, out = _cli("rules", "validate", str(path))
    assert code == 2, out
    for word in unit["must_say"]:
        assert word in out, (word, out)


def _replayable(case) -> bool:
    """Records event mode can replay: judged on the as-of date (no extract), no date after it."""
    if case.get("extract_date"):
        return False
    dates = [str(x)[:10] for v in case["events"].values() for x in (v if isinstance(v, list) else [v])]
    return all(d <= _iso(case["as_of"]) for d in dates)


@pytest.mark.parametrize("case,engine", [p for p in _params([("native", ()), ("durable", (needs_durable,))])
                                         if _replayable(p.values[0])])
def test_event_mode_agrees_with_the_review(case, engine):
    """Event mode (`compliance track`, the Tracker): the record's events fed in date order, then the day advanced
    to the as-of date, give the same findings as the batch check."""
    from datetime import datetime

    from compliance import Tracker

    events = sorted(((name, str(_iso(x))) for name, v in case["events"].items()
                     for x in (v if isinstance(v, list) else [v])), key=lambda e: e[1])
    with Tracker(engine=engine) as tracker:
        tracker.declare(case["id"], case["kind"], case.get("attributes") or {})
        for name, when in events:
            day = date.fromisoformat(when[:10])
            tracker.advance(day)
            tracker.record(case["id"], name, datetime.fromisoformat(when.replace("Z", "+00:00")) if "T" in when
                           else day)
        as_of = date.fromisoformat(_iso(case["as_of"]))
        tracker.advance(as_of)
        found = {(f.record, f.rule, f.occurrence): f.to_dict() for f in tracker.findings(as_of)}
    assert differences(case, found) == []


def _tracker_csv(cases, kind: str) -> str:
    """The records of one kind as a council's tracker: every column of the kind, a blank cell for what has not happened."""
    import csv

    from compliance import load_rules

    vocabulary = load_rules().vocabulary
    columns = ["id", "kind"] + sorted(vocabulary.attributes(kind)) + sorted(vocabulary.events(kind))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for case in cases:
        row = {"id": case["id"], "kind": kind}
        for name, value in {**(case.get("attributes") or {}), **case["events"]}.items():
            values = value if isinstance(value, list) else [value]
            row[name] = ";".join("yes" if v is True else "no" if v is False else str(_iso(v)) for v in values)
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


@pytest.mark.parametrize("key", [pytest.param(k, id=f"{k[0]}{'-drawn-' + k[1] if k[1] else ''}") for k in GROUPS])
def test_csv_trackers_agree_with_the_review(key, tmp_path):
    """The same records as CSV trackers (the tracker reader, implied facts applied there too) give the same findings."""
    group = [c for c in CASES if _group_key(c) == key]
    files = []
    for kind in sorted({c["kind"] for c in group}):
        path = tmp_path / f"{kind}.csv"
        path.write_text(_tracker_csv([c for c in group if c["kind"] == kind], kind), encoding="utf-8")
        files.append(str(path))
    args = ["check", *files, "--as-of", key[0], "--format", "json", "--all", "--jobs", "1"]
    if key[1]:
        args += ["--extract-date", key[1]]
    code, out = _cli(*args)
    assert code in (0, 1), out
    doc = json.loads(out)
    assert doc["problems"] == []
    found = {(f["record"], f["rule"], f["occurrence"]): f for f in doc["findings"]}
    wrong = {c["id"]: differences(c, found) for c in group if not _discrepancies(c)}
    assert {k: v for k, v in wrong.items() if v} == {}


@pytest.mark.parametrize("item", [pytest.param(w, id=f"{w['record']}-{w['rule']}-{w['occurrence']}", marks=[
    pytest.mark.xfail(reason=w["discrepancy"], strict=True)] if w.get("discrepancy") else []) for w in DOC["wording"]])
def test_the_working_says_what_the_record_holds(item, tmp_path_factory):
    case = next(c for c in CASES if c["id"] == item["record"])
    found = findings("native", _group_key(case), tmp_path_factory.mktemp("legal-wording"))
    working = " ".join(found[(item["record"], item["rule"], item["occurrence"])]["explanation"])
    for words in item.get("must_contain", []):
        assert words in working, (words, working)
    for words in item.get("must_not_contain", []):
        assert words not in working, (words, working, item["why"])


def test_an_undated_extract_checked_without_its_date_is_warned_about(tmp_path):
    case = DOC["annex_without_extract_date"]
    extract = next(x for x in DOC["extracts"] if x["mapping"] == case["mapping"])
    path = tmp_path / case["file"]
    path.write_text(extract["content"], encoding="utf-8")
    import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["check", str(path), "--mapping", case["mapping"], "--as-of", case["as_of"]])
    assert code in (1, 2)
    assert case["must_say"] in out.getvalue() + err.getvalue(), case["why"]
