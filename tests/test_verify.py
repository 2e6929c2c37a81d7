from briefing.pack import Block, Pack
from briefing.schema import Actor, Article, Claim, Evidence, Extraction, Figure, Source
from briefing.verify import SourceTexts, cite_every_carrier, verify

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


def test_quote_attributed_to_the_wrong_source_is_dropped():
    result = verify(
        extraction(claim(("b", "We warn against exploiting these ties"))), texts(), ["a", "b"]
    )
    assert result.extraction.claims == []


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
