"""Word lists the engines and reconcile read: titles, roles, organisations, countries,
outlets, attribution verbs, qualifiers, number words and units.

The lists live in plain text files beside this module (one entry per line, `#` comments,
`|` between columns) so that they can be read and extended without touching code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Country:
    """A country with the other names, demonyms and seats of government that refer to it."""

    name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    seats: tuple[str, ...]


@dataclass(frozen=True)
class Unit:
    """A unit as written, its normalised form, its measure and, for a counter, what it counts."""

    written: str
    normalized: str
    measure: str
    counts: str | None


@dataclass(frozen=True)
class Lexicon:
    """Every word list, loaded once."""

    countries: dict[str, Country]
    country_names: dict[str, str]
    demonyms: dict[str, str]
    seats: dict[str, str]
    roles: frozenset[str]
    role_modifiers: frozenset[str]
    honorifics: frozenset[str]
    name_particles: frozenset[str]
    name_suffixes: frozenset[str]
    organization_words: frozenset[str]
    organization_nouns: frozenset[str]
    group_speakers: frozenset[str]
    party_members: frozenset[str]
    agent_nouns: frozenset[str]
    document_nouns: frozenset[str]
    institutions: dict[str, str]
    media: dict[str, str]
    media_words: frozenset[str]
    media_nouns: frozenset[str]
    calendar: frozenset[str]
    place_words: frozenset[str]
    regions: frozenset[str]
    common_words: frozenset[str]
    common_given_names: frozenset[str]
    acronym_stoplist: frozenset[str]
    speech_verbs: dict[str, frozenset[str]]
    qualifiers: dict[str, str]
    number_words: dict[str, int]
    scales: dict[str, int]
    units: dict[str, Unit]
    synonyms: dict[str, str]
    generic_nouns: frozenset[str]
    measure_nouns: frozenset[str]
    verbs: frozenset[str]
    change_verbs: frozenset[str]


def _rows(filename: str) -> list[list[str]]:
    """The non-comment lines of a lexicon file, split into stripped `|` columns."""
    text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append([column.strip() for column in line.split("|")])
    return rows


def _rows_first(filename: str) -> list[str]:
    return [row[0] for row in _rows(filename)]


def _words(filename: str, *, lower: bool = True) -> frozenset[str]:
    return frozenset(row[0].lower() if lower else row[0] for row in _rows(filename))


def _split(column: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in column.split(",") if part.strip())


def _countries() -> dict[str, Country]:
    countries = {}
    for row in _rows("countries.txt"):
        row += [""] * (4 - len(row))
        country = Country(row[0], _split(row[1]), _split(row[2]), _split(row[3]))
        countries[country.name] = country
    return countries


def _aliases(filename: str) -> dict[str, str]:
    """Map every name on a line (case kept) to the line's first name."""
    return {name: row[0] for row in _rows(filename) for name in row}


def _units() -> dict[str, Unit]:
    units = {}
    for row in _rows("units.txt"):
        counts = row[3] if len(row) > 3 else None
        units[row[0]] = Unit(row[0], row[1], row[2], counts)
    return units


def _synonyms() -> dict[str, str]:
    mapping = {}
    for row in _rows("synonyms.txt"):
        words = row[0].split()
        for word in words:
            mapping[word] = words[0]
    return mapping


@functools.cache
def lexicon() -> Lexicon:
    """All word lists, read from the package's data files on first use."""
    countries = _countries()
    numbers = _rows("numbers.txt")
    return Lexicon(
        countries=countries,
        country_names={
            name: country.name
            for country in countries.values()
            for name in (country.name, *country.names)
        },
        demonyms={d: c.name for c in countries.values() for d in c.demonyms},
        seats={seat: c.name for c in countries.values() for seat in c.seats},
        roles=_words("roles.txt"),
        role_modifiers=_words("role_modifiers.txt"),
        honorifics=_words("honorifics.txt", lower=False),
        name_particles=_words("name_particles.txt"),
        name_suffixes=_words("name_suffixes.txt", lower=False),
        organization_words=_words("organization_words.txt", lower=False),
        organization_nouns=_words("organization_nouns.txt"),
        group_speakers=_words("group_speakers.txt"),
        party_members=_words("party_members.txt"),
        agent_nouns=_words("agent_nouns.txt"),
        document_nouns=_words("document_nouns.txt"),
        institutions=_aliases("institutions.txt"),
        media=_aliases("media.txt"),
        media_words=_words("media_words.txt", lower=False),
        media_nouns=_words("media_nouns.txt"),
        calendar=_words("calendar.txt", lower=False),
        place_words=_words("place_words.txt", lower=False),
        regions=_words("regions.txt", lower=False),
        common_words=_words("common_words.txt"),
        common_given_names=frozenset(
            row[0] for row in _rows("common_words.txt") if "name" in row[1:]
        ),
        acronym_stoplist=_words("acronym_stoplist.txt", lower=False),
        speech_verbs={
            row[0]: frozenset(_split(row[1]) if len(row) > 1 else ("say",))
            for row in _rows("speech_verbs.txt")
        },
        qualifiers={row[0]: row[1] for row in _rows("qualifiers.txt")},
        number_words={row[0]: int(row[1]) for row in numbers if len(row) == 2},
        scales={row[0]: int(row[1]) for row in numbers if len(row) == 3},
        units=_units(),
        synonyms=_synonyms(),
        generic_nouns=_words("generic_nouns.txt"),
        measure_nouns=_words("measure_nouns.txt"),
        verbs=_words("verbs.txt") | frozenset(_rows_first("speech_verbs.txt")),
        change_verbs=_words("change_verbs.txt"),
    )
