"""A page's lines identified together: an article prior, a chrome prior and page signals.

One short line is weak evidence: 'خروج', 'تنظیمات' or 'نظرات' are words of Persian, Dari,
Urdu and often Pashto alike. A person decides from the rest of the page, and so does
:func:`identify_page`:

* **Article prior** — the language mix of the page's long lines (at least
  ``ARTICLE_MIN_CHARS``), weighted by length and confidence, multiplied into every run's
  posterior (:class:`.LangContext`). On an English article it says nothing about Arabic-script
  chrome; on an Urdu article it pulls the chrome towards Urdu.
* **Chrome prior** — the short Arabic-script runs of one page (menus, buttons, footers,
  comment forms; at most ``POOL_MAX_WORDS`` words) are nearly always one locale, sometimes
  two (Afghan sites often print Pashto and Dari side by side). Their posteriors over
  ar / fa / ps / ur are pooled into the page's *chrome mix* by expectation-maximisation of the
  class priors (:func:`_mixture`): a page in one locale converges to it, a page in two keeps
  both. Each run of at most ``APPLY_MAX_WORDS`` words is then decided with that mix as its
  prior, its own share left out (it must not count its own evidence twice). A run with strong
  evidence of its own (``OWN_EVIDENCE``) keeps its answer; language names (switcher labels
  such as 'پښتو') are answered by the name table and neither join the mix nor receive it, and
  a row of language names keeps each label's own answer.
* **Page signals** (:class:`PageHints`) — the language the HTML declares (``<html lang>``,
  ``<meta http-equiv="content-language">``), worth ``DECLARED_VOTES`` runs in the mix, and
  the site's chrome locales remembered from its earlier pages (``SITE_VOTES`` runs).
* **Dari** — a run decided Persian is answered ``fa-AF`` when the page gives specific
  evidence (:mod:`.dari`): Dari spelling in the run itself, Dari words elsewhere on the page
  and no Iranian ones, a declared ``fa-AF``/``prs``, a Dari edition among the page's
  alternates without a plain Persian one, or the site's chrome remembered as Dari.

Only the Arabic-script decision is pooled: it is where single words are genuinely shared.
Latin-script chrome already leans on an English prior inside the ensemble, and other scripts
name their language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# The package's __init__ does not import this module, so it is complete by the time this runs.
from . import LanguageIdentifier, _Key, _merge_runs, _Plan, aggregate, base_prior, dari
from .ensemble import ARABIC_CANDIDATES
from .types import LangContext, SpanTuple, base_lang

__all__ = [
    "PageDetection",
    "PageHints",
    "PageLines",
    "article_context",
    "decide_page",
    "declared_language",
    "identify_page",
    "page_lines",
]

ARTICLE_MIN_CHARS = 30
POOL_MAX_WORDS = 8
APPLY_MAX_WORDS = 16
PRIOR_STRENGTH = 1.0  # uniform pseudo-runs in the page's chrome mix
EM_ITERATIONS = 10
DECLARED_VOTES = 1.0  # pseudo-runs a declared language adds
SITE_VOTES = 2.0  # pseudo-runs the site's remembered chrome locales add
#: A run whose own posterior is at least this keeps its answer whatever the page says.
OWN_EVIDENCE = 0.995
_N = len(ARABIC_CANDIDATES)
_CANDIDATE_INDEX = {c: i for i, c in enumerate(ARABIC_CANDIDATES)}


@dataclass(frozen=True, slots=True)
class PageHints:
    """What is known about a page besides its lines.

    ``declared``: the language tag the page declares (``<html lang>``, ``<meta>``);
    ``alternates``: language tags of the page's other editions (hreflang, switcher links);
    ``site``: the site's chrome locales remembered from its earlier pages, ``{tag: share}``.
    """

    declared: str | None = None
    alternates: tuple[str, ...] = ()
    site: Mapping[str, float] | None = None


@dataclass(slots=True)
class PageDetection:
    """Spans of each line, and what the page as a whole said.

    ``chrome``: posterior of the page's chrome locale over ar / fa / ps / ur (``fa-AF`` when
    the page is Dari), empty when the page has no short Arabic-script line to go on;
    ``chrome_votes``: how many runs voted.
    """

    spans: list[list[SpanTuple]]
    chrome: dict[str, float] = field(default_factory=dict)
    chrome_votes: int = 0

    def chrome_locale(self, min_votes: int = 2, min_prob: float = 0.6) -> str | None:
        """The chrome locale when enough runs agree on it (what a site should remember)."""
        if self.chrome_votes < min_votes or not self.chrome:
            return None
        lang = max(self.chrome, key=self.chrome.__getitem__)
        return lang if self.chrome[lang] >= min_prob else None


def article_context(texts: Iterable[str], detections: Iterable[tuple[str, float]]) -> LangContext | None:
    """Prior from the long lines: their languages weighted by length and confidence."""
    weights: dict[str, float] = {}
    for text, (lang, score) in zip(texts, detections, strict=True):
        if lang != "und" and len(text) >= ARTICLE_MIN_CHARS:
            weights[lang] = weights.get(lang, 0.0) + len(text) * score
    total = sum(weights.values())
    if not total:
        return None
    return LangContext({lang: w / total for lang, w in weights.items()})


_HEAD_BYTES = 32_768
_TAG = rb"([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)"
_HTML_LANG_RE = re.compile(rb"<html\b[^>]*?\s(?:xml:)?lang\s*=\s*[\"']?" + _TAG, re.IGNORECASE)
_META_RE = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_META_LANG_RE = re.compile(rb"(?:http-equiv|name)\s*=\s*[\"']?(?:content-language|language)\b", re.IGNORECASE)
_META_CONTENT_RE = re.compile(rb"content\s*=\s*[\"']?\s*" + _TAG, re.IGNORECASE)


def declared_language(html: bytes) -> str | None:
    """The language an HTML page declares: ``<html lang>`` (or ``xml:lang``), else a
    ``<meta http-equiv="content-language">`` / ``<meta name="language">``; None if neither.

    Read from the raw bytes of the page's head (tags and attribute values are ASCII in every
    encoding a page declares in its first bytes), so no second parse of the page is needed.
    """
    head = html[:_HEAD_BYTES]
    found = _HTML_LANG_RE.search(head)
    if found:
        return found.group(1).decode("ascii")
    for meta in _META_RE.finditer(head):
        tag = meta.group(0)
        if _META_LANG_RE.search(tag):
            content = _META_CONTENT_RE.search(tag)
            if content:
                return content.group(1).decode("ascii")
    return None


def _names(plan: _Plan) -> int:
    """How many of a line's runs the name table answered (two or more: a switcher row)."""
    return sum(1 for run in plan if len(run[3]) == 2 and run[3][0] != "und")


def _chrome_runs(plans: list[_Plan], identifier: LanguageIdentifier) -> dict[tuple[int, int], list[float]]:
    """Posteriors over the candidates of the runs that make the chrome mix: Arabic-script runs of
    at most ``POOL_MAX_WORDS`` words outside switcher rows; keyed by (line, run)."""
    qs: dict[tuple[int, int], list[float]] = {}
    for i, plan in enumerate(plans):
        if _names(plan) >= 2:
            continue
        for r, (_start, _end, script, answer) in enumerate(plan):
            if script != "Arab" or len(answer) != 4 or answer[2] > POOL_MAX_WORDS:  # type: ignore[misc]
                continue
            q = _candidate_probs(identifier._entry(answer)[2])  # type: ignore[arg-type]
            if q is not None:
                qs[(i, r)] = q
    return qs


def _candidate_probs(post: Mapping[str, float]) -> list[float] | None:
    """``post`` restricted to ar / fa / ps / ur and renormalised; None without mass there."""
    q = [post.get(c, 0.0) for c in ARABIC_CANDIDATES]
    total = sum(q)
    return [p / total for p in q] if total > 0 else None


def _signal_counts(hints: PageHints | None) -> list[float]:
    """Page signals as pseudo-observations of the chrome mix over ar / fa / ps / ur."""
    counts = [0.0] * _N
    if hints is None:
        return counts
    if hints.declared:
        i = _CANDIDATE_INDEX.get(base_lang(dari.canonical(hints.declared)))
        if i is not None:
            counts[i] += DECLARED_VOTES
    if hints.site:
        shares = [0.0] * _N
        for tag, share in hints.site.items():
            i = _CANDIDATE_INDEX.get(base_lang(tag))
            if i is not None:
                shares[i] += share
        total = sum(shares)
        if total > 0:
            counts = [c + SITE_VOTES * s / total for c, s in zip(counts, shares, strict=True)]
    return counts


def _mixture(qs: list[list[float]], pseudo: list[float]) -> tuple[list[float], list[list[float]]]:
    """The page's chrome mix over ar / fa / ps / ur, and each run's share of it.

    Expectation-maximisation of the class priors (Saerens, Latinne & Decaestecker, 2002): a
    run's posterior under the current mix is its detector posterior times the mix (the
    ensemble was fitted on balanced classes), and the mix is the mean of those, plus the page
    signals and ``PRIOR_STRENGTH`` uniform pseudo-runs. A page in one locale converges to it;
    a page in two keeps both.
    """
    mix = [1.0 / _N] * _N
    resp: list[list[float]] = []
    if not qs:
        if any(pseudo):
            total = sum(pseudo) + PRIOR_STRENGTH
            mix = [(p + PRIOR_STRENGTH / _N) / total for p in pseudo]
        return mix, resp
    total = len(qs) + sum(pseudo) + PRIOR_STRENGTH
    for _ in range(EM_ITERATIONS):
        sums = [p + PRIOR_STRENGTH / _N for p in pseudo]
        resp = []
        for q in qs:
            r = [a * b for a, b in zip(q, mix, strict=True)]
            norm = sum(r) or 1.0
            r = [x / norm for x in r]
            resp.append(r)
            sums = [s + x for s, x in zip(sums, r, strict=True)]
        mix = [s / total for s in sums]
    return mix, resp


def _page_is_dari(evidence: bool, hints: PageHints | None) -> bool:
    """Specific evidence that this page's Persian is Dari (see the module docstring);
    *evidence*: the page's own words say so (:func:`.dari.page_evidence`)."""
    if hints is not None:
        if hints.declared and dari.canonical(hints.declared) == "fa-AF":
            return True
        alternates = {dari.canonical(t) for t in hints.alternates}
        if "fa-AF" in alternates and not alternates & {"fa", "fa-IR"}:
            return True
        if hints.site:
            fa = {tag: share for tag, share in hints.site.items() if base_lang(tag) == "fa"}
            if fa and max(fa, key=fa.__getitem__) == "fa-AF":
                return True
    return evidence


@dataclass(slots=True)
class _OpenRun:
    """A run whose answer the page's chrome mix or the Dari evidence may still change.

    ``post``: its posterior after the article prior; ``chrome``: whether the chrome mix applies
    to it (an Arabic-script run of at most ``APPLY_MAX_WORDS`` words, outside a switcher row,
    without ``OWN_EVIDENCE``); ``own``: its index among the page's chrome-mix runs, if it is one.
    """

    start: int
    end: int
    script: str
    norm: str
    post: dict[str, float]
    chrome: bool
    own: int | None


#: A decided run ``(start, end, script, lang, score)``, or one still open.
_Run = tuple[int, int, str, str, float] | _OpenRun


@dataclass(slots=True)
class PageLines:
    """What a page's lines say on their own, before the page signals (:class:`PageHints`):
    the expensive, memory-free half of :func:`identify_page`.

    Everything here depends on the page's text only, so it can be computed in a worker process
    and sent (pickled) to the process that holds the per-site memory, which finishes the page
    with :func:`decide_page`. ``lines``: per line, its final spans when no page signal can
    change them, else its runs with the open ones marked (:class:`_OpenRun`); ``chrome_runs``:
    the posteriors over ar / fa / ps / ur of the runs that make the chrome mix;
    ``dari_evidence``: whether the page's Arabic-script runs hold Dari words and no Iranian ones.
    """

    lines: list[list[SpanTuple] | list[_Run]]
    open_lines: list[bool]
    chrome_runs: list[list[float]]
    dari_evidence: bool


def identify_page(
    identifier: LanguageIdentifier, texts: Sequence[str], hints: PageHints | None = None
) -> PageDetection:
    """Spans of every line of one page, each decided with the rest of the page in view."""
    return decide_page(page_lines(identifier, texts), hints)


def page_lines(identifier: LanguageIdentifier, texts: Sequence[str]) -> PageLines:
    """The per-line posteriors of one page with its article prior applied (the models run here);
    only the runs the page signals can still change are left open."""
    plans = identifier._plan(texts)
    entry = identifier._entry
    plain = identifier._spans(plans)
    context = article_context(texts, (aggregate(t, s) for t, s in zip(texts, plain, strict=True)))
    qs = _chrome_runs(plans, identifier)
    own_index = {key: n for n, key in enumerate(qs)}
    # Dari evidence is read from the normalised Arabic-script runs (at most MAX_SCORED_CHARS
    # each); only a run decided Persian ever asks for it.
    arabic_runs = [run[3][0] for plan in plans for run in plan if run[2] == "Arab" and len(run[3]) == 4]

    prior = base_prior(context) if context is not None and context.prior else None
    # a run's posterior under the article prior, and its top language, once per distinct run:
    # menus and footers repeat their labels within a page
    weighed: dict[_Key, tuple[dict[str, float], str]] = {}
    lines: list[list[SpanTuple] | list[_Run]] = []
    open_lines: list[bool] = []
    for i, plan in enumerate(plans):
        named = _names(plan)
        runs: list[_Run] = []
        any_open = False
        for r, (start, end, script, answer) in enumerate(plan):
            if len(answer) == 2:  # no letters, or a language name: its own answer
                runs.append((start, end, script, *answer))  # type: ignore[arg-type]
                continue
            found = weighed.get(answer)  # type: ignore[arg-type]
            if found is None:
                post = entry(answer)[2]  # type: ignore[arg-type]
                if prior is not None:
                    post = identifier._reweigh(post, prior)
                found = weighed[answer] = (post, max(post, key=post.__getitem__))  # type: ignore[index]
            post, lang = found
            chrome = (script == "Arab" and named < 2 and answer[2] <= APPLY_MAX_WORDS  # type: ignore[misc]
                      and post[lang] < OWN_EVIDENCE)
            if chrome or lang == "fa":
                runs.append(_OpenRun(start, end, script, answer[0], post, chrome, own_index.get((i, r))))  # type: ignore[arg-type]
                any_open = True
            else:
                runs.append((start, end, script, lang, round(post[lang], 4)))
        lines.append(runs if any_open else _merge_runs(runs))  # type: ignore[arg-type]
        open_lines.append(any_open)
    return PageLines(lines, open_lines, list(qs.values()), bool(arabic_runs) and dari.page_evidence(arabic_runs) > 0)


def decide_page(page: PageLines, hints: PageHints | None = None) -> PageDetection:
    """Finish a page from its :func:`page_lines` with the page signals: the chrome mix (with the
    declared language and the site's remembered locales) decides the open Arabic-script runs,
    and the Dari evidence the Persian ones. Cheap: no model runs here."""
    qs = page.chrome_runs
    pseudo = _signal_counts(hints)
    mix, resp = _mixture(qs, pseudo)
    n_obs = len(qs) + sum(pseudo) + PRIOR_STRENGTH
    has_prior = bool(qs) or any(pseudo)
    dari_page: bool | None = None

    out: list[list[SpanTuple]] = []
    for line, is_open in zip(page.lines, page.open_lines, strict=True):
        if not is_open:
            out.append(line)  # type: ignore[arg-type]
            continue
        decided = []
        for run in line:
            if not isinstance(run, _OpenRun):
                decided.append(run)
                continue
            post = run.post
            if has_prior and run.chrome:
                if run.own is None:
                    locale = mix
                else:  # leave the run's own share out of the page's mix
                    own = resp[run.own]
                    locale = [max(m * n_obs - o, 0.0) / (n_obs - 1) for m, o in zip(mix, own, strict=True)]
                post = dict(post)
                for c, p in zip(ARABIC_CANDIDATES, locale, strict=True):
                    if c in post:
                        post[c] *= p * _N
                norm = sum(post.values())
                post = {k: v / norm for k, v in post.items()}
            lang = max(post, key=post.__getitem__)
            if lang == "fa" and dari_page is None:
                dari_page = _page_is_dari(page.dari_evidence, hints)
            dari_run = lang == "fa" and (dari_page or dari.is_dari(run.norm))
            decided.append((run.start, run.end, run.script, "fa-AF" if dari_run else lang, round(post[lang], 4)))
        out.append(_merge_runs(decided))  # type: ignore[arg-type]

    chrome: dict[str, float] = {}
    if qs:
        if dari_page is None and mix[_CANDIDATE_INDEX["fa"]] == max(mix):
            dari_page = _page_is_dari(page.dari_evidence, hints)
        chrome = {("fa-AF" if c == "fa" and dari_page else c): round(p, 4)
                  for c, p in zip(ARABIC_CANDIDATES, mix, strict=True)}
    return PageDetection(out, chrome, len(qs))
