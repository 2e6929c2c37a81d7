"""HTML pages: main text and metadata through trafilatura, charsets, junk blocks, bad pages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from briefing.ingest import load

PARAGRAPHS = [
    "Health authorities in the region confirmed on Sunday that a third case of the disease "
    "had been reported, after two people contracted it in the capital earlier this month.",
    "The health commission said in a statement that a 55-year-old man had fallen ill after "
    "eating a wild rabbit during a hunting trip, and that he was quarantined at once.",
    "Twenty-eight people who had been in close contact with him were also placed under "
    "medical observation, but none of them has shown any symptoms so far, officials said.",
    "Experts said the risk of a wider outbreak was low because the cases were isolated and "
    "the disease is treatable with antibiotics if patients seek help early enough.",
]
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Â[\u0080-\u00bf]|â€|\ufffd")


def _page(
    body: str,
    *,
    head: str = '<meta charset="utf-8">',
    title: str = "Third case of plague confirmed",
) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head>{head}
<title>{title} | Daily Example</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Daily Example">
<meta property="article:published_time" content="2019-11-18T09:30:00+08:00">
<meta name="author" content="Jane Reporter">
<link rel="canonical" href="https://www.daily.example.com/news/plague-case?utm_source=twitter">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
</header>
<main><article><h1>{title}</h1>{body}</article></main>
<footer><p>© 2019 Daily Example. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def _paragraphs_html(paragraphs: list[str] = PARAGRAPHS) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _load_page(tmp_path: Path, content: str | bytes, name: str = "page.html"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return load([path])


def test_page_yields_main_text_and_metadata_without_page_furniture(tmp_path):
    result = _load_page(tmp_path, _page(_paragraphs_html()))
    article = result.articles[0]
    assert article.paragraphs == PARAGRAPHS
    assert article.source.title == "Third case of plague confirmed"
    assert article.source.outlet == "Daily Example"
    assert article.source.url == "https://www.daily.example.com/news/plague-case"
    assert article.source.published == "2019-11-18"
    assert result.inputs[0].articles[0].author == "Jane Reporter"
    assert "cookies" not in article.text and "All rights reserved" not in article.text


def test_link_lists_read_more_lines_and_related_boxes_are_not_article_text(tmp_path):
    body = (
        _paragraphs_html(PARAGRAPHS[:2])
        + '<p><b>READ MORE: <a href="/a">Two diagnosed with plague in the capital</a></b></p>'
        + "<p><b>DON'T MISS</b><br><a href='/b'>Deadly diseases named by health body</a>"
        "<br><a href='/c'>Holidaymakers die after eating marmot</a></p>"
        + _paragraphs_html(PARAGRAPHS[2:])
        + '<p><a href="/d">Continue reading the main story</a></p>'
        + "<h3>See also</h3><p>Plague outbreak map</p><p>Symptoms explained</p>"
    )
    article = _load_page(tmp_path, _page(body)).articles[0]
    assert article.paragraphs == PARAGRAPHS


def test_leading_date_and_comment_count_badges_are_dropped(tmp_path):
    badges = "<ul><li>18 November 2019</li><li>From the section Asia</li><li>941 comments</li></ul>"
    article = _load_page(tmp_path, _page(badges + _paragraphs_html())).articles[0]
    assert article.paragraphs == PARAGRAPHS


def test_iso_8859_1_page_with_a_late_meta_charset_has_no_mojibake(tmp_path):
    german = [
        "Die Weltraumorganisation startet einen eigenen Streaming-Dienst ohne Gebühren, "
        "Werbung oder Registrierung für alle Nutzer.",
        "Der Dienst bietet Live-Berichte, Videos über vergangene und zukünftige Missionen "
        "sowie neue Serien, hieß es in einer Mitteilung.",
        "Er kann über Streaming-Geräte, Smartphones und Computer genutzt werden; zusätzliche "
        "Kosten fallen dafür nicht an, schrieb die Behörde.",
    ]
    head = "<script>" + "var x = 1;" * 400 + '</script><meta charset="iso-8859-1">'
    page = _page(_paragraphs_html(german), head=head, title="Streaming ohne Gebühren")
    result = _load_page(tmp_path, page.encode("iso-8859-1"))
    article = result.articles[0]
    assert article.paragraphs == german
    assert article.source.title == "Streaming ohne Gebühren"
    assert not MOJIBAKE.search(article.text + article.source.title)


def test_latin1_page_without_any_charset_is_decoded_and_the_guess_noted(tmp_path):
    french = [p.replace("officials", "les autorités de santé") for p in PARAGRAPHS]
    page = _page(_paragraphs_html(french), head="", title="Troisième cas confirmé à Pékin")
    article = _load_page(tmp_path, page.encode("cp1252")).articles[0]
    assert article.source.title == "Troisième cas confirmé à Pékin"
    assert "les autorités de santé" in article.text
    assert any("guessed" in note for note in article.source.notes)


def test_utf8_page_declaring_latin1_is_read_as_utf8(tmp_path):
    page = _page(_paragraphs_html(), head='<meta charset="iso-8859-1">', title="Café déjà vu")
    article = _load_page(tmp_path, page.encode("utf-8")).articles[0]
    assert article.source.title == "Café déjà vu"


def test_truncated_page_still_yields_its_text(tmp_path):
    page = _page(_paragraphs_html())
    cut = page[: page.index("</article>")] + "<p>The last paragraph was cut mid-sen"
    article = _load_page(tmp_path, cut.replace("\n", "\r\n")).articles[0]
    assert article.paragraphs[:4] == PARAGRAPHS


def test_page_without_main_text_is_skipped_with_a_reason_naming_its_title(tmp_path):
    page = (
        "<html><head><title>Sign in</title></head>"
        "<body><nav><a href='/'>Home</a></nav></body></html>"
    )
    result = _load_page(tmp_path, page)
    assert result.articles == []
    assert result.skipped[0].reason == "no main text found in the HTML page (page title: 'Sign in')"


def test_article_fragment_without_html_or_body_tags_is_read(tmp_path):
    fragment = f"<div class='page'>{_paragraphs_html(PARAGRAPHS[:2])}</div>"
    article = _load_page(tmp_path, fragment, name="fragment.html").articles[0]
    assert article.paragraphs == PARAGRAPHS[:2]
    assert article.source.title is None


def test_gzipped_page_is_read_transparently_whatever_its_name(tmp_path):
    compressed = gzip.compress(_page(_paragraphs_html()).encode())
    for name in ("page.html.gz", "download.bin"):
        article = _load_page(tmp_path, compressed, name=name).articles[0]
        assert article.paragraphs == PARAGRAPHS


def test_html_saved_as_txt_is_recognised_as_html(tmp_path):
    article = _load_page(tmp_path, _page(_paragraphs_html()), name="saved.txt").articles[0]
    assert article.paragraphs == PARAGRAPHS
