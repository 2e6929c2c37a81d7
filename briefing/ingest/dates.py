"""Publication dates in the one convention ingest uses: ``YYYY-MM-DD``.

`Source.published` is the calendar date *as the publisher wrote it*, in the publisher's own
time zone (``Sat, 25 Nov 2023 02:06:04 +0900`` is 2023-11-25, the date printed on the
article, not the UTC date). Times and zones are dropped: sources give them inconsistently
and daily mode groups by date.

The parser is small and fast on purpose: ISO 8601, RFC 822 (the RSS format) with month names
in English, German, French, Spanish, Portuguese, Italian and Dutch (real feeds localise
them: ``Seg, 24 Set 2018``), ``July 13, 2025``, ``13.07.2025``, unambiguous numeric dates and
Unix timestamps.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "janvier", "janv", "enero", "ene", "janeiro", "gennaio",
        "gen", "januari", "jänner", "jaenner"),
    2: ("february", "feb", "februar", "fevrier", "fev", "febrero", "fevereiro", "febbraio",
        "februari"),
    3: ("march", "mar", "marz", "maerz", "mrz", "mars", "marzo", "marco", "maart", "mrt"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mayo", "maio", "maggio", "mag", "mei"),
    6: ("june", "jun", "juni", "juin", "junio", "junho", "giugno", "giu"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "julho", "luglio", "lug"),
    8: ("august", "aug", "aout", "agosto", "ago", "augustus"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "set", "setembro", "settembre"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "outubro", "out", "ottobre",
         "ott"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: ("december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dezembro",
         "dicembre"),
}  # fmt: skip
_MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names}

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
_ISO_AT_START = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"(?=\s|$)"
)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\b|(?<=\s)[+-]\d{4}\b")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_NUMERIC = re.compile(r"^\s*(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")

_MIN_YEAR, _MAX_YEAR = 1900, 2100


def parse_date(value: object) -> str | None:
    """Return ``YYYY-MM-DD`` for a date written in any of the supported forms, else None.

    Accepts strings, `datetime`/`date` objects and Unix timestamps (seconds or milliseconds).
    """
    if isinstance(value, dt.datetime | dt.date):
        return _format(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_timestamp(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    iso = _ISO_DATE.search(text[:40])
    if iso and iso.start() <= 3:
        return _format(int(iso[1]), int(iso[2]), int(iso[3]))
    if text.isdigit() and len(text) >= 9:
        return _from_timestamp(float(text))
    return _parse_numeric(text) or _parse_textual(text)


def split_leading_date(text: str) -> tuple[str, str] | None:
    """Split ``2025-07-13 Body text…`` into the ISO date and the rest, if `text` starts so."""
    match = _ISO_AT_START.match(text)
    if not match:
        return None
    date = _format(int(match[1]), int(match[2]), int(match[3]))
    return (date, text[match.end() :].strip()) if date else None


def _parse_numeric(text: str) -> str | None:
    compact = _COMPACT.match(text)
    if compact:
        return _format(int(compact[1]), int(compact[2]), int(compact[3]))
    match = _NUMERIC.match(text)
    if not match:
        return None
    first, separator, middle, last = int(match[1]), match[2], int(match[3]), int(match[4])
    if len(match[1]) == 4:
        return _format(first, middle, last)
    if len(match[4]) != 4:
        return None
    if separator == "." or first > 12:
        return _format(last, middle, first)
    if middle > 12:
        return _format(last, first, middle)
    return None  # 03/04/2025: April 3rd or March 4th — refuse to guess.


def _parse_textual(text: str) -> str | None:
    tokens = _TOKEN.findall(_TIME.sub(" ", _fold(text)))
    # The last month name wins: a leading weekday can look like one ("mar" is Spanish Tuesday).
    month = next((_MONTHS[t] for t in reversed(tokens) if t in _MONTHS), None)
    if month is None:
        return None
    numbers = [t for t in tokens if t.isdigit()]
    year = next((int(n) for n in numbers if len(n) == 4), None)
    days = [int(n) for n in numbers if len(n) <= 2 and 1 <= int(n) <= 31]
    if year is None:
        two_digit = [n for n in numbers if len(n) == 2]
        if len(days) < 2 or not two_digit:
            return None
        year = _century(int(two_digit[-1]))
        days = days[:-1]
    return _format(year, month, days[0]) if days else None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", " ")


def _century(two_digits: int) -> int:
    return 2000 + two_digits if two_digits < 70 else 1900 + two_digits


def _from_timestamp(seconds: float) -> str | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    if not 1e8 < seconds < 5e9:
        return None
    moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return _format(moment.year, moment.month, moment.day)


def _format(year: int, month: int, day: int) -> str | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
