"""Independent reference: England & Wales non-working days from my own hand rules (not project code)."""
from datetime import date, timedelta, datetime
import calendar as _cal

def easter(y):
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher)
    a = y % 19; b = y // 100; c = y % 100; d = b // 4; e = b % 4
    f = (b + 8) // 25; g = (b - f + 1) // 3; h = (19*a + b - d - g + 15) % 30
    i = c // 4; k = c % 4; l = (32 + 2*e + 2*i - h - k) % 7; m = (a + 11*h + 22*l) // 451
    month = (h + l - 7*m + 114) // 31; day = ((h + l - 7*m + 114) % 31) + 1
    return date(y, month, day)

def first_monday(y, m):
    d = date(y, m, 1)
    while d.weekday() != 0: d += timedelta(1)
    return d

def last_monday(y, m):
    d = date(y, m, _cal.monthrange(y, m)[1])
    while d.weekday() != 0: d -= timedelta(1)
    return d

ONE_OFF = {date(1973,11,14), date(1977,6,7), date(1981,7,29), date(1999,12,31), date(2002,6,3),
           date(2011,4,29), date(2012,6,5), date(2022,6,3), date(2022,9,19), date(2023,5,8)}
SPRING_MOVED = {1977: date(1977,6,6), 2002: date(2002,6,4), 2012: date(2012,6,4), 2022: date(2022,6,2)}
EARLY_MAY_MOVED = {1995: date(1995,5,8), 2020: date(2020,5,8)}

def holidays(y):
    h = set()
    if y >= 1974:
        nyd = date(y,1,1)
        while nyd.weekday() >= 5: nyd += timedelta(1)
        h.add(nyd)
    e = easter(y); h.add(e - timedelta(2)); h.add(e + timedelta(1))
    if y >= 1978:
        h.add(EARLY_MAY_MOVED.get(y, first_monday(y,5)))
    h.add(SPRING_MOVED.get(y, last_monday(y,5)))
    h.add(last_monday(y,8))
    x = date(y,12,25); wd = x.weekday()
    if wd == 5: h |= {date(y,12,27), date(y,12,28)}
    elif wd == 6: h |= {date(y,12,26), date(y,12,27)}
    elif wd == 4: h |= {x, date(y,12,28)}
    else: h |= {x, date(y,12,26)}
    h |= {d for d in ONE_OFF if d.year == y}
    return {d for d in h if d.weekday() < 5}

_cache = {}
def is_hol(d):
    if d.year not in _cache: _cache[d.year] = holidays(d.year)
    return d in _cache[d.year]

def is_wd(d): return d.weekday() < 5 and not is_hol(d)

def add_wd(d, n):
    c = 0
    while c < n:
        d += timedelta(1)
        if is_wd(d): c += 1
    return d

def wd_between(a, b):
    """working days in (a, b]"""
    n = 0; d = a
    while d < b:
        d += timedelta(1)
        if is_wd(d): n += 1
    return n

def add_months(d, n):
    m = d.month - 1 + n; y = d.year + m // 12; m = m % 12 + 1
    return date(y, m, min(d.day, _cal.monthrange(y, m)[1]))

def weeks(d, n, including=False): return d + timedelta(7*n - (1 if including else 0))

def D(s): return date.fromisoformat(s)
def fmt(d): return d.strftime('%a %d %b %Y')
