"""From a keep/drop decision per line to the finer :class:`Role` of every line.

Chrome phrases name their own role (share, login, comments, ...); a section header such as
"Related Articles" or "Leave a Reply" lends its role to the boilerplate run under it; the
article title is the title-like line just above the first body paragraph, with bylines
and date stamps between them given their own roles.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.document import Role

from .captions import CAPTION_MAX_TOKENS, credit_lines
from .features import LineFacts, best_run
from .interstitials import INTERSTITIAL, wall_lines
from .lines import Line, chars_in, norm_words
from .notices import edge_notices, lines_are_notices

_SECTION_ROLES = frozenset({Role.RELATED, Role.COMMENTS, Role.FOOTER, Role.LOGIN})
_TITLE_LOOKBACK = 6

# Quality flag of a page whose body is the fallback run (see :func:`article_fallback`)
ARTICLE_FALLBACK = "article_fallback"
FALLBACK_MIN_PROSE_CHARS = 200  # a page with this much sentence text never ends with an empty body
FALLBACK_PROSE_TOKENS = 10  # a sentence line: this many tokens, ending with a terminal of any script...
FALLBACK_PARAGRAPH_TOKENS = 40  # ...or this many, however it ends (a paragraph glued to a credit line)


class Roles(list[tuple[Role, float]]):
    """One (role, confidence) per line, and the page's quality flags (``ARTICLE_FALLBACK``, ``INTERSTITIAL``)."""

    __slots__ = ("quality",)

    def __init__(self, items: Sequence[tuple[Role, float]] = (), quality: tuple[str, ...] = ()) -> None:
        super().__init__(items)
        self.quality = quality


def _sentence_lines(facts: LineFacts) -> np.ndarray:
    long = facts.n_tokens >= FALLBACK_PARAGRAPH_TOKENS
    return ((facts.n_tokens >= FALLBACK_PROSE_TOKENS) & facts.ends_punct) | long


def _teasers(lines: list[Line], facts: LineFacts) -> np.ndarray:
    """Truncated paragraphs: ``FALLBACK_PROSE_TOKENS`` tokens or more, ending with an ellipsis.

    A list of articles shows each as a headline and the start of its text cut with "…"; no
    sentence terminal ends it, yet it is prose, and on a page of such teasers they are what
    the page says (issue 14's thirteenth round: a Finnish parish page of teasers, labelled
    content, ended empty once the classifier kept none of them).
    """
    ends = np.fromiter((ln.text.rstrip().endswith(("…", "...")) for ln in lines), dtype=bool, count=len(lines))
    return ends & (facts.n_tokens >= FALLBACK_PROSE_TOKENS)


def article_fallback(facts: LineFacts, post: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """The most article-like run of lines, for a page where the classifier kept nothing.

    A page with real prose must not end with an empty body (the classifier can be wrong about
    a whole page: an unfamiliar language, a layout unlike any it was fitted on). The run is
    the stretch maximising the tokens of its ``sentence`` lines, weighted by the model's
    P(content) + 0.25, minus a cost per other line (as the article core in features.py):
    prose bounds it, so a page of menus and product tiles around a few sentences keeps those
    sentences, not the whole page. Candidate lines in the run (no strong chrome, switcher,
    date or byline; at least 3 tokens) are kept.
    """
    candidate = ((facts.n_tokens >= 3) & (facts.chrome_strength < 2) & ~facts.switcher & ~facts.is_date
                 & ~facts.is_byline)
    if not candidate.any():
        candidate = facts.n_tokens >= 1
    prose = sentence & candidate
    if not prose.any():  # every sentence is chrome, a date or a byline: the longest candidate stretch
        prose = candidate
    mass = np.where(prose, 2.0 * facts.n_tokens * (0.25 + post), -2.0 - np.minimum(facts.n_tokens, 10))
    start, end = best_run(mass)
    run = np.zeros(len(candidate), dtype=bool)
    run[start:end] = True
    return run & candidate


def _name_like(line: Line, facts: LineFacts, i: int) -> bool:
    """A bare author name: 2-4 capitalised words, no sentence punctuation."""
    words = line.text.split()
    return (2 <= len(words) <= 4 and not facts.ends_punct[i] and facts.chrome_strength[i] == 0
            and all(w[:1].isupper() for w in words) and not facts.is_date[i])


def _body_start(facts: LineFacts, keep: np.ndarray) -> int | None:
    """The first kept line that reads as a body paragraph."""
    body = keep & (((facts.n_tokens >= 12) & facts.ends_punct) | (facts.n_tokens >= 25))
    return int(np.argmax(body)) if body.any() else None


def find_title(lines: list[Line], facts: LineFacts, keep: np.ndarray,
               title: str | None = None) -> tuple[int | None, list[int]]:
    """Index of the title line and of byline lines between it and the body (or None, [])."""
    if title:
        key = norm_words(title)
        if key:
            start = _body_start(facts, keep)
            best = None
            for i, ln in enumerate(lines):
                if start is not None and i > start:
                    break
                k = norm_words(ln.text.lstrip("•*+-– "))
                # a line inside the title, or the title with a little more ("Title | Site"); a
                # paragraph that merely quotes the title is not it
                if k == key or (len(k) > 10 and (k in key or (key in k and len(k) <= 2 * len(key)))
                                and facts.n_tokens[i] >= 2):
                    best = i  # the last occurrence before the body is the h1
            if best is not None:
                return best, []
    start = _body_start(facts, keep)
    if start is None:
        return None, []
    bylines: list[int] = []
    name: int | None = None  # a bare name right above the body: the byline if a title is found above it
    for i in range(start - 1, max(-1, start - 1 - _TITLE_LOOKBACK), -1):
        ln, dup, n_tokens = lines[i], facts.dup[i], facts.n_tokens[i]
        if facts.is_byline[i] or (_name_like(ln, facts, i) and not keep[i] and not bylines and dup == 1):
            bylines.append(i)
            continue
        if (facts.chrome_strength[i] or facts.switcher[i] or facts.is_date[i] or n_tokens < 2
                or ln.text[:1] in "•*+" or dup > 2):
            continue
        if n_tokens <= 30 and not (facts.ends_punct[i] and ln.text.rstrip()[-1:] == "."):
            if name is None and not bylines and dup == 1 and _name_like(ln, facts, i):
                name = i
                continue
            return i, bylines + ([name] if name is not None else [])
        break
    return name, bylines


_LIST_HEADERS = frozenset({Role.RELATED, Role.COMMENTS})
# a "Related posts" header is printed once (twice when the page repeats its menus); a phrase
# on every teaser ("Read more") is a link label, not the header of what follows
LIST_HEADER_MAX_DUP = 2
# of the lines the caption and notice rules took out of the wcxb fit split's body, 0.94-0.97 were not gold text
RULE_CONFIDENCE = 0.9
DATE_TABLE_RUN = 3  # this many kept date-like lines in a row are a table (of dates, figures), not a stamp


def _prose(facts: LineFacts) -> np.ndarray:
    return (facts.n_tokens >= 20) & facts.ends_punct & (facts.dup == 1)


def apply_list_rules(lines: list[Line], facts: LineFacts, keep: np.ndarray) -> None:
    """Drop (in place) link lists the model let through.

    Under a "Related posts"/"Leave a reply" header, everything up to the next prose
    paragraph is the list; short title-like lines among two or more date stamps are a
    listing of other articles.
    """
    n = len(lines)
    if n == 0:
        return
    prose = _prose(facts)
    # date stamps within +-6 lines (a page shorter than the window: numpy centres the window on the
    # window, not on the page, hence the cut)
    near_dates = np.convolve(facts.is_date.astype(np.int32), np.ones(13, dtype=np.int32), mode="same")[:n]
    # a "Related posts" / "Leave a reply" header starts a list; prose ends it (a header has at most 8
    # tokens, prose at least 20: no line is both)
    header = (facts.chrome_strength == 2) & (facts.n_tokens <= 8) & (facts.dup <= LIST_HEADER_MAX_DUP)
    for i in np.flatnonzero(header).tolist():
        header[i] = facts.chrome_role[i] in _LIST_HEADERS
    listing = (near_dates >= 2) & ~facts.ends_punct & (facts.n_tokens < 25)
    # in a list: the last header or prose line above is a header
    last_event = np.maximum.accumulate(np.where(header | prose, np.arange(n), -1))
    in_list = (last_event >= 0) & header[np.maximum(last_event, 0)]
    keep[~header & ~prose & (in_list | listing)] = False
    # a unique short line between two kept paragraphs is a subheading (at most 15 tokens: never prose
    # itself, so one taken back cannot make the next line a candidate)
    subheading = ((facts.n_tokens >= 1) & (facts.n_tokens <= 15) & (facts.dup == 1) & (facts.chrome_strength == 0)
                  & ~facts.switcher & ~facts.is_date & ~facts.foreign)
    if n < 3:
        return
    between = (~keep[1:-1] & keep[:-2] & keep[2:] & subheading[1:-1] & prose[:-2] & (facts.n_tokens[2:] >= 12))
    for i in (np.flatnonzero(between) + 1).tolist():
        if lines[i].text[:1] not in "•*+-·":
            keep[i] = True


def _captions(lines: list[Line], facts: LineFacts, keep: np.ndarray,
              marked: Sequence[bool] | None) -> np.ndarray:
    """Caption lines: marked by the markup (HTML), or kept lines worded as a photo credit
    (in the original or, for a translated line, in its English); never a line of more than
    ``CAPTION_MAX_TOKENS`` tokens, strong chrome or a switcher label."""
    n = len(lines)
    eligible = (facts.n_tokens <= CAPTION_MAX_TOKENS) & (facts.chrome_strength < 2) & ~facts.switcher
    cap = np.zeros(n, dtype=bool) if marked is None else np.array(marked, dtype=bool) & eligible
    check = np.flatnonzero(keep & eligible & ~cap).tolist()
    texts = [lines[i].text for i in check] + [lines[i].text_en or "" for i in check]
    found = credit_lines(texts)
    for j, i in enumerate(check):
        cap[i] = found[j] or found[j + len(check)]
    return cap


KICKER_MAX_TOKENS = 6


def _kickers(facts: LineFacts, keep: np.ndarray, title_idx: int) -> list[int]:
    """Kept short unpunctuated lines right above the title: a section label or kicker, not body.

    News pages print the desk or topic over the headline ("OPINION", "GENDER APARTHEID OK");
    the body starts below the title, so such a line is chrome (dates and bylines excepted).
    """
    found = []
    for i in range(title_idx - 1, max(-1, title_idx - 3), -1):
        if not keep[i] or facts.is_date[i] or facts.is_byline[i]:
            break
        if facts.n_tokens[i] > KICKER_MAX_TOKENS or facts.ends_punct[i]:
            break
        found.append(i)
    return found


def assign_roles(lines: list[Line], facts: LineFacts, keep: np.ndarray, post: np.ndarray,
                 title: str | None = None, captions: Sequence[bool] | None = None) -> Roles:
    """One (role, confidence) per line; confidence is the smoothed P(role is right side).

    Captions (``captions`` marks those the HTML markup names, see :mod:`.captions`) and
    editorial notices at the article's edges (see :mod:`.notices`) leave ``keep`` (in place)
    first, so they can be neither the title nor the body. When that leaves no body on a page
    with real prose, :func:`article_fallback` gives one and the result carries the quality
    flag ``ARTICLE_FALLBACK``. A page that is a wall (a bot check, block or error page whose
    message is all its prose, see :mod:`.interstitials`) keeps nothing, its message lines are
    notices, and the result carries ``INTERSTITIAL`` instead.
    """
    n = len(lines)
    out = Roles()
    sentence = _sentence_lines(facts)  # one definition of prose for the wall test and the fallback
    wall = set(wall_lines(lines, facts, sentence, FALLBACK_MIN_PROSE_CHARS))
    if wall:  # a bot check, block or error page: nothing on it is an article (see interstitials.py)
        keep[:] = False
        out.quality = (INTERSTITIAL,)
    cap = _captions(lines, facts, keep, captions)
    keep &= ~cap
    notices = set(edge_notices(lines, facts, keep))
    keep[list(notices)] = False
    title_idx, bylines = find_title(lines, facts, keep, title) if not wall else (None, [])
    not_body = facts.is_date | facts.is_byline  # kept, these are DATE / BYLINE lines
    not_body[bylines] = True
    kickers: set[int] = set()
    if title_idx is not None:
        not_body[title_idx] = True
        kickers = set(_kickers(facts, keep, title_idx))
        keep[list(kickers)] = False
    if n and not wall and not (keep & ~not_body).any():  # no body: the fallback, if the page has prose
        prose = sentence | _teasers(lines, facts)  # the fallback's prose: teasers too (not the wall test's)
        if chars_in(lines, prose) >= FALLBACK_MIN_PROSE_CHARS:
            keep |= article_fallback(facts, post, prose) & ~not_body
            out.quality = (ARTICLE_FALLBACK,)
    by = set(bylines)
    kept_dates = facts.is_date & keep
    table = np.zeros(n, dtype=bool)
    if kept_dates.any():
        run_id = np.cumsum(np.concatenate(([True], kept_dates[1:] != kept_dates[:-1])))
        table = kept_dates & (np.bincount(run_id)[run_id] >= DATE_TABLE_RUN)
    section: Role | None = None
    plain: list[int] = []  # dropped lines no other rule names: boilerplate, or a notice by their wording
    n_tokens, dup, strength = facts.n_tokens.tolist(), facts.dup.tolist(), facts.chrome_strength.tolist()
    is_date, is_byline = facts.is_date.tolist(), facts.is_byline.tolist()
    ends_punct, switcher = facts.ends_punct.tolist(), facts.switcher.tolist()
    probs, kept = np.asarray(post, dtype=np.float64).tolist(), keep.tolist()
    is_cap, in_table = cap.tolist(), table.tolist()
    for i in range(n):
        p = probs[i]
        if i == title_idx:
            out.append((Role.TITLE, max(p, 0.5)))
            section = None
            continue
        if kept[i]:
            section = None
            if is_date[i] and not in_table[i]:
                out.append((Role.DATE, p))
            elif is_byline[i] or i in by:
                out.append((Role.BYLINE, p))
            elif (n_tokens[i] <= 15 and not ends_punct[i] and title_idx is not None
                  and i > title_idx):
                out.append((Role.HEADING, p))
            else:
                out.append((Role.CONTENT, p))
            continue
        q = 1.0 - p
        if is_cap[i]:  # the rules, not the model, decide: their precision on the wcxb fit split
            role, q = Role.CAPTION, max(q, RULE_CONFIDENCE)
        elif i in notices or i in wall:
            role, q = Role.NOTICE, max(q, RULE_CONFIDENCE)
        elif i in kickers:  # the label over the headline (see _kickers)
            role = Role.NAVIGATION
        elif switcher[i]:
            role = Role.LANGUAGE_SWITCHER
        elif facts.chrome_role[i] is not None:
            role = facts.chrome_role[i]
            # a strong section header lends its role to the run below; other chrome ends it
            section = role if (role in _SECTION_ROLES and strength[i] == 2) else None
        elif is_byline[i] or i in by or (
                dup[i] == 1 and 0 < i < n - 1 and (kept[i - 1] or kept[i + 1]) and _name_like(lines[i], facts, i)):
            role = Role.BYLINE
        elif is_date[i]:
            role = Role.DATE
        elif section is not None:
            role = section
        elif lines[i].text[:1] in "•*+-" or n_tokens[i] <= 6 or dup[i] > 1:
            role = Role.NAVIGATION
        else:
            plain.append(i)
            role = Role.BOILERPLATE
        out.append((role, q))
    # dropped by the model already: the wording of a notice names its role (one scan of just these lines)
    for i, hit in zip(plain, lines_are_notices([lines[i] for i in plain]), strict=True):
        if hit:
            out[i] = (Role.NOTICE, out[i][1])
    return out
