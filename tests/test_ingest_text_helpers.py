"""Ingest helpers: dates, URLs, source ids and decoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.ingest.dates import parse_date, split_leading_date
from briefing.ingest.decode import clean_text, decode_bytes, repair_mojibake
from briefing.ingest.ids import IdAllocator, file_slug, item_slug
from briefing.ingest.models import Unusable
from briefing.ingest.urls import clean_url, url_key


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2016-02-01T17:22:00+01:00", "2016-02-01"),
        ("Sat, 25 Nov 2023 02:06:04 +0900", "2023-11-25"),  # the publisher's date, not UTC's
        ("Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24"),  # Portuguese RSS date
        ("mar, 24 sep 2019 10:00:00 +0200", "2019-09-24"),  # Spanish weekday "mar" is no month
        ("July 13, 2025", "2025-07-13"),
        ("13. März 2025", "2025-03-13"),
        ("13.07.2025", "2025-07-13"),
        ("07/13/2025", "2025-07-13"),
        ("20230105", "2023-01-05"),
        (1700827200, "2023-11-24"),
        (1700827200123, "2023-11-24"),
    ],
)
def test_dates_in_common_formats_become_iso_dates(written, expected):
    assert parse_date(written) == expected


@pytest.mark.parametrize("written", ["03/04/2025", "2025-02-30", "yesterday", "2 days ago", ""])
def test_ambiguous_or_invalid_dates_are_refused(written):
    assert parse_date(written) is None


def test_leading_iso_date_is_split_from_following_text():
    assert split_leading_date("2025-07-13 Russian foreign") == ("2025-07-13", "Russian foreign")
    assert split_leading_date("2025-07-1334 text") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.bbc.co.uk/news/uk-politics-43532916?at_medium=RSS&at_campaign=KARANGA",
            "https://www.bbc.co.uk/news/uk-politics-43532916",
        ),
        (
            "http://www.heise.de/developer/meldung/x-3088438.html?wt_mc=rss.developer.beitrag",
            "http://www.heise.de/developer/meldung/x-3088438.html",
        ),
        (
            "https://example.com/story?id=5&utm_source=x&CMP=twt_gu&fbclid=abc#comments",
            "https://example.com/story?id=5",
        ),
        (
            "https://www.nytimes.com/2018/04/29/world/caravan.html?action=click&pgtype=Homepage",
            "https://www.nytimes.com/2018/04/29/world/caravan.html",
        ),
        (
            "https://www.google.com/url?sa=t&url=https%3A%2F%2Fexample.com%2Fa%3Futm_source%3Dx",
            "https://example.com/a",
        ),
        (
            "https://redir.example.com/redir/rss091/*https://news.example.com/a.shtml",
            "https://news.example.com/a.shtml",
        ),
        ("https://example.com/a?x=1&amp;utm_medium=feed", "https://example.com/a?x=1"),
        ("HTTPS://Example.COM:443/Path/", "https://example.com/Path/"),
    ],
)
def test_tracking_parameters_and_redirect_wrappers_are_removed(url, expected):
    assert clean_url(url) == expected


@pytest.mark.parametrize("value", ["ftp://example.com/a", "not a url", "urn:uuid:1234", None, 5])
def test_non_http_values_are_not_urls(value):
    assert clean_url(value) is None


def test_url_key_ignores_scheme_www_and_trailing_slash():
    assert url_key("https://www.example.com/a/") == url_key("http://example.com/a")


_SIMPLE_URL = (
    r"https?://[a-z]{1,8}\.com(/[a-z0-9_-]{0,8}){0,3}"
    r"(\?[a-z_]{1,6}=[a-z0-9]{0,4}(&[a-z_]{1,6}=[a-z0-9]{0,4}){0,3})?"
)


@given(st.from_regex(_SIMPLE_URL, fullmatch=True))
def test_cleaning_a_url_is_idempotent(url):
    once = clean_url(url)
    assert once is not None
    assert clean_url(once) == once


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("000_d4e32ca0a1cc28c4.txt", "000-d4e32ca0a1cc28c4"),
        ("01_nytimes.txt", "01-nytimes"),
        ("bbc.co.uk_2023-11-24_news-front-page.rss.xml", "bbc-co-uk-2023-11-24-news-front-page"),
        ("express.co.uk_2019-11-19_plague.html.gz", "express-co-uk-2019-11-19-plague"),
        ("Über Straße.md", "uber-strasse"),
    ],
)  # fmt: skip
def test_file_slugs_are_readable_and_drop_known_extensions(name, slug):
    assert file_slug(name) == slug


def test_item_slug_comes_from_the_url_path_then_the_title():
    url = "https://www.npr.org/2023/11/24/1215084865/oscar-pistorius-parole"
    assert item_slug(url, "Ignored", 1) == "oscar-pistorius-parole"
    assert item_slug("https://techcrunch.com/?p=446154", "Angie's List sets IPO range", 2) == (
        "angies-list-sets-ipo-range"
    )
    assert item_slug(None, "日本語", 3) == "item-3"


def test_repeated_slug_gets_a_suffix_derived_from_its_path():
    first, second = IdAllocator(), IdAllocator()
    assert first.allocate("01-nytimes", "a/01_nytimes.txt") == "01-nytimes"
    taken = first.allocate("01-nytimes", "b/01_nytimes.txt")
    second.allocate("01-nytimes", "c/01_nytimes.txt")
    assert second.allocate("01-nytimes", "b/01_nytimes.txt") == taken != "01-nytimes"


def test_valid_utf8_wins_over_a_wrong_declaration():
    decoded = decode_bytes("Café déjà vu".encode(), declared="iso-8859-1")
    assert decoded.text == "Café déjà vu"
    assert decoded.notes == []


def test_declared_charset_is_used_when_the_bytes_are_not_utf8():
    decoded = decode_bytes("Gebühren für “Werbung”".encode("cp1252"), declared="ISO-8859-1")
    assert decoded.text == "Gebühren für “Werbung”"


def test_undeclared_western_text_is_guessed_as_windows_1252_and_the_guess_noted():
    decoded = decode_bytes("He said “fine” — café déjà vu, naïve façade.".encode("cp1252"))
    assert decoded.text == "He said “fine” — café déjà vu, naïve façade."
    assert decoded.notes and "guessed" in decoded.notes[0]


def test_random_high_bytes_are_not_text():
    with pytest.raises(Unusable, match="not text"):
        decode_bytes(bytes(range(0x80, 0x100)) * 3)


def test_utf8_character_cut_by_the_size_limit_is_dropped_not_replaced():
    data = "naïve café".encode()[:-1]
    assert decode_bytes(data, truncated=True).text == "naïve caf"


def test_mojibake_is_repaired_and_correct_text_left_alone():
    broken = "CafÃ© dÃ©jÃ\xa0 vu â€œquotedâ€\x9d"
    assert repair_mojibake(broken) == ("Café déjà vu “quoted”", True)
    assert repair_mojibake("São Paulo, Zürich, “quoted”") == ("São Paulo, Zürich, “quoted”", False)


def test_clean_text_normalises_line_breaks_and_drops_invisible_characters():
    assert clean_text("a\r\nb\rc\u2028d\u200b\ufeff\x00e \n") == "a\nb\nc\nde\n"
