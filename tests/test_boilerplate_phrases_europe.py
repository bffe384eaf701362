"""Interface chrome, dates, bylines and notices in European languages (phrases_europe.py, features.py)."""

from __future__ import annotations

import pytest

from pipeline.boilerplate import TextBoilerplateClassifier, split_lines
from pipeline.boilerplate.features import _BYLINE_LINE_RE, is_date_line
from pipeline.boilerplate.notices import is_notice
from pipeline.boilerplate.phrases import match_chrome
from pipeline.document import Role


@pytest.mark.parametrize(("text", "role"), [
    # comment forms (WordPress / Jetpack) and login prompts
    ("Du kommenterar med ditt Twitter-konto. ( Logga ut / Ändra )", Role.COMMENTS),
    ("Fyll i dina uppgifter nedan eller klicka på en ikon för att logga in:", Role.COMMENTS),
    ("Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert.", Role.COMMENTS),
    ("Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *", Role.COMMENTS),
    ("Vous commentez à l'aide de votre compte WordPress.com. ( Déconnexion / Changer )", Role.COMMENTS),
    ("Tu dirección de correo electrónico no será publicada.", Role.COMMENTS),
    ("Sähköpostiosoitettasi ei julkaista. Pakolliset kentät on merkitty *", Role.COMMENTS),
    ("Har du glömt ditt användarnamn eller lösenord?", Role.LOGIN),
    ("Anmelden / Registrieren", Role.LOGIN),
    ("Se connecter", Role.LOGIN),
    ("Logga in", Role.LOGIN),
    ("Kirjaudu sisään", Role.LOGIN),
    ("3 Kommentare", Role.COMMENTS),
    ("Skicka en kommentar", Role.COMMENTS),
    # share, read more, pagination, navigation
    ("Auf Facebook teilen", Role.SHARE),
    ("Partager sur Facebook Partager sur Twitter", Role.SHARE),
    ("Lire la suite", Role.RELATED),
    ("Fortsätt läsa »", Role.RELATED),
    ("Äldre inlägg", Role.RELATED),
    ("Länkar till det här inlägget", Role.RELATED),
    ("Zum Inhalt springen", Role.NAVIGATION),
    ("Hoppa till:\tnavigering, sök", Role.NAVIGATION),
    # JavaScript notices, licence and copyright footers, consent banners
    ("Du verkar ha JavaScript inaktiverat. Vänligen aktivera det.", Role.BOILERPLATE),
    ("Wikipedias text är tillgänglig under licensen Creative Commons Erkännande-dela-lika 3.0", Role.FOOTER),
    ("Diese Seite wurde zuletzt am 3. März 2014 um 12:05 Uhr bearbeitet.", Role.FOOTER),
    ("© 2024 Beispiel GmbH. Alle Rechte vorbehalten.", Role.FOOTER),
    ("Cet article est une ébauche concernant un personnage de fiction et les comics.", Role.BOILERPLATE),
    ("Denna artikel om en spansk person saknar information. Du kan hjälpa till genom att tillföra den informationen.",
     Role.BOILERPLATE),
    ("Tillbaka upp", Role.FOOTER),
    ("Ce site utilise des cookies pour améliorer votre expérience.", Role.BOILERPLATE),
    ("Vi använder kakor för att ge dig en bättre upplevelse.", Role.BOILERPLATE),
])
def test_interface_lines_are_strong_chrome(text: str, role: Role) -> None:
    assert match_chrome(text) == (role, 2)


@pytest.mark.parametrize("text", [
    "Teilen", "Suche", "Kommentare", "Accueil", "Dela",  # single ordinary words: weak, a feature only
])
def test_single_words_are_weak(text: str) -> None:
    assert match_chrome(text)[1] == 1


@pytest.mark.parametrize("text", [
    "Die Firma will ihre Daten mit Partnern teilen und Kommentare von Kunden sammeln.",
    "Vi vill dela med oss av våra erfarenheter från resan till Kenya förra sommaren.",
    "Il faut partager le gâteau en huit parts avant de le servir avec la crème.",
    "La búsqueda de los desaparecidos continuó durante toda la noche en la sierra.",
    "Hän kirjoitti kommentin lehden verkkosivuille heti uutisen julkaisun jälkeen.",
    "Creative Commons ist eine gemeinnützige Organisation, die Lizenzverträge veröffentlicht.",
])
def test_sentences_that_merely_contain_a_chrome_word_are_not_chrome(text: str) -> None:
    assert match_chrome(text) == (None, 0)


def test_a_swedish_comment_form_is_dropped_and_the_post_kept() -> None:
    body = ("Vi var i Göteborg i helgen och besökte de nya kvarteren vid älven, som har byggts om under de "
            "senaste tio åren.",
            "Det mesta är bostäder, men längs kajen finns också kaféer, en liten saluhall och en park där "
            "barnen kunde leka medan vi åt lunch.",
            "Nästa gång tänker vi ta båten dit i stället för bilen, eftersom det var svårt att hitta parkering.")
    chrome = ("Lämna en kommentar", "Du kommenterar med ditt Facebook-konto. ( Logga ut / Ändra )",
              "Din e-postadress kommer inte publiceras. Obligatoriska fält är märkta *", "Skicka kommentar",
              "Äldre inlägg", "Nyare inlägg")
    lines = split_lines("\n".join(("Startsida", "Om oss", "Kontakt", "En helg i Göteborg", *body, *chrome)))
    roles = TextBoilerplateClassifier().classify(lines)
    kept = {ln.text for ln, (r, _) in zip(lines, roles, strict=True) if r.is_main}
    assert set(body) <= kept
    assert not kept & set(chrome)


@pytest.mark.parametrize("text", [
    "7 agosto 2020", "3 juillet 2014", "Tisdag 11 oktober 2016", "18. elokuuta 2020", "Montag, 3. März 2014",
    "söndag 27 januari 2013", "3 maggio 2019", "15 stycznia 2021",
])
def test_european_date_stamps(text: str) -> None:
    assert is_date_line(text)


# glue words ("de", "le", "à", "kl") are not date words: forum post headers such as "#307 Le 18/05/2008, à
# 12:53" stay lines of the post (turku's gold keeps them; see docs/boilerplate.md)
@pytest.mark.parametrize("text", ["Mars 2014 war ein gutes Jahr", "De 5 mejores playas de España",
                                  "#307 Le 18/05/2008, à 12:53"])
def test_a_title_with_a_month_or_number_is_not_a_date_stamp(text: str) -> None:
    assert not is_date_line(text)


@pytest.mark.parametrize("text", ["Geschrieben von Peter Müller", "Écrit par Jean Dupont", "Escrito por Ana García",
                                  "Skrivet av Anna Svensson", "Kirjoittanut Matti Virtanen", "Autor: Jan Kowalski"])
def test_european_bylines(text: str) -> None:
    assert _BYLINE_LINE_RE.match(text)


@pytest.mark.parametrize("text", ["Por un País sin Drogas", "Par ailleurs", "Av alla sorter", "Von A bis Z"])
def test_a_line_starting_with_a_bare_preposition_is_not_a_byline(text: str) -> None:
    assert not _BYLINE_LINE_RE.match(text)


@pytest.mark.parametrize("text", [
    "© 2024 Beispiel GmbH. Alle Rechte vorbehalten.", "Abonnez-vous à notre newsletter",
    "Dieser Artikel enthält Affiliate-Links.", "Följ oss på Instagram", "Tilaa uutiskirjeemme",
])
def test_european_notices(text: str) -> None:
    assert is_notice(text)


@pytest.mark.parametrize("text", ["Meillä on vielä tilaa kahdelle osallistujalle.",
                                  "Die Regierung will die Steuern senken."])
def test_european_prose_is_not_a_notice(text: str) -> None:
    assert not is_notice(text)
