"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

The browser must be Debian's (CI installs the `chromium` package); Playwright never downloads its own.
Outside CI the test skips when Chromium is absent; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from compliance.nightly import ReportOptions, run_report

from conftest import FIXTURES, read_json

COUNCIL = FIXTURES / "report" / "council.yaml"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A4 is 210 mm wide; less the report's 12 mm side margins that leaves 186 mm, 703 CSS pixels.
A4_PRINTABLE_PX = 703

CONTRAST = """
() => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
                              if (c && !c.startsWith('rgba(0, 0, 0, 0)')) return rgb(c); } return [255, 255, 255]; };
  const out = [];
  for (const el of document.querySelectorAll('.tag, .card .count, .card .label, .card .hint, td, th, caption, p, h1, h2, a, summary, figcaption, dd, dt')) {
    if (!el.textContent.trim() || !el.getClientRects().length) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    out.push([el.className || el.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Debian's chromium is not installed ({CHROMIUM}); .ci/run must install it")
        pytest.skip("Debian's chromium is not installed: apt-get install chromium (.ci/run does this in CI)")
    if os.environ.get("CI") == "true":
        from playwright.sync_api import sync_playwright
    else:
        sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


#: A folder with a long name, as a clone in a long temporary folder or a deep shared drive has: the page shows the
#: records' path in its header, and no test may depend on where the checkout is.
LONG_FOLDER = ("ChildrensServicesPerformanceTeamSharedDrive" * 3, "InspectionsAndStatutoryDeadlinesTrackerArchive2026")
WINDOWS_SHARE = r"\\fs01\ChildrensServices\Performance\inspections.xlsx"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    folder = out.joinpath(*LONG_FOLDER)
    folder.mkdir(parents=True)
    records = folder / "council-inspections-tracker-maintained-by-the-performance-and-quality-team.yaml"
    shutil.copy(COUNCIL, records)
    for as_of in (date(2026, 11, 20), date(2026, 11, 27)):
        run_report(ReportOptions(records=[str(records)], out=out, as_of=as_of),
                   datetime.combine(as_of, datetime.min.time(), timezone.utc).replace(hour=6))
    return out


def open_report(browser, report_dir, width=1280, name="latest.html"):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems, outside = [], []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def no_network(route):
        if not route.request.url.startswith("file://"):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", no_network)
    page.goto((report_dir / name).as_uri())
    page.wait_for_load_state("load")
    return page, problems, outside


def test_report_in_chromium(browser, report_dir):
    page, problems, outside = open_report(browser, report_dir)
    expected = read_json(report_dir / "latest.json.gz")["report"]["summary"]
    shown = {key: int(page.locator(f'[data-summary="{key}"] .count').inner_text().replace(",", ""))
             for key in ("overdue", "due_within_window", "late_in_period", "met")}
    assert shown == {k: expected[k] for k in shown}
    assert shown == {"overdue": 1, "due_within_window": 3, "late_in_period": 1, "met": 1}
    assert problems == []
    assert outside == []
    assert page.title() == "Statutory deadlines report as of Friday 27 November 2026"
    # Every row of the open-duties table is a duty still open.
    tags = [t for t in page.locator("section[aria-labelledby=open] tbody .tag").all_inner_texts() if t]
    assert tags and set(tags) <= {"Overdue", "Due"}
    shot = report_dir / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    print(f"screenshot: {shot}")
    page.close()


def test_text_has_enough_contrast(browser, report_dir):
    page, _, _ = open_report(browser, report_dir)
    ratios = page.evaluate(CONTRAST)
    assert len(ratios) > 100
    low = [(what, round(r, 2)) for what, r in ratios if r < 4.5]
    assert low == []  # WCAG 2.1 AA for normal text
    page.close()


def test_no_sideways_scrolling_on_a_phone(browser, report_dir):
    page, problems, _ = open_report(browser, report_dir, width=375)
    # Wide tables scroll inside their own labelled region; the page itself does not, long paths included.
    assert len(page.locator("header .meta").inner_text()) > 250
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert problems == []
    page.close()


def test_a_windows_share_in_the_header_wraps_on_a_phone(browser, tmp_path):
    """A tracker on \\\\fs01\\... and a long title: long unbroken words wrap instead of widening the page."""
    from compliance.engines import evaluate
    from compliance.nightly._build import build_report
    from compliance.nightly._html import to_html
    from compliance.records import load_records
    from compliance.rules import load_rules

    rules = load_rules()
    findings = evaluate(load_records([COUNCIL], rules.vocabulary), rules, date(2026, 11, 27))
    model = build_report(findings, date(2026, 11, 27), datetime(2026, 11, 27, 6, tzinfo=timezone.utc),
                         record_files=[WINDOWS_SHARE + "-" + "x" * 60], rule_files=["/".join(LONG_FOLDER) + "/rules"],
                         title="ChildrensServicesStatutoryDeadlinesReportForTheDirectorOfChildrensServices")
    (tmp_path / "report.html").write_text(to_html(model), encoding="utf-8")
    page, problems, _ = open_report(browser, tmp_path, width=375, name="report.html")
    assert WINDOWS_SHARE in page.locator("header .meta").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert problems == []
    page.close()


def test_what_to_do_this_week_is_above_the_fold(browser, report_dir):
    """On a desktop screen the duties due soon are in sight without scrolling, before what changed."""
    page, _, _ = open_report(browser, report_dir)
    top = page.evaluate("document.getElementById('due-soon').getBoundingClientRect().top")
    assert top < 900
    rows = page.locator("section[aria-labelledby=open] h3#due-soon + div tbody tr")
    assert rows.count() == 3 and set(rows.locator(".tag").all_inner_texts()) == {"Due"}
    page.close()


def test_prints_on_a4(browser, report_dir):
    page, problems, _ = open_report(browser, report_dir, width=A4_PRINTABLE_PX)
    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_PRINTABLE_PX
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    pdf = report_dir / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = {tuple(float(v) for v in box.split()) for box in re.findall(rb"/MediaBox \[([\d. ]+)\]", data)}
    assert boxes and all(abs(w - 595.28) < 1.5 and abs(h - 841.89) < 1.5 for _, _, w, h in boxes)  # A4 in points
    assert problems == []
    page.close()


def test_the_content_security_policy_lets_the_pages_own_style_and_script_run_and_nothing_else(browser, report_dir):
    """Chromium enforces the meta policy: the inline style and script run (their hashes match), a script added
    afterwards does not, and opened as latest.html the file links point at the latest.* files beside it."""
    page, problems, outside = open_report(browser, report_dir)
    assert page.evaluate("getComputedStyle(document.querySelector('header.masthead')).backgroundColor") == \
        "rgb(11, 12, 12)"
    links = page.eval_on_selector_all("a[data-latest]", "els => els.map(e => e.getAttribute('href'))")
    assert sorted(set(links)) == ["latest.csv", "latest.ics", "latest.json.gz", "latest.md", "latest.parquet"]
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';
                             document.body.appendChild(s); }""")
    assert page.evaluate("window.injected") is None
    assert any("Content Security Policy" in p for p in problems)  # Chromium reports the refusal
    page.close()
    dated, _, _ = open_report(browser, report_dir / "2026-11-27", name="report.html")
    links = dated.eval_on_selector_all("a[data-latest]", "els => els.map(e => e.getAttribute('href'))")
    assert sorted(set(links)) == ["deadlines.ics", "findings.csv", "findings.json.gz", "findings.parquet", "report.md"]
    dated.close()
