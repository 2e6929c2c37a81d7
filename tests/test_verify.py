import pytest

from briefing.pack import Block, Pack
from briefing.schema import Actor, Article, Claim, Evidence, Extraction, Figure, Source
from briefing.verify import SourceTexts, cite_carriers, cite_every_carrier, verify

TEXT = "“We warn against exploiting these ties to build alliances,” he said, according to Tass."


def texts() -> SourceTexts:
    return SourceTexts(
        [
            Article(source=Source(id="a", path="a.txt"), paragraphs=[TEXT]),
            Article(
                source=Source(id="b", path="b.txt"), paragraphs=["Something else entirely here."]
            ),
        ]
    )


def claim(*evidence: tuple[str, str]) -> Claim:
    return Claim(
        speaker="Sergey Lavrov",
        text="Russia warns against alliances",
        evidence=[Evidence(source_id=s, quote=q) for s, q in evidence],
    )


def extraction(*claims: Claim, figures: list[Figure] | None = None) -> Extraction:
    return Extraction(actors=[], claims=list(claims), figures=figures or [])


def test_quote_matches_despite_straight_quotes_and_extra_spaces():
    quote = '"We  warn against exploiting these ties to build alliances," he said'
    result = verify(extraction(claim(("a", quote))), texts(), ["a", "b"])
    assert result.dropped == 0
    assert len(result.extraction.claims) == 1


def test_invented_quote_is_dropped_and_counted():
    result = verify(extraction(claim(("a", "We will invade tomorrow"))), texts(), ["a"])
    assert result.extraction.claims == []
    assert result.dropped == 1


def test_quote_cited_to_the_wrong_source_is_cited_to_the_pack_source_that_holds_it():
    result = verify(
        extraction(claim(("b", "We warn against exploiting these ties"))), texts(), ["a", "b"]
    )
    [evidence] = result.extraction.claims[0].evidence
    assert (evidence.source_id, evidence.quote) == ("a", "We warn against exploiting these ties")
    assert (result.recited, result.repaired, result.dropped) == (1, 0, 0)


def test_citing_an_id_the_engine_was_not_given_is_dropped():
    result = verify(
        extraction(claim(("a", "We warn against exploiting these ties"))), texts(), ["b"]
    )
    assert result.extraction.claims == [] and result.dropped == 1


def test_claim_keeps_its_good_evidence_when_some_is_bad():
    bad_and_good = claim(
        ("a", "We warn against exploiting these ties"), ("a", "made up words here")
    )
    result = verify(extraction(bad_and_good), texts(), ["a"])
    assert [e.quote for e in result.extraction.claims[0].evidence] == [
        "We warn against exploiting these ties"
    ]
    assert result.dropped == 1


def test_repeated_evidence_is_kept_once_and_not_counted_as_dropped():
    twice = claim(("a", "according to Tass"), ("a", "according to  Tass"))
    result = verify(extraction(twice), texts(), ["a"])
    assert len(result.extraction.claims[0].evidence) == 1 and result.dropped == 0


def test_figure_without_verifiable_evidence_is_dropped():
    figure = Figure(
        subject="ammunition",
        value="40%",
        number=40,
        unit="%",
        qualifier=None,
        attributed_to=None,
        evidence=[Evidence(source_id="a", quote="40% of its ammunition")],
    )
    result = verify(extraction(figures=[figure]), texts(), ["a"])
    assert result.extraction.figures == [] and result.dropped == 1


def test_actor_loses_unknown_sources_and_vanishes_without_any():
    actors = [
        Actor(name="Lavrov", aliases=[], kind="person", role=None, sources=["a", "zzz"]),
        Actor(name="Ghost", aliases=[], kind="person", role=None, sources=["zzz"]),
    ]
    result = verify(Extraction(actors=actors, claims=[], figures=[]), texts(), ["a", "b", "zzz"])
    assert [(a.name, a.sources) for a in result.extraction.actors] == [("Lavrov", ["a"])]


# ---------------------------------------------------------------- wire copy


WIRE_PACK = Pack(
    blocks=[
        Block(source_ids=["a"], paragraphs=["Only outlet a reports that Lavrov smiled broadly."]),
        Block(source_ids=["a", "b", "c"], paragraphs=["Lavrov said Moscow backs Pyongyang fully."]),
    ],
    tokens=0,
)


def _claim_quoting(quote: str) -> Extraction:
    claim = Claim(speaker="Lavrov", text="t", evidence=[Evidence(source_id="a", quote=quote)])
    actor = Actor(name="Lavrov", aliases=[], kind="person", role=None, sources=["a"])
    return Extraction(actors=[actor], claims=[claim], figures=[])


def test_a_quote_of_wire_copy_is_cited_for_every_outlet_carrying_it():
    spread = cite_every_carrier(_claim_quoting("Moscow backs Pyongyang fully"), WIRE_PACK)
    assert [e.source_id for e in spread.claims[0].evidence] == ["a", "b", "c"]


def test_a_quote_of_an_outlets_own_text_stays_with_that_outlet():
    spread = cite_every_carrier(_claim_quoting("Lavrov smiled broadly"), WIRE_PACK)
    assert [e.source_id for e in spread.claims[0].evidence] == ["a"]


def test_a_wire_quote_cited_first_to_an_outlet_without_wire_copy_still_reaches_every_carrier():
    own_then_wire = Pack(
        blocks=[
            Block(source_ids=["d"], paragraphs=["An aide said Moscow backs Pyongyang fully."]),
            *WIRE_PACK.blocks,
        ],
        tokens=0,
    )
    quote = "Moscow backs Pyongyang fully"
    cited = _claim_quoting(quote)
    both = [Evidence(source_id="d", quote=quote), Evidence(source_id="a", quote=quote)]
    cited.claims[0].evidence = both
    spread = cite_every_carrier(cited, own_then_wire)
    assert [e.source_id for e in spread.claims[0].evidence] == ["d", "a", "b", "c"]


def test_an_actor_named_in_wire_copy_is_credited_to_every_carrier():
    spread = cite_every_carrier(_claim_quoting("Lavrov smiled broadly"), WIRE_PACK)
    assert spread.actors[0].sources == ["a", "b", "c"]


def test_spread_citations_still_pass_verify():
    texts = SourceTexts(
        [
            Article(
                source=Source(id=i, path=f"{i}.txt"),
                paragraphs=["Lavrov said Moscow backs Pyongyang fully."],
            )
            for i in "bc"
        ]
        + [
            Article(
                source=Source(id="a", path="a.txt"),
                paragraphs=[p for b in WIRE_PACK.blocks for p in b.paragraphs],
            )
        ]
    )
    spread = cite_every_carrier(_claim_quoting("Moscow backs Pyongyang fully"), WIRE_PACK)
    result = verify(spread, texts, WIRE_PACK.source_ids)
    assert result.dropped == 0 and len(result.extraction.claims[0].evidence) == 3


def _carrier_texts(copy_of_c: str) -> SourceTexts:
    """Outlet a with both blocks of WIRE_PACK, b with its wire copy, c with `copy_of_c`."""
    own = [p for b in WIRE_PACK.blocks for p in b.paragraphs]
    wire = WIRE_PACK.blocks[1].paragraphs
    return SourceTexts(
        Article(source=Source(id=i, path=f"{i}.txt"), paragraphs=paragraphs)
        for i, paragraphs in (("a", own), ("b", wire), ("c", [copy_of_c]))
    )


def test_cite_carriers_cites_only_the_carriers_whose_copy_holds_the_quote():
    texts = _carrier_texts("Lavrov said Moscow backs Pyongyang completely.")
    verified = verify(_claim_quoting("Moscow backs Pyongyang fully"), texts, ["a", "b", "c"])
    cited = cite_carriers(verified, WIRE_PACK, texts)
    assert [e.source_id for e in cited.extraction.claims[0].evidence] == ["a", "b"]


def test_cite_carriers_keeps_a_quote_of_an_outlets_own_text_as_it_is():
    texts = _carrier_texts("Lavrov said Moscow backs Pyongyang fully.")
    verified = verify(_claim_quoting("Lavrov smiled broadly"), texts, ["a", "b", "c"])
    cited = cite_carriers(verified, WIRE_PACK, texts)
    assert cited.extraction.claims[0] is verified.extraction.claims[0]


# ---------------------------------------------------------------- repair

SPEECH = (
    "The minister spoke to reporters in the port city on Saturday afternoon.",
    "“We will not allow anyone to threaten the security of our ally,” Lavrov told "
    "reporters, adding that joint exercises would continue next year.",
    "He later flew back to Moscow.",
)
SPOKEN = SPEECH[1]


def speech_texts(index_min_chars: int = 20_000) -> SourceTexts:
    return SourceTexts(
        [
            Article(source=Source(id="a", path="a.txt"), paragraphs=list(SPEECH)),
            Article(source=Source(id="b", path="b.txt"), paragraphs=["Rain fell on the port."]),
        ],
        index_min_chars,
    )


def verified_quote(quote: str, source: str = "a", **options: int) -> tuple[list[Evidence], object]:
    result = verify(extraction(claim((source, quote))), speech_texts(**options), ["a", "b"])
    evidence = result.extraction.claims[0].evidence if result.extraction.claims else []
    return evidence, result


@pytest.mark.parametrize("index_min_chars", [0, 20_000])
@pytest.mark.parametrize(
    "drifted",
    [
        "We will not allow anyone to threaten the security of ally",  # a word dropped
        "we will not allow anyone to threaten the security of our ally",  # case changed
        "'We will not allow anyone to threaten the security of our ally,' Lavrov told",
        "We will not allow anybody to threaten the security of our ally",  # a word changed
    ],
)
def test_a_drifted_quote_becomes_the_exact_span_of_its_source(drifted, index_min_chars):
    evidence, result = verified_quote(drifted, index_min_chars=index_min_chars)
    [item] = evidence
    assert item.source_id == "a" and item.quote in SPOKEN
    assert "the security of our ally" in item.quote
    assert (result.repaired, result.dropped) == (1, 0)


def test_a_repaired_span_keeps_the_sources_own_quote_marks():
    evidence, _ = verified_quote(
        '"We will not allow anyone to threaten the security of ally," Lavrov'
    )
    assert evidence[0].quote == (
        "“We will not allow anyone to threaten the security of our ally,” Lavrov"
    )


@pytest.mark.parametrize("index_min_chars", [0, 20_000])
def test_an_invented_quote_is_not_repaired_into_a_real_one(index_min_chars):
    invented = "We will send troops to defend our ally whatever it costs us"
    evidence, result = verified_quote(invented, index_min_chars=index_min_chars)
    assert evidence == [] and (result.repaired, result.dropped) == (0, 1)


def test_a_drifted_quote_cited_to_the_wrong_source_is_repaired_there_and_re_cited():
    evidence, result = verified_quote(
        "we will not allow anyone to threaten the security of ally", source="b"
    )
    assert [e.source_id for e in evidence] == ["a"] and evidence[0].quote in SPOKEN
    assert (result.repaired, result.recited) == (1, 1)


def test_a_drifted_quote_also_cited_to_the_source_holding_it_ships_once_from_there():
    drifted = "we will not allow anyone to threaten the security of ally"
    result = verify(extraction(claim(("b", drifted), ("a", drifted))), speech_texts(), ["a", "b"])
    [item] = result.extraction.claims[0].evidence
    assert item.source_id == "a" and item.quote in SPOKEN
    assert (result.recited, result.repaired, result.dropped) == (1, 2, 0)


def test_a_source_citing_a_quote_too_must_still_hold_half_its_words_to_be_re_cited():
    # Every word but the last carries a comma the source does not have: close enough to
    # repair where it is cited, too few of its words for a quote cited elsewhere.
    source = "alpha beta gamma delta epsilon zeta"
    listed = "alpha, beta, gamma, delta, epsilon, zeta"
    texts = SourceTexts(
        [
            Article(source=Source(id="a", path="a.txt"), paragraphs=[source]),
            Article(source=Source(id="b", path="b.txt"), paragraphs=["Rain fell on the port."]),
        ]
    )
    result = verify(extraction(claim(("b", listed), ("a", listed))), texts, ["a", "b"])
    assert [(e.source_id, e.quote) for e in result.extraction.claims[0].evidence] == [("a", source)]
    assert (result.recited, result.repaired, result.dropped) == (0, 1, 1)


@pytest.mark.parametrize("shown", [["a", "b"], ["b"]])
def test_a_quote_is_re_cited_only_to_a_source_whose_own_text_the_engine_was_shown(shown):
    result = verify(extraction(claim(("b", SPOKEN))), speech_texts(), ["a", "b"], shown)
    cited = [e.source_id for c in result.extraction.claims for e in c.evidence]
    assert cited == (["a"] if "a" in shown else [])


def test_an_ellipsis_splits_a_quote_into_spans_found_in_order():
    quote = "We will not allow anyone to threaten … joint exercises would continue next year"
    evidence, result = verified_quote(quote)
    assert [e.quote for e in evidence] == [
        "We will not allow anyone to threaten",
        "joint exercises would continue next year",
    ]
    assert result.repaired == 1


def test_an_ellipsis_quote_whose_parts_are_out_of_order_is_dropped():
    quote = "joint exercises would continue next year ... We will not allow anyone to threaten"
    evidence, result = verified_quote(quote)
    assert evidence == [] and result.dropped == 1


def test_an_ellipsis_quote_with_an_invented_part_is_dropped():
    quote = "We will not allow anyone to threaten ... and we will win the war in the end"
    evidence, _ = verified_quote(quote)
    assert evidence == []


def test_a_short_quote_must_be_exact():
    evidence, result = verified_quote("flew back to Moskva")
    assert evidence == [] and result.dropped == 1


@pytest.mark.parametrize("index_min_chars", [0, 20_000])
def test_exact_lookups_agree_with_and_without_the_index(index_min_chars):
    texts = speech_texts(index_min_chars)
    assert texts.quotes("a", "allow anyone to threaten")
    assert texts.quotes("a", "flew back to Moscow.")
    assert texts.quotes("a", "low anyone to thr")  # a quote may start or end mid-word
    assert not texts.quotes("a", "allow anyone to attack")
    assert not texts.quotes("b", "allow anyone to threaten")


def test_a_long_source_is_indexed_and_finds_quotes_far_into_it():
    filler = [f"Paragraph {n} of the record repeats the usual routine words." for n in range(3000)]
    article = Article(source=Source(id="a", path="a.txt"), paragraphs=[*filler, SPOKEN])
    texts = SourceTexts([article])
    assert texts.get("a").index is not None
    result = verify(
        extraction(claim(("a", "we will not allow anyone to threaten the security of ally"))),
        texts,
        ["a"],
    )
    assert result.repaired == 1
    assert result.extraction.claims[0].evidence[0].quote in SPOKEN
    assert texts.quotes("a", "Paragraph 2999 of the record")


def test_a_source_with_a_cut_off_quote_keeps_its_own_characters_when_repaired():
    raw = "He said:  “Our  forces – all of them – are ready to defend the border,” and left."
    article = Article(source=Source(id="a", path="a.txt"), paragraphs=[raw])
    result = verify(
        extraction(claim(("a", "our forces - all of them - are ready to defend border"))),
        SourceTexts([article]),
        ["a"],
    )
    assert result.extraction.claims[0].evidence[0].quote == (
        "Our  forces – all of them – are ready to defend the border"
    )


# ---------------------------------------------------------------- claim and figure text

REPORT = (
    "Mayor Anna Brandt visited the shelter on Monday.",
    "“About 400 residents were evacuated overnight,” she said.",
    "Rain is expected to continue until Thursday.",
)


def report_texts() -> SourceTexts:
    return SourceTexts([Article(source=Source(id="a", path="a.txt"), paragraphs=list(REPORT))])


BRANDT = Actor(name="Anna Brandt", aliases=[], kind="person", role="mayor", sources=["a"])


def checked_claim(text: str, speaker: str | None = "Anna Brandt", actors=(BRANDT,)) -> object:
    quote = "About 400 residents were evacuated overnight"
    found = Claim(speaker=speaker, text=text, evidence=[Evidence(source_id="a", quote=quote)])
    return verify(
        Extraction(actors=list(actors), claims=[found], figures=[]), report_texts(), ["a"]
    )


def test_a_claim_text_with_an_invented_number_becomes_its_quote():
    result = checked_claim("4,321 people were evacuated, Brandt said")
    [claim] = result.extraction.claims
    assert claim.text == "About 400 residents were evacuated overnight"
    assert claim.speaker == "Anna Brandt"
    assert result.rewritten_claims == 1


def test_a_claim_text_restating_its_quote_is_kept_with_the_speakers_name():
    result = checked_claim("Anna Brandt said about 400 residents were evacuated")
    assert result.extraction.claims[0].text == "Anna Brandt said about 400 residents were evacuated"
    assert result.rewritten_claims == 0


def test_a_claim_text_naming_someone_its_quote_does_not_becomes_the_quote():
    result = checked_claim("Governor Ortiz ordered 400 residents evacuated")
    assert result.extraction.claims[0].text.startswith("About 400 residents")
    assert result.rewritten_claims == 1


def test_a_speaker_named_just_before_a_he_said_quote_is_kept():
    assert checked_claim("400 residents were evacuated").extraction.claims[0].speaker == (
        "Anna Brandt"
    )


def test_a_speaker_known_by_surname_resolves_to_the_extracted_actor():
    assert checked_claim("400 were evacuated", speaker="Brandt").extraction.claims[0].speaker


def test_a_speaker_who_is_no_extracted_actor_is_removed_and_counted():
    result = checked_claim("400 residents were evacuated", speaker="Governor Ortiz")
    assert result.extraction.claims[0].speaker is None
    assert result.unattributed_claims == 1


def test_a_speaker_no_actor_stands_for_is_kept_when_the_quote_words_it():
    quote = "Relief workers said about 400 residents were evacuated overnight"
    paragraphs = [f"{quote}.", "Rain is expected to continue until Thursday."]
    texts = SourceTexts([Article(source=Source(id="a", path="a.txt"), paragraphs=paragraphs)])
    evidence = [Evidence(source_id="a", quote=quote)]
    claims = [
        Claim(speaker="relief workers", text="400 residents were evacuated", evidence=evidence),
        Claim(speaker="relief", text="about 400 residents were evacuated", evidence=evidence),
        Claim(speaker="aid workers", text="residents were evacuated overnight", evidence=evidence),
    ]
    result = verify(Extraction(actors=[], claims=claims, figures=[]), texts, ["a"])
    assert [c.speaker for c in result.extraction.claims] == ["relief workers", "relief", None]
    assert result.unattributed_claims == 1


def test_a_speaker_the_quotes_paragraphs_never_name_is_removed():
    far = Actor(name="Omar Ortiz", aliases=[], kind="person", role="governor", sources=["a"])
    result = checked_claim("400 residents were evacuated", "Omar Ortiz", actors=(BRANDT, far))
    assert result.extraction.claims[0].speaker is None


def test_a_speaker_whose_name_has_a_curly_apostrophe_is_found_in_the_paragraph():
    paragraphs = [
        "Governor Dana O’Brien toured the shelter on Monday.",
        "Rain is expected to continue until Thursday.",
        "The river crested at noon.",
        "Roads to the north stay closed.",
        "O’Brien said about 400 residents were evacuated overnight.",
    ]
    texts = SourceTexts([Article(source=Source(id="a", path="a.txt"), paragraphs=paragraphs)])
    actor = Actor(name="Dana O’Brien", aliases=["O’Brien"], kind="person", role=None, sources=["a"])
    quote = Evidence(source_id="a", quote=paragraphs[-1])
    found = Claim(speaker="Dana O’Brien", text="400 residents were evacuated", evidence=[quote])
    result = verify(Extraction(actors=[actor], claims=[found], figures=[]), texts, ["a"])
    assert result.extraction.claims[0].speaker == "Dana O’Brien"


@pytest.mark.parametrize(
    ("value", "kept"), [("about 400", True), ("400", True), ("4,000", False), ("dozens", False)]
)
def test_a_figure_is_kept_only_when_its_value_is_in_its_quote(value, kept, evacuation_figure):
    figure = evacuation_figure(value, quote="About 400 residents were evacuated overnight")
    result = verify(Extraction(actors=[], claims=[], figures=[figure]), report_texts(), ["a"])
    assert bool(result.extraction.figures) is kept
    assert result.dropped_figures == (0 if kept else 1)


@pytest.mark.parametrize("index_min_chars", [0, 20_000])
def test_a_quote_missing_a_word_near_its_start_keeps_its_first_words(index_min_chars):
    evidence, _ = verified_quote(
        "The minister to reporters in the port city on Saturday", index_min_chars=index_min_chars
    )
    assert evidence[0].quote == "The minister spoke to reporters in the port city on Saturday"


def test_quote_marks_an_engine_wrapped_around_a_quote_are_not_aligned_into_the_span():
    evidence, _ = verified_quote('"the minister spoke to reporters in the port city on saturday"')
    assert evidence[0].quote == "The minister spoke to reporters in the port city on Saturday"


def test_a_speaker_is_not_taken_for_an_actor_whose_name_only_holds_its_letters():
    other = Actor(name="Lena Brandtson", aliases=[], kind="person", role=None, sources=["a"])
    result = checked_claim("400 residents were evacuated", "Brandt", actors=(other, BRANDT))
    assert result.extraction.claims[0].speaker == "Brandt"
    assert result.unattributed_claims == 0


def test_a_speaker_whose_name_ends_in_a_capital_sigma_resolves_to_the_actor():
    # Lower-cased alone, the sigma of "ΝΙΚΟΣ" is final ("ς"); inside "ΝΙΚΟΣ.ΠΑΠΑΣ" it is not.
    paragraphs = [
        "ΝΙΚΟΣ.ΠΑΠΑΣ visited the shelter on Monday.",
        "“About 400 residents were evacuated overnight,” he said.",
    ]
    texts = SourceTexts([Article(source=Source(id="a", path="a.txt"), paragraphs=paragraphs)])
    actor = Actor(name="ΝΙΚΟΣ.ΠΑΠΑΣ", aliases=[], kind="person", role=None, sources=["a"])
    quote = Evidence(source_id="a", quote="About 400 residents were evacuated overnight")
    found = Claim(speaker="ΝΙΚΟΣ", text="400 residents were evacuated", evidence=[quote])
    result = verify(Extraction(actors=[actor], claims=[found], figures=[]), texts, ["a"])
    assert result.extraction.claims[0].speaker == "ΝΙΚΟΣ"


def test_a_speaker_whose_surname_is_a_common_word_is_found_by_it_written_as_a_name():
    paragraphs = [
        "Columnist Grace Will toured the shelter on Monday.",
        "Rain is expected to continue until Thursday.",
        "The river crested at noon.",
        "Roads to the north stay closed.",
        "Power returned to most homes.",
        "Will said about 400 residents were evacuated overnight.",
        "Schools stay shut this week.",
        "Volunteers handed out water.",
        "The bridge reopened at dusk.",
        "Crews will stay until the roads reopen.",
    ]
    texts = SourceTexts([Article(source=Source(id="a", path="a.txt"), paragraphs=paragraphs)])
    actor = Actor(name="Grace Will", aliases=[], kind="person", role=None, sources=["a"])
    claims = [
        Claim(
            speaker="Grace Will",
            text="400 residents were evacuated",
            evidence=[Evidence(source_id="a", quote=paragraphs[5])],
        ),
        Claim(
            speaker="Grace Will",
            text="crews will stay until the roads reopen",
            evidence=[Evidence(source_id="a", quote=paragraphs[9])],
        ),
    ]
    result = verify(Extraction(actors=[actor], claims=claims, figures=[]), texts, ["a"])
    assert [claim.speaker for claim in result.extraction.claims] == ["Grace Will", None]
