"""The YAML reader: safe, positioned, and loud about duplicate keys."""

import os
from datetime import date, datetime

import pytest
from hypothesis import given, settings, strategies as st

from compliance.errors import InputError
from compliance.yamlio import load_yaml

from conftest import printed_input_error


def test_positions_are_one_based_lines_and_columns():
    doc = load_yaml("a: 1\nb:\n  c: 2018-12-05\n", "f.yaml")
    assert doc.value == {"a": 1, "b": {"c": date(2018, 12, 5)}}
    assert doc.positions[("b", "c")] == (3, 6)
    assert doc.key_positions[("b", "c")] == (3, 3)


def test_duplicate_key_is_an_error_naming_both_lines():
    with pytest.raises(InputError) as exc:
        load_yaml("period: 30 working days\nid: x\nperiod: 30 days\n", "rule.yaml")
    problem = exc.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("rule.yaml", 3, 1)
    assert "duplicate key 'period'" in problem.message and "line 1" in problem.message


def test_unsafe_tags_are_refused():
    with pytest.raises(InputError) as exc:
        load_yaml("x: !!python/object/apply:os.system ['true']\n", "evil.yaml")
    assert exc.value.problems[0].line == 1


@pytest.mark.parametrize("text, tag", [
    ("title: !!python/name:os.system t\n", "tag:yaml.org,2002:python/name:os.system"),  # a rule pack's, issue D6
    ("title: !local t\n", "!local"),
])
def test_a_tag_on_a_plain_value_is_refused_in_the_tools_words_not_pyyamls(text, tag):
    with pytest.raises(InputError) as exc:
        load_yaml(text, "pack.yaml")
    [problem] = exc.value.problems
    assert str(problem) == f"pack.yaml:1:8: unsupported YAML tag {tag} (write plain text, numbers and dates)"


def test_syntax_error_has_a_line():
    with pytest.raises(InputError) as exc:
        load_yaml("a: [1, 2\nb: 3\n", "bad.yaml")
    assert exc.value.problems[0].line is not None
    assert "invalid YAML" in exc.value.problems[0].message


def test_impossible_date_is_kept_as_text_when_not_strict():
    doc = load_yaml("d: 2019-02-30\n", "f.yaml", strict=False)
    assert doc.value == {"d": "2019-02-30"}
    assert doc.problems[0].line == 1 and "day is out of range" in doc.problems[0].message
    with pytest.raises(InputError):
        load_yaml("d: 2019-02-30\n", "f.yaml")


def test_alias_bomb_is_refused_not_expanded():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 8):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    with pytest.raises(InputError) as exc:
        load_yaml(bomb, "bomb.yaml")
    assert "too many values" in exc.value.problems[0].message



def test_a_file_of_millions_of_values_is_refused_as_it_is_read_within_a_memory_cap(tmp_path):
    """Issue: every value was composed before any was counted, some 360 bytes each: a 10 MB file of 5,000,000
    values took 1.8 GB and 18 s to be refused, a 50 MB one 9 GB. In a child allowed 1 GiB, 24 MB of 12,000,000
    numbers is refused at its 1,000,001st value: the mapping, its key and the list are three, so the 999,998th
    number, in column 11 + 2 x 999,997 = 2,000,005."""
    path = tmp_path / "records.yaml"
    path.write_text("records: [" + ",".join(["1"] * 12_000_000) + "]\n", encoding="utf-8")
    printed = printed_input_error("from pathlib import Path\nfrom compliance.yamlio import load_yaml\n"
                                  "load_yaml(Path(sys.argv[1]).read_text(), 'records.yaml')", str(path))
    assert printed == ("records.yaml:1:2000005: the document holds more than 1,000,000 values, too many to read "
                           "(split it into smaller files)\n")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    try:
        load_yaml(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems and all(p.file == "fuzz.yaml" for p in exc.problems)


@pytest.mark.parametrize("text, value", [
    ("0123", "0123"),          # YAML 1.1: the octal 83; a child's id or a team code here
    ("007", "007"),
    ("12:30:00", "12:30:00"),  # YAML 1.1: 45,000 (base 60)
    ("1_000", "1_000"),
    ("yes", "yes"), ("No", "No"), ("on", "on"), ("OFF", "OFF"), ("y", "y"),
    ("12", 12), ("-3", -3), ("0", 0), ("1.5", 1.5), ("0x1F", 31),
    ("true", True), ("False", False), ("~", None), ("2024-01-02", date(2024, 1, 2)),
])
def test_plain_values_follow_yaml_1_2_not_1_1_guessing(text, value):
    assert load_yaml(f"v: {text}\n", "f.yaml").value == {"v": value}


def test_an_id_with_a_leading_zero_reaches_the_record_as_written(tmp_path):
    from compliance import load_records

    path = tmp_path / "children.yaml"
    path.write_text("records:\n  - id: 0123\n    kind: referral\n    events:\n      referral: 2024-01-08\n")
    assert [r.id for r in load_records([path])] == ["0123"]


def test_mail_settings_keep_yes_as_a_word_the_settings_reader_understands():
    assert load_yaml("starttls: yes\nport: 0587\n", "mail.yaml").value == {"starttls": "yes", "port": "0587"}


@pytest.mark.parametrize("text", ["!!timestamp soon", "!!int x", "!!float y"])
def test_an_explicit_tag_that_cannot_be_read_is_a_located_problem(text):
    with pytest.raises(InputError) as exc:
        load_yaml(f"a: 1\nb: {text}\n", "f.yaml")
    assert (exc.value.problems[0].line, exc.value.problems[0].column) == (2, 4)
    # Only a date is told how dates are written.
    assert exc.value.problems[0].hint == ("dates are written YYYY-MM-DD" if "timestamp" in text
                                          else "write the value without its tag")



def test_a_number_too_long_to_read_is_named_by_its_length_and_start_not_in_pythons_words():
    """Python refuses to turn more than 4,300 digits into a number; its message told the reader to call
    sys.set_int_max_str_digits and echoed all 100,000 digits."""
    located = load_yaml("a: 1\nb: " + "9" * 100_000 + "\n", "f.yaml", strict=False)
    [problem] = located.problems
    assert str(problem) == ("f.yaml:2:4: '" + "9" * 40 + "'... (100,000 characters) is not a valid value: a number "
                            "of 100,000 digits is too long to read (write it in quotes if it is text (an id, a team), "
                            "or leave it out)")
    assert located.value["b"] == "9" * 100_000


def test_a_long_tag_or_a_long_key_given_twice_is_named_by_its_start_and_length():
    with pytest.raises(InputError) as exc:
        load_yaml("a: !" + "x" * 5000 + " 1\n", "f.yaml")
    assert str(exc.value.problems[0]) == ("f.yaml:1:4: unsupported YAML tag !" + "x" * 39 + "... (5,001 characters) "
                                          "(write plain text, numbers and dates)")
    key = "k" * 1001
    with pytest.raises(InputError) as exc:
        load_yaml(f"? {key}\n: 1\n? {key}\n: 2\n", "f.yaml")
    assert exc.value.problems[0].message == ("duplicate key '" + "k" * 40 + "'... (1,001 characters) "
                                             "(first given at line 1)")


CACHED = """\
id: x-1
in_force: {from: 2013-04-15, to: null}
stamp: 2024-03-31 01:30:00
zoned: 2024-03-31 01:30:00+05:30
2024-01-01: a date as a key
7: a number as a key
true: a boolean as a key
1.5: a number with a point as a key
m: {l: [1, 2.5, -0.0, "t", 2.0, true, 1], d: "2020-01-01", p: [x]}
list: [[], {}, [{a: 1}], "", .inf, -.inf, 1e16]
"""


def _same(a, b) -> bool:
    """Equal and of the same types all the way down (== alone takes True for 1, 1.0 for 1, and one instant in
    two time zones for the same)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(x, y) for x, y in zip(a, b)) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, datetime):
        return a == b and a.tzinfo == b.tzinfo
    if isinstance(a, float) and a != a:
        return b != b
    return a == b


def _same_located(a, b) -> bool:
    return (_same(a.value, b.value) and a.file == b.file and a.problems == b.problems
            and _same(list(a.positions.items()), list(b.positions.items()))
            and _same(list(a.key_positions.items()), list(b.key_positions.items())))


def test_a_document_read_from_the_cache_is_the_one_parsed(tmp_path, monkeypatch):
    """Values and their types (a mapping shaped like the cache's own tags, keys that are dates, numbers and
    booleans, times with and without a zone, 1 beside 1.0 and true) and every position, in order."""
    from compliance.yamlio import load_yaml_cached

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    parsed = load_yaml(CACHED, "pack.yaml")
    first, again = load_yaml_cached(CACHED, "pack.yaml"), load_yaml_cached(CACHED, "other.yaml")
    assert len(list((tmp_path / "yaml").iterdir())) == 1
    assert _same_located(first, parsed) and again.file == "other.yaml"
    assert _same_located(again, load_yaml(CACHED, "other.yaml"))
    assert {type(k) for k in again.value} == {str, date, int, bool, float}
    assert again.key_positions[(date(2024, 1, 1),)] == (5, 1)


def test_the_bundled_rules_read_from_the_cache_are_the_ones_parsed(tmp_path, monkeypatch):
    from compliance.resources import rules_dir
    from compliance.yamlio import load_yaml_cached

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    for path in sorted(rules_dir().glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        load_yaml_cached(text, str(path), strict=False)
        assert _same_located(load_yaml_cached(text, str(path), strict=False), load_yaml(text, str(path), strict=False))


def test_the_cache_never_stands_in_for_a_parse_it_cannot_vouch_for(tmp_path, monkeypatch):
    """Edited text is parsed again; a damaged cache file, however damaged, is parsed over; problems are never
    kept, so they are reported at every run; a cache folder that cannot be written is no error."""
    from compliance.yamlio import load_yaml_cached

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    assert load_yaml_cached("a: 1\n", "f.yaml").value == {"a": 1}
    assert load_yaml_cached("a: 2\n", "f.yaml").value == {"a": 2}
    for damage in ('{"value": {"m": [["a", 9]]', "[" * 100_000 + "]" * 100_000, '{"value": {"d": "2023-02-30"}}'):
        for kept in (tmp_path / "yaml").iterdir():
            kept.write_text(damage, encoding="utf-8")
        assert load_yaml_cached("a: 1\n", "f.yaml").value == {"a": 1}
    bad = "when: 2007-04-31\n"
    for _ in range(2):
        assert load_yaml_cached(bad, "g.yaml", strict=False).problems
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert load_yaml_cached("b: [1]\n", "f.yaml").value == {"b": [1]}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file modes and owners are POSIX's")
def test_a_kept_document_others_could_have_written_is_not_read(tmp_path, monkeypatch):
    """A cache file anyone in the group could change, or a pipe in its place, is parsed over, never read: what
    the cache holds stands in for the rules. A folder this user left group-writable is closed first."""
    from compliance.yamlio import load_yaml_cached

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    (tmp_path / "yaml").mkdir(mode=0o775)
    os.chmod(tmp_path / "yaml", 0o775)
    load_yaml_cached("a: 1\n", "f.yaml")
    assert (tmp_path / "yaml").stat().st_mode & 0o777 == 0o700
    [kept] = (tmp_path / "yaml").iterdir()
    assert kept.stat().st_mode & 0o077 == 0
    kept.write_text('{"value": {"m": [["a", 9]]}, "positions": [], "keys": []}', encoding="utf-8")
    assert load_yaml_cached("a: 1\n", "f.yaml").value == {"a": 9}  # this user's own file is trusted
    kept.write_text('{"value": {"m": [["a", 9]]}, "positions": [], "keys": []}', encoding="utf-8")
    os.chmod(kept, 0o664)
    assert load_yaml_cached("a: 1\n", "f.yaml").value == {"a": 1}
    kept.unlink()
    os.mkfifo(kept)
    assert load_yaml_cached("a: 1\n", "f.yaml").value == {"a": 1}
    assert kept.is_file()


def test_old_documents_are_removed_beyond_those_kept(tmp_path, monkeypatch):
    from compliance import yamlio

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(yamlio, "_KEPT", 3)
    for n in range(6):
        yamlio.load_yaml_cached(f"a: {n}\n", "f.yaml")
    assert len(list((tmp_path / "yaml").iterdir())) == 3
    assert yamlio.load_yaml_cached("a: 5\n", "f.yaml").value == {"a": 5}


def test_partial_leaves_out_a_value_that_cannot_be_read_and_reads_the_rest():
    # A file of records: a key given twice, a tag and nesting too deep each left out where they are, with their path,
    # so that the reader leaves out only the record holding one (the 100th bracket, at column 109, is 101 values
    # deep). Without partial, the first stops the document.
    text = ("- {id: a, id: b}\n"
            "- id: !!python/object/apply:os.system [true]\n"
            "- notes: " + "[" * 101 + "]" * 101 + "\n"
            "- id: ok\n")
    doc = load_yaml(text, "r.yaml", strict=False, partial=True)
    assert doc.value == [{"id": "a"}, {"id": None}, {"notes": doc.value[2]["notes"]}, {"id": "ok"}]
    assert [(path[:2], p.line, p.column, p.field, p.message) for path, p in doc.unread.items()] == [
        ((0, "id"), 1, 11, "id", "duplicate key 'id' (first given at line 1)"),
        ((1, "id"), 2, 7, "id", "unsupported YAML tag tag:yaml.org,2002:python/object/apply:os.system"),
        ((2, "notes"), 3, 109, "notes", "nested more than 100 levels deep")]
    assert doc.problems == list(doc.unread.values())
    with pytest.raises(InputError) as exc:
        load_yaml(text, "r.yaml", strict=False)
    assert [(p.line, p.column) for p in exc.value.problems] == [(1, 11)]


def test_the_items_of_a_list_are_found_up_to_a_syntax_error():
    from compliance.yamlio import list_items

    text = "title: t\nrecords:\n  - id: a\n    notes: {records: [x, y]}\n  - [b]\n  - id: c\n    kind: [x\n"
    starts, end = list_items(text, "records")
    assert [text[i:i + 5] for i in starts] == ["id: a", "[b]\n ", "id: c"] and end is None  # the notes' not counted
    text = "records:\n  - a\n  - b\nother: [\n"
    starts, end = list_items(text, "records")
    assert [text[i] for i in starts] == ["a", "b"] and text[end:] == "other: [\n"  # the list ended before the error
