"""The article in a saved web page: main text and metadata, extracted offline with trafilatura.

Paragraphs are separated by a blank line so that paragraph structure
survives as it does in plain-text articles. The page title, site name, URL
and byline become metadata when the page declares them.
"""

from __future__ import annotations

from typing import Any


def extract_html(html: str) -> tuple[str, dict[str, Any]]:
    """Main text and metadata of an HTML page (trafilatura, no network)."""
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it

    result = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    if result is None:
        return "", {}
    raw = result.text or ""
    text = "\n\n".join(line.strip() for line in raw.splitlines() if line.strip())
    meta: dict[str, Any] = {}
    for key, attr in (("title", "title"), ("outlet", "sitename"), ("url", "url"), ("author", "author")):
        value = getattr(result, attr, None)
        if isinstance(value, str):
            # Bylines come with their separators ("By Staff Reporter · 3 March").
            value = value.strip(" \t·|•-–—,;:")
        if value:
            meta[key] = value
    return text, meta
