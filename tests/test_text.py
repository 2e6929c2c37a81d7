"""Text helpers: the character-by-character fold agrees with normalize_for_match; a
phrase trie matches what the plain alternation of its phrases matches; `Phrases` finds
what the trie's whole-word regex finds; a sentence ends before a quotation opened with two
apostrophes or backticks."""

from __future__ import annotations

import random
import re

import pytest

from briefing.text import (
    Phrases,
    encoded_words,
    fold_with_offsets,
    normalize_for_match,
    phrase_alternation,
    split_sentences,
    words,
)


@pytest.mark.parametrize(
    "text",
    [
        "plain words here",
        "  “Quoted” words —  with a dash  ",
        'He said " spaced quotes " and - spaced dashes -',
        "An ellipsis… and ﬁne ligatures, full-width ＡＢＣ",
        "tabs\tand\nnewlines\u00a0too",
        "",
    ],
)
def test_the_fold_is_normalize_for_match_with_offsets_into_the_text(text):
    folded, where = fold_with_offsets(text)
    assert folded == normalize_for_match(text)
    assert len(where) == len(folded)
    assert all(0 <= offset < len(text) for offset in where)
    assert where == sorted(where)


@pytest.mark.parametrize(
    "alphabet", ["ab -\"'`\t\n.", "ab -\"'`\t\n.\u00a0\u2019\u201c\u2014\u2026\ufb01\u3000"]
)
def test_normalize_for_match_agrees_with_the_fold_on_any_mix_of_spaces_dashes_and_marks(
    alphabet,
):
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert normalize_for_match(text) == fold_with_offsets(text)[0], repr(text)


@pytest.mark.parametrize("alphabet", ['ab -"`\t.\u00a0\u2019\u201c\u2014\u2026\ufb01\u3000'])
def test_each_folded_character_comes_from_the_character_its_offset_points_to(alphabet):
    rng = random.Random(11)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        folded, where = fold_with_offsets(text)
        for char, offset in zip(folded, where, strict=True):
            source = text[offset]
            assert source.isspace() if char == " " else char in normalize_for_match(source)


@pytest.mark.parametrize(
    "alphabet",
    [
        "aZ9_ -.,'\"\t",
        "aZ9_ -.,'\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0",
        "aZ \u2019\u00e9\u0130\u00df",
    ],
    ids=["ascii", "typographic marks", "other letters"],
)
def test_words_are_the_lowered_texts_word_runs_whichever_way_they_are_split(alphabet):
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        expected = re.findall(r"\w+", text.lower())
        assert words(text) == expected, repr(text)
        assert encoded_words(text) == [word.encode() for word in expected], repr(text)


def test_a_word_of_the_fold_maps_back_to_the_words_own_characters():
    text = "He said:\t “Our  ﬁnal offer – take it…” and  left."
    folded, where = fold_with_offsets(text)
    assert folded == 'He said:"Our final offer-take it..."and left.'
    start = folded.index("final offer-take")
    end = start + len("final offer-take")
    assert text[where[start] : where[end - 1] + 1] == "ﬁnal offer – take"


def _plain_alternation(phrases: set[str]) -> str:
    return "|".join(map(re.escape, sorted(phrases, key=len, reverse=True)))


def test_the_longest_phrase_that_ends_at_a_word_edge_is_matched():
    pattern = re.compile(rf"\b(?:{phrase_alternation(['Korea', 'North Korea', 'North'])})\b")
    found = pattern.findall("North Korea, North Koreans and Korea")
    assert found == ["North Korea", "North", "Korea"]


@pytest.mark.parametrize(
    ("before", "after", "flags"), [(r"\b", r"\b", re.I), (r"(?<!\w)", r"(?!\w)", 0)]
)
def test_the_phrase_trie_matches_what_the_longest_first_alternation_matches(before, after, flags):
    rng = random.Random(7)
    alphabet = "aAb .-'"
    for _ in range(500):
        phrases = {"".join(rng.choices(alphabet, k=rng.randint(1, 5))) for _ in range(6)}
        if flags & re.I:  # phrases for a case-insensitive pattern are given in one case
            phrases = {phrase.lower() for phrase in phrases}
        text = "".join(rng.choices(alphabet + "c", k=60))
        trie = re.compile(f"{before}(?:{phrase_alternation(phrases)}){after}", flags)
        plain = re.compile(f"{before}(?:{_plain_alternation(phrases)}){after}", flags)
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_phrases_finds_the_longest_whole_word_phrase_and_falls_back_to_a_shorter_one():
    phrases = Phrases(["Kim", "Kim Jong Un", "Jong", "Un"])
    text = "Kim Jong Un met Kim Jong Unsworth, Kimchi and Un."
    assert phrases.findall(text) == ["Kim Jong Un", "Kim", "Jong", "Un"]
    assert phrases.sub(lambda name: f"<{name}>", text) == (
        "<Kim Jong Un> met <Kim> <Jong> Unsworth, Kimchi and <Un>."
    )


def test_phrases_skips_a_phrase_that_opens_inside_a_longer_word():
    phrases = Phrases(["Donald", "Phone"])
    text = "McDonald and iPhone, not Donald's Phone."
    assert phrases.findall(text) == ["Donald", "Phone"]
    assert phrases.spans(text) == [(25, 31), (34, 39)]


@pytest.mark.parametrize("alphabet", ["aAb .-'", "ab -'’é_1"])
def test_phrases_finds_what_the_whole_word_trie_regex_finds(alphabet):
    rng = random.Random(20)
    for _ in range(500):
        phrases = {"".join(rng.choices(alphabet, k=rng.randint(0, 5))) for _ in range(6)}
        if rng.random() < 0.5:  # mostly phrases that open with a word character
            phrases = {phrase for phrase in phrases if re.match(r"\w", phrase)}
        text = "".join(rng.choices(alphabet + "c", k=60))
        found = Phrases(phrases)
        if not phrases:  # the regex of no phrase would match everywhere
            assert found.spans(text) == []
            continue
        regex = re.compile(rf"(?<!\w)(?:{phrase_alternation(phrases)})(?!\w)")
        assert found.spans(text) == [m.span() for m in regex.finditer(text)]
        assert found.sub(str.upper, text) == regex.sub(lambda m: m.group().upper(), text)


@pytest.mark.parametrize("mark", ["''", "``"])
def test_a_sentence_ends_before_a_quotation_opened_with_two_marks(mark):
    paragraph = f"She paid the fine last spring. {mark}It was fair,'' she said. {mark}Done.''"
    assert split_sentences(paragraph) == [
        "She paid the fine last spring.",
        f"{mark}It was fair,'' she said.",
        f"{mark}Done.''",
    ]
