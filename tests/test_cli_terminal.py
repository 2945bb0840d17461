"""Text from inputs reaching a terminal: `rules list`, `rules show`, every error line and `report`'s log lines
show control characters as escapes and keep each line one line, whether stdout is a terminal or a file
(a file written to stdout is often viewed with `cat`, and cron mails the log)."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

#: Escape codes a terminal obeys: colour, the bell, the 8-bit CSI (U+009B), OSC 0 (window title) and OSC 52
#: (write the clipboard).
ESCAPES = ["\x1b[31m", "\x07", "\x9b2J", "\x1b]0;owned\x07", "\x1b]52;c;ZXZpbA==\x07"]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: A line break and what follows it, made to look like a line the report's log writes.
FORGED = "\n2026-11-20T06:00:00+0000 INFO run 1: 0 overdue, 0 due within 10 working days, 0 late completions"

PACK = """\
pack: hostile
title: A pack whose text carries escape codes
rules:
  - id: hostile-publish
    title: "Publish {e} the report"
    kind: local-target
    duty_holder: "The council {e}"
    applies_to: inspection
    trigger: report_received
    completion: report_published
    period: 30 days
    in_force:
      from: 2018-01-01
    source:
      citation: "Cabinet decision {e}"
      verification: primary
      wording: "within 30 days {e}"
    notes: "notes {e}"
"""


def hostile_pack(tmp_path: Path) -> Path:
    escaped = "".join(ESCAPES).replace("\\", "\\\\").encode("unicode_escape").decode("ascii").replace('"', '\\"')
    path = tmp_path / "hostile.yaml"
    path.write_text(PACK.format(e=escaped), encoding="utf-8")
    return path


def on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run the command with stdout and stderr on a pseudo-terminal; its exit code and everything it showed."""
    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], stdout=follower, stderr=follower,
                             stdin=subprocess.DEVNULL, cwd=ROOT)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return child.wait(timeout=60), shown.decode("utf-8")


@pytest.mark.parametrize("command", [["rules", "list"], ["rules", "show", "hostile-publish"]])
def test_rules_list_and_show_print_escape_codes_as_escapes(tmp_path, run_cli, command):
    pack = hostile_pack(tmp_path)
    code, out, err = run_cli(*command, "--add-rules", str(pack))
    assert code == 0, err
    assert "Cabinet decision \\x1b[31m\\x07\\x9b2J\\x1b]0;owned\\x07" in out
    assert not RAW.search(out)
    code, shown = on_a_terminal([*command, "--add-rules", str(pack)])
    assert code == 0 and "Cabinet decision \\x1b[31m" in shown
    assert not RAW.search(shown.replace("\r\n", "\n"))


def test_a_problem_quoting_a_cell_stays_one_line_with_its_escapes_shown(tmp_path, run_cli):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text("id,kind\nnorthby,\"inspection" + "".join(ESCAPES) + FORGED.replace("\n", "\u2028") + "\"\n")
    code, _, err = run_cli("check", str(tracker), "--as-of", "2026-11-20")
    assert code == 2
    assert not RAW.search(err)
    assert "\\u2028" in err and "\\x1b]52;c;ZXZpbA==\\x07" in err


def test_report_log_lines_cannot_be_forged_or_carry_escape_codes(tmp_path):
    """Under --skip-bad-rows the log names each bad row, quoting its cells: every line the log gets is one
    the report wrote, timestamped, with the cells' line breaks and escape codes shown as escapes."""
    tracker = tmp_path / "tracker.csv"
    good = (FIXTURES / "records" / "tracker.csv").read_text().splitlines()[:3]  # the header and two good rows
    hostile = "".join(ESCAPES)
    lines = [*good, f'bad-1,"inspect{FORGED}",Northby,ILACS,false,2019-12-12,,,,',
             f'bad-2,"inspect{FORGED.replace(chr(10), chr(0x2028))}",Northby,ILACS,false,2019-12-12,,,,',
             f'bad-3,inspection,"{hostile}",SIF{hostile},false,2019-12-12,,,,']
    tracker.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["report", str(tracker), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"), "--skip-bad-rows"]
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr
    logged = done.stderr.split("\n")[:-1]
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (INFO|WARNING|ERROR) ")
    assert all(stamp.match(line) for line in logged), done.stderr
    skipped = [line for line in logged if " skipped: " in line]
    assert len(skipped) == 3, done.stderr
    assert "run 1: 0 overdue" not in "".join(line for line in logged if "skipped" not in line)
    assert not RAW.search(done.stderr.replace("\n", ""))
    assert "\\n2026-11-20T06:00:00+0000 INFO run 1" in skipped[0] and "\\u2028" in skipped[1]
    code, shown = on_a_terminal(args)
    assert code in (0, 1) and not RAW.search(shown.replace("\r\n", ""))


#: What a cell or a file name may hold to take over a terminal: each must be shown as escapes, never obeyed.
HOSTILE = "".join(ESCAPES)


def test_track_shows_an_event_files_record_id_escaped(tmp_path, run_cli):
    events = tmp_path / "events.csv"
    text = (ROOT / "examples" / "inspection-events.csv").read_text(encoding="utf-8")
    events.write_text(text.replace("example-heath-2026-ilacs", f"a{HOSTILE}b"), encoding="utf-8")
    code, out, err = run_cli("track", str(events), "--as-of", "2026-11-20")
    assert code in (0, 1), err
    assert not RAW.search(out.replace("\n", "")) and not RAW.search(err.replace("\n", ""))
    shown = [line for line in out.splitlines() if "\\x1b[31m" in line]
    assert shown and all("a\\x1b[31m\\x07\\x9b2J" in line for line in shown)
    # Padded as shown: the other record's rows line up with the escaped id's.
    opened = [line for line in out.splitlines() if line.startswith("  opened ")]
    assert len({line.index(" la-publish-report") for line in opened if "la-publish-report" in line}) == 1


def test_kpi_shows_a_team_and_a_record_id_escaped_and_the_data_formats_keep_them(tmp_path, run_cli):
    records = tmp_path / "referrals.csv"
    records.write_text("id,kind,team,referral,referral_decision,target:referral-decision-1wd\n"
                       f"r{HOSTILE}1,referral,t{HOSTILE}red,2025-01-02,2025-01-03,2025-01-02\n"
                       "r2,referral,blue,2025-01-02,2025-02-20,\n", encoding="utf-8")
    code, out, err = run_cli("kpi", str(records), "--as-of", "2025-06-01", "--by", "team")
    assert code == 0, err
    assert not RAW.search(out.replace("\n", "")) and not RAW.search(err.replace("\n", ""))
    assert "t\\x1b[31m\\x07\\x9b2J" in out and "r\\x1b[31m" in out  # the team, and the targets' example record
    code, out, err = run_cli("kpi", str(records), "--as-of", "2025-06-01", "--by", "team", "--format", "json")
    assert code == 0 and not RAW.search(out.replace("\n", "")), err
    assert f"t{HOSTILE}red" in {row["team"] for row in json.loads(out)["rows"]}


def test_the_kpi_chart_holds_no_control_character(tmp_path, run_cli):
    chart, tracker = tmp_path / "kpi.svg", tmp_path / "tracker.csv"
    tracker.write_text("\n".join((FIXTURES / "records" / "tracker.csv").read_text().splitlines()[:3]) + "\n")
    code, _, err = run_cli("kpi", str(tracker), "--as-of", "2026-11-20",
                           "--add-rules", str(hostile_pack(tmp_path)), "--chart", str(chart))
    assert code == 0, err
    svg = chart.read_text(encoding="utf-8")
    assert "Publish \\x1b[31m" in svg and not RAW.search(svg.replace("\n", ""))


@pytest.mark.parametrize("fmt", ["table", "md", "json"])
def test_plan_shows_a_value_given_escaped(run_cli, fmt):
    code, out, err = run_cli("plan", "inspection", "id=x", "framework=ILACS", "report_received=01/06/2025",
                             f"authority=A{HOSTILE}", "--as-of", "2025-06-02", "--format", fmt)
    assert code == 0, err
    assert not RAW.search(out.replace("\n", "")) and not RAW.search(err.replace("\n", ""))
    if fmt == "json":
        assert json.loads(out)["given"]["attributes"]["authority"] == f"A{HOSTILE}"  # the data keeps the value
    elif fmt == "table":
        assert "authority A\\x1b[31m\\x07\\x9b2J" in out.splitlines()[0]
    else:  # the same, as Markdown text: its backslashes and brackets escaped
        assert "authority A\\\\x1b\\[31m\\\\x07\\\\x9b2J" in out.splitlines()[0]


def test_a_folders_file_names_are_shown_escaped(tmp_path, run_cli):
    folder = tmp_path / "fold"
    folder.mkdir()
    (folder / f"ev{HOSTILE.replace('/', '')}il.csv").write_bytes((FIXTURES / "records" / "tracker.csv").read_bytes())
    (folder / f"notes{chr(0x1b)}[2J.txt").write_text("not records")
    code, out, err = run_cli("check", str(folder), "--as-of", "2026-11-20")
    assert code == 2, err  # the fixture's two bad rows: each problem names the file too
    assert not RAW.search(out.replace("\n", "")) and not RAW.search(err.replace("\n", ""))
    assert "(ev\\x1b[31m" in err and "not read: notes\\x1b[2J.txt" in err and "\\x07il.csv:5:6: " in err


def test_wrote_names_the_file_escaped(tmp_path, run_cli):
    code, _, err = run_cli("template", "inspection", "--output", str(tmp_path / f"t{HOSTILE.replace('/', '')}.csv"))
    assert code == 0 and "wrote " in err and "\\x1b[31m" in err
    assert not RAW.search(err.replace("\n", ""))


def test_a_usage_error_quotes_the_argument_escaped(capsys):
    import cli

    with pytest.raises(SystemExit) as exited:
        cli.main(["check", "--format", f"x{HOSTILE}"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "'x\\x1b[31m" in err
    assert not RAW.search(err.replace("\n", ""))


def test_calendar_show_prints_a_calendar_files_text_escaped(tmp_path):
    """A calendar file of one's own (COMPLIANCE_CALENDARS) names the calendar and its days: shown, never obeyed.
    In a process of its own: calendars, once built, are kept for the process."""
    folder = tmp_path / "calendars"
    folder.mkdir()
    text = (ROOT / "calendars" / "england-and-wales.yaml").read_text(encoding="utf-8")
    text = text.replace("title: England and Wales", 'title: "England \\x1b[31mand\\x07 Wales"')
    text = text.replace("name: Millennium bank holiday", 'name: "Millennium \\x1b]0;owned\\x07bank holiday"')
    (folder / "england-and-wales.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "calendar", "show", "1999-12-31"],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path,
                            env={**os.environ, "COMPLIANCE_CALENDARS": str(folder),
                                 "COMPLIANCE_CACHE_DIR": str(tmp_path / "cache")})
    code, out, err = result.returncode, result.stdout, result.stderr
    assert code == 0, err
    assert "England \\x1b[31mand\\x07 Wales" in out and "Millennium \\x1b]0;owned\\x07bank holiday" in out
    assert not RAW.search(out)


def test_template_prints_a_vocabularys_text_escaped(tmp_path, run_cli):
    """A pack may add to the vocabulary: its descriptions are shown as the template's columns, never obeyed."""
    pack = hostile_pack(tmp_path)
    pack.write_text(pack.read_text(encoding="utf-8") + 'vocabulary:\n  kinds:\n    inspection:\n      attributes:\n'
                    '        lead: {type: string, description: "Lead officer \\x1b]0;owned\\x07"}\n',
                    encoding="utf-8")
    code, out, err = run_cli("template", "inspection", "--add-rules", str(pack))
    assert code == 0, err
    assert "Lead officer \\x1b]0;owned\\x07" in out and not RAW.search(out)
