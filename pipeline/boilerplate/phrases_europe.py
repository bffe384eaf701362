"""Interface chrome in European languages: de es fr fi sv, and it pt nl pl ru tr.

Data only; :mod:`.phrases` merges it into its phrase table. The strings are the stock labels of
common web software and sites – WordPress/Jetpack/Blogger/Disqus comment forms, login and
registration, share and follow rows, "read more" and pagination, newsletter boxes, JavaScript
notices, Wikipedia's page furniture, licence and copyright footers – written from general
knowledge of those interfaces (never from held-out data; see docs/boilerplate.md). Matching is on
:func:`.phrases.chrome_key` (case-folded, spaces and punctuation removed), so "Logga in" and
"Logga in / Registrera" both match.

* ``PHRASES``: whole-line phrases by role. As in :mod:`.phrases`, a multi-word phrase is strong
  chrome and a single word is weak (a feature only), unless it is in ``STRONG_WORDS``.
* ``CONTAINS``: fragments that mark a short line as chrome wherever they occur in it. Only
  sentences of interface text that an article does not write ("Du kommenterar med ditt
  …-konto", "Vous commentez à l'aide de votre compte", "Diese Seite wurde zuletzt am … bearbeitet").
* ``CONSENT`` / ``PAYWALL``: cookie/consent and subscription banners, added to the lists of
  :mod:`.phrases` (whole lines, and fragments of 12 or more key characters inside a line).
"""

from __future__ import annotations

from pipeline.document import Role

PHRASES: dict[Role, tuple[str, ...]] = {
    Role.SHARE: (
        # de
        "teilen", "teile", "auf facebook teilen", "auf twitter teilen", "per e mail teilen", "per whatsapp teilen",
        "artikel teilen", "beitrag teilen", "seite teilen", "diesen artikel teilen", "diesen beitrag teilen",
        "drucken", "artikel drucken", "bild anzeigen", "bild vergrößern", "zum vergrößern klicken",
        "folge uns", "folgen sie uns", "folgen sie uns auf", "folge uns auf",
        "per e mail versenden", "link kopieren", "empfehlen", "twittern",
        # es
        "compartir", "comparte", "compartir en facebook", "compartir en twitter", "compartir en whatsapp",
        "compartir por correo", "compartir este artículo", "compartir artículo", "compartir esto",
        "imprimir", "síguenos", "síguenos en", "siguenos en", "enviar por correo", "copiar enlace",
        # fr
        "partager", "partagez", "partager sur facebook", "partager sur twitter", "partager sur whatsapp",
        "partager par e mail", "partager cet article", "partager l article", "partager la publication",
        "imprimer", "suivez nous", "suivez nous sur", "envoyer par e mail", "envoyer cette page par e mail",
        "copier le lien", "j aime", "cliquez pour partager sur facebook", "cliquez pour partager sur twitter",
        "cliquez pour imprimer", "cliquez pour envoyer par e mail à un ami",
        # fi
        "jaa", "jaa facebookissa", "jaa twitterissä", "jaa whatsappissa", "jaa sähköpostilla", "jaa artikkeli",
        "jaa tämä", "jaa tämä artikkeli", "tulosta", "seuraa meitä", "seuraa meitä facebookissa",
        "kopioi linkki", "tykkää", "tykkää tästä", "tykkäys ja jakotoiminnot", "jaa tämä sivu",
        # sv
        "dela", "dela på facebook", "dela på twitter", "dela via e post", "dela artikeln", "dela detta",
        "dela det här", "skriv ut", "följ oss", "följ oss på", "följ oss på facebook", "tipsa", "tipsa och dela",
        "tipsa en vän", "skicka med e post", "kopiera länk", "gilla", "gilla detta", "gilla det här",
        "gillar detta", "klicka för att dela på facebook", "klicka för att dela på twitter",
        "klicka för att skriva ut", "klicka för att e posta en länk till en vän",
        # it pt nl pl ru tr
        "condividi", "condividi su facebook", "condividi su twitter", "stampa", "seguici", "seguici su",
        "compartilhar", "compartilhe", "partilhar", "compartilhar no facebook", "siga nos",
        "siga nos no", "nos siga no",
        "imprimir artigo",
        "delen", "deel", "delen op facebook", "delen op twitter", "volg ons", "volg ons op", "afdrukken",
        "udostępnij", "udostępnij na facebooku", "drukuj", "obserwuj nas",
        "поделиться", "поделиться в facebook", "поделиться в вконтакте", "мы в соцсетях", "печать",
        "paylaş", "facebook ta paylaş", "twitter da paylaş", "bizi takip edin", "yazdır",
    ),
    Role.LOGIN: (
        # de
        "anmelden", "abmelden", "einloggen", "ausloggen", "registrieren", "jetzt registrieren", "passwort",
        "passwort vergessen", "kennwort vergessen", "benutzername", "benutzername oder e mail", "angemeldet bleiben",
        "mein konto", "konto erstellen", "neues konto erstellen", "kostenlos registrieren", "login registrieren",
        "anmelden registrieren", "mitglied werden", "abonnieren", "newsletter abonnieren",
        "zum newsletter anmelden", "newsletter bestellen", "e mail adresse", "ihre e mail adresse",
        # es
        "iniciar sesión", "cerrar sesión", "acceder", "entrar", "registrarse", "regístrate", "registrate",
        "contraseña", "olvidaste tu contraseña", "has olvidado tu contraseña", "recuperar contraseña",
        "nombre de usuario", "recordarme", "mi cuenta", "crear cuenta", "crear una cuenta", "suscribirse",
        "suscríbete a nuestro boletín", "boletín", "boletín de noticias", "newsletter gratuita",
        # fr
        "connexion", "se connecter", "déconnexion", "se déconnecter", "s inscrire", "inscription",
        "inscrivez vous", "connectez vous", "mot de passe", "mot de passe oublié", "identifiant",
        "nom d utilisateur", "se souvenir de moi", "mon compte", "créer un compte", "s abonner", "hors ligne",
        "abonnez vous à notre newsletter", "inscrivez vous à notre newsletter", "inscription à la newsletter",
        "recevez notre newsletter", "lettre d information", "votre adresse e mail", "votre e mail",
        # fi
        "kirjaudu", "kirjaudu sisään", "kirjaudu ulos", "rekisteröidy", "salasana", "unohditko salasanasi",
        "unohtunut salasana", "käyttäjätunnus", "muista minut", "oma tili", "luo tili", "luo käyttäjätunnus",
        "tilaa", "tilaa uutiskirje", "tilaa uutiskirjeemme", "uutiskirje", "sähköpostiosoite",
        "sähköpostiosoitteesi",
        # sv
        "logga in", "logga ut", "registrera", "registrera dig", "bli medlem", "lösenord", "glömt lösenordet",
        "glömt ditt lösenord", "användarnamn", "kom ihåg mig", "mitt konto", "skapa konto", "skapa ett konto",
        "prenumerera", "nyhetsbrev", "prenumerera på nyhetsbrevet", "prenumerera på vårt nyhetsbrev",
        "anmäl dig till nyhetsbrevet", "din e postadress", "e postadress", "logga in till din sida",
        # it pt nl pl ru tr
        "accedi", "esci", "registrati", "password dimenticata", "nome utente", "il mio account", "iscriviti",
        "iscriviti alla newsletter", "entrar", "sair", "cadastre se", "registar", "esqueceu sua senha",
        "esqueceu a senha", "senha", "minha conta", "inscreva se", "assine nossa newsletter",
        "inloggen", "uitloggen", "registreren", "wachtwoord", "wachtwoord vergeten", "gebruikersnaam",
        "mijn account", "aanmelden", "inschrijven voor de nieuwsbrief", "nieuwsbrief",
        "zaloguj", "zaloguj się", "wyloguj", "zarejestruj się", "hasło", "nie pamiętasz hasła",
        "zapomniałeś hasła", "moje konto", "zapisz się do newslettera",
        "войти", "вход", "выйти", "регистрация", "зарегистрироваться", "пароль", "забыли пароль",
        "личный кабинет", "подписаться", "подписаться на рассылку", "рассылка",
        "giriş", "giriş yap", "çıkış", "çıkış yap", "kayıt ol", "üye ol", "şifre", "şifremi unuttum",
        "hesabım", "abone ol", "bültene abone ol",
    ),
    Role.COMMENTS: (
        # de
        "kommentar", "kommentare", "kommentieren", "kommentar schreiben", "kommentar verfassen",
        "hinterlasse einen kommentar", "schreibe einen kommentar", "kommentar abschicken", "kommentar absenden",
        "antworten", "antwort abbrechen", "keine kommentare", "noch keine kommentare", "kommentare anzeigen",
        "kommentare lesen", "kommentare geschlossen", "die kommentarfunktion ist geschlossen",
        "ihre meinung", "deine meinung", "leserkommentare", "ein kommentar", "diskutieren sie mit",
        # es
        "comentarios", "comentario", "comentar", "deja un comentario", "deja una respuesta", "dejar un comentario",
        "publicar comentario", "enviar comentario", "cancelar respuesta", "responder", "sin comentarios",
        "no hay comentarios", "ver comentarios", "escribe un comentario", "los comentarios están cerrados",
        "añadir comentario", "agregar comentario",
        # fr
        "commentaires", "commentaire", "commenter", "laisser un commentaire", "laisser une réponse",
        "laissez un commentaire", "ajouter un commentaire", "poster un commentaire", "publier un commentaire",
        "envoyer le commentaire", "annuler la réponse", "répondre", "aucun commentaire",
        "pas de commentaire", "pas encore de commentaire", "les commentaires sont fermés", "nouveau commentaire",
        "voir les commentaires", "réagir", "réagissez", "soyez le premier à commenter",
        "soyez le premier à réagir",
        # fi
        "kommentit", "kommentti", "kommentoi", "jätä kommentti", "lähetä kommentti", "kirjoita kommentti",
        "vastaa", "peruuta vastaus", "ei kommentteja", "näytä kommentit", "kommentointi on suljettu",
        "vastaa viestiin", "lisää kommentti",
        # sv
        "kommentarer", "kommentera", "lämna en kommentar", "skriv en kommentar", "skicka en kommentar",
        "skicka kommentar", "publicera kommentar", "svara", "avbryt svar", "inga kommentarer",
        "visa kommentarer", "kommentarer till inlägget", "kommentarer till inlägget atom",
        "kommentarer är stängda", "kommentera inlägget", "lägg till en kommentar",
        # it pt nl pl ru tr
        "commenti", "commento", "lascia un commento", "lascia un commento annulla risposta", "rispondi",
        "annulla risposta", "nessun commento", "commentários", "comentários", "deixe um comentário",
        "deixe uma resposta", "cancelar resposta", "publicar comentário", "reacties", "reactie",
        "laat een reactie achter", "plaats een reactie", "geef een reactie", "reageren", "reageer",
        "komentarze", "komentarz", "dodaj komentarz", "napisz komentarz", "odpowiedz",
        "brak komentarzy", "комментарии", "комментарий", "оставить комментарий", "добавить комментарий",
        "ответить", "нет комментариев", "yorumlar", "yorum", "yorum yap", "yorum yaz", "yanıtla", "cevapla",
    ),
    Role.RELATED: (
        # de
        "weiterlesen", "mehr lesen", "mehr erfahren", "mehr dazu", "mehr zum thema", "weitere artikel",
        "ähnliche artikel", "ähnliche beiträge", "verwandte artikel", "verwandte beiträge",
        "das könnte sie auch interessieren",
        "das könnte dich auch interessieren", "auch interessant", "lesen sie auch", "empfohlene artikel",
        "meistgelesen", "meistgelesene artikel", "beliebte beiträge", "neueste beiträge", "neueste artikel",
        "aktuelle beiträge", "letzte beiträge", "vorheriger beitrag", "nächster beitrag", "vorheriger artikel",
        "nächster artikel", "ältere beiträge", "neuere beiträge", "ältere einträge", "neuere einträge",
        "alle artikel", "alle beiträge", "mehr anzeigen", "mehr laden", "top themen", "zum artikel",
        "artikel lesen", "aus dem ressort", "mehr aus dem ressort",
        # es
        "leer más", "seguir leyendo", "sigue leyendo", "leer artículo", "leer mas", "ver más", "cargar más",
        "artículos relacionados", "noticias relacionadas", "entradas relacionadas", "publicaciones relacionadas",
        "te puede interesar", "también te puede interesar", "quizás te interese", "lo más leído", "más leídas",
        "más leídos", "más vistos", "más populares", "últimas noticias", "entradas recientes",
        "artículos recientes", "entrada anterior", "entrada siguiente", "artículo anterior",
        "artículo siguiente", "entradas anteriores", "entradas más recientes", "noticia anterior",
        "noticia siguiente", "más noticias", "lee también", "ver todo", "ver todos",
        # fr
        "lire la suite", "lire plus", "en savoir plus", "voir plus", "afficher plus", "charger plus",
        "articles similaires", "articles liés", "articles connexes", "sur le même sujet", "dans la même rubrique",
        "à lire aussi", "a lire aussi", "lire aussi", "à voir aussi", "vous aimerez aussi",
        "vous aimerez aussi", "ces articles pourraient vous intéresser", "les plus lus", "les plus populaires",
        "articles récents", "derniers articles", "dernières actualités", "dernières nouvelles",
        "article précédent", "article suivant", "billet précédent", "billet suivant", "articles plus anciens",
        "articles plus récents", "autres articles", "tous les articles", "voir tous les articles",
        "voir tout", "plus d articles", "suite de l article",
        # fi
        "lue lisää", "lue lisää tästä", "jatka lukemista", "lue koko artikkeli", "näytä lisää",
        "lataa lisää", "aiheeseen liittyvät", "aiheeseen liittyvät artikkelit", "samankaltaiset artikkelit",
        "luetuimmat", "luetuimmat uutiset", "suosituimmat", "uusimmat", "uusimmat uutiset",
        "viimeisimmät artikkelit", "uusimmat artikkelit", "tuoreimmat", "edellinen artikkeli",
        "seuraava artikkeli", "edellinen kirjoitus", "seuraava kirjoitus", "vanhemmat artikkelit",
        "uudemmat artikkelit", "vanhemmat kirjoitukset", "uudemmat kirjoitukset", "katso myös", "lue myös",
        "kaikki uutiset", "näytä kaikki",
        # sv
        "läs mer", "läs hela artikeln", "läs vidare", "fortsätt läsa", "fortsätt läsa »", "visa mer",
        "ladda fler", "visa fler", "relaterade artiklar", "relaterade inlägg", "liknande inlägg",
        "du kanske också gillar", "läs också", "läs även", "se även", "mest läst", "mest lästa", "populärt",
        "populära inlägg", "senaste nytt", "senaste inläggen", "senaste inlägg", "senaste artiklarna",
        "senaste nyheterna", "föregående inlägg", "nästa inlägg", "äldre inlägg", "nyare inlägg",
        "tidigare inlägg",
        "senare inlägg", "föregående artikel", "nästa artikel", "fler nyheter", "fler artiklar",
        "visa alla", "länkar till det här inlägget", "länkar till detta inlägg", "skapa en länk",
        # it pt nl pl ru tr
        "leggi tutto", "leggi di più", "continua a leggere", "articoli correlati", "potrebbe interessarti",
        "i più letti", "articolo precedente", "articolo successivo", "leia mais", "continue lendo",
        "saiba mais", "artigos relacionados", "notícias relacionadas", "mais lidas", "mais lidos",
        "artigo anterior", "próximo artigo", "lees meer", "lees verder", "gerelateerde artikelen",
        "meest gelezen", "vorig artikel", "volgend artikel", "czytaj więcej", "czytaj dalej",
        "zobacz także", "zobacz też", "czytaj też", "czytaj także",
        "podobne artykuły", "najczęściej czytane", "poprzedni artykuł",
        "następny artykuł", "читать далее", "читать полностью", "подробнее", "читайте также", "похожие статьи",
        "популярное", "предыдущая статья", "следующая статья", "devamını oku", "devamı", "ilgili haberler",
        "benzer haberler", "en çok okunanlar", "önceki haber", "sonraki haber",
    ),
    Role.FOOTER: (
        # de
        "impressum", "datenschutz", "datenschutzerklärung", "kontakt", "agb", "nutzungsbedingungen",
        "über uns", "alle rechte vorbehalten", "nach oben", "zurück nach oben", "zum seitenanfang",
        "nach oben scrollen", "seitenanfang", "barrierefreiheit", "mediadaten", "werben", "jobs karriere",
        "cookie richtlinie",
        # es
        "aviso legal", "política de privacidad", "contacto", "contáctanos", "quiénes somos", "sobre nosotros",
        "todos los derechos reservados", "volver arriba", "ir arriba", "mapa del sitio", "términos y condiciones",
        "condiciones de uso", "publicidad", "trabaja con nosotros",
        # fr
        "mentions légales", "politique de confidentialité", "données personnelles", "nous contacter",
        "contactez nous", "qui sommes nous", "à propos", "tous droits réservés", "retour en haut",
        "haut de page", "retour en haut de page", "plan du site", "contacter le webmaster",
        "conditions générales d utilisation",
        "conditions d utilisation", "cgu", "cgv", "publicité", "gestion des cookies",
        # fi
        "yhteystiedot", "ota yhteyttä", "tietoa meistä", "meistä", "tietosuoja", "tietosuojaseloste",
        "käyttöehdot", "kaikki oikeudet pidätetään", "takaisin ylös", "sivun alkuun", "palaa ylös",
        "sivukartta", "mainosta", "mainosta meillä", "evästekäytäntö",
        # sv
        "kontakt", "kontakta oss", "om oss", "integritetspolicy",
        "användarvillkor", "alla rättigheter förbehållna", "till toppen", "till toppen på sidan",
        "tillbaka till toppen", "upp till toppen", "tillbaka upp", "webbplatskarta", "annonsera", "annonsera hos oss",
        "om webbplatsen", "hitta hit", "om cookies",
        # it pt nl pl ru tr
        "chi siamo", "contatti", "contattaci", "tutti i diritti riservati", "torna su", "informativa sulla privacy",
        "note legali", "fale conosco", "contato", "quem somos", "todos os direitos reservados", "voltar ao topo",
        "política de privacidade", "termos de uso", "over ons", "alle rechten voorbehouden", "terug naar boven",
        "privacybeleid", "algemene voorwaarden", "o nas", "kontakt z nami", "wszelkie prawa zastrzeżone",
        "polityka prywatności", "regulamin", "do góry", "о нас", "контакты", "все права защищены",
        "политика конфиденциальности", "наверх", "hakkımızda", "iletişim", "tüm hakları saklıdır",
        "gizlilik politikası", "künye", "başa dön",
    ),
    Role.NAVIGATION: (
        # de
        "startseite", "start", "menü", "suche", "suchen", "navigation", "hauptmenü", "menü öffnen",
        "menü schließen", "schließen", "zurück", "weiter", "vorherige", "nächste", "vorherige seite",
        "nächste seite", "kategorien", "kategorie", "schlagwörter", "archiv", "archive", "themen",
        "sie sind hier", "zum inhalt springen", "direkt zum inhalt", "zur navigation springen",
        "direkt zur navigation springen", "zum hauptinhalt springen", "navigation überspringen",
        "suchbegriff eingeben", "suche starten", "seite 1", "alle kategorien",
        # es
        "inicio", "portada", "menú", "buscar", "búsqueda", "cerrar", "anterior", "siguiente",
        "página anterior", "página siguiente", "categorías", "categoría", "etiquetas", "archivo", "archivos",
        "ir al contenido", "saltar al contenido", "saltar al contenido principal", "menú principal",
        "usted está aquí", "estás aquí", "buscar en el sitio", "escribe y pulsa enter",
        # fr
        "accueil", "rechercher", "recherche", "fermer", "précédent", "suivant", "page précédente",
        "page suivante", "catégories", "catégorie", "étiquettes", "archives", "rubriques", "aller au contenu",
        "aller au contenu principal", "passer au contenu", "menu principal", "vous êtes ici", "fil d ariane",
        "ouvrir le menu", "fermer le menu", "afficher le menu", "navigation principale",
        # fi
        "etusivu", "valikko", "haku", "hae", "sulje", "edellinen", "seuraava", "edellinen sivu",
        "seuraava sivu", "kategoriat", "kategoria", "avainsanat", "arkisto", "siirry sisältöön",
        "hyppää sisältöön", "päävalikko", "olet tässä", "avaa valikko", "sulje valikko", "siirry navigaatioon",
        # sv
        "hem", "startsida", "meny", "sök", "stäng", "föregående", "nästa", "föregående sida", "nästa sida",
        "kategorier", "etiketter", "arkiv", "hoppa till", "hoppa till innehåll", "hoppa till innehållet",
        "hoppa till huvudinnehållet", "hoppa till navigering", "hoppa till navigering sök", "huvudmeny",
        "du är här", "öppna meny", "stäng meny", "sök på sajten", "sök på webbplatsen", "navigeringsmeny",
        # it pt nl pl ru tr
        "cerca", "chiudi", "precedente", "successivo", "categorie", "vai al contenuto", "página inicial",
        "pesquisar", "fechar", "próximo", "categorias", "ir para o conteúdo", "zoeken", "sluiten",
        "vorige", "volgende", "categorieën", "naar de inhoud", "strona główna", "szukaj", "zamknij",
        "poprzednia", "następna", "kategorie", "przejdź do treści", "главная", "поиск", "закрыть",
        "назад", "далее", "вперёд", "рубрики", "категории", "меню", "перейти к содержимому",
        "ana sayfa", "anasayfa", "kapat", "önceki", "sonraki", "kategoriler", "içeriğe geç",
    ),
    Role.BOILERPLATE: (
        # de es fr fi sv it pt nl pl ru tr
        "anzeige", "werbung", "gesponsert", "lädt", "wird geladen", "lesezeit", "min lesezeit", "artikel anhören",
        "publicidad", "anuncio", "patrocinado", "cargando", "tiempo de lectura", "min de lectura",
        "publicité", "sponsorisé", "chargement", "chargement en cours", "temps de lecture", "min de lecture",
        "mainos", "sponsoroitu", "ladataan", "lukuaika", "annons", "sponsrat", "laddar", "lästid",
        "pubblicità", "caricamento", "publicidade", "carregando", "advertentie", "gesponsord",
        "reklama", "ładowanie", "реклама", "загрузка", "reklam", "yükleniyor",
    ),
}

# Distinctive single words: strong chrome on a line of their own (a heading never consists of them).
STRONG_WORDS = (
    "impressum", "datenschutzerklärung", "einloggen", "ausloggen", "passwort", "benutzername",
    "contraseña", "déconnexion", "identifiant", "salasana", "käyttäjätunnus", "lösenord", "användarnamn",
    "wachtwoord", "gebruikersnaam", "hasło", "пароль", "şifre", "tietosuojaseloste", "integritetspolicy",
)

# Interface sentences that mark a short line as chrome wherever they occur in it.
CONTAINS: tuple[tuple[str, Role], ...] = (
    # comment forms (WordPress, Jetpack, Blogger)
    ("ihre e mail adresse wird nicht veröffentlicht", Role.COMMENTS),
    ("deine e mail adresse wird nicht veröffentlicht", Role.COMMENTS),
    ("erforderliche felder sind mit", Role.COMMENTS),
    ("du kommentierst mit deinem", Role.COMMENTS), ("sie kommentieren mit ihrem", Role.COMMENTS),
    ("benachrichtige mich über nachfolgende kommentare", Role.COMMENTS),
    ("benachrichtige mich über neue beiträge", Role.COMMENTS),
    ("meinen namen e mail und website in diesem browser speichern", Role.COMMENTS),
    ("tu dirección de correo electrónico no será publicada", Role.COMMENTS),
    ("los campos obligatorios están marcados", Role.COMMENTS),
    ("estás comentando usando tu cuenta", Role.COMMENTS),
    ("notificarme los nuevos comentarios por correo", Role.COMMENTS),
    ("guardar mi nombre correo electrónico y web en este navegador", Role.COMMENTS),
    ("votre adresse e mail ne sera pas publiée", Role.COMMENTS),
    ("votre adresse de messagerie ne sera pas publiée", Role.COMMENTS),
    ("les champs obligatoires sont indiqués", Role.COMMENTS),
    ("vous commentez à l aide de votre compte", Role.COMMENTS),
    ("prévenez moi de tous les nouveaux commentaires", Role.COMMENTS),
    ("avertissez moi par e mail des nouveaux", Role.COMMENTS),
    ("enregistrer mon nom mon e mail et mon site", Role.COMMENTS),
    ("sähköpostiosoitettasi ei julkaista", Role.COMMENTS),
    ("pakolliset kentät on merkitty", Role.COMMENTS),
    ("kommentoit käyttäen", Role.COMMENTS),
    ("ilmoita minulle sähköpostitse", Role.COMMENTS),
    ("din e postadress kommer inte publiceras", Role.COMMENTS),
    ("din e postadress kommer inte att publiceras", Role.COMMENTS),
    ("obligatoriska fält är märkta", Role.COMMENTS),
    ("du kommenterar med ditt", Role.COMMENTS),
    ("meddela mig om uppföljande kommentarer", Role.COMMENTS),
    ("meddela mig om nya inlägg via e post", Role.COMMENTS),
    ("få meddelanden om nya inlägg via e post", Role.COMMENTS),
    ("få meddelanden om nya kommentarer via e post", Role.COMMENTS),
    ("spara mitt namn e postadress och webbplats", Role.COMMENTS),
    ("fyll i dina uppgifter nedan eller klicka på en ikon för att logga in", Role.COMMENTS),
    ("fill in your details below or click an icon to log in", Role.COMMENTS),
    ("il tuo indirizzo email non sarà pubblicato", Role.COMMENTS),
    ("o seu endereço de email não será publicado", Role.COMMENTS),
    ("o seu endereço de e mail não será publicado", Role.COMMENTS),
    ("je e mailadres wordt niet gepubliceerd", Role.COMMENTS),
    ("twój adres e mail nie zostanie opublikowany", Role.COMMENTS),
    ("ваш адрес email не будет опубликован", Role.COMMENTS),
    ("e posta hesabınız yayımlanmayacak", Role.COMMENTS),
    # login prompts
    ("glömt ditt användarnamn eller lösenord", Role.LOGIN),
    ("du måste vara inloggad för att", Role.LOGIN), ("vänligen logga in för att", Role.LOGIN),
    ("sie müssen angemeldet sein", Role.LOGIN), ("du musst angemeldet sein", Role.LOGIN),
    ("debes iniciar sesión para", Role.LOGIN), ("vous devez être connecté pour", Role.LOGIN),
    ("vous devez être inscrit", Role.LOGIN), ("sinun täytyy kirjautua sisään", Role.LOGIN),
    ("kirjaudu sisään kommentoidaksesi", Role.LOGIN),
    # JavaScript / browser notices
    ("javascript inaktiverat", Role.BOILERPLATE), ("stängt av javascript", Role.BOILERPLATE),
    ("aktivera javascript igen", Role.BOILERPLATE), ("javascript muss aktiviert sein", Role.BOILERPLATE),
    ("muss javascript eingeschaltet sein", Role.BOILERPLATE), ("javascript ist deaktiviert", Role.BOILERPLATE),
    ("javascript est désactivé", Role.BOILERPLATE), ("javascript est actuellement désactivé", Role.BOILERPLATE),
    ("tienes javascript desactivado", Role.BOILERPLATE), ("javascript está desactivado", Role.BOILERPLATE),
    ("javascript ei ole käytössä", Role.BOILERPLATE), ("selaimesi ei tue javascriptiä", Role.BOILERPLATE),
    ("votre navigateur n est plus à jour", Role.BOILERPLATE), ("ihr browser ist veraltet", Role.BOILERPLATE),
    ("diese e mail adresse ist vor spambots geschützt", Role.BOILERPLATE),
    # follow-by-e-mail boxes (Jetpack: "Join 1,234 other subscribers")
    ("anderen abonnenten an", Role.LOGIN), ("autres abonnés", Role.LOGIN), ("andra prenumeranter", Role.LOGIN),
    ("otros suscriptores", Role.LOGIN), ("muun tilaajan joukkoon", Role.LOGIN),
    ("för att prenumerera på denna blogg", Role.LOGIN), ("um diesen blog zu abonnieren", Role.LOGIN),
    ("pour suivre ce blog", Role.LOGIN), ("para seguir este blog", Role.LOGIN),
    # wiki page furniture and licence footers
    ("text är tillgänglig under licensen creative commons", Role.FOOTER),
    ("sidan ändrades senast den", Role.FOOTER),
    ("les textes sont disponibles sous licence creative commons", Role.FOOTER),
    ("est une marque déposée de la wikimedia foundation", Role.FOOTER),
    ("dernière modification de cette page", Role.FOOTER),
    ("cette page a été modifiée pour la dernière fois", Role.FOOTER),
    ("diese seite wurde zuletzt am", Role.FOOTER),
    ("der text ist unter der lizenz", Role.FOOTER),
    ("el texto está disponible bajo la licencia creative commons", Role.FOOTER),
    ("esta página se editó por última vez", Role.FOOTER),
    ("sivua on viimeksi muutettu", Role.FOOTER),
    ("teksti on saatavilla creative commons", Role.FOOTER),
    ("il testo è disponibile secondo la licenza creative commons", Role.FOOTER),
    ("o texto é disponibilizado nos termos da licença", Role.FOOTER),
    # MediaWiki maintenance and stub notices
    ("cet article est une ébauche", Role.BOILERPLATE), ("ne cite pas suffisamment ses sources", Role.BOILERPLATE),
    ("vous pouvez partager vos connaissances en l améliorant", Role.BOILERPLATE),
    ("sur les autres projets wikimedia", Role.BOILERPLATE),
    ("du kan hjälpa till genom att tillföra den informationen", Role.BOILERPLATE),
    ("artikeln kan eventuellt innehålla språkliga fel", Role.BOILERPLATE),
    ("tähän artikkeliin tai osioon ei ole merkitty lähteitä", Role.BOILERPLATE),
    ("voit lisätä artikkeliin tarkistettavissa olevia lähteitä", Role.BOILERPLATE),
    ("voit auttaa wikipediaa laajentamalla artikkelia", Role.BOILERPLATE),
    ("dieser artikel oder abschnitt bedarf einer überarbeitung", Role.BOILERPLATE),
    ("ist nicht hinreichend mit belegen", Role.BOILERPLATE),
    ("este artículo es un esbozo", Role.BOILERPLATE),
    ("este artículo o sección necesita referencias", Role.BOILERPLATE),
    ("puedes ayudar a wikipedia expandiéndolo", Role.BOILERPLATE),
    ("alle rechte vorbehalten", Role.FOOTER), ("todos los derechos reservados", Role.FOOTER),
    ("tous droits réservés", Role.FOOTER), ("kaikki oikeudet pidätetään", Role.FOOTER),
    ("alla rättigheter förbehållna", Role.FOOTER), ("tutti i diritti riservati", Role.FOOTER),
    ("todos os direitos reservados", Role.FOOTER), ("alle rechten voorbehouden", Role.FOOTER),
    ("wszelkie prawa zastrzeżone", Role.FOOTER), ("все права защищены", Role.FOOTER),
    ("tüm hakları saklıdır", Role.FOOTER),
)

CONSENT = (
    "wir setzen cookies ein", "diese website nutzt cookies", "diese seite verwendet cookies",
    "cookies zulassen", "alle akzeptieren", "einstellungen verwalten", "cookie hinweis",
    "esta web usa cookies", "este sitio utiliza cookies", "este sitio usa cookies", "acepto", "aceptar y cerrar",
    "ce site utilise des cookies", "en poursuivant votre navigation", "vous acceptez l utilisation de cookies",
    "j accepte", "personnaliser les cookies", "refuser les cookies",
    "tämä sivusto käyttää evästeitä", "sivusto käyttää evästeitä", "evästeiden käytön", "hyväksyn",
    "vi använder kakor", "webbplatsen använder cookies", "denna webbplats använder cookies",
    "använder cookies för att", "jag accepterar cookies", "jag godkänner", "godkänner du vår användning av cookies",
    "hantera cookies", "om cookies",
    "questo sito utilizza cookie", "utilizziamo i cookie", "accetta tutti i cookie",
    "este site utiliza cookies", "utilizamos cookies para", "aceitar cookies",
    "deze website gebruikt cookies", "wij gebruiken cookies", "cookies accepteren",
    "ta strona używa plików cookie", "używamy plików cookie", "akceptuję",
    "мы используем файлы cookie", "этот сайт использует файлы cookie", "принять все",
    "çerez kullanıyoruz", "bu web sitesi çerez", "çerezleri kabul et",
)
PAYWALL = (
    "artikel freischalten", "jetzt weiterlesen", "plus artikel", "mit abo weiterlesen",
    "exklusiv für abonnenten", "contenido exclusivo para suscriptores", "suscríbete para seguir leyendo",
    "la suite est réservée aux abonnés", "abonnez vous pour lire la suite",
    "tilaajille", "tämä artikkeli on vain tilaajille",
    "för att läsa hela artikeln", "bli prenumerant", "plusartikel", "läs hela artikeln med",
    "abbonati per continuare", "riservato agli abbonati", "assine para continuar lendo",
    "exclusivo para assinantes", "alleen voor abonnees", "tylko dla prenumeratorów",
    "только для подписчиков", "abonelere özel",
)
# ...of which these are words an article may use: whole lines only, never fragments inside a line
CONSENT_LINE_ONLY = ("alle akzeptieren", "acepto", "j accepte", "hyväksyn", "jag godkänner", "om cookies",
                     "akceptuję", "принять все", "tilaajille", "plus artikel",
                     "jetzt weiterlesen", "utilizamos cookies para", "använder cookies för att",
                     "evästeiden käytön", "einstellungen verwalten", "bli prenumerant")
