"""Source URLs: tracking parameters removed, redirect wrappers unwrapped, a key for identity.

Tracking parameters are recognised by general rules — well-known analytics prefixes
(``utm_``, ``at_``, ``wt_``/``WT.``, ``mc_``, ``pk_``, ``ns_``, ``itm_`` …) and the click ids of
the large ad and mail platforms — plus a short table of publishers whose article URLs never
need a query string at all. The original encoding of the parameters that stay is kept.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

_TRACKING_PREFIXES = (
    "utm_", "at_", "wt_", "wt.", "mc_", "pk_", "mtm_", "matomo_", "ns_", "itm_", "hmb_",
    "ga_", "_hs", "hsa_", "oly_", "vero_", "sc_", "s_", "fb_", "ref_", "trk_", "_branch",
)  # fmt: skip
_TRACKING_NAMES = frozenset(
    {
        "cmp", "cmpid", "cmp_id", "intcmp", "int_cmp", "icid", "ito", "ocid", "ncid", "xtor",
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "mkt_tok", "_ga", "_gl", "ref", "referrer", "smid", "smtyp", "spm",
        "rss", "from_rss", "feedtype", "ftag", "soc_src", "soc_trk", "srsltid", "trk",
        "__twitter_impression", "wtmc", "wt_mc", "dmcid", "cid_source", "guccounter",
    }
)  # fmt: skip
# Publishers whose article URLs are fully identified by their path: every query is tracking
# (the NYT adds action=click&module=...&pgtype=... to every internal link).
_PATH_ONLY_HOSTS = ("nytimes.com", "theguardian.com", "bbc.co.uk", "bbc.com", "reuters.com")
_REDIRECT_PATH = re.compile(r"/(?:url|l\.php|link|redirect|out|r|click)/?$", re.IGNORECASE)
_EMBEDDED_URL = re.compile(r"[/*](https?(?::|%3A)(?://|%2F%2F).+)$", re.IGNORECASE)
_REDIRECT_PARAMS = ("url", "u", "q", "dest", "destination", "target", "redirect", "to")
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def clean_url(url: object) -> str | None:
    """Return `url` with tracking parameters and the fragment removed, or None if not http(s).

    Scheme and host are lower-cased and default ports dropped; the path is kept as written.
    """
    if not isinstance(url, str):
        return None
    url = url.strip().strip("<>").strip()
    if "&" in url and ";" in url:
        url = html.unescape(url)  # "&amp;" left in by lenient feed parsers
    if url.startswith("//"):
        url = "https:" + url
    if not re.match(r"https?://", url, re.IGNORECASE) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.hostname:
        return None
    unwrapped = _unwrap_redirect(parts.path, parts.query)
    if unwrapped:
        return clean_url(unwrapped)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower().removesuffix(_DEFAULT_PORTS.get(scheme, "\0"))
    query = "" if _is_path_only_host(netloc) else _strip_tracking(parts.query)
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, parts.path or "/", query, fragment))


def url_key(url: str) -> str:
    """A key under which two URLs of the same page compare equal (scheme, ``www.``, slash)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    query = "&".join(sorted(q for q in parts.query.split("&") if q))
    return f"{host}{path}?{query}" if query else f"{host}{path}"


def host_of(url: str | None) -> str | None:
    """The host name of `url` without a leading ``www.``, or None."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _strip_tracking(query: str) -> str:
    if not query:
        return ""
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(pair)]
    return "&".join(kept)


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.split("=", 1)[0]).lower()
    return name in _TRACKING_NAMES or name.startswith(_TRACKING_PREFIXES)


def _is_path_only_host(netloc: str) -> bool:
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0]
    return any(host == domain or host.endswith("." + domain) for domain in _PATH_ONLY_HOSTS)


def _unwrap_redirect(path: str, query: str) -> str | None:
    """The target of a redirect wrapper: ``google.com/url?url=…``, ``l.php?u=…``, or a URL
    embedded in the path (``redir.example.com/rss/*https://…``, web archives)."""
    embedded = _EMBEDDED_URL.search(path + (f"?{query}" if query else ""))
    if embedded:
        target = embedded.group(1)
        return unquote(target) if "%" in target[:10] else target
    if not query or not _REDIRECT_PATH.search(path):
        return None
    params = dict(parse_qsl(query))
    for name in _REDIRECT_PARAMS:
        target = params.get(name, "")
        if re.match(r"https?://", target, re.IGNORECASE):
            return target
    return None
