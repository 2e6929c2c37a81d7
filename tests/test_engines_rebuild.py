"""What code rebuilds of a model's extraction: actor sources and figure numbers."""

from __future__ import annotations

from briefing.engines.prompting import compact_response_model
from briefing.engines.rebuild import completed
from briefing.pack import Block, Pack
from briefing.schema import Actor, Evidence, Extraction, Figure

PACK = Pack(
    blocks=[
        Block(source_ids=["a", "c"], paragraphs=["Mr Lavrov met Kim Jong Un in Wonsan."]),
        Block(source_ids=["b"], paragraphs=["The US said talks would go on. Trust is low."]),
    ],
    tokens=30,
)


def actor(name: str, *aliases: str) -> Actor:
    return Actor(name=name, aliases=list(aliases), kind="person", role=None)


def figure(value: str) -> Figure:
    return Figure(
        subject="ammunition",
        value=value,
        attributed_to=None,
        evidence=[Evidence(source_id="a", quote="q")],
    )


def test_an_actors_sources_are_the_articles_whose_text_names_it():
    answer = Extraction(
        actors=[actor("Sergey Lavrov", "Lavrov"), actor("United States", "US")],
        claims=[],
        figures=[],
    )
    lavrov, states = completed(answer, PACK).actors
    assert lavrov.sources == ["a"]
    assert states.sources == ["b"]


def test_a_name_inside_another_word_is_no_mention():
    answer = Extraction(actors=[actor("Rust", "Trus")], claims=[], figures=[])
    assert completed(answer, PACK).actors[0].sources == []


def test_a_figures_number_unit_and_qualifier_are_read_from_its_value():
    answer = Extraction(actors=[], claims=[], figures=[figure("up to 40%"), figure("several")])
    read, unreadable = completed(answer, PACK).figures
    assert (read.number, read.unit, read.qualifier) == (40, "%", "up to")
    assert (unreadable.number, unreadable.unit, unreadable.qualifier) == (None, None, None)


def test_the_model_is_not_asked_for_what_code_rebuilds():
    schema = compact_response_model(Extraction).model_json_schema()
    assert set(schema["$defs"]["Actor"]["properties"]) == {"name", "aliases", "kind", "role"}
    assert set(schema["$defs"]["Figure"]["properties"]) == {
        "subject",
        "value",
        "attributed_to",
        "evidence",
    }
