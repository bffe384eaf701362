"""Image captions and photo credits: text that describes a picture, not part of the article body.

Extraction benchmarks (and readers) take the article body without the captions under its
pictures; extractors keep them because a caption is a full sentence sitting inside the
article. Two signals find them:

* in HTML, the markup: ``<figcaption>`` and elements whose class names a caption or a
  picture's credit (``wp-caption-text``, ``image-caption``, ``photo-credit``, ...). A rendered
  line whose whole text is such an element's text is a caption;
* in plain text, the credit wording: "Photo: Name/Agency", "Image credit: ...", "via Getty
  Images", "(AP Photo/...)", "Courtesy of ..." at the end of a short line, and "Foto:", "Bild:",
  "Kuva:", "Imagen:", "Crédit photo :", "عکس:", "تصویر:", "الصورة:", "ছবি:" in the other languages.
"""

from __future__ import annotations

import re

from lxml import etree

from .lines import Line, hinted_matches

CAPTION_MAX_TOKENS = 60  # a caption is a sentence or two; a longer block is not dropped as one
_MAX_CHARS = 400

_CREDIT_RE = re.compile("|".join((
    r"\b(?:photo|image|picture|video|illustration|graphic|map|chart)s? ?(?:credits?|courtesy|source)\s*:",
    # "Photo: ..." / "Photo by Name ..." closing the line (a name is capitalised: not "a photo by the river")
    r"\b(?:photo(?:graph)?|image|picture|illustration)s?\s*(?:by\s+(?-i:[A-Z])|:\s*)[^.!?]{1,80}[.]?$",
    r"\bcredit\s*:\s*[^.!?]{1,80}[.]?$",
    r"\b(?:via|/|for|from|©) ?(?:getty images|shutterstock|istock(?:photo)?|adobe stock|unsplash|pexels|alamy)\b",
    r"\((?:ap|afp|reuters|epa|getty)(?: photo)?\b[^)]{0,60}\)\s*$",
    r"\b(?:image|photo)s? used (?:under|with) (?:license|permission)",
    r"\bcourtesy (?:of )?(?-i:[A-Z])[^.!?]{0,60}[.]?$",
    # "Foto: Name/Agentur", "Kuva: …", "ছবি: সংগৃহীত", "عکس: …" closing the line, in the other languages the
    # sites and the dev data use (de es fr fi sv, ar fa/prs ps ur bn): in Latin script a capitalised name
    # after the colon ("Das Bild: ein Chaos, sagte er." is prose, "fina bilder :)" a smiley)
    r"\b(?:fotos?|fotograf(?:ía|ia|ie)|bild(?:er)?|bildquelle|fotoquelle|kuva(?:t)?|kuvaaja|imagen(?:es)?"
    r"|crédits? photos?)\s*:\s*(?-i:[A-ZÀ-ÖØ-ÞĀ-Ž0-9])[^.!?]{0,80}[.]?$",
    r"(?:^|[\s(])(?:عکس|تصویر|تصوير|الصورة|صورة|ছবি)\s*:\s*(?![\W_])[^.!?۔।]{1,80}[.]?$",
)), re.I)

# <figcaption>, and elements whose class names a caption or a picture's credit (C-level XPath, one
# pass); not inside a page footer or menu, whose "footer-credits" ("Theme by ...") are no caption.
# The class test comes first: ``and`` stops at it for almost every element, before the ancestor walk.
_CAPTION_XPATH = etree.XPath(
    "//figcaption | //*[(contains(@class, 'caption') or (contains(@class, 'credit') and (contains(@class, 'photo')"
    " or contains(@class, 'image') or contains(@class, 'img') or contains(@class, 'media')"
    " or contains(@class, 'pic')))) and not(self::html or self::body)"
    " and not(ancestor-or-self::footer or ancestor::nav)]")


# every credit pattern contains one of these: substring search rejects most lines far faster than the regex
_CREDIT_HINTS = ("photo", "image", "picture", "illustration", "credit", "courtesy", "source", "getty", "stock",
                 "unsplash", "pexels", "alamy", "(ap", "(afp", "(reuters", "(epa", "foto", "bild", "kuva", "imagen",
                 "crédit", "عکس", "تصویر", "تصوير", "صورة", "ছবি")


def is_credit(text: str) -> bool:
    """True when ``text`` reads as a caption's credit line ("Photo: AP", "via Getty Images")."""
    return credit_lines([text])[0]


def credit_lines(texts: list[str]) -> list[bool]:
    """:func:`is_credit` for many lines at once."""
    return hinted_matches(texts, _CREDIT_HINTS, _CREDIT_RE)


def _norm(text: str) -> str:
    return " ".join(text.lstrip("•*+-–· ").split())


def caption_texts(root: etree._Element | None) -> frozenset[str]:
    """Whitespace-normalised texts of the page's caption elements (short ones only)."""
    if root is None:
        return frozenset()
    out = set()
    for el in _CAPTION_XPATH(root):
        text = " ".join(el.text_content().split())
        if 3 <= len(text) <= _MAX_CHARS:
            out.add(text)
    return frozenset(out)


def caption_lines(lines: list[Line], texts: frozenset[str]) -> list[bool]:
    """Per line: its whole text is one of the caption elements' texts."""
    if not texts:
        return [False] * len(lines)
    return [len(ln.text) <= _MAX_CHARS + 8 and _norm(ln.text) in texts for ln in lines]
