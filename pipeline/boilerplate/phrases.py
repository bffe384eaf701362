"""Known UI chrome phrases (English, ar/fa/ps/ur/bn, European languages) and language-switcher autonyms.

Lines are compared on :func:`chrome_key` (case-folded, punctuation and spaces removed,
Arabic-script letter variants unified) so glued link text such as "ShareTweet" or
"Share on FacebookShare on Twitter" is recognised as a concatenation of phrases.
Phrases are evidence, not verdicts: *strong* matches override the model, *weak* ones
(single words such as "News" that can be a real heading) only feed it as a feature.
"""

from __future__ import annotations

import re
from functools import lru_cache
from heapq import heappop, heappush

from pipeline.document import Role

from . import phrases_europe as _europe
from .lines import lines_containing, norm_key

_AR_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا",
                              "ة": "ه", "ۀ": "ه", "ۍ": "ی", "ې": "ی", "ے": "ی", "ـ": None})


def chrome_key(text: str) -> str:
    """:func:`norm_key` plus Arabic-script letter unification (ي/ی, ك/ک, أ/ا, ة/ه)."""
    return norm_key(text).translate(_AR_VARIANTS)


# Role -> phrases. Multi-word phrases are strong; single words are weak unless in _STRONG_WORDS.
_PHRASES: dict[Role, tuple[str, ...]] = {
    Role.SHARE: (
        "share", "shares", "share this", "share this article", "share this post", "share on",
        "share on facebook", "share on twitter", "share on x", "share on whatsapp",
        "share on linkedin", "share on telegram", "share via email", "share via", "tweet",
        "pin it", "whatsapp", "facebook", "twitter", "linkedin", "telegram", "reddit",
        "pinterest", "instagram", "youtube", "email", "print", "copy link", "copy url",
        "follow us", "follow us on", "like us on facebook", "follow us on twitter",
        "share article", "share story", "shareshare", "messenger", "tiktok",
        # ar / fa / ps / ur / bn
        "شارك", "مشاركة", "شارك المقال", "تويتر", "فيسبوك", "واتساب", "تيليجرام", "طباعة",
        "انشر", "تابعنا", "اشتراک گذاری", "اشتراک‌گذاری", "به اشتراک بگذارید", "چاپ",
        "شریکول", "شریک کړئ", "شیئر کریں", "شیئر", "پرنٹ", "শেয়ার করুন", "শেয়ার",
        "প্রিন্ট",
    ),
    Role.LOGIN: (
        "login", "log in", "logout", "log out", "sign in", "sign up", "sign out", "register",
        "forgotten password", "forgot password", "forgot your password",
        "lost your password", "retrieve your password", "reset password",
        "reset your password", "welcome back", "login to your account below",
        "log in to your account", "please enter your username or email address to reset "
        "your password", "remember me", "username", "password", "create an account",
        "create account", "my account", "subscribe", "subscribe now", "newsletter",
        "sign up for our newsletter", "subscribe to our newsletter", "get the newsletter",
        "already have an account", "fill the forms bellow to register",
        "تسجيل الدخول", "تسجيل الخروج", "كلمة المرور", "نسيت كلمة المرور", "اشترك",
        "النشرة البريدية", "حسابي", "ورود", "خروج", "ثبت نام", "رمز عبور", "عضویت",
        "ننوتل", "وتل", "لاگ ان", "لاگ آؤٹ", "پاس ورڈ", "سبسکرائب", "লগইন", "লগ ইন",
        "লগ আউট", "পাসওয়ার্ড", "নিবন্ধন", "সাবস্ক্রাইব",
    ),
    Role.COMMENTS: (
        "leave a reply", "leave a comment", "cancel reply", "no comments", "comments",
        "comment", "post a comment", "add a comment", "add comment", "reply",
        "your email address will not be published", "required fields are marked",
        "post comment", "submit comment", "comments are closed", "0 comments",
        "no comments yet", "be the first to comment", "join the discussion",
        "view comments", "show comments", "write a comment", "leave a reply cancel reply",
        "save my name email and website in this browser for the next time i comment",
        "notify me of follow up comments by email", "notify me of new posts by email",
        "اترك تعليقا", "اترك تعليقاً", "اترك ردا", "اترك رداً", "التعليقات", "تعليق",
        "أضف تعليق", "اضف تعليق", "لا توجد تعليقات", "إرسال التعليق", "ارسال التعليق",
        "لن يتم نشر عنوان بريدك الإلكتروني", "الحقول الإلزامية مشار إليها بـ",
        "نظرات", "دیدگاه", "ارسال نظر", "نظر بدهید", "دیدگاهتان را بنویسید",
        "نشانی ایمیل شما منتشر نخواهد شد", "بخش‌های موردنیاز علامت‌گذاری شده‌اند",
        "تبصره", "تبصرې", "نظر ورکړئ", "خپل نظر ولیکئ", "تبصرہ کریں", "تبصرے", "جواب دیں",
        "آپ کا ای میل ایڈریس شائع نہیں کیا جائے گا", "মন্তব্য", "মন্তব্য করুন",
        "আপনার মন্তব্য লিখুন", "আপনার ইমেল ঠিকানা প্রকাশ করা হবে না",
    ),
    Role.RELATED: (
        "related", "related posts", "related articles", "related news", "related stories",
        "related content", "related topics", "you may also like", "you might also like",
        "read more", "read also", "also read", "see also", "more stories", "more news",
        "recommended", "recommended for you", "trending", "trending now", "popular",
        "popular posts", "most read", "most popular", "most viewed", "latest",
        "latest news", "latest posts", "latest articles", "recent posts", "recent news",
        "recent articles", "previous post", "next post", "previous article", "next article",
        "older posts", "newer posts", "older post", "newer post", "don t miss", "must read",
        "editor s picks", "editors picks", "top stories", "load more", "show more",
        "view more", "more from author", "more in", "in case you missed it", "top news",
        "مقالات ذات صلة", "أخبار ذات صلة", "اقرأ أيضا", "اقرأ أيضاً", "اظهر المزيد",
        "أظهر المزيد", "المزيد", "الأكثر قراءة", "الأكثر مشاهدة", "آخر الأخبار",
        "المقال التالي", "المقال السابق", "التالي", "السابق", "شاهد أيضا",
        "مطالب مرتبط", "اخبار مرتبط", "بیشتر بخوانید", "ادامه مطلب", "پربازدیدترین",
        "آخرین اخبار", "مطلب بعدی", "مطلب قبلی", "اړوند مطالب", "اړوند خبرونه",
        "نور ولولئ", "وروستي خبرونه", "مزید پڑھیں", "متعلقہ خبریں", "متعلقہ مضامین",
        "تازہ ترین", "مقبول", "আরও পড়ুন", "সম্পর্কিত খবর", "সম্পর্কিত পোস্ট", "সর্বশেষ",
        "আরো পড়ুন", "জনপ্রিয়",
    ),
    Role.FOOTER: (
        "all rights reserved", "copyright", "privacy policy", "privacy", "terms of use",
        "terms of service", "terms and conditions", "cookie policy", "contact us",
        "contact", "about us", "about", "advertise", "advertise with us", "sitemap",
        "powered by", "back to top", "back to top button", "scroll to top", "go to top",
        "disclaimer", "careers", "all rights are reserved", "jobs", "imprint",
        "جميع الحقوق محفوظة", "حقوق النشر", "سياسة الخصوصية", "اتصل بنا", "من نحن",
        "زر الذهاب إلى الأعلى", "الذهاب إلى الأعلى", "العودة إلى الأعلى",
        "کلیه حقوق محفوظ است", "تمامی حقوق محفوظ است", "تماس با ما", "درباره ما",
        "بازگشت به بالا", "برگشت به بالا", "حریم خصوصی", "ټول حقونه خوندي دي", "اړیکه",
        "زموږ په اړه", "بېرته پورته", "جملہ حقوق محفوظ ہیں", "رابطہ کریں",
        "ہمارے بارے میں", "اوپر جائیں", "سর্বস্বত্ব সংরক্ষিত", "সর্বস্বত্ব সংরক্ষিত",
        "যোগাযোগ", "আমাদের সম্পর্কে", "উপরে যান", "গোপনীয়তা নীতি",
    ),
    Role.NAVIGATION: (
        "home", "menu", "search", "no result", "view all result", "view all results",
        "skip to content", "skip to main content", "toggle navigation", "main menu",
        "close", "categories", "category", "tags", "archives", "news", "all", "open menu",
        "close menu", "search for", "type and hit enter", "breaking news", "next",
        "previous", "more", "home page", "homepage", "navigation", "primary menu",
        "search this site", "press enter to search", "type above and press enter to search",
        "press esc to cancel", "search results", "browse", "sections", "topics",
        "الرئيسية", "القائمة", "بحث", "ابحث", "إغلاق", "اغلاق", "عاجل", "الأقسام",
        "صفحه اصلی", "خانه", "منو", "جستجو", "بستن", "کور", "لټون", "پاڼه", "ہوم",
        "تلاش کریں", "تلاش", "بند کریں", "پچھلا", "اگلا", "হোম", "অনুসন্ধান",
        "বন্ধ করুন", "পূর্ববর্তী", "পরবর্তী", "মেনু",
    ),
    Role.BOILERPLATE: (
        "advertisement", "sponsored", "ads", "we use cookies", "accept cookies",
        "accept", "cookie settings", "loading", "click here", "listen to this article",
        "reading time", "min read", "minute read", "skip ad", "إعلان", "اعلان", "تبلیغات",
        "اشتہار", "বিজ্ঞাপন",
    ),
}

# Consent, cookie, paywall and subscription banners, in the languages the sites and the dev data
# use (en de es fr fi sv, ar fa/prs ps ur bn): whole lines, and fragments that mark a short line
# wherever they occur in it (see _CONTAINS). Only multi-word or unambiguous fragments: a recipe
# for cookies must not become chrome.
_CONSENT = (
    "we use cookies", "this website uses cookies", "this site uses cookies", "uses cookies to",
    "accept all cookies", "accept cookies", "reject all cookies", "manage cookies", "cookie settings",
    "cookie preferences", "manage consent", "manage your consent", "consent preferences", "privacy settings",
    "by continuing to use this site you agree", "by continuing to browse",
    "wir verwenden cookies", "wir nutzen cookies", "diese website verwendet cookies", "verwendet cookies",
    "alle cookies akzeptieren", "cookies akzeptieren", "cookie einstellungen", "datenschutzeinstellungen",
    "utilizamos cookies", "usamos cookies", "este sitio web utiliza cookies", "esta web utiliza cookies",
    "aceptar todas las cookies", "aceptar cookies", "configuración de cookies", "política de cookies",
    "nous utilisons des cookies", "ce site utilise des cookies", "accepter tous les cookies", "tout accepter",
    "paramètres des cookies", "gérer les cookies", "politique de cookies",
    "käytämme evästeitä", "hyväksy evästeet", "hyväksy kaikki evästeet", "evästeasetukset",
    "vi använder cookies", "godkänn cookies", "acceptera alla cookies", "cookie inställningar",
    "نستخدم ملفات تعريف الارتباط", "ملفات تعريف الارتباط", "قبول جميع ملفات", "سياسة ملفات تعريف",
    "ما از کوکی ها استفاده می کنیم", "از کوکی ها استفاده", "پذیرفتن کوکی ها", "تنظیمات کوکی",
    "موږ کوکیز کاروو", "د کوکیز", "ہم کوکیز استعمال کرتے ہیں", "کوکیز قبول کریں", "کوکیز استعمال",
    "আমরা কুকি ব্যবহার করি", "কুকি ব্যবহার", "সব কুকি গ্রহণ করুন", "কুকি নীতি",
)
_PAYWALL = (
    "subscribe to continue reading", "to continue reading", "subscribe to read", "subscribers only",
    "for subscribers", "already a subscriber", "already subscribed", "become a subscriber", "subscribe now",
    "start your subscription", "this article is for subscribers", "exclusive to subscribers",
    "jetzt abonnieren", "abo abschließen", "bereits abonnent", "nur für abonnenten", "weiterlesen mit",
    "suscríbete", "hazte suscriptor", "exclusivo para suscriptores", "ya soy suscriptor",
    "abonnez vous", "réservé aux abonnés", "déjà abonné", "article réservé",
    "tilaa nyt", "vain tilaajille", "jo tilaaja", "prenumerera nu", "för prenumeranter", "redan prenumerant",
    "اشترك الآن", "للمشتركين فقط", "اشترك للمتابعة", "مشترک شوید", "اشتراک ویژه", "ویژه مشترکین",
    "ګډون وکړئ", "سبسکرائب کریں", "صرف سبسکرائبرز", "সাবস্ক্রাইব করুন", "শুধু গ্রাহকদের জন্য",
)
# ...of which these are words a news sentence may use ("Google uses cookies to track"): whole lines only
_CONSENT_LINE_ONLY = frozenset(("uses cookies to", "accept cookies", "privacy settings", "verwendet cookies",
                                "aceptar cookies", "از کوکی ها استفاده", "کوکیز استعمال", "কুকি ব্যবহার",
                                "for subscribers", "to continue reading", "subscribe now", "tilaa nyt",
                                "ملفات تعريف الارتباط", "د کوکیز"))
# de es fr fi sv it pt nl pl ru tr interface strings (phrases_europe.py)
_CONSENT += _europe.CONSENT
_PAYWALL += _europe.PAYWALL
_CONSENT_LINE_ONLY |= frozenset(_europe.CONSENT_LINE_ONLY)
for _role, _items in _europe.PHRASES.items():
    _PHRASES[_role] += _items
_PHRASES[Role.BOILERPLATE] += _CONSENT
_PHRASES[Role.LOGIN] += _PAYWALL

# Single words distinctive enough to count as strong chrome on a line of their own.
_STRONG_WORDS = frozenset(
    chrome_key(w)
    for w in ("share", "shares", "tweet", "login", "logout", "whatsapp", "sharetweet",
              "relatedposts", "relatedarticles", "newsletter", "subscribe", "advertisement",
              "sitemap", "copyright", "password", "username", *_europe.STRONG_WORDS)
)
# Phrases that mark chrome wherever they occur in a (short) line.
_CONTAINS = tuple(
    (chrome_key(p), r)
    for p, r in (
        ("all rights reserved", Role.FOOTER), ("all rights are reserved", Role.FOOTER),
        ("your email address will not be published", Role.COMMENTS),
        ("required fields are marked", Role.COMMENTS),
        ("save my name email and website", Role.COMMENTS),
        ("لن يتم نشر عنوان بريدك الإلكتروني", Role.COMMENTS),
        ("جميع الحقوق محفوظة", Role.FOOTER), ("حقوق محفوظ", Role.FOOTER),
        ("সর্বস্বত্ব সংরক্ষিত", Role.FOOTER), ("ټول حقونه خوندي", Role.FOOTER),
        ("نشانی ایمیل شما منتشر نخواهد شد", Role.COMMENTS),
        ("ای میل ایڈریس شائع نہیں", Role.COMMENTS),
        ("ইমেল ঠিকানা প্রকাশ করা হবে না", Role.COMMENTS),
        *_europe.CONTAINS,
        *((p, Role.BOILERPLATE) for p in _CONSENT if len(chrome_key(p)) >= 12 and p not in _CONSENT_LINE_ONLY),
        *((p, Role.LOGIN) for p in _PAYWALL if len(chrome_key(p)) >= 12 and p not in _CONSENT_LINE_ONLY),
    )
)

PHRASE_ROLE: dict[str, Role] = {}
for _role, _items in _PHRASES.items():
    for _p in _items:
        PHRASE_ROLE.setdefault(chrome_key(_p), _role)
PHRASE_ROLE.pop("", None)
_PREFIXES = frozenset(k[:3] for k in PHRASE_ROLE)  # fast reject for lines that start with no phrase


def _lengths_by_prefix() -> dict[str, tuple[int, ...]]:
    """First three characters of a phrase key -> the lengths of the phrase keys starting so.

    A key shorter than three characters is listed under itself; :func:`_segment` looks up both.
    """
    table: dict[str, set[int]] = {}
    for k in PHRASE_ROLE:
        table.setdefault(k[:3], set()).add(len(k))
    return {k: tuple(sorted(v)) for k, v in table.items()}


_LENGTHS_AT = _lengths_by_prefix()
_SHORT_KEYS = tuple(sorted({k for k in PHRASE_ROLE if len(k) < 3}))
_SHORT_FIRST = frozenset(k[0] for k in _SHORT_KEYS)
_DIGITS = re.compile(r"\d+")


def _strong(key: str) -> bool:
    return key in _STRONG_WORDS or key not in _WEAK_KEYS


# Weak = phrases that are a single ordinary word (possible real heading/content).
_WEAK_KEYS = frozenset(
    chrome_key(p) for items in _PHRASES.values() for p in items
    if " " not in p.strip() and chrome_key(p) not in _STRONG_WORDS
)


@lru_cache(maxsize=8192)
def _segment(key: str) -> tuple[Role, ...] | None:
    """Split ``key`` into a concatenation of phrase keys (digit runs allowed); roles or None.

    Fewest phrases wins (the first found on a tie). Only positions a phrase or digit run
    reaches are expanded, in increasing order (a heap): most keys stop after the first.
    """
    n = len(key)
    if n == 0 or n > 120 or not (key[:3] in _PREFIXES or key[0].isdigit()):
        return None
    best: list[tuple[Role, ...] | None] = [None] * (n + 1)
    best[0] = ()
    todo = [0]
    while todo:
        i = heappop(todo)
        if i == n:
            break
        cur = best[i]
        assert cur is not None
        found: list[tuple[int, tuple[Role, ...]]] = []
        if key[i].isdigit():
            m = _DIGITS.match(key, i)
            if m:
                found.append((m.end(), cur))
        lengths = _LENGTHS_AT.get(key[i:i + 3], ())
        if key[i] in _SHORT_FIRST:
            lengths = (*(len(k) for k in _SHORT_KEYS if key.startswith(k, i)), *lengths)
        for length in lengths:
            j = i + length
            if j > n:
                break
            role = PHRASE_ROLE.get(key[i:j])
            if role is not None:
                found.append((j, (*cur, role)))
        for j, cand in found:
            if best[j] is None:
                heappush(todo, j)
                best[j] = cand
            elif len(best[j]) > len(cand):  # type: ignore[arg-type]
                best[j] = cand
    res = best[n]
    return res if res else None


_NO_MATCH: tuple[Role | None, int] = (None, 0)
_CONTAINS_ASCII = tuple((frag, r) for frag, r in _CONTAINS if frag.isascii())


def to_chrome_keys(keys: list[str]) -> list[str]:
    """:func:`chrome_key` of many lines from their :func:`~.lines.norm_key` (ASCII keys are unchanged)."""
    return [k if k.isascii() else k.translate(_AR_VARIANTS) for k in keys]


def match_chrome_many(ckeys: list[str], segment: list[bool]) -> list[tuple[Role | None, int]]:
    """:func:`match_chrome` for many lines at once, from their :func:`chrome_key` (same answers).

    The "contains a distinctive phrase" test runs once per phrase over all remaining keys
    joined, instead of once per phrase and line.
    """
    out: list[tuple[Role | None, int]] = []
    rest: list[int] = []
    get = PHRASE_ROLE.get
    for i, key in enumerate(ckeys):
        role = get(key) if key else None
        if role is not None:
            out.append((role, 2 if _strong(key) else 1))
            continue
        out.append(_NO_MATCH)
        if not key or len(key) > 300:
            continue
        if segment[i] and len(key) <= 80 and (key[:3] in _PREFIXES or key[0].isdigit()):
            seg = _segment(key)
            if seg:
                out[i] = (seg[0], 2)
                continue
        rest.append(i)
    if rest:
        keys = [ckeys[i] for i in rest]
        frags = _CONTAINS_ASCII if all(map(str.isascii, keys)) else _CONTAINS
        found = lines_containing(keys, (frag for frag, _ in frags))
        for frag, r in frags:
            for j in found.get(frag, ()):
                i = rest[j]
                if out[i][1] == 0:
                    out[i] = (r, 2)
    return out


def match_chrome(text: str, key: str | None = None, segment: bool = True) -> tuple[Role | None, int]:
    """Chrome role of a whole line and strength: 2 strong, 1 weak, 0 none.

    Strong: a multi-word or distinctive phrase filling the line, a glued concatenation
    of two or more phrases, or a distinctive phrase contained in a short line.
    ``key`` may pass a precomputed :func:`~.lines.norm_key` of ``text``.
    """
    key = chrome_key(text) if key is None else key.translate(_AR_VARIANTS)
    if not key:
        return None, 0
    role = PHRASE_ROLE.get(key)
    if role is not None:
        return role, 2 if _strong(key) else 1
    if len(key) <= 300:
        seg = _segment(key) if (segment and len(key) <= 80) else None
        if seg:
            return seg[0], 2
        for frag, r in _CONTAINS:
            if frag in key:
                return r, 2
    return None, 0


# --- language switcher -------------------------------------------------------------

# Labels as they appear in switchers (autonyms and common short forms) -> BCP 47 code.
_SWITCHER_EXTRA = {
    "دري": "prs", "دری": "prs", "پښتو": "ps", "پشتو": "ps", "عربي": "ar", "عربی": "ar",
    "العربية": "ar", "اردو": "ur", "فارسی": "fa", "فارسي": "fa", "বাঙালি": "bn",
    "বাংলা": "bn", "english": "en", "eng": "en", "en": "en", "türkçe": "tr",
    "o zbekcha": "uz", "oʻzbekcha": "uz", "ўзбекча": "uz", "тоҷикӣ": "tg", "русский": "ru",
    "中文": "zh", "简体中文": "zh-Hans", "繁體中文": "zh-Hant", "हिन्दी": "hi", "français": "fr",
    "deutsch": "de", "español": "es", "italiano": "it", "português": "pt", "türkmençe": "tk",
    "dari": "prs", "pashto": "ps", "arabic": "ar", "urdu": "ur", "persian": "fa",
    "farsi": "fa", "bengali": "bn", "bangla": "bn", "uzbek": "uz", "russian": "ru",
    "french": "fr", "german": "de", "spanish": "es", "chinese": "zh", "turkish": "tr",
    "tajik": "tg", "hindi": "hi", "kurdî": "ku", "کوردی": "ckb", "azərbaycan": "az",
    "қазақша": "kk", "кыргызча": "ky", "bahasa indonesia": "id", "bahasa melayu": "ms",
}
# Autonym and English name per language (generated once with langcodes' autonym() /
# display_name("en"); kept literal so classifying needs no name database at run time).
_SWITCHER_NAMES = {
    "ar": ("العربية", "Arabic"), "fa": ("فارسی", "Persian"), "ps": ("پښتو", "Pashto"), "ur": ("اردو", "Urdu"),
    "bn": ("বাংলা", "Bangla"), "en": ("English", "English"), "fr": ("français", "French"),
    "de": ("Deutsch", "German"), "es": ("español", "Spanish"), "ru": ("русский", "Russian"),
    "tr": ("Türkçe", "Turkish"), "uz": ("o‘zbek", "Uzbek"), "tg": ("тоҷикӣ", "Tajik"),
    "tk": ("türkmen dili", "Turkmen"), "zh": ("中文", "Chinese"), "hi": ("हिन्दी", "Hindi"),
    "it": ("italiano", "Italian"), "pt": ("português", "Portuguese"), "ja": ("日本語", "Japanese"),
    "ko": ("한국어", "Korean"), "id": ("bahasa Indonesia", "Indonesian"), "ms": ("bahasa Malaysia", "Malay"),
    "az": ("azərbaycan", "Azerbaijani"), "kk": ("қазақ тілі", "Kazakh"), "ky": ("кыргызча", "Kyrgyz"),
    "ku": ("kurdî", "Kurdish"), "sd": ("سنڌي", "Sindhi"), "pa": ("ਪੰਜਾਬੀ", "Punjabi"), "ug": ("ئۇيغۇرچە", "Uyghur"),
    "he": ("עברית", "Hebrew"), "nl": ("Nederlands", "Dutch"), "pl": ("polski", "Polish"),
    "uk": ("українська", "Ukrainian"), "sw": ("Kiswahili", "Swahili"), "ha": ("Hausa", "Hausa"),
    "so": ("Soomaali", "Somali"),
}


@lru_cache(maxsize=1)
def _autonyms() -> dict[str, str]:
    """Switcher label key -> language code."""
    table = {chrome_key(k): v for k, v in _SWITCHER_EXTRA.items()}
    for code, names in _SWITCHER_NAMES.items():
        for name in names:
            table.setdefault(chrome_key(name), code)
    return table


_SPLIT_RE = re.compile(r"\s*(?:[|/•·,;]|\s{2,})\s*")


_SEP_CHARS = frozenset("|/•·,;")


def switcher_many(texts: list[str], ckeys: list[str]) -> list[str | None]:
    """:func:`switcher_lang` for many lines, from their :func:`chrome_key` (same answers)."""
    table = _autonyms()
    out: list[str | None] = []
    for t, k in zip(texts, ckeys, strict=True):
        code = table.get(k) if len(t) <= 80 else None
        if code is None and len(t) <= 80 and ("  " in t or not _SEP_CHARS.isdisjoint(t)):
            code = switcher_lang(t, k)
        out.append(code)
    return out


def switcher_lang(text: str, key: str | None = None) -> str | None:
    """Language code when ``text`` is only a language name (or a list of them).

    ``key`` may pass a precomputed :func:`~.lines.norm_key` of ``text``.
    """
    table = _autonyms()
    if len(text) > 80:
        return None
    code = table.get(chrome_key(text) if key is None else key.translate(_AR_VARIANTS))
    if code:
        return code
    t = text.strip().lstrip("•*+-–·▪► ").strip()
    if not t or (not _SEP_CHARS.intersection(t) and "  " not in t):
        return None
    parts = [p for p in _SPLIT_RE.split(t) if p]
    if len(parts) < 2:
        return None
    for p in parts:  # every part a language name (stop at the first that is not)
        if not table.get(chrome_key(p)):
            return None
    return table.get(chrome_key(parts[0]))
