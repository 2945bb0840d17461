"""Synthetic extracts: deterministic, realistic in shape, and readable by the record and mapping readers."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta

from compliance.engines import evaluate
from compliance.records import load_mapped, load_mapping
from compliance.records import read_records
from compliance.rules import load_rules
from compliance.records.synth import write_extracts


def digest(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.glob("*.csv"))}


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    a = write_extracts(tmp_path / "a", 400, seed=5)
    b = write_extracts(tmp_path / "b", 400, seed=5)
    write_extracts(tmp_path / "c", 400, seed=6)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")
    assert a.records == b.records and a.total > 400


def test_every_kind_is_written_readable_and_every_outcome_occurs(tmp_path):
    summary = write_extracts(tmp_path, 3000, seed=1, end=date(2025, 3, 31))
    assert set(summary.records) == {"referral", "child-protection", "looked-after", "care-proceedings", "complaint",
                                    "missing-episode"}
    rules = load_rules()
    records, problems = read_records(sorted(tmp_path.glob("*.csv")), rules.vocabulary)
    assert not problems and len(records) == summary.total
    statuses = {}
    for f in evaluate(records, rules, date(2025, 3, 31), explain=False):
        statuses.setdefault(f.rule, set()).add(f.status)
    for rule in ("assessment-45wd", "icpc-15wd", "rcpc", "cla-review", "cla-visit", "return-interview-72h"):
        assert {"met", "late"} <= statuses[rule], rule
    assert any(f.approximate for f in evaluate([r for r in records if r.kind == "missing-episode"], rules,
                                               date(2025, 3, 31), explain=False))


def test_nothing_is_dated_after_the_extract_date(tmp_path):
    write_extracts(tmp_path, 500, seed=2, end=date(2023, 3, 31))
    records, _ = read_records(sorted(tmp_path.glob("*.csv")))
    last = max(d.date() if isinstance(d, datetime) else d for r in records for dates in r.events.values() for d in dates)
    assert last <= date(2023, 3, 31)


def test_bank_holiday_weeks_are_over_represented(tmp_path):
    write_extracts(tmp_path, 3000, seed=3)
    records, _ = read_records([tmp_path / "referrals.csv"])
    december = sum(1 for r in records if r.events["referral"][0].month == 12) / len(records)
    assert december > 1.5 / 12  # a uniform draw would give one in twelve


def test_limit_and_annex_a_layout(tmp_path):
    summary = write_extracts(tmp_path / "limited", 5000, seed=1, limit=1234)
    assert summary.total == 1234
    annex = write_extracts(tmp_path / "annex", 300, seed=1, layout="annex-a")
    records, problems = load_mapped([tmp_path / "annex" / "annex-a-list5-section47.csv"], load_mapping("annex-a-list5"))
    assert not problems and len(records) == annex.records["list5"]


def test_every_annex_a_list_is_read_through_its_mapping_without_a_problem(tmp_path):
    """A child's two referrals on one day (or their assessments begun on one day) were one Annex A record twice, which
    map refuses; and the second referral gave the child another gender and date of birth."""
    import csv

    annex = write_extracts(tmp_path, 5000, seed=0, layout="annex-a")
    for path in sorted(tmp_path.glob("annex-a-list*.csv")):
        name = "-".join(path.stem.split("-")[:3])  # annex-a-list3-referrals.csv: annex-a-list3
        records, problems = load_mapped([path], load_mapping(name))
        assert problems == [] and len(records) == annex.records[name.rsplit("-", 1)[1]], name
    with (tmp_path / "annex-a-list3-referrals.csv").open(newline="", encoding="utf-8") as handle:
        children: dict[str, list[tuple[str, str]]] = {}
        for row in csv.DictReader(handle):
            children.setdefault(row["Child Unique ID"], []).append((row["Gender"], row["Date of Birth"]))
    assert any(len(rows) > 1 for rows in children.values())  # children referred twice
    assert all(len(set(rows)) == 1 for rows in children.values())


def test_synth_command_prints_what_it_wrote(run_cli, tmp_path):
    code, out, _ = run_cli("synth", "--children", "50", "--seed", "9", "--output-dir", str(tmp_path))
    assert code == 0 and out.startswith("wrote ") and (tmp_path / "referrals.csv").exists()
    code, _, err = run_cli("synth", "--children", "0", "--output-dir", str(tmp_path))
    assert code == 2 and "at least one child" in err


def test_cin_census_layout_is_one_return_the_census_mapping_reads_without_a_problem(tmp_path, run_cli):
    import xml.etree.ElementTree as ET

    from reference import ReferenceCalendar

    summary = write_extracts(tmp_path / "a", 600, seed=4, layout="cin-census")
    again = write_extracts(tmp_path / "b", 600, seed=4, layout="cin-census")
    path = tmp_path / "a" / "cin-census.xml"
    assert [p.name for p in summary.files] == ["cin-census.xml"]
    assert path.read_bytes() == (tmp_path / "b" / "cin-census.xml").read_bytes() and summary.records == again.records
    root = ET.parse(path).getroot()
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2025-03-31"
    records, problems = load_mapped([path], load_mapping("cin-census"))
    assert problems == []
    kinds = [r.kind for r in records]
    assert kinds.count("referral") == summary.records["referral"] == len(root.findall("Children/Child/CINdetails"))
    assert kinds.count("child-protection") == summary.records["section47"] + summary.records["cp-plan"]
    # Each recorded ICPC target is the 15th working day after the strategy discussion, counted day by day on the
    # council system's own holiday list: without the State Funeral (19 Sep 2022), with 4 May 2020 for 8 May.
    reference = ReferenceCalendar()
    closed, open_ = {date(2020, 5, 4)}, {date(2022, 9, 19), date(2020, 5, 8)}

    def system_target(start):
        day, count = start, 0
        while count < 15:
            day += timedelta(days=1)
            if (reference.is_working_day(day) and day not in closed) or day in open_:
                count += 1
        return day

    enquiries = root.findall("Children/Child/CINdetails/Section47")
    assert len(enquiries) == summary.records["section47"] > 20
    wrong = 0
    for s47 in enquiries:
        start = date.fromisoformat(s47.findtext("S47ActualStartDate"))
        target = date.fromisoformat(s47.findtext("InitialCPCtarget"))
        assert target == system_target(start)
        wrong += target != reference.add_working_days(start, 15)
    assert all(c.findtext("ChildIdentifiers/LAchildID") for c in root.findall("Children/Child"))
    code, out, err = run_cli("kpi", str(path), "--mapping", "cin-census", "--as-of", "2025-03-31")
    assert code == 0 and err == ""
    table = out.split("\n\n")[0]
    assert {line.split()[0] for line in table.splitlines()[2:]} == {"assessment-45wd", "assessment-45wd-from-start",
                                                                    "icpc-15wd", "rcpc"}
    # The targets of enquiries whose conference was due (not those deemed unnecessary) are compared.
    differ = int(re.search(r"(\d+) differ", out).group(1))
    assert 0 < differ <= wrong


def test_synth_never_replaces_files_it_did_not_write(tmp_path, run_cli):
    # `extracts` is synth's default folder and the README's name for real extracts.
    real = tmp_path / "extracts"
    real.mkdir()
    (real / "referrals.csv").write_text("id,kind\nR1,referral\n", encoding="utf-8")
    code, _, err = run_cli("synth", "--children", "3", "--output-dir", str(real))
    assert code == 2 and "which synth did not write" in err and "--output-dir synthetic" in err
    assert (real / "referrals.csv").read_text(encoding="utf-8") == "id,kind\nR1,referral\n"
    again = tmp_path / "synthetic"
    for _ in range(2):  # its own files it may write again
        code, _, err = run_cli("synth", "--children", "3", "--output-dir", str(again))
        assert code == 0, err
    code, out, err = run_cli("check", str(again), "--as-of", "2025-03-31", "--format", "json")
    assert code in (0, 1) and ".compliance-synth" not in err  # the marker it leaves is not read, nor named
    # A real extract saved over one of its files, later, is not its to replace either.
    (again / "referrals.csv").write_text("id,kind\nR1,referral\n", encoding="utf-8")
    code, _, err = run_cli("synth", "--children", "3", "--output-dir", str(again))
    assert code == 2 and "(or which changed since it did)" in err
    assert (again / "referrals.csv").read_text(encoding="utf-8") == "id,kind\nR1,referral\n"
