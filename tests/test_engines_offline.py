"""The offline engine: actors, claims, figures and summary by rule, on small fixtures and
on the wonsan seed cluster."""

from __future__ import annotations

import asyncio

import pytest

from briefing.dedup import Passage
from briefing.engines.base import SummaryInput, Usage
from briefing.engines.offline import OfflineEngine, extract_pack
from briefing.language.numbers import find_quantities
from briefing.pack import Block, Pack
from briefing.schema import Actor, Extraction
from briefing.text import normalize_for_match

from .corpus import WONSAN, corpus_articles, corpus_packs


def pack_of(*articles: tuple[str, str]) -> Pack:
    """A pack of small articles given as (source id, text with blank-line paragraphs)."""
    blocks = [
        Block(source_ids=[source], paragraphs=[p for p in text.split("\n\n") if p.strip()])
        for source, text in articles
    ]
    return Pack(blocks=blocks, tokens=0)


def actor(extraction: Extraction, name: str) -> Actor:
    found = [a for a in extraction.actors if name == a.name or name in a.aliases]
    assert found, f"{name} not among {[a.name for a in extraction.actors]}"
    return found[0]


@pytest.fixture(scope="module")
def wonsan() -> Extraction:
    extractions = [extract_pack(pack) for pack in corpus_packs(WONSAN)]
    return Extraction(
        actors=[a for e in extractions for a in e.actors],
        claims=[c for e in extractions for c in e.claims],
        figures=[f for e in extractions for f in e.figures],
    )


# ---------------------------------------------------------------- engine protocol


def test_engine_is_named_offline_and_costs_nothing():
    engine = OfflineEngine()
    pack = pack_of(("a", "Nothing happened."))

    async def run() -> tuple[Extraction, Usage]:
        async with engine.session():
            return await engine.extract(pack)

    extraction, usage = asyncio.run(run())
    assert (engine.name, engine.model, engine.prompt_overhead()) == ("offline", None, 0)
    assert usage == engine.estimate([pack]) == Usage()
    assert extraction == Extraction(actors=[], claims=[], figures=[])


# ---------------------------------------------------------------- actors


def test_title_before_a_name_makes_a_person_with_that_role():
    extraction = extract_pack(
        pack_of(("a", "Russian Foreign Minister Sergey Lavrov on Saturday warned the allies."))
    )
    lavrov = actor(extraction, "Sergey Lavrov")
    assert (lavrov.kind, lavrov.role) == ("person", "Russian Foreign Minister")


def test_apposition_after_a_name_gives_the_role():
    text = "Choe Son Hui, the North Korean foreign minister, said her country stood firm."
    choe = actor(extract_pack(pack_of(("a", text))), "Choe Son Hui")
    assert (choe.kind, choe.role) == ("person", "North Korean foreign minister")


def test_role_before_a_comma_gives_the_role():
    text = "Ukraine's military intelligence chief, Kyrylo Budanov, said supplies had grown."
    budanov = actor(extract_pack(pack_of(("a", text))), "Kyrylo Budanov")
    assert budanov.role == "Ukraine's military intelligence chief"


def test_news_agencies_acronyms_and_countries_get_their_kinds():
    text = (
        "The talks went well, according to the Russian state-run Tass news agency. "
        "North Korea's state news agency KCNA reported that NATO was worried. "
        "Officials in the United States disagreed."
    )
    extraction = extract_pack(pack_of(("a", text)))
    assert actor(extraction, "Tass").kind == "media"
    assert actor(extraction, "KCNA").kind == "media"
    assert actor(extraction, "NATO").kind == "organization"
    assert actor(extraction, "United States").kind == "country"
    assert actor(extraction, "North Korea").kind == "country"


def test_capitalised_sentence_openers_months_and_places_are_not_actors():
    text = (
        "Speaking on Monday in July, officials met in the resort city of Wonsan. "
        "Relations have grown. The Korean Peninsula stayed calm. UKRAINE COOPERATION"
    )
    names = {a.name for a in extract_pack(pack_of(("a", text))).actors}
    assert not names & {"Speaking", "Monday", "July", "Wonsan", "Relations", "The", "UKRAINE"}
    assert not any("Peninsula" in name for name in names)


def test_surname_and_mr_link_to_the_full_name_in_the_article():
    text = (
        "North Korea's leader Kim Jong Un met the envoy.\n\n"
        "Mr Kim told the envoy that ties with Moscow were strong. Kim smiled."
    )
    extraction = extract_pack(pack_of(("a", text)))
    kims = [a for a in extraction.actors if "Kim" in a.name or "Mr Kim" in a.aliases]
    assert [a.name for a in kims] == ["Kim Jong Un"]
    assert "Mr Kim" in kims[0].aliases
    assert extraction.claims[0].speaker == "Kim Jong Un"


def test_a_title_before_the_full_name_is_not_listed_as_another_name():
    text = (
        "Gen. Mark Milley said the drills would go on.\n\n"
        "Later, Mr Milley told reporters the risk was low."
    )
    milley = actor(extract_pack(pack_of(("a", text))), "Mark Milley")
    assert milley.aliases == ["Mr Milley"]


def test_organisation_words_make_organisations_and_split_lists_of_people():
    text = (
        "Neil Thomas and Laura Gloudeman of Eurasia Group said in a report that growth slowed. "
        "The Center for Disease Control and Prevention disagreed."
    )
    extraction = extract_pack(pack_of(("a", text)))
    assert actor(extraction, "Eurasia Group").kind == "organization"
    assert actor(extraction, "Center for Disease Control and Prevention").kind == "organization"


# ---------------------------------------------------------------- claims


def test_said_that_gives_the_clause_as_the_claim():
    text = "Lavrov said that Moscow understands the reasons for the programme."
    claim = extract_pack(pack_of(("a", text))).claims[0]
    assert (claim.speaker, claim.text) == (
        "Lavrov",
        "Moscow understands the reasons for the programme",
    )


def test_quotation_before_said_name_gives_the_quotation():
    text = (
        "Mario Quintanillo, 30, reached the border.\n\n"
        "\"But I'm going with the feeling that it's worth it,\" said Mr. Quintanillo."
    )
    claim = extract_pack(pack_of(("a", text))).claims[0]
    assert claim.speaker == "Mario Quintanillo"
    assert claim.text == "But I'm going with the feeling that it's worth it"


def test_a_quotation_with_quotes_inside_it_is_kept_whole():
    text = (
        "Donald Trump wrote about the border.\n\n"
        '"Mexico must stop these large "Caravans" at its border," he tweeted earlier this month.'
    )
    claim = extract_pack(pack_of(("a", text))).claims[0]
    assert (claim.speaker, claim.text) == (
        "Donald Trump",
        'Mexico must stop these large "Caravans" at its border',
    )


def test_a_quotation_resumed_after_its_speaker_is_joined_to_its_start():
    text = '"We will rebuild," Mayor Jane Doe said, "and we will do it fast."'
    claim = extract_pack(pack_of(("a", text))).claims[0]
    assert claim.text == "We will rebuild … and we will do it fast"


@pytest.mark.parametrize(
    "sentence",
    [
        "The war will end by spring, Vladimir Putin said earlier this month.",
        "The war will end by spring, Vladimir Putin said last week.",
        "Vladimir Putin said last week the war will end by spring.",
    ],
)
def test_when_a_statement_was_made_is_not_taken_for_what_it_says(sentence):
    claims = extract_pack(pack_of(("a", sentence))).claims
    assert [(c.speaker, c.text.lower()) for c in claims] == [
        ("Vladimir Putin", "the war will end by spring")
    ]


def test_he_said_goes_to_the_latest_person_before_it():
    text = (
        "Russian Foreign Minister Sergey Lavrov met Choe Son Hui, the foreign minister.\n\n"
        "Lavrov spoke to reporters and said the talks went well.\n\n"
        "“We warn against building alliances against anyone,” he said."
    )
    claims = extract_pack(pack_of(("a", text))).claims
    assert [c.speaker for c in claims] == ["Sergey Lavrov", "Sergey Lavrov"]
    assert claims[1].text == "We warn against building alliances against anyone"


def test_role_phrase_speaker_goes_to_the_person_with_that_role():
    text = (
        "Russian Foreign Minister Sergey Lavrov arrived on Friday.\n\n"
        "The Russian minister added that Moscow respects its partner."
    )
    claim = extract_pack(pack_of(("a", text))).claims[0]
    assert claim.speaker == "Sergey Lavrov"


def test_spokesperson_of_an_organisation_speaks_for_it():
    text = '"NATO is vigilant and we are monitoring the situation," a NATO spokesperson said.'
    claim = extract_pack(pack_of(("a", text))).claims[0]
    assert claim.speaker == "NATO"


def test_unnamed_organisation_with_an_owner_can_speak():
    text = "South Korea's intelligence service has reported that Pyongyang may send more troops."
    claim = extract_pack(pack_of(("a", text))).claims[0]
    assert claim.speaker == "South Korea's intelligence service"


def test_verbs_inside_quotations_and_passive_said_are_not_attributions():
    text = "“We say nothing,” is painted on the sign. The document is said to be secret by many."
    assert extract_pack(pack_of(("a", text))).claims == []


def test_wire_copy_passage_gives_evidence_for_each_source():
    passage = "Lavrov said that the visit strengthened the partnership between the two nations."
    pack = Pack(blocks=[Block(source_ids=["a", "b", "c"], paragraphs=[passage])], tokens=0)
    claim = extract_pack(pack).claims[0]
    assert [e.source_id for e in claim.evidence] == ["a", "b", "c"]
    assert all(e.quote == passage for e in claim.evidence)


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(
    ("text", "value", "number", "unit", "qualifier"),
    [
        ("Russia got up to 40% of its needed ammunition.", "up to 40%", 40, "%", "up to"),
        (
            "It has shipped about 12 million rounds.",
            "about 12 million rounds",
            12e6,
            "rounds",
            "about",
        ),
        (
            "Tariffs worth about $3.5 billion were listed.",
            "about $3.5 billion",
            3.5e9,
            "USD",
            "about",
        ),
        ("Duties on 2.8 billion euros of exports.", "2.8 billion euros", 2.8e9, "EUR", None),
        ("It covers 10 per cent of demand.", "10 per cent", 10, "%", None),
        ("He has at least four dozen questions.", "at least four dozen", 48, None, "at least"),
        ("It will carry two million tonnes of hydrogen.", "two million tonnes", 2e6, "t", None),
        ("Between 150 and 200 migrants plan to cross.", "Between 150 and 200", None, None, None),
    ],
)
def test_quantities_keep_value_number_unit_and_qualifier(text, value, number, unit, qualifier):
    quantity = find_quantities(text)[0]
    assert (quantity.value, quantity.number, quantity.unit, quantity.qualifier) == (
        value,
        number,
        unit,
        qualifier,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The deal was signed in 2018 and again on July 12, 2025.",
        "The 61-year-old coach met Mario Quintanillo, 30, and his daughter.",
        "Talks began at 10 a.m. and ended at 3:30 p.m.",
        "Spain lost 3-0 on penalties; call 416-383-2300 about COVID-19 in the G7.",
        "It was the 2nd time, two days after the three-day visit three years ago.",
    ],
)
def test_dates_years_ages_times_scores_and_codes_are_not_quantities(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("North Korea supplied up to 40% of its needed ammunition.", "needed ammunition"),
        ("It sent more than 10,000 soldiers to fight.", "soldiers"),
        (
            "It supplied artillery ammunition and has shipped about 12 million rounds.",
            "artillery ammunition",
        ),
        ("The EU listed retaliatory tariffs worth about $3.5 billion.", "retaliatory tariffs"),
        (
            "It will set its own duties on 2.8 billion euros of U.S. exports.",
            "duties on U.S. exports",
        ),
        ("Imports tumbled 10.9% in November.", "Imports"),
        (
            "It imposed tariffs of 25 percent on steel and 10 percent on aluminum.",
            "tariffs on steel",
        ),
        (
            "The government reported 16,797 new cases, including 13,160 without symptoms.",
            "new cases",
        ),
    ],
)
def test_figure_subject_is_what_the_number_counts(text, subject):
    figures = extract_pack(pack_of(("a", text))).figures
    assert figures[0].subject == subject


def test_second_figure_of_a_pair_takes_the_first_ones_noun():
    text = "It imposed tariffs of 25 percent on steel and 10 percent on aluminum."
    subjects = [f.subject for f in extract_pack(pack_of(("a", text))).figures]
    assert subjects == ["tariffs on steel", "tariffs on aluminum"]


def test_conversion_in_brackets_stays_with_the_figure_it_converts():
    text = "The pipeline will cost about €2.5 billion ($2.6 billion), Sanchez said."
    figures = extract_pack(pack_of(("a", text))).figures
    assert [(f.value, f.unit, f.subject) for f in figures] == [
        ("about €2.5 billion ($2.6 billion)", "EUR", "cost")
    ]


def test_figure_is_attributed_to_the_speaker_of_its_sentence():
    text = "Kyrylo Budanov, the intelligence chief, said Russia got up to 40% of its ammunition."
    figure = extract_pack(pack_of(("a", text))).figures[0]
    assert figure.attributed_to == "Kyrylo Budanov"


# ---------------------------------------------------------------- summary


def test_summary_bullets_are_verbatim_central_sentences_without_quotations():
    passages = [
        Passage(
            text="Lavrov met Kim Jong Un in Wonsan to discuss military ties with Russia.",
            source_ids=["a", "b"],
        ),
        Passage(
            text="Russia and North Korea expanded military ties during the Wonsan talks this week.",
            source_ids=["a"],
        ),
        Passage(
            text="“We warn against alliances,” Lavrov said to reporters in Wonsan on Saturday.",
            source_ids=["b"],
        ),
        Passage(text="UKRAINE COOPERATION", source_ids=["a"]),
        Passage(
            text="The weather in the resort city was warm and sunny for most of the week.",
            source_ids=["c"],
        ),
    ]
    story = SummaryInput(
        actors=[], claims=[], figures=[], disputes=[], passages=passages, titles=[]
    )
    summary, usage = asyncio.run(OfflineEngine().summarize(story))
    texts = [p.text for p in passages]
    assert usage == Usage()
    assert 1 <= len(summary.bullets) <= 5
    bullets = [bullet.text for bullet in summary.bullets]
    assert all(bullet in texts for bullet in bullets)
    assert bullets[0] == texts[0]
    assert summary.bullets[0].source_ids == ["a", "b"]
    assert all("warn" not in bullet and bullet != "UKRAINE COOPERATION" for bullet in bullets)
    assert summary.title


def test_summary_headline_prefers_the_most_central_title():
    passages = [
        Passage(text="Lavrov met Kim Jong Un in Wonsan to discuss military ties.", source_ids=["a"])
    ]
    titles = ["Weather report", "Lavrov meets Kim Jong Un in Wonsan"]
    story = SummaryInput(
        actors=[], claims=[], figures=[], disputes=[], passages=passages, titles=titles
    )
    assert asyncio.run(OfflineEngine().summarize(story))[0].title == titles[1]


# ---------------------------------------------------------------- wonsan


def test_wonsan_names_the_key_people_and_agencies(wonsan):
    assert actor(wonsan, "Kim Jong Un").kind == "person"
    assert actor(wonsan, "Choe Son Hui").kind == "person"
    assert actor(wonsan, "Vladimir Putin").kind == "person"
    assert actor(wonsan, "Kyrylo Budanov").kind == "person"
    assert actor(wonsan, "KCNA").kind in {"media", "organization"}
    assert {"Sergey Lavrov", "Sergei Lavrov"} <= {a.name for a in wonsan.actors}


def test_wonsan_has_no_junk_actors(wonsan):
    junk = {"The", "Speaking", "Relations", "Wonsan", "Kursk", "Calling", "Sorry", "Error", "July"}
    assert not junk & {a.name for a in wonsan.actors}
    assert all(len(a.name) > 1 for a in wonsan.actors)


def test_wonsan_ammunition_figures_are_attributed(wonsan):
    figures = {f.value: f for f in wonsan.figures}
    assert figures["up to 40%"].attributed_to == "Kyrylo Budanov"
    assert "intelligence" in (figures["about 12 million rounds"].attributed_to or "")
    assert "ammunition" in figures["about 12 million rounds"].subject


def test_wonsan_claims_are_attributed_to_the_right_people(wonsan):
    by_text = {c.text: c.speaker for c in wonsan.claims}
    assert (
        by_text["North Korea was now supplying Russia with up to 40% of its needed ammunition"]
        == "Kyrylo Budanov"
    )
    assert all(speaker for speaker in by_text.values())
    lavrov = [c for c in wonsan.claims if c.speaker and "Lavrov" in c.speaker]
    assert len(lavrov) >= 10


def test_wonsan_evidence_quotes_are_verbatim_in_their_sources(wonsan):
    texts = {a.id: normalize_for_match(a.text) for a in corpus_articles(WONSAN)}
    quotes = [e for c in wonsan.claims for e in c.evidence] + [
        e for f in wonsan.figures for e in f.evidence
    ]
    assert quotes
    for evidence in quotes:
        assert normalize_for_match(evidence.quote) in texts[evidence.source_id]


@pytest.mark.parametrize(
    "text, speaker, claim",
    [
        (
            "Three people were injured in the blast on Tuesday, police said.",
            "police",
            "Three people were injured in the blast on Tuesday",
        ),
        (
            "Local officials said the bridge would reopen next month.",
            "Local officials",
            "the bridge would reopen next month",
        ),
        (
            "The fire destroyed 40 homes, according to the city council.",
            "city council",
            "The fire destroyed 40 homes",
        ),
        (
            "The talks stalled after White House officials said the deadline had passed.",
            "White House",
            "the deadline had passed",
        ),
    ],
)
def test_unnamed_groups_and_bodies_can_speak(text, speaker, claim):
    claims = extract_pack(pack_of(("a", text))).claims
    assert [(c.speaker, c.text) for c in claims] == [(speaker, claim)]


def test_a_short_quotation_before_its_speaker_is_a_claim():
    claims = extract_pack(
        pack_of(("a", '"We will rebuild," Mayor Jane Doe said on Wednesday.'))
    ).claims
    assert [(c.speaker, c.text) for c in claims] == [("Jane Doe", "We will rebuild")]


def test_every_name_a_bracketed_acronym_spells_out_is_one_actor():
    paragraphs = [
        "Luis Rubiales, the Ostend Football Federation president, spoke on Friday.",
        "The coach was replaced by the Ostend football federation (OSFF) on Thursday.",
        "The Ostend FA (OSFF) issued a statement on Thursday.",
        "The OSFF said the coach would leave at the end of the month.",
    ]
    pack = Pack(blocks=[Block(source_ids=["a"], paragraphs=paragraphs)], tokens=0)
    bodies = [a for a in extract_pack(pack).actors if a.kind != "person"]
    assert [(a.name, sorted(a.aliases)) for a in bodies] == [
        ("Ostend Football Federation", ["OSFF", "Ostend FA"])
    ]
