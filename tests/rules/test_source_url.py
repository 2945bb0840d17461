"""A rule's source.url must be an http(s) address: in the JSON Schema editors use, and in `rules validate`,
located at file:line:column. A report renders it as a link and a calendar event's URL, so anything else
(javascript:, a line break) is refused at the door."""

from __future__ import annotations

import json
import re

import pytest

from compliance.rules import check_rules

from conftest import ROOT

RULE = """rules:
  - id: local-publish
    duty: local-publish
    title: Publish the report (a local target)
    kind: local-target
    applies_to: inspection
    duty_holder: Example Council
    trigger: report_received
    completion: report_published
    period: 30 days
    in_force: {{from: 2010-01-01}}
    source:
      citation: Example Council standing orders
      url: {url}
      verification: unverified
"""


def pack(tmp_path, url):
    path = tmp_path / "local.yaml"
    path.write_text(RULE.format(url=url), encoding="utf-8")
    return path


@pytest.mark.parametrize("url, shown", [
    ('"javascript:alert(document.domain)"', "'javascript:alert(document.domain)'"),
    ('"data:text/html,<script>alert(1)</script>"', "'data:text/html,<script>alert(1)</script>'"),
    ('"https://example.gov.uk/\\r\\nATTENDEE:mailto:x@evil.example"', "'https://example.gov.uk/\\r\\nATTENDEE"),
    ('"https://example.gov.uk/\\n"', "'https://example.gov.uk/\\n'"),
    ('"https://example.gov.uk/a page"', "'https://example.gov.uk/a page'"),
    ("ftp://example.gov.uk/file", "'ftp://example.gov.uk/file'"),
    ("//example.gov.uk/no-scheme", "'//example.gov.uk/no-scheme'"),
])
def test_a_url_that_is_not_http_is_a_located_problem(tmp_path, run_cli, url, shown):
    path = pack(tmp_path, url)
    _, problems = check_rules([path])
    assert len(problems) == 1
    (problem,) = problems
    assert (problem.file, problem.line, problem.column) == (str(path), 14, 12)
    assert f"{shown}" in problem.message and "is not an http:// or https:// address" in problem.message
    code, _, err = run_cli("rules", "validate", str(path))
    (line,) = [line for line in err.splitlines() if line.startswith(f"{path}:14:12: ")]
    assert code == 2 and shown in line and line.endswith("(give the http:// or https:// address of the source, "
                                                         "on one line)")


@pytest.mark.parametrize("url", ["https://www.legislation.gov.uk/uksi/2007/462/regulation/2/made",
                                 "HTTP://example.gov.uk/standing-orders?part=3#s2", "https://example.gov.uk/é"])
def test_http_addresses_are_accepted(tmp_path, url):
    _, problems = check_rules([pack(tmp_path, url)])
    assert problems == []


def test_the_schema_editors_read_says_so_too():
    schema = json.loads((ROOT / "rules" / "rule-pack.schema.json").read_text())
    pattern = schema["$defs"]["rule"]["properties"]["source"]["properties"]["url"]["pattern"]
    assert re.search(pattern, "https://www.legislation.gov.uk/uksi/2007/462")
    assert not re.search(pattern, "javascript:alert(1)")
    assert not re.search(pattern, "https://a.example/\r\nX:1")
