"""Text helpers: the character-by-character fold agrees with normalize_for_match."""

from __future__ import annotations

import pytest

from briefing.text import fold_with_offsets, normalize_for_match


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
