"""Where --output and --chart go: a file is replaced in one step, a link's file through the link, a device or a
pipe written straight through; a folder, or a path no file can be at, is refused before anything is written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT

RECORDS = "id,kind,framework,report_received\nb1,inspection,ILACS,03/12/2024\n"
PLAN = ("plan", "inspection", "id=x", "framework=ILACS", "report_received=03/12/2024")


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "base.csv"
    path.write_text(RECORDS)
    return path


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def check(base, output, *more):
    return ("check", str(base), "--as-of", "2026-01-01", "--format", "csv", "--output", str(output), *more)


def refused_in_one_line(code, err, path, *said):
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"error: {path}: " in err and all(s in err for s in said), err


@pytest.mark.parametrize("command", [
    lambda b, t: check(b, f"{t}/newdir/"),
    lambda b, t: ("check", str(b), "--as-of", "2026-01-01", "--output", f"{t}/newdir.xlsx/"),
    lambda b, t: ("kpi", str(b), "--as-of", "2026-01-01", "--chart", f"{t}/newdir/"),
    lambda b, t: (*PLAN, "--format", "ics", "--output", f"{t}/newdir/"),
    lambda b, t: ("track", str(ROOT / "examples" / "inspection-events.csv"), "--as-of", "2026-11-20",
                  "--output", f"{t}/newdir/"),
    lambda b, t: ("map", str(FIXTURES / "casework" / "annex-a-list5.csv"), "--mapping", "annex-a-list5",
                  "--output", f"{t}/newdir/"),
    lambda b, t: ("template", "inspection", "--output", f"{t}/newdir.csv/"),
])
def test_an_output_ending_with_a_slash_names_a_folder_and_is_refused_before_anything_is_written(
        tmp_path, base, run_cli, command):
    args = command(base, tmp_path)
    code, out, err = run_cli(*args)
    refused_in_one_line(code, err, args[-1], "names a folder, not a file", "name a file, not a folder")
    assert listing(tmp_path) == ["base.csv"] and base.read_text() == RECORDS


def test_a_chart_that_cannot_be_written_stops_kpi_before_its_output_is_written(tmp_path, base, run_cli):
    code, _, err = run_cli("kpi", str(base), "--as-of", "2026-01-01", "--output", str(tmp_path / "kpi.csv"),
                           "--chart", f"{tmp_path}/charts/")
    refused_in_one_line(code, err, f"{tmp_path}/charts/", "chart: ", "names a folder")
    assert listing(tmp_path) == ["base.csv"]


@pytest.mark.parametrize("folder", [".", "/"])
def test_an_output_that_is_a_folder_says_so_not_that_a_device_is_busy(tmp_path, base, run_cli, folder, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(*check(base, folder))
    refused_in_one_line(code, err, folder, "a folder, not a file", "name a file in it")
    assert "busy" not in err and listing(tmp_path) == ["base.csv"]


def test_an_output_inside_a_file_says_that_its_folder_is_a_file(tmp_path, base, run_cli):
    code, _, err = run_cli(*check(base, base / "x.csv"))
    refused_in_one_line(code, err, base / "x.csv", f"its folder {base} is a file", "name a file in a folder")
    assert "File exists" not in err and listing(tmp_path) == ["base.csv"] and base.read_text() == RECORDS


def test_output_to_dev_null_discards_the_findings_and_leaves_dev_null_a_device(base, run_cli):
    from compliance.atomic import _destination

    # Asked first: a regression that renames over /dev/null, run as root, would destroy it for the whole machine.
    assert _destination("/dev/null", private=False)[1]
    before = os.stat("/dev/null")
    code, _, err = run_cli(*check(base, "/dev/null"))
    assert code == 0, err
    code, _, err = run_cli(*PLAN, "--format", "ics", "--output", "/dev/null")
    assert code in (0, 1) and "error" not in err, err
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev, after.st_mode) == (
        before.st_ino, before.st_rdev, before.st_mode)


def test_output_to_a_fifo_is_sent_to_its_reader_and_the_fifo_kept(tmp_path, base, run_cli):
    fifo = tmp_path / "findings.csv"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader there, so the run does not wait for one
    try:
        code, _, err = run_cli(*check(base, fifo))
        sent = b""
        while chunk := os.read(reader, 65536):
            sent += chunk
    finally:
        os.close(reader)
    assert code == 0, err
    assert sent.decode().startswith("record,rule,") and "b1,la-publish-report" in sent.decode()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and listing(tmp_path) == ["base.csv", "findings.csv"]


@pytest.mark.parametrize("chart", [False, True])
def test_output_through_a_link_replaces_the_file_it_leads_to_and_keeps_the_link(tmp_path, base, run_cli, chart):
    real = tmp_path / ("real.svg" if chart else "real.csv")
    real.write_text("old report")
    link = tmp_path / ("latest.svg" if chart else "latest.csv")
    link.symlink_to(real.name)
    if chart:
        code, _, err = run_cli("kpi", str(base), "--as-of", "2026-01-01", "--chart", str(link))
    else:
        code, _, err = run_cli(*check(base, link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_text().startswith("<svg" if chart else "record,rule,")
    assert listing(tmp_path) == sorted(["base.csv", real.name, link.name])


@pytest.mark.parametrize("target", ["nowhere.csv", "loop.csv"])
def test_output_to_a_broken_link_or_a_link_loop_is_refused_and_the_link_kept(tmp_path, base, run_cli, target):
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    if target == "loop.csv":
        (tmp_path / "loop.csv").symlink_to("out.csv")
    code, _, err = run_cli(*check(base, link))
    refused_in_one_line(code, err, link, "link")
    assert os.readlink(link) == target and not (tmp_path / "nowhere.csv").exists()


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_output_to_dev_stdout_reaches_the_pipe_or_the_file_stdout_is(tmp_path, base, name):
    from compliance.atomic import _destination

    with open(tmp_path / "probe.txt", "w") as out:  # stdout a file, as below: never to be replaced
        assert subprocess.run([sys.executable, "-c", f"from compliance.atomic import _destination; "
                               f"assert _destination({name!r}, private=False)[1]"], stdout=out, cwd=ROOT).returncode == 0
    (tmp_path / "probe.txt").unlink()
    assert _destination(name, private=False)[1]  # else, run as root, the link in /dev would be replaced
    args = [sys.executable, str(ROOT / "cli.py"), *check(base, name)]
    piped = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert piped.returncode == 0 and piped.stdout.startswith("record,rule,"), piped.stderr
    with open(tmp_path / "redirected.csv", "w") as out:
        into_file = subprocess.run(args, stdout=out, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    assert into_file.returncode == 0, into_file.stderr
    assert (tmp_path / "redirected.csv").read_text() == piped.stdout
    assert listing(tmp_path) == ["base.csv", "redirected.csv"]


def test_calendar_import_refuses_a_folder_for_its_output(run_cli, tmp_path):
    code, _, err = run_cli("calendar", "import", str(FIXTURES / "govuk-bank-holidays-2028-2029.json"),
                           "--calendar", "england-and-wales", "--output", f"{tmp_path}/newcal/")
    refused_in_one_line(code, err, f"{tmp_path}/newcal/", "ends with /, so names a folder")
    assert listing(tmp_path) == []


def _places(base, value):
    """Each option naming where a command writes, given ``value``."""
    return {
        "check --output": ("check", str(base), "--as-of", "2026-01-01", "--output", value),
        "check --format xlsx --output": ("check", str(base), "--as-of", "2026-01-01", "--format", "xlsx",
                                         "--output", value),
        "kpi --output": ("kpi", str(base), "--as-of", "2026-01-01", "--output", value),
        "kpi --chart": ("kpi", str(base), "--as-of", "2026-01-01", "--chart", value),
        "plan --output": (*PLAN, "--output", value),
        "track --output": ("track", str(ROOT / "examples" / "inspection-events.csv"), "--as-of", "2026-11-20",
                           "--output", value),
        "map --output": ("map", str(FIXTURES / "casework" / "annex-a-list5.csv"), "--mapping", "annex-a-list5",
                         "--output", value),
        "template --output": ("template", "inspection", "--output", value),
        "calendar import --output": ("calendar", "import", str(FIXTURES / "govuk-bank-holidays-2028-2029.json"),
                                     "--calendar", "england-and-wales", "--output", value),
        "synth --output-dir": ("synth", "--children", "1", "--output-dir", value),
        "report --out": ("report", str(base), "--as-of", "2026-01-01", "--out", value),
        "report --db": ("report", str(base), "--as-of", "2026-01-01", "--out", "reports", "--db", value),
    }


@pytest.mark.parametrize("value", ["", "   "], ids=["empty", "spaces"])
@pytest.mark.parametrize("place", list(_places("", "")))
def test_an_empty_or_blank_place_to_write_is_refused_before_anything_is_written(
        tmp_path, base, run_cli, monkeypatch, place, value):
    # Empty (an unset variable in a cron line) went to the terminal, the working folder or a default file;
    # spaces made a file of that name.
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(*_places(base, value)[place])
    option = place.split()[-1]
    said = "only spaces" if value else "empty"
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith(f"compliance: error: {option[2:]}: {option} is {said} ("), err
    assert listing(tmp_path) == ["base.csv"]


@pytest.mark.parametrize("name, said", [("kpi.png", "as .png"), ("kpi", "as a file without an extension"),
                                        ("kpi.svg.txt", "as .txt")])
def test_a_chart_not_named_svg_is_refused_before_anything_is_written(tmp_path, base, run_cli, name, said):
    chart = tmp_path / name
    code, out, err = run_cli("kpi", str(base), "--as-of", "2026-01-01", "--output", str(tmp_path / "kpi.csv"),
                             "--chart", str(chart))
    refused_in_one_line(code, err, chart, f"chart: the chart is SVG: cannot write it {said}",
                        "(name the file .svg, e.g. --chart kpi.svg)")
    assert out == "" and listing(tmp_path) == ["base.csv"]


def test_a_chart_named_svg_in_capitals_or_sent_to_a_device_is_written(tmp_path, base, run_cli):
    code, _, err = run_cli("kpi", str(base), "--as-of", "2026-01-01", "--chart", str(tmp_path / "KPI.SVG"))
    assert code == 0 and (tmp_path / "KPI.SVG").read_text().startswith("<svg"), err
    code, _, err = run_cli("kpi", str(base), "--as-of", "2026-01-01", "--chart", "/dev/null")
    assert code == 0 and err == "", err


def test_an_output_named_svg_is_pointed_to_the_chart_option(tmp_path, base, run_cli):
    # It held the text table, in a file every browser would fail to show.
    output = tmp_path / "kpi.svg"
    code, out, err = run_cli("kpi", str(base), "--as-of", "2026-01-01", "--output", str(output))
    assert code == 2 and out == "" and listing(tmp_path) == ["base.csv"]
    assert err.strip() == (f"compliance: error: output: this command writes no .svg file (the chart is written with "
                           f"--chart {output}; give a file name ending .csv, .json, .parquet, .xlsx)")


# -- what the command reads besides its records: never replaced by what it writes -----------------------------------

def test_an_output_naming_a_rule_pack_or_mapping_the_command_reads_is_refused_and_the_file_kept(tmp_path, run_cli):
    local = tmp_path / "local.yaml"
    local.write_bytes((ROOT / "examples" / "local-targets.yaml").read_bytes())
    mapping = tmp_path / "list5.yaml"
    mapping.write_bytes((ROOT / "mappings" / "annex-a-list5.yaml").read_bytes())
    before = local.read_bytes(), mapping.read_bytes()
    for args in (("check", str(ROOT / "examples" / "inspections.yaml"), "--add-rules", str(local), "--output",
                  str(local)),
                 ("kpi", str(ROOT / "examples" / "inspections.yaml"), "--rules", str(tmp_path), "--output", str(local)),
                 ("map", str(FIXTURES / "casework" / "annex-a-list5.csv"), "--mapping", str(mapping), "--output",
                  str(mapping), "--skip-bad-rows")):
        code, out, err = run_cli(*args)
        assert (code, out) == (2, ""), args
        assert "which this command reads: writing it would replace it" in err, err
    assert (local.read_bytes(), mapping.read_bytes()) == before


def test_an_output_naming_a_calendar_file_in_use_is_refused(tmp_path, run_cli, monkeypatch):
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    mine = calendars / "england-and-wales.yaml"
    mine.write_bytes((ROOT / "calendars" / "england-and-wales.yaml").read_bytes())
    monkeypatch.setenv("COMPLIANCE_CALENDARS", str(calendars))
    code, _, err = run_cli("check", str(ROOT / "examples" / "inspections.yaml"), "--output", str(mine))
    assert code == 2 and "which this command reads" in err
    assert mine.read_bytes() == (ROOT / "calendars" / "england-and-wales.yaml").read_bytes()


def test_a_report_folder_that_is_the_folder_of_records_is_refused(tmp_path, run_cli):
    # The first night worked; every night after read the report's own latest.csv as records, and failed.
    records = tmp_path / "records"
    records.mkdir()
    (records / "tracker.csv").write_bytes((FIXTURES / "records" / "tracker.csv").read_bytes())
    code, _, err = run_cli("report", str(records), "--out", str(records), "--as-of", "2026-11-20", "--quiet")
    assert code == 2 and "--out is the folder of records this command reads" in err
    assert sorted(p.name for p in records.iterdir()) == ["tracker.csv"]


def test_calendar_import_refuses_a_fifo_or_a_device_instead_of_blocking(tmp_path, run_cli):
    fifo = tmp_path / "govuk.json"
    os.mkfifo(fifo)
    for source in (str(fifo), "/dev/zero"):
        code, _, err = run_cli("calendar", "import", source, "--output", str(tmp_path / "c.yaml"))
        assert code == 2 and "not a file" in err, err
    assert not (tmp_path / "c.yaml").exists()
