from briefing import tokens
from briefing.tokens import count_tokens, count_tokens_each


def test_a_text_given_several_times_is_counted_once_with_the_same_count(monkeypatch):
    texts = ["The same instructions.", "Pack one.", "The same instructions.", "Pack two."]
    seen: list[str] = []

    def counting(encoding: str, batch: list[str]) -> list[int]:
        seen.extend(batch)
        return [count_tokens(text) for text in batch]

    monkeypatch.setattr(tokens, "_count_batch", counting)
    assert count_tokens_each(texts) == [count_tokens(text) for text in texts]
    assert seen == ["The same instructions.", "Pack one.", "Pack two."]
