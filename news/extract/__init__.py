"""Making an article of a page or a text: extraction, boilerplate, URLs, titles, language, topics."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from news.extract.boilerplate import BoilerplateFilter, strip_edge_boilerplate
    from news.extract.canonical import canonicalize_url, is_same_site, url_key
    from news.extract.language import (
        detect_language,
        is_roman_urdu,
        language_label,
        normalize_language_tag,
        read_lexicon_words,
    )
    from news.extract.pagedates import choose_date, structured_date
    from news.extract.pages import (
        MAX_INPUT_BYTES,
        ExtractedArticle,
        Extractor,
        extract_html,
        extract_text,
    )
    from news.extract.paragraphs import join_split_paragraphs
    from news.extract.textdoc import (
        TextParts,
        is_prose,
        line_key,
        make_lead,
        parse_date_line,
        split_text_document,
        strip_leading_metadata,
        title_from_text,
    )
    from news.extract.titles import strip_site_name
    from news.extract.topics import (
        DEFAULT_TOPIC,
        TOPICS,
        URDU_NAMES,
        classify,
        topic_by_name,
        topic_from_signals,
        topic_from_url,
        urdu_name,
    )

__all__ = [
    "DEFAULT_TOPIC",
    "MAX_INPUT_BYTES",
    "TOPICS",
    "URDU_NAMES",
    "BoilerplateFilter",
    "ExtractedArticle",
    "Extractor",
    "TextParts",
    "canonicalize_url",
    "choose_date",
    "classify",
    "detect_language",
    "extract_html",
    "extract_text",
    "is_prose",
    "is_roman_urdu",
    "is_same_site",
    "join_split_paragraphs",
    "language_label",
    "line_key",
    "make_lead",
    "normalize_language_tag",
    "parse_date_line",
    "read_lexicon_words",
    "split_text_document",
    "strip_edge_boilerplate",
    "strip_leading_metadata",
    "strip_site_name",
    "structured_date",
    "title_from_text",
    "topic_by_name",
    "topic_from_signals",
    "topic_from_url",
    "urdu_name",
    "url_key",
]

__getattr__ = lazy_exports(__name__, __path__)
