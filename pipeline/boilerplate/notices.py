"""Editorial notices at the edges of an article: disclaimers, disclosures, calls to action.

A disclaimer ("for informational purposes only"), an affiliate disclosure ("we may earn a
commission"), a copyright or trademark note, or a call to subscribe or follow is written as
a full sentence, so every line-shape signal calls it prose, and extractors keep it when it
sits next to the article. Its wording gives it away, but the same words can occur inside an
article about, say, copyright law; so a notice is only dropped at the edges of the kept
text: before the first or after the last line of ordinary prose.
"""

from __future__ import annotations

import re

import numpy as np

from .features import LineFacts
from .lines import Line, hinted_matches

# Every alternative starts at a word boundary, "©" or "(": the lookahead in front rejects every other
# position with one test instead of trying each of the ~50 alternatives there (the same matches; the
# search runs 1.7x faster on the dev pages' lines)
_NOTICE_RE = re.compile(r"(?=\b|[©(])(?:" + "|".join((
    # disclaimers
    r"\bfor (?:general )?(?:informational|information|educational)"
    r"(?: and (?:informational|educational))? purposes only",
    r"\b(?:do|does|did|should) not (?:necessarily )?(?:reflect|represent|constitute)\b",
    r"\bnot (?:intended|meant) (?:to (?:be|serve as|constitute|replace|provide)|as)\b",
    r"\b(?:is|are|does) not (?:(?:constitute|provide) )?(?:legal|medical|financial|tax|investment|professional) advice",
    r"\bviews (?:and opinions )?expressed\b",
    # disclosures
    r"\baffiliate (?:links?|commissions?|partners?|programs?|relationships?)\b",
    r"\b(?:may |might |will )?(?:earn|receive|get) (?:a |an )?(?:small )?(?:affiliate )?(?:commission|compensation)",
    r"\bas an amazon associate\b|\bqualifying purchases\b",
    r"\bsponsored by\b|\bbranded content\b|\bpaid partnership\b",
    # copyright and trademarks
    r"©|\(c\) \d{4}|\bcopyright \d{4}|\ball rights reserved\b",
    r"\bregistered trademarks?\b|\btrademarks? of\b",
    r"\b(?:used|reprinted|republished) with permission\b",
    # calls to action
    r"\b(?:subscribe|sign up|signup)(?: now| today| here)?(?: to| for)? (?:our|my) (?:\w+ )?"
    r"(?:newsletter|mailing list|list|updates|emails?|channel|podcast|blog|feed)\b",
    r"\b(?:subscribe|sign up) (?:now|today|here)\b",
    r"\bnewsletters?\b",
    r"\b(?:delivered|straight|sent) (?:right |directly |straight )?to your inbox\b",
    r"\bfollow (?:me|us) on\b",
    r"\bif you (?:liked|enjoyed|found|like|enjoy) (?:this|the|these|our)\b"
    r".{0,40}\b(?:article|post|story|video|episode|content|useful|helpful)",
    r"\bplease (?:consider )?(?:like|share|subscrib|follow)",
    r"\btranscripts? (?:may|was|were|is|has been) ",
    # the same in de es fr fi sv it pt nl pl ru tr (see phrases_europe.py for how these lists were made)
    r"\balle rechte vorbehalten|\btodos los derechos reservados|\btous droits réservés|\bkaikki oikeudet pidätetään"
    r"|\balla rättigheter förbehållna|\btutti i diritti riservati|\btodos os direitos reservados"
    r"|\balle rechten voorbehouden|\bwszelkie prawa zastrzeżone|\bвсе права защищены|\btüm hakları saklıdır",
    r"\b(?:nur|ausschließlich) (?:zu|für) informationszwecke|\bà titre (?:informatif|indicatif)\b"
    r"|\b(?:con|a) (?:fines|título) informativos?\b|\bspiegel(?:t|n) nicht (?:unbedingt )?die meinung"
    r"|\bne reflète(?:nt)? pas (?:nécessairement )?|\bno refleja(?:n)? (?:necesariamente )?",
    r"\baffiliate-links?\b|\b(?:provisions|partner|werbe)links?\b|\bliens? (?:d'affiliation|affiliés?)\b"
    r"|\benlaces? de afiliados?\b|\bkumppanilinkkejä\b|\baffiliatelänkar\b",
    r"\b(?:newsletter|nyhetsbrev|uutiskirje|boletín|nieuwsbrief|рассылк)",
    r"\b(?:folgen sie uns|folge uns|suivez-nous|síguenos|seuraa meitä|följ oss|seguici|siga-nos|volg ons)\b",
    r"\b(?:abonnieren sie|abonniere|abonnez-vous|suscríbete|prenumerera på)\b",
)) + ")", re.I)

NOTICE_MAX_TOKENS = 80  # a notice is a sentence or two; a long paragraph that mentions one is not
CORE_MIN_TOKENS = 12  # the prose lines that bound the article


# every notice pattern contains one of these (see :func:`.lines.hinted_matches`)
_NOTICE_HINTS = ("purposes only", "reflect", "represent", "constitute", "intended", "meant", "advice", "expressed",
                 "affiliate", "commission", "compensation", "amazon associate", "qualifying purchases", "sponsored",
                 "branded content", "paid partnership", "©", "(c)", "copyright", "rights reserved", "trademark",
                 "permission", "subscribe", "sign up", "signup", "newsletter", "inbox", "follow", "if you",
                 "please", "transcript", "rechte vorbehalten", "derechos reservados", "droits réservés",
                 "oikeudet pidätetään", "rättigheter förbehållna", "diritti riservati", "direitos reservados",
                 "rechten voorbehouden", "prawa zastrzeżone", "права защищены", "hakları saklıdır",
                 "informationszweck", "à titre", "informativo", "die meinung", "ne reflète", "no refleja",
                 "links", "liens", "lien d", "enlace", "kumppanilink", "affiliatelänk", "nyhetsbrev",
                 "uutiskirje", "boletín", "nieuwsbrief", "рассылк", "folge", "suivez", "síguenos", "seuraa meitä",
                 "följ oss", "seguici", "siga-nos", "volg ons", "abonn", "suscríb", "prenumerera")


def is_notice(text: str) -> bool:
    """True when ``text`` reads as a disclaimer, disclosure, copyright note or call to action."""
    return hinted_matches([text], _NOTICE_HINTS, _NOTICE_RE)[0]


def line_is_notice(line: Line) -> bool:
    """:func:`is_notice` of the line, or of its English translation (``Line.text_en``) when it has one."""
    return lines_are_notices([line])[0]


def lines_are_notices(lines: list[Line]) -> list[bool]:
    """:func:`line_is_notice` of many lines in one hinted scan."""
    found = hinted_matches([ln.text for ln in lines] + [ln.text_en or "" for ln in lines], _NOTICE_HINTS, _NOTICE_RE)
    n = len(lines)
    return [found[i] or found[n + i] for i in range(n)]


def edge_notices(lines: list[Line], facts: LineFacts, keep: np.ndarray) -> list[int]:
    """Kept lines that are notices before the first or after the last kept prose line.

    Prose here is a kept line of at least ``CORE_MIN_TOKENS`` tokens that is not a notice.
    Only kept lines are tested, so the cost is a regex over the article's edges. A translated
    line (``Line.text_en``) is a notice when its English reads as one.
    """
    kept = np.flatnonzero(keep).tolist()
    if not kept:
        return []
    notice: dict[int, bool] = {}

    def check(i: int) -> bool:
        if i not in notice:
            notice[i] = facts.n_tokens[i] <= NOTICE_MAX_TOKENS and line_is_notice(lines[i])
        return notice[i]

    first = next((i for i in kept if facts.n_tokens[i] >= CORE_MIN_TOKENS and not check(i)), None)
    if first is None:  # no ordinary prose at all: nothing bounds an article, leave it alone
        return []
    last = next(i for i in reversed(kept) if facts.n_tokens[i] >= CORE_MIN_TOKENS and not check(i))
    return [i for i in kept if (i < first or i > last) and check(i)]
