"""The calendar data and the Calendar class, checked against GOV.UK's published lists, the standing rules of
the Banking and Financial Dealings Act 1971, and the table in legal-timelines.md §6.2.

GOV.UK's list is the one bundled in `govuk-bank-holidays` (2012-2028, no network). GOV.UK lists only
weekday holidays, while the `holidays` package also lists the actual day when it falls at a weekend, so
every comparison is of non-working weekdays.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import holidays
import pytest

import reference
from compliance.calendars import (NonWorkingDay, Period, add_period, build, clear_cache, compute_deadline, get_calendar,
                                  read_spec)
from compliance.errors import CalendarRangeError, InputError
from conftest import ROOT

ONE_DAY = timedelta(days=1)
MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}

# legal-timelines.md §6.2, copied date by date: the weekday bank and public holidays of England and Wales.
SECTION_6_2 = {
    2010: "01Jan 02Apr 05Apr 03May 31May 30Aug 27Dec 28Dec",
    2011: "03Jan 22Apr 25Apr 29Apr 02May 30May 29Aug 26Dec 27Dec",
    2012: "02Jan 06Apr 09Apr 07May 04Jun 05Jun 27Aug 25Dec 26Dec",
    2013: "01Jan 29Mar 01Apr 06May 27May 26Aug 25Dec 26Dec",
    2014: "01Jan 18Apr 21Apr 05May 26May 25Aug 25Dec 26Dec",
    2015: "01Jan 03Apr 06Apr 04May 25May 31Aug 25Dec 28Dec",
    2016: "01Jan 25Mar 28Mar 02May 30May 29Aug 26Dec 27Dec",
    2017: "02Jan 14Apr 17Apr 01May 29May 28Aug 25Dec 26Dec",
    2018: "01Jan 30Mar 02Apr 07May 28May 27Aug 25Dec 26Dec",
    2019: "01Jan 19Apr 22Apr 06May 27May 26Aug 25Dec 26Dec",
    2020: "01Jan 10Apr 13Apr 08May 25May 31Aug 25Dec 28Dec",
    2021: "01Jan 02Apr 05Apr 03May 31May 30Aug 27Dec 28Dec",
    2022: "03Jan 15Apr 18Apr 02May 02Jun 03Jun 29Aug 19Sep 26Dec 27Dec",
    2023: "02Jan 07Apr 10Apr 01May 08May 29May 28Aug 25Dec 26Dec",
    2024: "01Jan 29Mar 01Apr 06May 27May 26Aug 25Dec 26Dec",
    2025: "01Jan 18Apr 21Apr 05May 26May 25Aug 25Dec 26Dec",
    2026: "01Jan 03Apr 06Apr 04May 25May 31Aug 25Dec 28Dec",
    2027: "01Jan 26Mar 29Mar 03May 31May 30Aug 27Dec 28Dec",
    2028: "03Jan 14Apr 17Apr 01May 29May 28Aug 25Dec 26Dec",
    2029: "01Jan 30Mar 02Apr 07May 28May 27Aug 25Dec 26Dec",
    2030: "01Jan 19Apr 22Apr 06May 27May 26Aug 25Dec 26Dec",
}


def _section_6_2(year: int) -> set[date]:
    return {date(year, MONTHS[item[2:]], int(item[:2])) for item in SECTION_6_2[year].split()}


def _weekday_holidays(calendar: str, year: int) -> set[date]:
    return {h.date for h in get_calendar(calendar).holidays(year)}


def _govuk_weekdays(division: str, year: int) -> set[date]:
    later = {d for d in reference.LATER_PROCLAMATIONS.get(division, {}) if d.year == year}
    return {d for d in reference.govuk_events(division) if d.year == year and d.weekday() < 5} | later


# -- the data against GOV.UK, the Act and §6.2 ------------------------------------------------------------

@pytest.mark.parametrize("division", reference.DIVISIONS)
def test_every_year_matches_govuks_published_list(division):
    years = reference.govuk_years(division)
    assert years.start <= 2012 and years.stop - 1 >= 2028
    wrong = []
    for year in years:
        ours, govuk = _weekday_holidays(division, year), _govuk_weekdays(division, year)
        if ours != govuk:
            wrong.append(f"{year}: only ours {sorted(ours - govuk)}, only GOV.UK {sorted(govuk - ours)}")
    assert not wrong, f"{division} differs from GOV.UK:\n" + "\n".join(wrong)


def test_proclamations_later_than_the_bundled_govuk_list_are_real_holidays_here():
    """15 June 2026 (Scotland) was proclaimed on 3 February 2026, after `govuk-bank-holidays` 0.19 was cut."""
    for division, days in reference.LATER_PROCLAMATIONS.items():
        for day in days:
            assert not get_calendar(division).is_working_day(day), (division, day)
            assert get_calendar("england-and-wales").is_working_day(day)
            assert not get_calendar("united-kingdom").is_working_day(day)


def test_united_kingdom_is_a_holiday_anywhere_in_the_uk():
    for year in reference.govuk_years("england-and-wales"):
        anywhere = set().union(*(_govuk_weekdays(d, year) for d in reference.DIVISIONS))
        assert _weekday_holidays("united-kingdom", year) == anywhere, year


def test_section_6_2_agrees_with_govuk_for_every_year_both_cover():
    """A check of the reference material itself: the hand table and GOV.UK's data must not disagree."""
    for year in range(2012, 2029):
        assert _section_6_2(year) == _govuk_weekdays("england-and-wales", year), year


@pytest.mark.parametrize("year", sorted(SECTION_6_2))
def test_england_and_wales_matches_section_6_2(year):
    assert _weekday_holidays("england-and-wales", year) == _section_6_2(year)


@pytest.mark.parametrize("year", [2010, 2011, 2026, 2027, 2028, 2029, 2030])
def test_the_act_s_standing_rules_reproduce_section_6_2_where_no_proclamation_intervened(year):
    assert reference.rule_based_england_and_wales(year) == _section_6_2(year)


@pytest.mark.parametrize("year", [y for y in range(reference.FIRST_YEAR, reference.LAST_YEAR + 1)
                                  if y not in range(2012, 2029)])
def test_england_and_wales_outside_govuks_years_follows_the_act(year):
    assert _weekday_holidays("england-and-wales", year) == reference.rule_based_england_and_wales(year)


@pytest.mark.parametrize("division", reference.DIVISIONS)
def test_every_day_is_a_working_day_exactly_when_the_reference_says(division):
    ref = reference.ReferenceCalendar(division)
    cal = get_calendar(division)
    day, wrong = ref.first, []
    while day <= ref.last:
        if cal.is_working_day(day) != ref.is_working_day(day):
            wrong.append(day)
        day += ONE_DAY
    assert not wrong, f"{division}: {wrong[:20]}"
    first_year = [o for o in cal.working_ordinals if date.fromordinal(o).year == ref.first.year]
    assert first_year == [d.toordinal() for d in _days(ref.first, date(ref.first.year, 12, 31))
                          if ref.is_working_day(d)]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# -- named days, substitutes and one-offs ----------------------------------------------------------------

def test_2022_names_the_jubilee_and_the_state_funeral():
    named = {h.date: h.reason for h in get_calendar().holidays(2022)}
    assert "Spring" in named[date(2022, 6, 2)]
    assert "Jubilee" in named[date(2022, 6, 3)]
    assert "State Funeral of Queen Elizabeth II" in named[date(2022, 9, 19)]
    assert date(2022, 5, 30) not in named


@pytest.mark.parametrize("day, fragment", [
    (date(2012, 6, 4), "Spring"), (date(2012, 6, 5), "Diamond Jubilee"),
    (date(2020, 5, 8), "May"), (date(2023, 5, 8), "Coronation"),
    (date(2011, 4, 29), "Wedding"), (date(2002, 6, 3), "Golden Jubilee"),
])
def test_one_off_days_are_non_working_with_their_names(day, fragment):
    reason = get_calendar().reason_not_working(day)
    assert reason is not None and fragment.lower() in reason.lower()


@pytest.mark.parametrize("day", [date(2012, 5, 28), date(2020, 5, 4), date(2022, 5, 30), date(2002, 5, 27),
                                 date(1977, 5, 30), date(1995, 5, 1)])
def test_days_whose_holiday_was_moved_are_working_days(day):
    assert get_calendar().is_working_day(day)


@pytest.mark.parametrize("day, fragment", [
    (date(1973, 11, 14), "Princess Anne"), (date(1974, 1, 1), "New Year"), (date(1977, 6, 6), "Spring"),
    (date(1977, 6, 7), "Silver Jubilee"), (date(1981, 7, 29), "Wedding"), (date(1995, 5, 8), "VE Day"),
    (date(1999, 12, 31), "Millennium"),
])
def test_the_one_off_and_moved_days_before_2000_are_pinned_with_their_names(day, fragment):
    cal = get_calendar()
    assert fragment.lower() in (cal.reason_not_working(day) or "").lower()
    pinned = {a.date: a.source for a in cal.spec.additions}
    assert day in pinned and pinned[day]  # each with where it comes from


def test_before_the_1971_act_s_proclamations_new_year_and_early_may_were_working_days():
    cal = get_calendar()
    assert cal.is_working_day(date(1973, 1, 1))  # a Monday: New Year's Day was first a bank holiday in 1974
    assert cal.is_working_day(date(1977, 5, 2))  # the first Monday in May: that holiday began in 1978
    assert not cal.is_working_day(date(1978, 5, 1))


def test_the_millennium_holidays_are_counted():
    # 10 working days from Fri 17 Dec 1999: 20-24 Dec (5); Mon 27 and Tue 28 Dec are the Christmas and Boxing
    # Day substitutes; 29, 30 Dec (7); Fri 31 Dec the millennium holiday; Mon 3 Jan 2000 the New Year
    # substitute; 4, 5, 6 Jan (10): Thu 6 Jan 2000.
    assert add_period(date(1999, 12, 17), 10, "working_days") == date(2000, 1, 6)


def test_a_year_far_ahead_is_projected_and_marked_provisional():
    # 1 Jan 2060 is a Thursday, the only holiday in the span. 30 working days from Mon 5 Jan 2060: 6-9 Jan (4),
    # 12-16 (9), 19-23 (14), 26-30 (19), 2-6 Feb (24), 9-13 (29), Mon 16 Feb (30).
    deadline = compute_deadline(date(2060, 1, 5), Period(30, "working_days"))
    assert deadline.end == date(2060, 2, 16) and deadline.provisional
    assert get_calendar().last_day == date(2100, 12, 31) and get_calendar().first_day == date(1971, 1, 1)


def test_weekend_holidays_are_not_listed_as_weekday_holidays_but_give_their_reason():
    cal = get_calendar()
    listed = {h.date for h in cal.holidays(2021)}
    assert {date(2021, 12, 27), date(2021, 12, 28)} <= listed
    assert date(2021, 12, 25) not in listed and date(2021, 12, 26) not in listed
    assert cal.reason_not_working(date(2021, 12, 25)) == "Saturday (Christmas Day)"
    assert cal.reason_not_working(date(2024, 3, 9)) == "Saturday"
    assert cal.reason_not_working(date(2024, 3, 11)) is None


def test_christmas_eve_and_new_years_eve_are_working_days_every_weekday_year():
    cal = get_calendar()
    for year in range(2000, 2051):
        for day in (date(year, 12, 24), date(year, 12, 31)):
            assert cal.is_working_day(day) == (day.weekday() < 5), day


def test_scotland_st_andrews_day():
    scotland = get_calendar("scotland")
    # GOV.UK: St Andrew's Day 2022 fell on Wednesday 30 November and was itself the holiday.
    assert date(2022, 11, 30).weekday() == 2
    assert "Andrew" in scotland.reason_not_working(date(2022, 11, 30))
    assert reference.govuk_events("scotland")[date(2022, 11, 30)] == "St Andrew’s Day"
    # In 2025 it fell on a Sunday; GOV.UK lists Monday 1 December as the substitute day.
    assert "Andrew" in scotland.reason_not_working(date(2025, 12, 1))
    assert get_calendar().is_working_day(date(2022, 11, 30))


def test_non_working_days_lists_each_skipped_day_with_its_reason():
    skipped = get_calendar().non_working_days(date(2018, 12, 21), date(2019, 1, 2))
    assert [str(s) for s in skipped] == [
        "2018-12-22 Saturday", "2018-12-23 Sunday", "2018-12-25 Tuesday: Christmas Day",
        "2018-12-26 Wednesday: Boxing Day", "2018-12-29 Saturday", "2018-12-30 Sunday",
        "2019-01-01 Tuesday: New Year's Day"]
    assert all(isinstance(s, NonWorkingDay) for s in skipped)


def test_next_working_day():
    cal = get_calendar()
    assert cal.next_working_day(date(2018, 12, 25)) == date(2018, 12, 27)
    assert cal.next_working_day(date(2018, 12, 27)) == date(2018, 12, 27)


# -- range, provisional years, provenance ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["england-and-wales", "scotland", "northern-ireland", "united-kingdom"])
def test_range_and_provisional_years(name):
    cal = get_calendar(name)
    assert cal.first_day <= date(2000, 1, 1) and cal.last_day >= date(2040, 12, 31)
    assert not cal.is_provisional(date(2028, 12, 31))
    assert cal.is_provisional(date(2029, 1, 1))
    for outside in (cal.first_day - ONE_DAY, cal.last_day + ONE_DAY):
        with pytest.raises(CalendarRangeError, match="outside the years"):
            cal.is_working_day(outside)
    with pytest.raises(CalendarRangeError):
        cal.holidays(cal.first_day.year - 1)
    with pytest.raises(CalendarRangeError):
        cal.non_working_days(cal.last_day - ONE_DAY, cal.last_day + ONE_DAY)
    assert issubclass(CalendarRangeError, InputError)


def test_provenance_names_the_package_version_the_file_and_its_hash():
    for name in ("england-and-wales", "scotland", "northern-ireland", "united-kingdom"):
        data = get_calendar(name).provenance
        path = ROOT / "calendars" / f"{name}.yaml"
        assert data == {
            "calendar": name,
            "holidays_package": holidays.__version__,
            "file": path.name,
            "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "announced_through": 2028,
        }


def test_unknown_calendar_lists_the_known_ones():
    with pytest.raises(InputError) as caught:
        get_calendar("wales")
    assert "unknown calendar 'wales'" in str(caught.value)
    assert "england-and-wales, northern-ireland, scotland, united-kingdom" in str(caught.value)


@pytest.mark.parametrize("text, fragment", [
    ("name: x\n", "missing or has a bad field"),
    ("- a list\n", "must be a mapping"),
    ("name: x\nholidays_package: {country: GB, subdivisions: [ENG]}\nfirst_year: 2000\nlast_year: 2001\n"
     "announced_through: 2001\nadditions: [{name: no date}]\n", "additions[0] needs a date and a name"),
    ("name: x\nholidays_package: {country: GB, subdivisions: [ENG]}\nfirst_year: 2000\nlast_year: 2001\n"
     "announced_through: 2001\nadditions: [{date: soon, name: x}]\n", "additions[0].date is not a date"),
])
def test_bad_calendar_files_are_refused_with_the_file_named(tmp_path, text, fragment):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_spec(path)
    assert fragment in str(caught.value) and str(path) in str(caught.value)

GOOD_SPEC = "name: x\nholidays_package: {country: GB, subdivisions: [ENG]}\nfirst_year: 2000\nlast_year: 2001\nannounced_through: 2001\n"


@pytest.mark.parametrize("change, fragment", [
    # Found by tests/test_fuzz.py: a traceback, a build of ten thousand years, or a setting silently reversed.
    (("last_year: 2001", "last_year: 1.0e+999"), "last_year: must be a year from 1900 to 2200, not inf"),
    (("last_year: 2001", "last_year: 9999"), "last_year: must be a year from 1900 to 2200, not 9999"),
    (("first_year: 2000", "first_year: 2002"), "first_year 2002 is after last_year 2001"),
    (("subdivisions: [ENG]", "subdivisions: [null]"), "holidays_package.subdivisions: must be text such as ENG, not nothing"),
    (("subdivisions: [ENG]", "subdivisions: ENG"), "holidays_package.subdivisions: must be a list of codes, not 'ENG'"),
    (("name: x\n", "name: x\ncommon_law_holidays: 'no'\n"), "common_law_holidays: must be true or false, not 'no'"),
])
def test_a_calendar_file_with_a_bad_value_names_it(tmp_path, change, fragment):
    path = tmp_path / "x.yaml"
    path.write_text(GOOD_SPEC.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_spec(path)
    assert fragment in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize("change, fragment", [
    (("country: GB", "country: XX"), "no subdivision 'ENG' of the country 'XX'"),
    (("subdivisions: [ENG]", "subdivisions: [ZZZ]"), "no subdivision 'ZZZ' of the country 'GB'"),
])
def test_a_country_or_subdivision_the_holidays_package_lacks_is_named(tmp_path, change, fragment):
    path = tmp_path / "x.yaml"
    path.write_text(GOOD_SPEC.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build(read_spec(path))
    assert fragment in str(caught.value) and str(path) in str(caught.value)



def test_a_broken_user_calendar_is_reported_not_used(tmp_path, monkeypatch):
    (tmp_path / "england-and-wales.yaml").write_text("name: england-and-wales\n", encoding="utf-8")
    monkeypatch.setenv("COMPLIANCE_CALENDARS", str(tmp_path))
    clear_cache()
    try:
        with pytest.raises(InputError, match="england-and-wales.yaml"):
            get_calendar()
    finally:
        monkeypatch.delenv("COMPLIANCE_CALENDARS")
        clear_cache()
    assert get_calendar().is_working_day(date(2024, 3, 11))


def test_skipped_days_are_named_from_the_holiday_list_as_a_day_by_day_walk_names_them():
    cal = get_calendar("england-and-wales")
    start, end = date(2000, 1, 1), date(2050, 12, 31)
    spans = [(date(2019, 12, 5), date(2020, 3, 18)), (date(2022, 9, 9), date(2022, 9, 26)), (start, start),
             (date(2021, 12, 25), date(2021, 12, 26)), (date(2023, 4, 2), date(2023, 4, 1)),
             (date(2020, 12, 26), date(2021, 1, 4)), (end - timedelta(days=3), end)]
    rng = __import__("random").Random(7)
    for _ in range(3000):
        a = start + timedelta(days=rng.randrange(18000))
        spans.append((a, min(a + timedelta(days=rng.randrange(120)), end)))
    for a, b in spans:
        walked = []
        day = a + ONE_DAY
        while day <= b:
            if not cal.is_working_day(day):
                walked.append(NonWorkingDay(day, cal.reason_not_working(day) or ""))
            day += ONE_DAY
        assert cal.non_working_days(a, b) == walked, (a, b)


def test_a_calendars_folder_named_in_the_environment_that_is_not_there_is_an_error(monkeypatch, tmp_path):
    """COMPLIANCE_CALENDARS mistyped must not fall back, without a word, on the bundled calendars."""
    monkeypatch.setenv("COMPLIANCE_CALENDARS", str(tmp_path / "no-such-folder"))
    clear_cache()
    try:
        with pytest.raises(InputError, match="which is not a folder"):
            get_calendar("england-and-wales")
    finally:
        monkeypatch.delenv("COMPLIANCE_CALENDARS")
        clear_cache()
