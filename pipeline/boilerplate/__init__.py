"""Boilerplate stripping: label every line of a scraped page as main content or chrome.

Plain text goes through :class:`TextBoilerplateClassifier`; HTML through
:func:`extract_html` (trafilatura for main content and metadata, the text classifier
as a second opinion for the roles of everything else).
"""

from .html import HtmlExtraction, extract_html
from .lines import Line, split_lines
from .text_classifier import TextBoilerplateClassifier

__all__ = ["HtmlExtraction", "Line", "TextBoilerplateClassifier", "extract_html", "split_lines"]
