"""Boilerplate stripping: label every line of a scraped page as main content or chrome.

Plain text goes through :class:`TextBoilerplateClassifier`. HTML is read by :func:`read_html`
(rendered text, trafilatura's main content aligned onto the lines, metadata, alternates) and
labelled by :func:`label_lines` (that evidence weighed with the text classifier);
:func:`extract_html` does both in one call.
"""

from .html import HtmlExtraction, default_classifier, extract_html, label_lines
from .lines import Line, split_lines
from .markup import HtmlPage, read_html
from .text_classifier import TextBoilerplateClassifier

__all__ = [
    "HtmlExtraction",
    "HtmlPage",
    "Line",
    "TextBoilerplateClassifier",
    "default_classifier",
    "extract_html",
    "label_lines",
    "read_html",
    "split_lines",
]
