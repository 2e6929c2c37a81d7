"""JSON inputs: JSON Feed 1.x, Guardian Content API responses, generic objects, arrays and JSONL.

Every shape ends in one mapping from an article-like object to a draft, driven by the field
names news APIs and exports commonly use (``title``/``headline``, ``url``/``link``/``webUrl``,
``published``/``date``/``webPublicationDate``, ``text``/``content``/``body``/``content_html``,
``source``/``outlet``/``site_name``). Nested ``fields`` (Guardian) and ``_source``
(Elasticsearch) objects are looked into; ``{"rendered": …}`` (WordPress) and ``{"main": …}``
(NYT Article Search) values are unwrapped. A shape that matches nothing is reported with the
keys it has, so the user can see why.
"""

from __future__ import annotations

import json
from typing import Any, TypeGuard

from briefing.ingest.dates import parse_date
from briefing.ingest.decode import readable_text
from briefing.ingest.feeds import is_teaser, item_body, outlet_part
from briefing.ingest.html import (
    Converted,
    ends_as_excerpt,
    fragment_to_paragraphs,
    looks_like_html,
    text_line,
    unescape_entities,
)
from briefing.ingest.models import Draft, Unusable
from briefing.ingest.plain import split_paragraphs
from briefing.ingest.urls import clean_url
from briefing.schema import Skipped

_TITLE_KEYS = ("title", "headline", "webTitle")
_URL_KEYS = (
    "url", "link", "webUrl", "web_url", "permalink", "canonical_url", "canonicalUrl",
    "external_url", "href", "uri", "shortUrl",
)  # fmt: skip
_DATE_KEYS = (
    "published", "published_at", "publishedAt", "date_published", "datePublished",
    "webPublicationDate", "pub_date", "pubDate", "date", "created_at", "createdAt",
    "timestamp", "time", "updated", "date_modified", "dateModified", "lastModified",
)  # fmt: skip
_TEXT_KEYS = (
    "content_html", "content_text", "body", "text", "content", "articleBody", "article_body",
    "full_text", "fulltext", "bodyText", "body_html", "story", "html",
)  # fmt: skip
_TEASER_KEYS = (
    "summary", "description", "excerpt", "abstract", "standfirst", "trailText",
    "lead_paragraph", "lead", "snippet", "dek", "subtitle", "teaser",
)  # fmt: skip
_OUTLET_KEYS = (
    "outlet", "source", "site_name", "siteName", "publisher", "publication", "provider",
    "source_name", "newspaper",
)  # fmt: skip
_AUTHOR_KEYS = ("author", "authors", "byline", "creator", "by")
_COLLECTION_KEYS = (
    "articles", "items", "results", "entries", "posts", "stories", "news", "documents", "docs",
    "data", "hits", "records", "value", "response",
)  # fmt: skip
_NESTED_KEYS = ("fields", "_source", "attributes")
_WRAPPED_VALUE_KEYS = ("rendered", "main", "text", "value", "name", "title", "$t", "#text")
_ARTICLE_MARKERS = frozenset(_TITLE_KEYS + _TEXT_KEYS + _TEASER_KEYS)
_JSON_KINDS = {
    str: "a string", int: "a number", float: "a number", bool: "a boolean", dict: "an object",
    type(None): "null",
}  # fmt: skip
_MAX_KEYS_NAMED = 12
_NEWSAPI_TRUNCATION = " [+"


def parse_json(text: str, *, path: str, truncated: bool) -> list[Draft | Skipped]:
    """Parse a ``.json`` document (or JSON Lines saved as ``.json``) into drafts.

    Raises `Unusable` for malformed JSON and for shapes that hold no articles.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and text.lstrip().startswith("{"):
            return parse_jsonl(text, path=path, truncated=truncated)
        if truncated:
            raise Unusable(
                "JSON cut at the size limit (max_file_bytes) cannot be parsed; raise the limit"
            ) from error
        raise Unusable(
            f"malformed JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    return document_to_drafts(document, path=path)


def parse_jsonl(text: str, *, path: str, truncated: bool) -> list[Draft | Skipped]:
    """Parse JSON Lines: one article object per line; a bad line is skipped on its own."""
    lines = text.split("\n")
    if truncated and len(lines) > 1:
        lines = lines[:-1]  # the last line was cut at the size limit
    results: list[Draft | Skipped] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item_path = f"{path}#{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            results.append(Skipped(path=item_path, reason=f"line {number}: {error.msg}"))
            continue
        if isinstance(value, dict):
            results.append(_item_to_draft(value, path=item_path, in_collection=True))
        else:
            reason = f"line {number} holds {_describe_value(value)}, not an article object"
            results.append(Skipped(path=item_path, reason=reason))
    if not results:
        raise Unusable("JSON Lines file holds no lines")
    return results


def document_to_drafts(document: Any, *, path: str) -> list[Draft | Skipped]:
    """Recognise the shape of a parsed JSON document and map its articles to drafts."""
    if isinstance(document, list):
        return _collection(document, path=path, outlet=None, name="top-level array")
    if not isinstance(document, dict):
        raise Unusable(f"JSON holds {_describe_value(document)}, not articles")
    if _is_json_feed(document):
        return _collection(
            document.get("items") or [], path=path, outlet=_json_feed_outlet(document), name="items"
        )
    response = document.get("response")
    if isinstance(response, dict) and _is_guardian(response):
        return _guardian(response, path=path)
    found = _find_collection(document)
    if found is not None:
        name, items = found
        return _collection(items, path=path, outlet=_outlet(document), name=name)
    if _looks_like_article(document):
        return [_item_to_draft(document, path=path, in_collection=False)]
    raise Unusable(
        f"unknown JSON shape: an object with keys {_name_keys(document)}; expected article "
        "fields (title, url, text/content/body) or a list of articles"
    )


def _is_json_feed(document: dict[str, Any]) -> bool:
    version = document.get("version")
    return isinstance(version, str) and "jsonfeed.org" in version


def _json_feed_outlet(document: dict[str, Any]) -> str | None:
    title = _string(document.get("title"))
    matched = outlet_part(title, _string(document.get("home_page_url")))
    authors = document.get("authors") or [document.get("author")]
    author = _author(authors)
    return matched or author or title


def _is_guardian(response: dict[str, Any]) -> bool:
    """A Content API response: ``results``/``content`` whose items have ``webUrl``/``webTitle``."""
    content = response.get("content")
    results = response.get("results")
    items = [content] if isinstance(content, dict) else results if isinstance(results, list) else []
    return any(isinstance(i, dict) and ("webUrl" in i or "webTitle" in i) for i in items[:5])


def _guardian(response: dict[str, Any], *, path: str) -> list[Draft | Skipped]:
    """Guardian Content API: ``/search`` (``results``) or a single item (``content``)."""
    if isinstance(response.get("content"), dict):
        item = _with_guardian_outlet(response["content"])
        return [_item_to_draft(item, path=path, in_collection=False)]
    results = [_with_guardian_outlet(r) if isinstance(r, dict) else r for r in response["results"]]
    return _collection(results, path=path, outlet="The Guardian", name="response.results")


def _with_guardian_outlet(item: dict[str, Any]) -> dict[str, Any]:
    # Old responses give the publication as a domain ("guardian.co.uk"); the name reads better.
    publication = _string((item.get("fields") or {}).get("publication"))
    outlet = publication if publication and "." not in publication else "The Guardian"
    return {**item, "outlet": outlet}


def _collection(
    items: list[Any], *, path: str, outlet: str | None, name: str
) -> list[Draft | Skipped]:
    if not items:
        raise Unusable(f"the JSON collection {name!r} is empty")
    results: list[Draft | Skipped] = []
    for position, item in enumerate(items, start=1):
        item_path = f"{path}#{position}"
        if isinstance(item, dict):
            results.append(_item_to_draft(item, path=item_path, in_collection=True, outlet=outlet))
        else:
            reason = f"{name} entry {position} is {_describe_value(item)}, not an article object"
            results.append(Skipped(path=item_path, reason=reason))
    return results


def _find_collection(document: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """A list of article objects under a collection key, at most two levels down."""
    for key in _COLLECTION_KEYS:
        value = document.get(key)
        if _is_article_list(value):
            return key, value
        if isinstance(value, dict):
            for inner_key in _COLLECTION_KEYS:
                inner = value.get(inner_key)
                if _is_article_list(inner):
                    return f"{key}.{inner_key}", inner
    return None


def _is_article_list(value: Any) -> TypeGuard[list[Any]]:
    if not isinstance(value, list) or not value:
        return False
    return any(isinstance(v, dict) and _looks_like_article(_unwrap(v)) for v in value[:20])


def _looks_like_article(item: dict[str, Any]) -> bool:
    keys = set(item)
    for nested in _NESTED_KEYS:
        if isinstance(item.get(nested), dict):
            keys |= set(item[nested])
    return bool(keys & _ARTICLE_MARKERS)


def _unwrap(item: dict[str, Any]) -> dict[str, Any]:
    """Merge nested ``fields``/``_source``/``attributes`` objects into the item (item wins)."""
    merged = dict(item)
    for nested in _NESTED_KEYS:
        inner = item.get(nested)
        if isinstance(inner, dict):
            merged = {**inner, **merged}
    return merged


def _item_to_draft(
    raw: dict[str, Any], *, path: str, in_collection: bool, outlet: str | None = None
) -> Draft | Skipped:
    item = _unwrap(raw)
    title = text_line(_first(item, _TITLE_KEYS))
    converted, from_teaser_field = _item_text(item)
    body = item_body(title, converted)
    if body is None:
        reason = f"item has neither a title nor any text (keys: {_name_keys(raw)})"
        return Skipped(path=path, reason=reason)
    paragraphs, notes = body
    length = sum(len(p) for p in paragraphs)
    return Draft(
        path=path,
        paragraphs=paragraphs,
        title=title,
        outlet=_outlet(item) or outlet,
        url=next((u for u in (clean_url(_string(item.get(k))) for k in _URL_KEYS) if u), None),
        published=next((d for d in (parse_date(item.get(k)) for k in _DATE_KEYS) if d), None),
        author=_author(_first_raw(item, _AUTHOR_KEYS)),
        teaser=from_teaser_field or is_teaser(length, converted),
        notes=notes,
        in_collection=in_collection,
    )


def _item_text(item: dict[str, Any]) -> tuple[Converted, bool]:
    """The item's full text, else its longest summary (second value True for a summary)."""
    for key in _TEXT_KEYS:
        converted = _field_paragraphs(item, key)
        if converted.paragraphs:
            return converted, False
    summaries = [_field_paragraphs(item, key) for key in _TEASER_KEYS]
    longest = max(summaries, key=lambda c: sum(len(p) for p in c.paragraphs))
    return longest, bool(longest.paragraphs)


def _field_paragraphs(item: dict[str, Any], key: str) -> Converted:
    value = _string(item.get(key))
    return _to_paragraphs(value) if value and value.strip() else Converted([])


def _to_paragraphs(value: str) -> Converted:
    read_more = False
    cut = value.rfind(_NEWSAPI_TRUNCATION)
    if cut > 0 and value.rstrip().endswith("chars]"):  # NewsAPI: "… [+2345 chars]"
        value, read_more = value[:cut], True
    if looks_like_html(value):
        converted = fragment_to_paragraphs(value)
        converted.read_more_removed |= read_more
        return converted
    text, repaired = readable_text(unescape_entities(value))
    paragraphs = split_paragraphs(text)
    return Converted(paragraphs, read_more, ends_as_excerpt(paragraphs), repaired=repaired)


def _outlet(item: dict[str, Any]) -> str | None:
    return text_line(_first(item, _OUTLET_KEYS))


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [name for name in (_author(v) for v in value) if name]
        return "; ".join(names) or None
    return text_line(_string(value))


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = _string(item.get(key))
        if value and value.strip():
            return value
    return None


def _first_raw(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[key] for key in keys if item.get(key)), None)


def _string(value: Any) -> str | None:
    """A string value, unwrapping ``{"rendered": "…"}``-style objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in _WRAPPED_VALUE_KEYS:
            if isinstance(value.get(key), str):
                return value[key]
    return None


def _describe_value(value: Any) -> str:
    if isinstance(value, list):
        return f"an array of {len(value)} values"
    return _JSON_KINDS.get(type(value), "a value")


def _name_keys(item: dict[str, Any]) -> str:
    keys = list(item)
    named = ", ".join(keys[:_MAX_KEYS_NAMED])
    more = f" and {len(keys) - _MAX_KEYS_NAMED} more" if len(keys) > _MAX_KEYS_NAMED else ""
    return named + more if keys else "(none)"
