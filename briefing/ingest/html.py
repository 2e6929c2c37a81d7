"""HTML to paragraphs: whole pages through trafilatura, feed/API fragments through lxml.

Both paths end in the same block walker, which turns block elements into paragraphs and
drops what is navigation rather than prose:

* link lists — an element whose text is mostly link text ("READ MORE: <link>", "Continue
  reading the main story", a "DON'T MISS" box of headlines): the link-density rule of
  boilerplate detectors such as jusText;
* "continue reading" / "read more" links (which also mark a feed item as a teaser);
* images, figures, embeds and scripts, and with them tracking pixels and captions.

For whole pages it also drops the badges above the text (date, section, comment count), a
"See also"/"Related" box that runs to the end of the text, and takes a leading ``<h1>`` as
the headline rather than as text.

trafilatura is tuned through its own options first: comments off, tables on, images off,
links and formatting on (so the walker can measure link density), its fallback extractors
on, and its cross-document ``deduplicate`` cache off — that cache is process-global, so it
would make one page's text depend on the pages read before it. ``favor_precision`` was tried
and rejected: it drops standfirsts and, on one real page, appends another article's text.
"""

from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefing.ingest.dates import parse_date
from briefing.ingest.decode import clean_text, readable_text
from briefing.ingest.models import Draft, Unusable
from briefing.ingest.urls import clean_url, host_of

if TYPE_CHECKING:
    from lxml.etree import _Element

# Tags of HTML and of trafilatura's XML output that start a new paragraph.
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "li", "dl", "dt",
        "dd", "table", "thead", "tbody", "tfoot", "tr", "caption", "address", "hr",
        "head", "list", "item", "quote", "row", "details", "summary",
    }
)  # fmt: skip
_LINE_BREAK_TAGS = frozenset({"br", "lb"})
_CELL_TAGS = frozenset({"td", "th", "cell"})
_LINK_TAGS = frozenset({"a", "ref"})
_DROPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "img", "picture", "source", "figure",
        "figcaption", "svg", "video", "audio", "iframe", "object", "embed", "form", "button",
        "input", "select", "textarea", "graphic", "canvas", "map",
    }
)  # fmt: skip
_READ_MORE = re.compile(
    r"^\W*(?:continue reading|read more|read the (?:full|whole|rest of the) (?:story|article)"
    r"|full (?:story|article)|more\s*»|weiterlesen|mehr lesen|leia mais|continue lendo"
    r"|lire la suite|seguir leyendo|leer m[aá]s|leggi (?:tutto|di più)|lees meer)\b.*$",
    re.IGNORECASE,
)
# "[…]" and "(more…)" end excerpts (WordPress and most CMSs); a bare "…" also ends sidebars
# and quotes, so it is not taken as a sign on its own.
_EXCERPT_END = re.compile(r"(?:\[\s*(?:…|\.\.\.)\s*\]|\(more\s*(?:…|\.\.\.)?\))\s*$")
_HTML_TAG = re.compile(
    r"</?(?:p|div|br|span|a|b|i|em|strong|h[1-6]|ul|ol|li|img|figure|blockquote|table)\b[^>]*>",
    re.IGNORECASE,
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_CANONICAL_TAG = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>"
    r"|<meta\b[^>]*\bproperty\s*=\s*[\"']og:url[\"'][^>]*>",
    re.IGNORECASE,
)
_URL_ATTRIBUTE = re.compile(r"\b(?:href|content)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_DOCUMENT_TAG = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_DOCUMENT_TAG_WINDOW = 200_000
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")
_MAX_LINK_DENSITY = 0.6
_FURNITURE_MAX_WORDS = 8
_RELATED_MAX_WORDS = 25
_RELATED_LABEL = re.compile(
    r"^(?:see also|related(?: articles| stories| content| news| coverage| links| topics)?"
    r"|(?:read|more) on this(?: topic| story)?|read (?:more|also)|also read|more from .{1,40}"
    r"|more stories|recommended(?: for you)?|you (?:may|might) also like|most (?:read|popular)"
    r"|further reading|siehe auch|mehr zum thema|lesen sie auch|weitere artikel"
    r"|(?:das )?könnte sie auch interessieren|ähnliche artikel|à lire aussi|lire aussi"
    r"|voir aussi|sur le même sujet|leia também|veja também|ver también|lee también"
    r"|noticias relacionadas|te puede interesar|vedi anche|leggi anche|articoli correlati"
    r"|lees ook|zie ook|gerelateerd)\s*:?$",
    re.IGNORECASE,
)


@dataclass
class _Block:
    """A paragraph being collected; lines split by <br> share the `group` of their element."""

    text: list[str] = field(default_factory=list)
    link_chars: int = 0
    tag: str = ""
    group: int = 0


@dataclass
class Converted:
    """Paragraphs from a piece of HTML, with the signs that the text was cut short."""

    paragraphs: list[str]
    read_more_removed: bool = False
    ends_as_excerpt: bool = False
    headline: str | None = None
    repaired: bool = False


def fragment_to_paragraphs(markup: str) -> Converted:
    """Turn an HTML fragment (a feed item's content, an API's body field) into paragraphs."""
    from lxml import etree, html

    markup, repaired = readable_text(markup)
    if not markup.strip():
        return Converted([])
    try:
        root = html.fragment_fromstring(markup.strip(), create_parent="div")
    except (etree.ParserError, ValueError):
        return Converted([])
    converted = _walk(root)
    converted.repaired = repaired
    return converted


def page_to_draft(markup: str, *, path: str) -> Draft:
    """Extract main text and metadata of an HTML page; raises `Unusable` if there is none.

    A fragment without ``<html>``/``<body>`` (an article body saved on its own) is wrapped
    for trafilatura, and read whole if trafilatura still finds nothing.
    """
    is_fragment = not _DOCUMENT_TAG.search(markup[:_DOCUMENT_TAG_WINDOW])
    document = _extract(f"<html><body>{markup}</body></html>" if is_fragment else markup)
    body = getattr(document, "body", None)
    converted = _walk(body, whole_page=True) if body is not None else Converted([])
    if not converted.paragraphs and is_fragment:
        converted = fragment_to_paragraphs(markup)
    if not converted.paragraphs:
        title = _page_title(markup)
        named = f" (page title: {title!r})" if title else ""
        raise Unusable(f"no main text found in the HTML page{named}")
    # A fragment has no document metadata: trafilatura's guesses there (the first subheading
    # as title, a date found in some link) are noise.
    metadata = None if is_fragment else document
    url = clean_url(getattr(metadata, "url", None)) or clean_url(_declared_canonical_url(markup))
    return Draft(
        path=path,
        paragraphs=converted.paragraphs,
        title=text_line(getattr(metadata, "title", None))
        or converted.headline
        or _page_title(markup),
        outlet=text_line(getattr(metadata, "sitename", None)) or host_of(url),
        url=url,
        published=parse_date(getattr(metadata, "date", None)),
        author=text_line(getattr(metadata, "author", None)),
    )


def _extract(markup: str) -> Any:
    from trafilatura import bare_extraction

    return bare_extraction(
        markup,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=True,
        include_formatting=True,
        deduplicate=False,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )


def looks_like_html(text: str) -> bool:
    """True if `text` contains HTML tags (API fields mix plain text and HTML)."""
    return bool(_HTML_TAG.search(text))


def _walk(root: _Element, *, whole_page: bool = False) -> Converted:
    """Paragraphs of the element tree under `root` (HTML, or trafilatura's XML output)."""
    blocks: list[_Block] = [_Block(text=[root.text] if root.text else [])]
    read_more = _collect(root, blocks, in_link=False)
    kept = _drop_link_lists(blocks)
    headline = None
    if whole_page:
        kept = _drop_related_tail(_drop_leading_furniture(kept))
        if kept and kept[0].tag == "h1":
            headline = _normalise_space(clean_text("".join(kept.pop(0).text)))
    paragraphs = [_normalise_space(clean_text("".join(b.text))) for b in kept]
    paragraphs = [p for p in paragraphs if p]
    return Converted(paragraphs, read_more, ends_as_excerpt(paragraphs), headline or None)


def ends_as_excerpt(paragraphs: list[str]) -> bool:
    """True if the text ends in "[…]" or "(more…)", the marks CMSs put on excerpts."""
    return bool(paragraphs) and bool(_EXCERPT_END.search(paragraphs[-1]))


def _collect(element: _Element, blocks: list[_Block], *, in_link: bool) -> bool:
    """Append the text under `element` to `blocks`; return True if a read-more link was cut."""
    read_more = False
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag and tag not in _DROPPED_TAGS:
            if tag in _LINK_TAGS and _READ_MORE.match(_normalise_space("".join(child.itertext()))):
                read_more = True
            else:
                read_more |= _collect_element(child, tag, blocks, in_link=in_link)
        if child.tail:
            _append(blocks, child.tail, in_link=in_link)
    return read_more


def _collect_element(child: _Element, tag: str, blocks: list[_Block], *, in_link: bool) -> bool:
    if tag in _LINE_BREAK_TAGS:
        blocks.append(_Block(tag=blocks[-1].tag, group=blocks[-1].group))
        return False
    if tag in _CELL_TAGS and "".join(blocks[-1].text).strip():
        _append(blocks, " | ", in_link=False)
    is_block = tag in _BLOCK_TAGS
    if is_block:
        # trafilatura writes headings as <head rend="h2">.
        blocks.append(
            _Block(tag=child.get("rend", tag) if tag == "head" else tag, group=len(blocks))
        )
    if child.text:
        _append(blocks, child.text, in_link=in_link or tag in _LINK_TAGS)
    read_more = _collect(child, blocks, in_link=in_link or tag in _LINK_TAGS)
    if is_block:
        blocks.append(_Block(group=len(blocks)))
    return read_more


def _append(blocks: list[_Block], text: str, *, in_link: bool) -> None:
    blocks[-1].text.append(text)
    if in_link:
        blocks[-1].link_chars += len(text.strip())


def _drop_link_lists(blocks: list[_Block]) -> list[_Block]:
    """Keep blocks with text whose element (all its <br>-separated lines) is not mostly links."""
    text_chars: dict[int, int] = {}
    link_chars: dict[int, int] = {}
    for block in blocks:
        text_chars[block.group] = text_chars.get(block.group, 0) + len("".join(block.text).strip())
        link_chars[block.group] = link_chars.get(block.group, 0) + block.link_chars
    return [
        block
        for block in blocks
        if "".join(block.text).strip()
        and link_chars[block.group] / text_chars[block.group] < _MAX_LINK_DENSITY
    ]


def _drop_leading_furniture(blocks: list[_Block]) -> list[_Block]:
    """Drop the run of list items before the first paragraph when all are tiny fragments.

    Pages put date, section and comment-count badges ("24 July 2015", "From the section US &
    Canada", "941 comments") in a list above the text; a real bullet summary has sentences.
    """
    first_paragraph = next((i for i, b in enumerate(blocks) if b.tag == "p"), 0)
    leading = [i for i in range(first_paragraph) if blocks[i].tag in ("item", "li")]
    if not leading or not all(_is_fragment("".join(blocks[i].text)) for i in leading):
        return blocks
    dropped = set(leading)
    return [b for i, b in enumerate(blocks) if i not in dropped]


def _drop_related_tail(blocks: list[_Block]) -> list[_Block]:
    """Cut a "See also" / "Related" box that runs to the end of the page text.

    The cut is made only if every block after the label is short (link titles, prices,
    badges); a label followed by real paragraphs ("Most read" inside the text) stays.
    """
    for index, block in enumerate(blocks[1:], start=1):
        if _RELATED_LABEL.match(_normalise_space("".join(block.text))):
            rest = blocks[index + 1 :]
            if all(len("".join(b.text).split()) < _RELATED_MAX_WORDS for b in rest):
                return blocks[:index]
    return blocks


def _is_fragment(text: str) -> bool:
    words = text.split()
    return len(words) <= _FURNITURE_MAX_WORDS and not text.rstrip().endswith((".", "!", "?"))


def _normalise_space(text: str) -> str:
    return _SPACE_RUN.sub(" ", text).strip()


def text_line(text: object) -> str | None:
    """A one-line text value (title, outlet, author) from a string that may hold HTML."""
    if not isinstance(text, str) or not text.strip():
        return None
    if "<" in text and looks_like_html(text):
        text = " ".join(fragment_to_paragraphs(text).paragraphs)
    return _normalise_space(readable_text(unescape_entities(text))[0]) or None


def unescape_entities(text: str) -> str:
    """Decode HTML character references (``&#8211;``, ``&amp;``) left in plain-text fields."""
    return html_entities.unescape(text) if _ENTITY.search(text) else text


def _declared_canonical_url(markup: str) -> str | None:
    """``<link rel=canonical>`` or ``og:url`` wherever they are (trafilatura reads only <head>)."""
    for tag in _CANONICAL_TAG.finditer(markup):
        attribute = _URL_ATTRIBUTE.search(tag.group(0))
        if attribute:
            return attribute.group(1)
    return None


def _page_title(markup: str) -> str | None:
    match = _TITLE.search(markup[:200_000])
    return text_line(match.group(1)) if match else None
