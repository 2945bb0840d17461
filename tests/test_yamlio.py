"""The YAML reader: safe, positioned, and loud about duplicate keys."""

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from compliance.errors import InputError
from compliance.yamlio import load_yaml


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
