"""The output contract: bullets and summary agree, and models never see output-only fields."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from briefing.engines.openai import strict_schema
from briefing.engines.prompting import compact_response_model
from briefing.schema import Briefing, Bullet, Extraction, Stats, Summary


def briefing(**fields: object) -> Briefing:
    return Briefing(
        title="Flood",
        actors=[],
        claims=[],
        figures=[],
        disputes=[],
        sources=[],
        skipped=[],
        stats=Stats(engine="offline"),
        **fields,
    )


def test_summary_is_the_texts_of_the_bullets():
    bullets = [Bullet(text="The dam held.", facts=["c1"], source_ids=["a"])]
    assert briefing(bullets=bullets).summary == ["The dam held."]


def test_a_summary_given_alone_becomes_bullets_citing_nothing():
    made = briefing(summary=["The dam held."])
    assert made.bullets == [Bullet(text="The dam held.", facts=[], source_ids=[])]


def test_a_summary_that_disagrees_with_the_bullets_is_rejected():
    bullets = [Bullet(text="The dam held.", facts=["c1"], source_ids=["a"])]
    with pytest.raises(ValidationError, match="summary must be the texts of bullets"):
        briefing(summary=["The dam broke."], bullets=bullets)


def test_the_schema_a_model_fills_has_no_ids_or_bullet_sources():
    extraction = json.dumps(strict_schema(compact_response_model(Extraction)))
    summary = strict_schema(compact_response_model(Summary))
    assert '"id"' not in extraction
    assert summary["$defs"]["Bullet"]["required"] == ["text", "facts"]
    assert set(summary["$defs"]["Bullet"]["properties"]) == {"text", "facts"}
