"""Pages that are not articles at all: bot checks, block and error pages, JavaScript or cookie walls.

A scraper that is challenged ("Checking your browser…", "Are you a robot?"), blocked ("Access
denied", "Sorry, you have been blocked") or sent to a missing page ("Page not found", "404")
stores the wall instead of the article. Its message is written in sentences, so the line
model keeps it, and the no-emptied-article fallback would otherwise turn it into the
"article". Such a page is recognised by its wording, in the languages the sites and the dev
data use (en de es fr fi sv, ar fa/prs ps ur bn), and only when the message is all the prose
there is: apart from the message's own lines, the page holds less sentence text than the
fallback's floor (``roles.FALLBACK_MIN_PROSE_CHARS``), i.e. without the message it would not
count as a page with prose. An article that mentions a captcha or a 404 has prose of its own
and is never a wall. The record says so with the quality flag ``INTERSTITIAL``.
"""

from __future__ import annotations

import numpy as np

from .features import LineFacts
from .lines import Line, chars_in, lines_containing, norm_words

INTERSTITIAL = "interstitial"  # quality flag: the page is a wall, not an article; nothing is kept
WALL_MAX_TOKENS = 80  # a wall's message is a sentence or two; a paragraph that mentions one is not it
WALL_MAX_PROSE_CHARS = 2000  # a page with more sentence text than this is not looked at (the common case: fast)

# Fragments that say the page is a challenge, a block or an error page wherever they occur in a line.
# Multi-word and specific: "captcha" alone is also a form field or a "protected by reCAPTCHA" footer.
_CONTAINS = (
    # bot checks and challenges (Cloudflare, Akamai, PerimeterX, DataDome, site-made ones)
    "checking your browser", "checking if the site connection is secure",
    "needs to review the security of your connection", "verify you are human", "verify that you are human",
    "verifying you are human", "confirm you are human", "confirm that you are human", "prove you are human",
    "are you a robot", "are you a human", "you are not a robot", "i'm not a robot", "i am not a robot",
    "unusual traffic from your computer", "complete the security check", "completing the captcha proves",
    "why do i have to complete a captcha", "please complete the captcha", "press & hold to confirm",
    "enable javascript and cookies to continue", "please make sure that cookies and javascript are enabled",
    "please enable cookies", "you need to enable javascript to run this app",
    "please enable javascript", "please enable js", "javascript is disabled", "javascript is required",
    "this site requires javascript", "ddos protection by", "sucuri website firewall",
    "your access to this site has been limited",
    "performance & security by cloudflare", "cloudflare ray id", "sorry, you have been blocked",
    "you have been blocked", "access to this page has been denied", "you don't have permission to access",
    "you do not have permission to access", "pardon our interruption", "request unsuccessful",
    # error pages
    "404 not found", "error 404", "http 404", "404 error", "403 forbidden", "429 too many requests",
    "502 bad gateway", "503 service unavailable", "504 gateway time", "the page you requested",
    "the page you are looking for", "the page you were looking for", "this page does not exist",
    "this page doesn't exist", "page cannot be found", "page could not be found",
    # de
    "kein roboter", "keine maschine sind", "sicherheitsüberprüfung", "ihr browser wird überprüft",
    "überprüfung ihres browsers", "bitte aktivieren sie javascript und cookies", "seite nicht gefunden",
    "seite wurde nicht gefunden", "die angeforderte seite", "die von ihnen gesuchte seite",
    "zugriff verweigert", "zugang verweigert", "fehler 404",
    # es
    "no soy un robot", "no eres un robot", "verifica que eres humano", "comprobando tu navegador",
    "página no encontrada", "la página que buscas", "la página solicitada", "acceso denegado",
    # fr
    "je ne suis pas un robot", "vous n'êtes pas un robot", "vérifiez que vous êtes humain",
    "vérification de votre navigateur", "page non trouvée", "page introuvable",
    "la page que vous recherchez", "la page demandée", "accès refusé", "accès interdit", "erreur 404",
    # fi
    "en ole robotti", "sivua ei löydy", "sivua ei löytynyt", "sivua ei ole olemassa", "pääsy estetty",
    "virhe 404",
    # sv
    "jag är inte en robot", "sidan finns inte", "sidan kunde inte hittas", "sidan hittades inte",
    "åtkomst nekad", "fel 404",
    # ar
    "لست روبوت", "الصفحة غير موجودة", "الصفحة المطلوبة غير موجودة", "لم يتم العثور على الصفحة",
    "تم رفض الوصول", "الوصول مرفوض", "خطأ 404",
    # fa / prs
    "من ربات نیستم", "صفحه مورد نظر یافت نشد", "صفحه یافت نشد", "صفحه پیدا نشد", "صفحه مورد نظر پیدا نشد",
    "صفحه مورد نظر وجود ندارد", "دسترسی غیرمجاز", "دسترسی ممنوع", "خطای 404",
    # ps
    "زه روبوټ نه یم", "پاڼه ونه موندل شوه", "پاڼه پیدا نه شوه", "لاسرسی منع دی",
    # ur
    "میں روبوٹ نہیں ہوں", "صفحہ نہیں ملا", "صفحہ دستیاب نہیں", "رسائی سے انکار", "رسائی ممنوع",
    # bn
    "আমি রোবট নই", "পৃষ্ঠাটি পাওয়া যায়নি", "পৃষ্ঠা পাওয়া যায়নি", "পেজটি পাওয়া যায়নি", "পেজ পাওয়া যায়নি",
    "পৃষ্ঠাটি খুঁজে পাওয়া যায়নি", "প্রবেশাধিকার নেই",
)
# Ordinary words that name a wall only as the whole line ("Access denied", "Just a moment...", "404")
_WHOLE_LINE = (
    "just a moment", "attention required cloudflare", "one more step", "access denied", "forbidden",
    "page not found", "not found", "404", "403", "error", "security check", "verification required",
    "too many requests", "service unavailable", "bad gateway",
    "einen moment bitte", "nicht gefunden", "un momento", "no encontrada", "un instant", "introuvable",
    "hetkinen", "ett ögonblick",
)
# Arabic-script letters that differ between locales only in their code point, and the digits of Arabic
# and Persian/Urdu script ("۴۰۴"): folded before matching
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", **{chr(0x0660 + d): str(d) for d in range(10)},
                       **{chr(0x06F0 + d): str(d) for d in range(10)}})


def _key(text: str) -> str:
    return norm_words(text).translate(_FOLD)


# padded with spaces, matched against padded keys: whole words only ("error 404", not "terror 4040")
_CONTAINS_NEEDLES = tuple(sorted({f" {_key(p)} " for p in _CONTAINS}))
_WHOLE_LINE_KEYS = frozenset(_key(p) for p in _WHOLE_LINE)


def wall_lines(lines: list[Line], facts: LineFacts, sentence: np.ndarray, min_prose_chars: int) -> list[int]:
    """The lines of a wall's message, when the page is one (else []).

    ``sentence`` marks the page's sentence lines and ``min_prose_chars`` is the least sentence
    text a page with prose holds (both from :mod:`.roles`, which owns that definition): the page
    is a wall when some line reads as one and the sentence lines that do not hold fewer
    characters than that.
    """
    if not lines or chars_in(lines, sentence) > WALL_MAX_PROSE_CHARS:
        return []
    check = np.flatnonzero(facts.n_tokens <= WALL_MAX_TOKENS).tolist()
    if not check:
        return []
    keys = [_key(lines[i].text) for i in check]
    hits = {check[j] for j, key in enumerate(keys) if key in _WHOLE_LINE_KEYS}
    padded = [f" {key} " for key in keys]
    for found in lines_containing(padded, _CONTAINS_NEEDLES).values():
        hits.update(check[j] for j in found)
    if not hits:
        return []
    other = sentence.copy()
    other[list(hits)] = False
    if chars_in(lines, other) >= min_prose_chars:
        return []
    return sorted(hits)
