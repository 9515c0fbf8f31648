"""Every Danish sentence the bot says, in one place, so it can be read and corrected together.

Templates use `str.format` fields. Code elsewhere picks a text by name; it never writes
Danish itself. Words that change with a number come as (one, many) pairs for `counted`.
"""

from __future__ import annotations

DECIDED = "{body} besluttede {date}"
ITEM_LINE = "Punkt {number}: {title}"
CASE_LINE = "Sag {case}"
NO_DECISION = "Der er ikke ført nogen beslutning til referat."
CLOSED_TITLE = "Lukket: {title}"
CLOSED_EMPTY_TITLE = "Lukket punkt"
CLOSED_NOTE = "Punktet er lukket. Indholdet kan ikke vises."
HISTORY_HEADING = "Tidligere behandling"
HISTORY_LINE = "{body}, {date}{item}: {text}"
HISTORY_ITEM = ", punkt {item}"
SEE_ALSO = "Se også"
SOME_BODY = "Mødet"
WHEN_ANSWER = "Det blev behandlet på {body}s møde {date}."
PROPOSAL_HEADING = "Indstillingen"
PROPOSED_BY = "{body}, {date}: {text}"
SOURCE_LINK = "Referatet"
SOURCE_BUTTON = "Åbn referatet"
# Suggested next steps under an answer (handlers/next_steps.py): a button and what it asks.
NEXT_STEPS_HEADING = "Videre herfra"
NEXT_CASE = "Hele sagen"
NEXT_CASE_QUESTION = "sag {case}"
NEXT_MEETING = "Hele mødet"
NEXT_MEETING_QUESTION = "referat fra {body} {date}"
NEXT_SUBSCRIBE = "Abonner på »{subject}«"
NEXT_SUBSCRIBE_QUESTION = "abonner {subject}"
# Feedback under an answer (handlers/feedback.py) and in the admin's status.
FEEDBACK_RIGHT = "Rigtigt svar"
FEEDBACK_WRONG = "Forkert svar"
FEEDBACK_THANKS = "Tak. Din vurdering af svaret er gemt, så vi kan gøre svarene bedre."
FEEDBACK_UNREADABLE = "Den vurdering kunne jeg ikke læse. Prøv knappen under et nyt svar."
STATUS_FEEDBACK = "Vurderinger af svar: {right} rigtige, {wrong} forkerte."
STATUS_FEEDBACK_WRONG = "- Forkert: »{question}« viste punkt {item}, {date}, {body}"

# Yes/no questions ("blev X godkendt?"), answered from what the decision says.
OUTCOME_VERBS = {"approved": "godkendte", "recommended": "anbefalede", "rejected": "afviste"}
YES = "Ja. {body} {verb} det {date}."
NO = "Nej. {body} {verb} det {date}."
DECIDED_BY = "Sagen afgøres af {who}."
NOT_YET = "Nej, ikke endnu. {body} hverken godkendte eller afviste det {date}, men udsatte det eller sendte det videre:"
ONLY_NOTED = "Hverken ja eller nej. {body} tog det til efterretning {date} uden at godkende eller afvise det."
NEITHER_YES_NO = "Hverken ja eller nej. {body}s beslutning {date} hverken godkender eller afviser det i rene ord:"
STAGE = "{body} {what} {date}"
EARLIER_STAGES = "Før det: {stages}."
NO_WITHDRAWN = "Nej. Punktet udgik på {body}s møde {date}."
# "hvornår blev X godkendt?"
APPROVED_AT = "Det blev {verb_past} på {body}s møde {date}, punkt {number}."
APPROVED_AT_EARLIER = "Det blev {verb_past} af {body} {date}."
NOT_APPROVED = "Referaterne viser ikke, at »{topic}« blev godkendt. Det blev behandlet {treated}."
TREATED_AS = "{date} ({body}: {what})"
OUTCOME_WORDS = {
    "approved": "godkendt", "recommended": "anbefalet", "rejected": "afvist", "postponed": "udsat",
    "withdrawn": "udgik", "noted": "taget til efterretning", "neither": "drøftet uden godkendelse",
}
# Follow-ups on the item just shown ("og hvad koster det?", "hvem deltog?").
ABOUT_ITEM = "{title} ({body}, {date})"
FROM_SECTION = "Fra »{section}«:"
WHEN_ANSWER_ITEM = "Det blev behandlet på {body}s møde {date}, punkt {number}."
WHO_DECIDED = "{body} besluttede det {date}, punkt {number}."
CASE_ANSWER = "Sagsnummeret er {case}."
NO_CASE_NUMBER = "Punktet har intet sagsnummer i referatet."
FOLLOW_UP_ALONE = (
    "Hvilket punkt tænker du på? Spørg først om et emne, fx »hvad besluttede {body} om {topic}?«, "
    "og spørg så videre, fx »hvad koster det?«."
)
WHICH_ITEM = "Hvilket punkt på mødet tænker du på? Skriv fx »punkt 2«, og spørg så videre."
NO_SUCH_ITEM = "Mødet har intet punkt {number}."
NOTHING_ON = {
    "cost": "Punktet nævner ingen udgifter eller økonomiske konsekvenser.",
    "people": "Referatet nævner ikke, hvem der deltog i punktet.",
    "next": "Referatet siger ikke, hvad der skal ske videre.",
    "proposal": "Punktet har ingen indstilling i referatet.",
    "why": "Referatet giver ingen baggrund for punktet.",
}
NOT_A_MEETING = "Det møde findes ikke (længere) i referaterne. Spørg fx om mødets dato."
PAST_PARTICIPLES = {"godkendte": "godkendt", "anbefalede": "anbefalet", "afviste": "afvist"}
CASE_HEADING = "Sag {case} er behandlet {times}, nyeste først:"
TIMES = ("én gang", "{count} gange")
MEETING_HEADING = "{body}s møde {date}{details}:"
MEETING_DETAILS = " (kl. {time}, {place})"
MEETING_TIME = " (kl. {time})"
NO_DECISION_SHORT = "ingen beslutning ført til referat"
OPEN_WORD = "vis"
MEETING_WORD = "møde"
MEETING_FORMALITIES = "Desuden, uden ny beslutning: {items}"
MEETING_CLOSED = "Lukkede punkter: {items}"
OPEN_ITEM_HINT = "Skriv fx »punkt 2« for at se et punkt."
OPEN_ITEM_BUTTON = "Åbn"
OPEN_MEETING_BUTTON = "Vis mødet"
PICK_MEETING = "Flere møder {date}. Hvilket vil du se?"
PICK_LINE = "{body}{details}: {items}"
PICK_HINT = "Skriv fx »referat fra byrådet« med datoen, eller tryk på et møde."
ITEMS = ("1 punkt", "{count} punkter")
NONE_FOUND = "Jeg fandt intet i referaterne, der svarer på »{topic}«."
NONE_IN_PERIOD = "Jeg fandt intet i referaterne fra {period}, der svarer på »{topic}«."
NONE_CASE = "Jeg fandt ingen punkter med sagsnummer {case} i referaterne."
NONE_MEETING = "Jeg fandt intet referat fra {period}."
CLOSEST = "Nærmeste punkter i referaterne:"
ASK_HINT = "Prøv med andre ord for emnet, med et sagsnummer eller med en mødedato. Skriv »hjælp« for eksempler."
NEAREST_MEETINGS = "Nærmeste møder:"
EMPTY_RESULT = "Skriv, hvad du vil vide om beslutningerne. Skriv »hjælp« for eksempler."
EMPTY_QUESTION = "Skriv, hvad du vil vide, fx »hvad besluttede {body} om {topic}?«."
SHORTENED = "… (forkortet; se hele referatet for {date}, punkt {number})"
HISTORY_SHORTENED = "… (forkortet; se referatet for {date}{item})"
CUT_NOTE = "\n… (forkortet; se hele referatet)"
REPLY_TOO_LONG = "Svaret er for langt til chatten. Se hele referatet."
PERIOD_RANGE = "{start} til {end}"

# Pick lists, bodies and case numbers (handlers/choices.py).
MEETINGS_IN_PERIOD = "{count} møder passer på dit spørgsmål. Hvilket vil du se?"
MEETING_CHOICE = "{body}, {date}{time} ({items})"
MEETING_CHOICE_TIME = " kl. {time}"
OPEN_CASE_BUTTON = "Vis sagen"
CASES_HEADING = "{count} sager har et sagsnummer, der begynder med {prefix}:"
CASE_CHOICE = "Sag {case}: {title} ({bodies}, senest {date})"
NO_SUCH_CASE = "Jeg kender ingen sag med nummeret {case}."
NEAREST_CASES = "Nærmeste sagsnumre i referaterne:"
BODY_NOT_HELD = "Referaterne har ingen møder i {bodies}. De har møder i {held}."
BODY_HAS_NOTHING = "{bodies} har intet om »{topic}« i referaterne{period}."
ELSEWHERE = "Andre har behandlet det:"
ELSEWHERE_LINE = "{body} besluttede {date}, {title}"
NO_MEETINGS_IN_PERIOD = "Der var ingen møder {period}."
NEAREST_MEETING_LINE = "{body}, {date}"
AND = "og"

# Why a file could not be indexed, by DocumentError code.
DOCUMENT_ERRORS = {
    "unsupported": "filtypen understøttes ikke (brug PDF, DOCX, HTML, TXT eller MD)",
    "unreadable": "filen kan ikke læses (beskadiget eller ikke det format, navnet siger)",
    "empty": "filen indeholder ingen tekst",
    "no_meeting": "der er ingen mødedato i filen",
    "no_items": "der er ingen dagsordenspunkter i filen",
    "no_meeting_date": "der er ingen mødedato i filen; filens egen dato er brugt",
    "truncated": "referatet ser afskåret ud ({detail}); punkterne er med i indekset",
    "duplicate": "mødet findes også i en anden fil; denne fil er brugt",
    "conflict": "samme møde som {detail}, men filerne er uenige om punkterne; punkterne fra begge er med",
    "old_word": "gammelt Word-format (.doc); gem filen som DOCX eller PDF",
    "image": "et billede uden tekst; kør OCR på det (se README) eller gem referatet som PDF med tekst",
    "needs_ocr": "en scannet PDF uden tekstlag; den skal have OCR (se README)",
    "ocr": "en scannet PDF, læst med OCR; tjek citater mod originalen",
    "publication": "udgivelses-XML, som ikke kunne genkendes som SBSYS, eDoc eller GetOrganized",
}
KEPT_PREVIOUS = "den tidligere indekserede udgave er bevaret"

# Why a whole indexing run failed, by IndexingFailed code.
INDEXING_ERRORS = {
    "no_sources": "referatmappen findes ikke: {detail}",
    "write_failed": "indekset kunne ikke skrives ({detail}); det gamle indeks er bevaret",
    "crashed": "indekseringen stoppede med en fejl; det gamle indeks er bevaret",
    "busy": "en anden indeksering kører allerede",
}
SERVER_ALREADY_RUNNING = (
    "En anden beslutningsbot serve kører allerede på datamappen {folder}. Kun én server må bruge "
    "en datamappe ad gangen (ellers går abonnementer tabt, og ugeoversigten sendes to gange). "
    "Stop den anden først, eller giv denne sin egen datamappe (BESLUTNINGSBOT_DATA_DIR)."
)
INDEX_UNAVAILABLE = {
    "missing": "Der er intet indeks endnu. En administrator skal køre »genindekser«.",
    "corrupt": "Indekset kan ikke læses lige nu. En administrator skal køre »genindekser«.",
}

INDEX_SUMMARY = (
    "Indekseret: {files} filer, {meetings} møder, {items} punkter, "
    "{decisions} beslutninger, {closed} lukkede punkter."
)
INDEX_CHANGES = "Siden sidst: {new} nye, {changed} ændrede og {removed} fjernede beslutninger."
INDEX_WARNINGS = "Advarsler:"
INDEX_WARNING_LINE = "- {name}: {reason}"
# How each file was read, one line per file, in the indexing report.
INDEX_FILES = "Sådan blev filerne læst:"
FILE_ITEMS = "- {name}: {items} efter dagsordenens struktur"
FILE_ITEMS_NOTE = "- {name}: {items} efter dagsordenens struktur; {reason}"
FILE_TEXT = "- {name}: læst som ren tekst ({entries}), fordi {reason}"
FILE_SKIPPED = "- {name}: sprunget over: {reason}"
FILE_FAILED = "- {name}: {reason}"
FILES_BY_STRUCTURE = "- {files} læst efter dagsordenens struktur"
FILES_MORE = "- … og {count} filer mere (se hele rapporten med »beslutningsbot index«)"
ITEMS = ("1 punkt", "{count} punkter")
ENTRIES = ("1 afsnit", "{count} afsnit")
FILES = ("1 fil", "{count} filer")
INDEX_EMPTY = (
    "Indekset rummer endnu ingen referater, så jeg kan ikke svare. "
    "En administrator skal lægge referater i referatmappen og køre »genindekser«."
)
INDEX_FAILED = "Indekseringen mislykkedes: {reason}"

# Syncing from the municipality's agenda portal (`beslutningsbot sync`, the schedule, status).
SYNC_SUMMARY = "Hentet fra {portal}: {fetched} nye eller ændrede møder af {listed} ({requests} kald, {seconds} s)."
SYNC_MISSING = "{missing} møder på listen er ikke offentliggjort endnu; de hentes, når de er."
SYNC_SKIPPED = "Sprunget over, fordi portalen ikke svarede med et læsbart møde (prøves igen næste gang): {meetings}."
SYNC_NOTHING_NEW = "Intet nyt på dagsordensportalen; indekset er uændret."
SYNC_FAILED = "Hentningen fra dagsordensportalen mislykkedes: {reason}. Indekset er uændret."
SYNC_ERRORS = {
    "bad_url": "»{detail}« er ikke en webadresse (fx https://dagsordener.greve.dk)",
    "unreachable": "portalen svarer ikke ({detail})",
    "timeout": "portalen svarede ikke færdigt i tide ({detail})",
    "http": "portalen svarede med en fejl ({detail})",
    "malformed": "portalens svar er ikke dens dagsordensdata ({detail})",
    "too_large": "et svar fra portalen er større end grænsen ({detail})",
    "busy": "en anden hentning fra portalen kører allerede",
}
SYNC_NO_PORTAL = "Der er ingen dagsordensportal angivet: giv adressen (beslutningsbot sync URL) eller sæt BESLUTNINGSBOT_PORTAL_URL."
STATUS_LAST_SYNC = "Seneste hentning fra {portal}: {when}: {result} ({fetched} nye eller ændrede af {listed} møder)."
STATUS_SYNC_OK = "ok"

# Help, welcome and hints name the bodies the index holds, with examples from it
# (`handlers.examples`): {bodies}, {body}, {topic}, {case}, {date}.
SOME_BODIES = "kommunens udvalg og råd"
OTHER_BODIES = "{count} andre"
HELP = (
    "Spørg mig om, hvad {bodies} har besluttet, fx:\n"
    "- hvad besluttede {body} om {topic}?\n"
    "- blev {topic} godkendt?\n"
    "- seneste beslutning om {topic}\n"
    "- sag {case}\n"
    "- referat fra {body} {date}\n"
    "\n"
    "Spørg videre om det punkt, du lige har fået, fx »hvad koster det?«, »hvem deltog?« eller »hvad sker der nu?«.\n"
    "\n"
    "Ugeoversigt over nye beslutninger: »abonner«, eller »abonner« og et emne (fx »abonner budget«), »afmeld«, »abonnementer«.\n"
    "Administratorer: »genindekser«, »status«, »digest nu«, »digest vis«."
)
TOO_LONG = "Dit spørgsmål er for langt. Skriv det med højst {limit} tegn."
SORRY = "Beklager, noget gik galt hos mig. Prøv igen om lidt."
CONSOLE_WELCOME = "Beslutningsbot: spørg om, hvad {bodies} har besluttet. Skriv »hjælp« for eksempler og tryk Ctrl-D for at slutte."

# Commands and admins
UNKNOWN_COMMAND = "Den kommando kender jeg ikke. Mente du »{suggestion}«? Skriv »hjælp« for at se, hvad jeg kan."
NOT_ADMIN = "Det er kun administratorer, der kan bruge »{command}«."
ADMIN_USE_DIRECT = "Brug »{command}« i en 1:1-chat med mig. Svaret kan nævne filer og advarsler, der ikke er til alle."
REINDEX_STARTED = "Genindeksering startet. Jeg skriver, når den er færdig."
REINDEX_BUSY = "En genindeksering kører allerede. Den blev startet af {who} {when}."
REINDEX_PROGRESS = "Genindeksering i gang: {done} af {total} filer læst."
REINDEX_DONE = "Genindeksering færdig på {seconds} s."
REINDEX_FILES = "Filer læst: {files}. I indekset: {meetings} møder og {items} punkter."
REINDEX_FAILED = "Genindekseringen mislykkedes: {reason}. Spørgsmål besvares stadig fra det gamle indeks."
REINDEX_UNEXPECTED = "en uventet fejl (se serverens log)"
STATUS_HEADING = "Status for Beslutningsbot"
STATUS_INDEX = "Indeks: {items} punkter fra {meetings} møder. Nyeste møde: {newest}."
STATUS_NO_INDEX = "Indeks: {reason}"
STATUS_LAST_RUN = "Seneste genindeksering: {when} af {who}: {result} ({seconds} s)."
STATUS_DISK_FULL = ("Disk: genindekseringen {when} mislykkedes, fordi disken med datamappen er fuld "
                    "(ledig plads nu: {free}). Frigør plads, og kør »genindekser« igen.")
STATUS_NO_RUN = "Seneste genindeksering: ingen endnu fra chatten."
STATUS_NO_SYNC = "Seneste hentning fra dagsordensportalen: ingen endnu."
STATUS_SUBSCRIBERS = "Abonnenter på ugeoversigten: {count}."
STATUS_STATE_DAMAGED = (
    "Tilstandsfilen var beskadiget og er lagt til side som {kept}; {recovered} er genskabt fra den. "
    "Se filen efter, og flyt eller slet den derefter fra datamappen."
)
STATUS_AUDIT = "Seneste administratorhandlinger:"
STATUS_AUDIT_LINE = "- {when} {who}: {command} → {result}"
RESULT_OK = "gennemført"
RESULT_FAILED = "mislykket"
RESULT_REFUSED = "afvist"
RESULT_STARTED = "startet"
RESULT_BUSY = "afvist: kører allerede"
GROUP_CHAT = "gruppechat"
SENT_WORD = "sendt"
CONSOLE_NAME = "konsol"

# Teams
WELCOME = (
    "Hej, jeg er Beslutningsbot. Jeg fortæller, hvad {bodies} har besluttet, "
    "citeret fra referaterne. Spørg fx:\n"
    "- hvad besluttede {body} om {topic}?\n"
    "- seneste beslutning om {topic}\n"
    "- sag {case}\n\n"
    "I en kanal eller gruppechat skal du nævne mig med @Beslutningsbot. Skriv »hjælp« for flere eksempler."
)
CARD_ACTION_ANSWERED = "Svaret står i chatten."
CARD_ACTION_UNKNOWN = "Den knap kan jeg ikke svare på. Skriv dit spørgsmål i chatten i stedet."

# Subscriptions and digests
SUBSCRIBED = "Denne chat abonnerer nu på ugeoversigten over nye beslutninger{topic}. {next}"
SUBSCRIBED_TOPIC = " om »{topic}«"
ALREADY_SUBSCRIBED = "Denne chat abonnerer allerede på ugeoversigten{topic}. {next}"
TOO_MANY_SUBSCRIPTIONS = (
    "Denne chat har allerede {limit} abonnementer, og det er det højeste antal. "
    "Afmeld et emne med »afmeld emne«, eller skriv »abonner« uden emne for at få alle nye beslutninger."
)
TOPICS_JOIN = "«, »"
NEXT_DIGEST = "Næste ugeoversigt kommer {when}."
DIGEST_OFF = "Ugeoversigten er slået fra på denne server, så der sendes ingen lige nu."
UNSUBSCRIBED = "Denne chat får ikke længere ugeoversigten ({subscriptions} afmeldt)."
SUBSCRIPTIONS = ("1 abonnement", "{count} abonnementer")
NOT_SUBSCRIBED = "Denne chat abonnerer ikke på ugeoversigten. Skriv »abonner« for at starte."
SUBSCRIPTIONS_HEADING = "Denne chats abonnementer:"
SUBSCRIPTION_LINE = "- {what}, oprettet {when} af {who}"
SUBSCRIPTION_ALL = "alle nye beslutninger"
SUBSCRIPTION_TOPIC = "nye beslutninger om »{topic}«"
DIGEST_HEADING = "Ugeoversigt: {decisions}{source}{topic}"
DIGEST_FROM = " fra {body}"
DIGEST_FORMALITIES = "Desuden, uden ny beslutning: {items}."
DIGEST_WITHDRAWN = "{title} (udgik)"
NEW_DECISIONS = ("1 ny beslutning", "{count} nye beslutninger")
DIGEST_MEETING = "{body}s møde {date}"
DIGEST_CONTINUED = "Ugeoversigt, fortsat"
DIGEST_ITEM = "Punkt {number}: {title}"
DIGEST_CASE = "Sag {case}"
DIGEST_MORE = "… og {count} beslutninger mere. Spørg mig om dem, fx med mødets dato."
DIGEST_EMPTY_PREVIEW = "Der er ingen nye beslutninger til din ugeoversigt lige nu."
DIGEST_USAGE = "Skriv »digest nu« for at sende ugeoversigten til alle abonnenter nu, eller »digest vis« for at se din egen."
DIGEST_STARTED = "Ugeoversigten sendes nu til alle abonnenter. Jeg skriver, når den er sendt."
DIGEST_MAYBE_AGAIN = (
    "(Serveren blev afbrudt, mens ugeoversigten blev sendt sidst, så du har måske fået den før.)"
)
DIGEST_SENT = "Ugeoversigten er sendt: {sent} sendt, {empty} uden nyt, {failed} mislykkedes, {gone} abonnementer stoppet."

# The Teams message extension (search from the compose box)
COMPOSE_TYPE_SUBJECT = "Skriv et emne, et journalnummer eller en mødedato for at finde en beslutning."
COMPOSE_NOTHING = "Ingen åbne beslutninger om »{query}« i referaterne."
COMPOSE_TOO_SLOW = "Søgningen tog for lang tid. Prøv igen om lidt."
COMPOSE_UNAVAILABLE = "Referaterne kan ikke søges lige nu. Prøv igen senere."

# Adaptive Card labels
CARD_DATE = "Dato"
CARD_BODY = "Organ"
CARD_CASE = "Sag"
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def join_and(parts: list[str]) -> str:
    """"a", "a og b", "a, b og c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " og " + parts[-1]


def counted(count: int, forms: tuple[str, str]) -> str:
    """A number with its word in the right form: counted(1, TIMES) → "én gang"."""
    return (forms[0] if count == 1 else forms[1]).format(count=count)
