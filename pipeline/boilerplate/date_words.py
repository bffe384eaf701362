"""Month names and the other words a date or time stamp is made of, in the languages the sites publish in.

Two tables, because they are used two ways: ``MONTHS`` are counted in any line (a line of at most 25 tokens
with a number and a month "has a date"), while ``DATE_WORDS`` – the months plus weekdays, time words and glue
such as "posted" or "في" – only make a line a date stamp when *every* token of it is one of them or a number
(:func:`.features.is_date_line`). A month name that is also an ordinary word (the Dari solar months are the
zodiac: سرطان "cancer", میزان "scale", جدی "serious"; Persian تیر "arrow", مهر "seal"; Dari می, the verb
prefix, for May) is therefore only a date word: "۱۴ سرطان ۱۴۰۳" is a date, a sentence about cancer with a
number in it does not "have a date".

Tokens are lower-cased :data:`.features.TOKEN_RE` runs, matched exactly (by hash), so Arabic-script words
are listed with both the Arabic and the Persian yeh and kaf (ي/ی, ك/ک, and the final ى), and Bengali words
with both forms of য় ড় ঢ় (one code point, or the letter and a nukta): :func:`pipeline.spelling.spelling_variants`
adds them.
"""

from __future__ import annotations

from pipeline.spelling import spelling_variants

_MONTHS_EUROPE = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    # de es fr fi sv it pt nl pl ru tr (full names and their usual abbreviations; Finnish also in the partitive
    # of dates, "5. toukokuuta"; Polish and Russian also in the genitive; words that are also common nouns or
    # names elsewhere – Spanish "marca", Polish "maja" – left out)
    "januar", "jänner", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "jän", "mär", "okt", "dez",
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre",
    "noviembre", "diciembre", "ene", "abr", "ago", "dic",
    "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    "janv", "févr", "avr", "juil", "déc",
    *(f"{m}kuu{s}" for m in ("tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys", "loka",
                             "marras", "joulu") for s in ("", "ta")),
    "januari", "februari", "maj", "augusti",
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
    "janeiro", "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro", "dezembro",
    "maart", "mei", "augustus",
    "styczeń", "luty", "marzec", "kwiecień", "czerwiec", "lipiec", "sierpień", "wrzesień", "październik",
    "listopad", "grudzień", "stycznia", "lutego", "kwietnia", "czerwca", "lipca", "sierpnia", "września",
    "października", "listopada", "grudnia",
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
    "декабрь", "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
    "ноября", "декабря",
    "ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim", "kasım", "aralık",
)
# other tokens a date/time stamp may consist of (weekdays, time words, glue)
_DATE_WORDS_EUROPE = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed",
    "thu", "fri", "sat", "sun", "am", "pm", "gmt", "utc", "ist", "pkt", "pst", "est", "et", "ago", "hour", "hours",
    "minute", "minutes", "min", "mins", "day", "days", "week", "weeks", "month", "months", "year", "years",
    "yesterday", "today", "posted", "published", "updated", "on", "at", "last", "by", "in", "and", "the", "read",
    "time", *(f"{i}{suffix}" for i in range(1, 100) for suffix in ("st", "nd", "rd", "th")),
    # de es fr fi sv it pt nl pl ru tr weekdays (glue words such as "de", "le", "à", "kl", "um" left out: with
    # them forum post headers and listing dates, which turku's gold keeps, became date stamps and cost
    # es/fr/sv fit-half F1 0.02-0.03; see docs/boilerplate.md)
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "sonnabend",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai",
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela", "понедельник", "вторник",
    "среда", "четверг", "пятница", "суббота", "воскресенье", "pazartesi", "salı", "çarşamba",
    "perşembe", "cuma", "cumartesi", "pazar",
)

# Arabic-script and Bengali months: Gregorian in Arabic (Egyptian/Gulf and Levantine names), Persian (Iran),
# Dari/Pashto/Urdu and Bengali spelling; the Iranian solar months; the Bengali calendar's months
_MONTHS_REGION = (
    "يناير", "فبراير", "مارس", "أبريل", "ابريل", "إبريل", "مايو", "يونيو", "يونيه", "يوليو", "يوليه", "أغسطس",
    "اغسطس", "سبتمبر", "أكتوبر", "اكتوبر", "نوفمبر", "ديسمبر",
    "كانون", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "أيلول", "تشرين",
    "ژانویه", "فوریه", "آوریل", "ژوئن", "ژوئیه", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
    "فروردین", "اردیبهشت", "خرداد", "مرداد", "شهریور", "آبان", "آذر", "بهمن", "اسفند",
    "جنوری", "فبروری", "فروری", "مارچ", "اپریل", "اپرېل", "مئی", "مۍ", "جولائی", "جولای", "اگست", "اګست",
    "ستمبر", "سپتمبر", "اکتوبر", "نومبر", "دسمبر", "ډسمبر",
    "জানুয়ারি", "জানুয়ারী", "ফেব্রুয়ারি", "ফেব্রুয়ারী", "মার্চ", "এপ্রিল", "জুন", "জুলাই", "আগস্ট", "আগষ্ট",
    "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর",
    "বৈশাখ", "জ্যৈষ্ঠ", "আষাঢ়", "শ্রাবণ", "ভাদ্র", "আশ্বিন", "অগ্রহায়ণ", "পৌষ", "মাঘ", "ফাল্গুন", "চৈত্র",
)
_DATE_WORDS_REGION = (
    # months that are also ordinary words (see the module's docstring): Persian تیر مهر دی مه, Dari می,
    # Arabic آب (Persian "water"), Bengali মে and কার্তিক (a name); the Dari solar months (the zodiac), the
    # Pashto solar months; the Hijri months (also given names: رمضان, رجب, شعبان)
    "تیر", "مهر", "دی", "مه", "می", "آب", "মে", "কার্তিক",
    "حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت",
    "وری", "غویی", "غبرگولی", "غبرګولی", "چنگاښ", "چنګاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه",
    "کب",
    "محرم", "صفر", "ربيع", "جمادى", "رجب", "شعبان", "رمضان", "شوال", "القعدة", "الحجة", "ذو", "ذي", "الأول",
    "الاول", "الثاني", "الآخر", "الأولى", "الآخرة",
    # weekdays (Persian ones written with a zero-width non-joiner are two tokens: سه‌شنبه is سه + شنبه)
    "الأحد", "الاحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الاربعاء", "الخميس", "الجمعة", "السبت",
    "شنبه", "یکشنبه", "دوشنبه", "سه", "چهارشنبه", "چهار", "پنجشنبه", "پنج", "یک", "دو", "جمعه",
    "اتوار", "پیر", "منگل", "بدھ", "جمعرات", "جمعہ", "ہفتہ",
    "রবিবার", "সোমবার", "মঙ্গলবার", "বুধবার", "বৃহস্পতিবার", "শুক্রবার", "শনিবার",
    # time words and glue ("published on", "updated", "ago", "a.m.", era and calendar markers)
    "في", "يوم", "الساعة", "ساعة", "ساعات", "دقيقة", "دقائق", "منذ", "مساء", "مساءً", "صباحا", "صباحاً", "م", "ص",
    "هـ", "ه", "الموافق", "نشر", "تحديث", "آخر", "بتوقيت", "غرينتش",
    "ساعت", "دقیقه", "روز", "پیش", "تاریخ", "انتشار", "منتشر", "شده", "شمسی", "هجری", "خورشیدی", "قمری", "ش",
    "ق", "صبح", "عصر", "بعدازظهر", "به", "روزرسانی", "بروزرسانی",
    "بجے", "منٹ", "گھنٹے", "گھنٹہ", "پہلے", "شائع", "اپ", "ڈیٹ", "اپڈیٹ", "شام", "دن",
    "بجې", "دقیقې", "ورځ", "نېټه", "خپره", "شوې", "خپور", "شوی",
    "প্রকাশ", "প্রকাশিত", "আপডেট", "সময়", "মিনিট", "ঘণ্টা", "আগে", "সকাল", "বিকাল", "বিকেল", "রাত", "দুপুর",
    "সন্ধ্যা", "ইং", "খ্রিস্টাব্দ", "বঙ্গাব্দ", "হিজরি", "তারিখ",
)

MONTHS = spelling_variants((*_MONTHS_EUROPE, *_MONTHS_REGION))
DATE_WORDS = MONTHS | spelling_variants((*_DATE_WORDS_EUROPE, *_DATE_WORDS_REGION))
