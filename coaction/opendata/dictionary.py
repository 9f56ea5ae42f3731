"""The data dictionary: every column of every file, its unit and its meaning, in English and Swedish; the files'
headers are these columns' names, so the dictionary and the data cannot disagree.

The English text is the message id (wrapped in _l, so the page shows it in the visitor's language once the
catalogue has it); the Swedish is written beside it, so that the dictionary files carry both languages whatever
the catalogue holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from coaction.activities.models import ActivityKind
from coaction.commitments.models import Category, Unit, Visibility
from coaction.commitments.progress import Status, Verification
from coaction.core.status import WorkStatus
from coaction.members.models import PUBLIC_STATUSES, Sector
from coaction.travel.labels import MODE_LABELS
from coaction.travel.results import MODES

# The units a column may be in: (English, Swedish).
UNITS: dict[str, tuple[LazyString, str]] = {
    "id": (_l("identifier"), "identifierare"),
    "text": (_l("text"), "text"),
    "code": (_l("code (see the list of codes)"), "kod (se listan över koder)"),
    "list": (_l("list, separated by semicolons"), "lista, åtskild med semikolon"),
    "year": (_l("year"), "år"),
    "date": (_l("date, YYYY-MM-DD"), "datum, ÅÅÅÅ-MM-DD"),
    "time": (_l("time of day, hh:mm, Swedish time"), "klockslag, tt:mm, svensk tid"),
    "datetime": (_l("date and time, ISO 8601, UTC"), "datum och tid, ISO 8601, UTC"),
    "url": (_l("web address"), "webbadress"),
    "boolean": (_l("true or false"), "true eller false"),
    "count": (_l("number of"), "antal"),
    "number": (_l("number, in the unit of the row"), "tal, i radens enhet"),
    "weight": (_l("weight, no unit"), "vikt, utan enhet"),
    "percent": (_l("per cent"), "procent"),
    "share": (_l("share from 0 to 1"), "andel från 0 till 1"),
    "sek": (_l("Swedish kronor (SEK)"), "kronor (SEK)"),
    "km": (_l("kilometres"), "kilometer"),
    "kg_co2e": (_l("kilograms of CO2 equivalents"), "kilogram koldioxidekvivalenter"),
    "tonnes_co2e": (_l("tonnes of CO2 equivalents"), "ton koldioxidekvivalenter"),
    "weeks": (_l("weeks"), "veckor"),
    "degrees": (_l("degrees, WGS 84"), "grader, WGS 84"),
}

HEADER = ("column", "unit_en", "unit_sv", "description_en", "description_sv", "codes")


@dataclass(frozen=True)
class Column:
    name: str
    unit: str  # a key of UNITS
    en: LazyString  # the meaning, in English: a message id
    sv: str  # the same meaning in Swedish
    codes: Sequence[str] = ()  # the values a code column takes

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r} of column {self.name}")

    @property
    def unit_text(self) -> LazyString:
        """The unit in the visitor's language."""
        return UNITS[self.unit][0]


def _codes(members: Iterable) -> tuple[str, ...]:
    return tuple(member.value for member in members)


def dictionary_rows(columns: Iterable[Column]) -> list[list[str]]:
    """The dictionary of `columns` with both languages side by side (the rows under HEADER)."""
    with force_locale("en"):  # the English as written, whatever the visitor's language
        return [
            [column.name, str(UNITS[column.unit][0]), UNITS[column.unit][1], str(column.en), column.sv]
            + ["; ".join(column.codes)]
            for column in columns
        ]


# ---- the columns of every data set ----------------------------------------------------------------------------


ORGANISATION_COLUMNS = (
    Column("id", "id", _l("The organisation's number in this register"), "Organisationens nummer i registret"),
    Column("slug", "text", _l("Short name in the organisation's web address"), "Kortnamn i organisationens webbadress"),
    Column("name", "text", _l("Name"), "Namn"),
    Column("sector", "code", _l("Sector"), "Sektor", _codes(Sector)),
    Column(
        "municipality",
        "text",
        _l("Municipality where the organisation is (empty if not given)"),
        "Kommun där organisationen finns (tom om den inte är angiven)",
    ),
    Column(
        "municipality_code",
        "code",
        _l("Statistics Sweden's four-digit municipality code"),
        "SCB:s fyrsiffriga kommunkod",
    ),
    Column("employees", "count", _l("Employees, as the organisation states"), "Anställda, som organisationen uppger"),
    Column("website", "url", _l("The organisation's website"), "Organisationens webbplats"),
    Column(
        "membership",
        "code",
        _l("Membership: member, or paused (a member that has paused its membership)"),
        "Medlemskap: member (medlem) eller paused (vilande medlemskap)",
        _codes(PUBLIC_STATUSES),
    ),
    Column("member_since", "date", _l("Date the organisation became a member"), "Datum då organisationen blev medlem"),
    Column(
        "parent_id",
        "id",
        _l("The organisation this one is part of (a unit of a municipality, say); empty if none"),
        "Organisationen som denna ingår i (till exempel en förvaltning i en kommun); tom om ingen",
    ),
    Column("description", "text", _l("The organisation's own presentation"), "Organisationens egen presentation"),
    Column(
        "url", "url", _l("The organisation's page in the member directory"), "Organisationens sida i medlemsregistret"
    ),
    Column("updated_at", "datetime", _l("When the record was last changed"), "När uppgifterna senast ändrades"),
)


COMMITMENT_COLUMNS = (
    Column("id", "id", _l("The commitment's number"), "Åtagandets nummer"),
    Column(
        "organisation_id",
        "id",
        _l("The organisation that made it (see organisations)"),
        "Organisationen som gjort åtagandet (se organisations)",
    ),
    Column("organisation", "text", _l("The organisation's name"), "Organisationens namn"),
    Column("title", "text", _l("Title"), "Rubrik"),
    Column("description", "text", _l("Description"), "Beskrivning"),
    Column("category", "code", _l("Category of measure"), "Kategori av åtgärd", _codes(Category)),
    Column(
        "focus_area",
        "code",
        _l("The network's focus area (energy, mobility, ...)"),
        "Nätverkets fokusområde (energi, mobilitet, ...)",
    ),
    Column(
        "indicator",
        "text",
        _l("What is measured, in the organisation's words"),
        "Vad som mäts, med organisationens ord",
    ),
    Column(
        "unit",
        "code",
        _l("Unit of the baseline, target and latest values"),
        "Enhet för utgångs-, mål- och senaste värde",
        _codes(Unit),
    ),
    Column("baseline_value", "number", _l("Value in the baseline year"), "Värde under utgångsåret"),
    Column("baseline_year", "year", _l("Year the baseline value is from"), "År som utgångsvärdet gäller"),
    Column("target_value", "number", _l("Value to be reached"), "Värde som ska nås"),
    Column("target_year", "year", _l("Year the target is to be reached"), "År då målet ska nås"),
    Column(
        "latest_value",
        "number",
        _l("The latest reported value; empty if none yet"),
        "Senast rapporterade värde; tomt om inget ännu",
    ),
    Column("latest_date", "date", _l("Date of the latest report"), "Datum för den senaste rapporten"),
    Column(
        "progress_percent",
        "percent",
        _l("How far from the baseline to the target the latest value has come, 0–100"),
        "Hur långt från utgångsvärdet mot målet det senaste värdet har kommit, 0–100",
    ),
    Column(
        "expected_percent",
        "percent",
        _l("Where a straight line from the baseline to the target year is today, 0–100"),
        "Var en rak linje från utgångsåret till målåret ligger i dag, 0–100",
    ),
    Column(
        "status",
        "code",
        _l(
            "Computed, never typed in: done > overdue > stale (no report for twelve months) > behind (more than "
            "the tolerance under the straight line) > on_track > planned (no report yet)"
        ),
        "Beräknad, aldrig inskriven: done (klart) > overdue (försenat) > stale (ingen rapport på tolv månader) > "
        "behind (mer än toleransen under den raka linjen) > on_track (i fas) > planned (ingen rapport ännu)",
        _codes(Status),
    ),
    Column(
        "verification",
        "code",
        _l("Self-declared, evidence attached, or verified by the network office"),
        "Egenrapporterat, med underlag, eller granskat av nätverkets kansli",
        _codes(Verification),
    ),
    Column("municipalities", "list", _l("Municipalities where it is carried out"), "Kommuner där åtagandet genomförs"),
    Column("url", "url", _l("The commitment's page"), "Åtagandets sida"),
    Column("created_at", "datetime", _l("When the commitment was entered"), "När åtagandet lades in"),
    Column(
        "updated_at",
        "datetime",
        _l("When the commitment or its reports last changed"),
        "När åtagandet eller dess rapporter senast ändrades",
    ),
)


REPORT_COLUMNS = (
    Column("id", "id", _l("The report's number"), "Rapportens nummer"),
    Column(
        "commitment_id",
        "id",
        _l("The commitment reported on (see commitments)"),
        "Åtagandet som rapporten gäller (se commitments)",
    ),
    Column("reported_on", "date", _l("Date the value applies to"), "Datum som värdet gäller"),
    Column("value", "number", _l("Reported value, in the commitment's unit"), "Rapporterat värde, i åtagandets enhet"),
    Column("comment", "text", _l("The organisation's comment"), "Organisationens kommentar"),
    Column(
        "has_evidence",
        "boolean",
        _l("Whether evidence is attached (see the commitment's page)"),
        "Om underlag är bifogat (se åtagandets sida)",
    ),
    Column("created_at", "datetime", _l("When the report was sent"), "När rapporten skickades"),
)


ACTIVITY_COLUMNS = (
    Column("id", "id", _l("The activity's number"), "Aktivitetens nummer"),
    Column("title", "text", _l("Title"), "Rubrik"),
    Column("kind", "code", _l("Kind of activity"), "Typ av aktivitet", _codes(ActivityKind)),
    Column("status", "code", _l("Status"), "Status", _codes(WorkStatus)),
    Column("focus_area", "code", _l("The network's focus area"), "Nätverkets fokusområde"),
    Column("starts_on", "date", _l("First day"), "Första dag"),
    Column("ends_on", "date", _l("Last day; empty for one day"), "Sista dag; tom för en dag"),
    Column(
        "starts_at",
        "time",
        _l("Start time; empty for work that runs over days"),
        "Starttid; tom för arbete som pågår i flera dagar",
    ),
    Column("ends_at", "time", _l("End time"), "Sluttid"),
    Column("place", "text", _l("Where it takes place"), "Var den äger rum"),
    Column("online", "boolean", _l("Whether one can take part online"), "Om man kan delta på distans"),
    Column("municipality", "text", _l("Municipality where it takes place"), "Kommun där den äger rum"),
    Column(
        "lead_organisations",
        "list",
        _l("The organisations leading it (members and external partners that have accepted)"),
        "Organisationerna som leder den (medlemmar och externa parter som tackat ja)",
    ),
    Column("funding_source", "text", _l("Who funds it"), "Vem som finansierar"),
    Column("funding_sek", "sek", _l("External funding"), "Extern finansiering"),
    Column("own_funding_sek", "sek", _l("The participants' own contributions"), "Deltagarnas egna insatser"),
    Column("attendance", "count", _l("How many came"), "Hur många som kom"),
    Column("description", "text", _l("Description"), "Beskrivning"),
    Column("outcomes", "text", _l("Outcomes"), "Resultat"),
    Column("url", "url", _l("The activity's page"), "Aktivitetens sida"),
    Column("updated_at", "datetime", _l("When the activity last changed"), "När aktiviteten senast ändrades"),
)


GOAL_COLUMNS = (
    Column("id", "id", _l("The goal's number"), "Målets nummer"),
    Column("plan_year", "year", _l("The plan year whose goal structure this is"), "Planåret vars målstruktur detta är"),
    Column(
        "parent_id",
        "id",
        _l("The goal this is a sub-goal of; empty for a goal"),
        "Målet som detta är ett delmål till; tomt för ett mål",
    ),
    Column(
        "lineage_id",
        "id",
        _l("The first version of the same goal in an earlier plan year; empty if this is the first"),
        "Första versionen av samma mål under ett tidigare planår; tom om detta är den första",
    ),
    Column("focus_area", "text", _l("Focus area"), "Fokusområde"),
    Column("title", "text", _l("Title"), "Rubrik"),
    Column("description", "text", _l("Description"), "Beskrivning"),
    Column("responsible", "text", _l("The networks or bodies responsible"), "Ansvariga nätverk eller organ"),
    Column(
        "indicator_ids",
        "list",
        _l("The indicators that follow the goal up (see indicator_values)"),
        "Indikatorerna som följer upp målet (se indicator_values)",
    ),
    Column("url", "url", _l("The goal's page"), "Målets sida"),
    Column("created_at", "datetime", _l("When the goal was entered"), "När målet lades in"),
)


INDICATOR_VALUE_COLUMNS = (
    Column("indicator_id", "id", _l("The indicator's number"), "Indikatorns nummer"),
    Column("indicator", "text", _l("The indicator's name"), "Indikatorns namn"),
    Column("unit", "text", _l("The indicator's unit"), "Indikatorns enhet"),
    Column("year", "year", _l("Year the value applies to"), "År som värdet gäller"),
    Column("municipality", "text", _l("Municipality; empty for the whole network"), "Kommun; tom för hela nätverket"),
    Column("municipality_code", "code", _l("Statistics Sweden's municipality code"), "SCB:s kommunkod"),
    Column("value", "number", _l("Value, in the indicator's unit"), "Värde, i indikatorns enhet"),
    Column("source", "text", _l("Where the value comes from"), "Var värdet kommer ifrån"),
    Column("updated_at", "datetime", _l("When the value was last entered"), "När värdet senast lades in"),
)


TIE_COLUMNS = (
    Column(
        "a_id",
        "id",
        _l("One organisation of the pair (see organisations)"),
        "Den ena organisationen i paret (se organisations)",
    ),
    Column("a_name", "text", _l("Its name"), "Dess namn"),
    Column("b_id", "id", _l("The other organisation"), "Den andra organisationen"),
    Column("b_name", "text", _l("Its name"), "Dess namn"),
    Column(
        "weight",
        "weight",
        _l(
            "How much they work together: shared activities, working groups and confirmed ties, weighted and "
            "fading with age"
        ),
        "Hur mycket de arbetar tillsammans: gemensamma aktiviteter, arbetsgrupper och bekräftade samarbeten, "
        "viktade och avtagande med åldern",
    ),
    Column(
        "kinds",
        "list",
        _l("The kinds of work together (activity, working_group, or a kind of tie)"),
        "Typer av samarbete (activity, working_group eller en typ av samarbete)",
    ),
    Column("first_seen", "date", _l("When they first worked together"), "När de först arbetade tillsammans"),
    Column("last_seen", "date", _l("When they last worked together"), "När de senast arbetade tillsammans"),
)


MODE_SV = {
    "walk": "till fots",
    "bike": "cykel",
    "ebike": "elcykel",
    "bus": "buss",
    "rail": "tåg, tunnelbana eller spårvagn",
    "car": "bil, ensam",
    "carpool": "samåkning",
    "moped": "moped eller motorcykel",
}


MODE_SHARE_COLUMNS = tuple(
    Column(
        f"share_trips_{mode}",
        "share",
        _l("Share of the commuting trips made mainly by %(mode)s", mode=MODE_LABELS[mode]),
        f"Andel av arbetsresorna som görs huvudsakligen med {MODE_SV[mode]}",
    )
    for mode in MODES
)


PUBLISHED_WAVE_EN = _l(
    "A year is published only once it is over and its surveys pool at least 5 answers from at least 3 "
    "organisations; a survey counts only from 5 answers, and nothing is published about a single survey or "
    "organisation."
)


WAVE_COLUMNS = (
    Column("year", "year", _l("The year the surveys closed"), "Året då enkäterna stängde"),
    Column(
        "surveys",
        "count",
        _l("Surveys pooled (each with at least 5 answers)"),
        "Sammanslagna enkäter (var och en med minst 5 svar)",
    ),
    Column(
        "organisations", "count", _l("Organisations with surveys pooled"), "Organisationer med sammanslagna enkäter"
    ),
    Column("responses", "count", _l("Answers pooled"), "Sammanslagna svar"),
    Column(
        "employees",
        "count",
        _l("Employees of the organisations surveyed"),
        "Anställda i de tillfrågade organisationerna",
    ),
    *MODE_SHARE_COLUMNS,
    Column(
        "co2e_commute_kg_per_employee",
        "kg_co2e",
        _l("Commuting emissions per employee and year (the mean over the answers)"),
        "Utsläpp från arbetsresor per anställd och år (medelvärdet över svaren)",
    ),
    Column(
        "co2e_business_kg_per_employee",
        "kg_co2e",
        _l("Business travel emissions per employee and year"),
        "Utsläpp från tjänsteresor per anställd och år",
    ),
    Column(
        "co2e_total_kg_per_employee",
        "kg_co2e",
        _l("All travel emissions per employee and year"),
        "Alla reseutsläpp per anställd och år",
    ),
)


LOCATION_COLUMNS = (
    Column("id", "id", _l("The commitment's number (see commitments)"), "Åtagandets nummer (se commitments)"),
    Column("title", "text", _l("The commitment's title"), "Åtagandets rubrik"),
    Column("organisation", "text", _l("The organisation that made it"), "Organisationen som gjort åtagandet"),
    Column("category", "code", _l("Category of measure"), "Kategori av åtgärd", _codes(Category)),
    Column(
        "status", "code", _l("Computed status (see commitments)"), "Beräknad status (se commitments)", _codes(Status)
    ),
    Column("progress", "percent", _l("Progress (see commitments)"), "Framsteg (se commitments)"),
    Column(
        "verification",
        "code",
        _l("Verification (see commitments)"),
        "Verifiering (se commitments)",
        _codes(Verification),
    ),
    Column(
        "municipality",
        "text",
        _l("The municipality whose centre the place is; empty for a place given by its coordinates"),
        "Kommunen vars centrum platsen är; tom för en plats angiven med koordinater",
    ),
    Column("longitude", "degrees", _l("Longitude (east)"), "Longitud (öst)"),
    Column("latitude", "degrees", _l("Latitude (north)"), "Latitud (nord)"),
    Column("url", "url", _l("The commitment's page"), "Åtagandets sida"),
    Column("updated_at", "datetime", _l("When the commitment last changed"), "När åtagandet senast ändrades"),
)


OWN_COMMITMENT_COLUMNS = (
    Column("id", "id", _l("The commitment's number"), "Åtagandets nummer"),
    Column("title", "text", _l("Title"), "Rubrik"),
    Column("description", "text", _l("Description"), "Beskrivning"),
    Column(
        "category",
        "code",
        _l("Scope or category of the measure"),
        "Omfattning eller kategori av åtgärd",
        _codes(Category),
    ),
    Column("category_name", "text", _l("The category in words"), "Kategorin i ord"),
    Column("focus_area", "text", _l("The network's focus area"), "Nätverkets fokusområde"),
    Column("indicator", "text", _l("What is measured"), "Vad som mäts"),
    Column("unit", "code", _l("Unit of the values"), "Värdenas enhet", _codes(Unit)),
    Column("unit_name", "text", _l("The unit in words"), "Enheten i ord"),
    Column("base_year", "year", _l("Base year"), "Basår"),
    Column("base_value", "number", _l("Value in the base year"), "Värde under basåret"),
    Column("target_year", "year", _l("Target year"), "Målår"),
    Column("target_value", "number", _l("Target value"), "Målvärde"),
    Column(
        "target_change_percent",
        "percent",
        _l("The change the target means, relative to the base value (negative for a reduction)"),
        "Förändringen som målet innebär, i förhållande till basvärdet (negativ för en minskning)",
    ),
    Column("milestones", "list", _l("Intermediate targets, as year: value"), "Delmål, som år: värde"),
    Column("latest_year", "year", _l("Year of the latest report"), "År för den senaste rapporten"),
    Column("latest_date", "date", _l("Date of the latest report"), "Datum för den senaste rapporten"),
    Column("latest_value", "number", _l("The latest reported value"), "Senast rapporterade värde"),
    Column(
        "percent_achieved",
        "percent",
        _l("How far from base to target the latest value has come, 0–100"),
        "Hur långt från bas- till målvärdet det senaste värdet har kommit, 0–100",
    ),
    Column(
        "expected_percent",
        "percent",
        _l("Where the straight line from base to target is today, 0–100"),
        "Var den raka linjen från bas- till målvärdet ligger i dag, 0–100",
    ),
    Column("status", "code", _l("Computed status"), "Beräknad status", _codes(Status)),
    Column("status_name", "text", _l("The status in words"), "Statusen i ord"),
    Column("reports", "count", _l("Progress reports sent"), "Skickade lägesrapporter"),
    Column(
        "visibility", "code", _l("Who sees it on the site"), "Vem som ser åtagandet på webbplatsen", _codes(Visibility)
    ),
    Column(
        "withdrawn_on",
        "date",
        _l("Date it was withdrawn; empty while it stands"),
        "Datum då det drogs tillbaka; tomt så länge det gäller",
    ),
    Column("municipalities", "list", _l("Municipalities where it is carried out"), "Kommuner där åtagandet genomförs"),
    Column("url", "url", _l("The commitment's page"), "Åtagandets sida"),
)


OWN_SURVEY_COLUMNS = (
    Column("id", "id", _l("The survey's number"), "Enkätens nummer"),
    Column("title", "text", _l("Title"), "Rubrik"),
    Column("opens_on", "date", _l("First day of answering"), "Första svarsdag"),
    Column("closes_on", "date", _l("Last day of answering"), "Sista svarsdag"),
    Column("employees", "count", _l("Employees the survey was sent to"), "Anställda som enkäten gick till"),
    Column(
        "responses",
        "count",
        _l("Answers; a survey is listed only from 5 answers, and no single answer ever is"),
        "Svar; en enkät listas först från 5 svar, och inget enskilt svar någonsin",
    ),
    Column("response_rate", "share", _l("Answers divided by employees"), "Svar delat med anställda"),
    *MODE_SHARE_COLUMNS,
    Column(
        "work_weeks",
        "weeks",
        _l("Working weeks a year the yearly figures assume"),
        "Arbetsveckor per år som årssiffrorna antar",
    ),
    Column(
        "commute_km_per_employee",
        "km",
        _l("Commuting distance per employee and year (the mean over the answers)"),
        "Pendlingssträcka per anställd och år (medelvärdet över svaren)",
    ),
    Column(
        "co2e_commute_kg_per_employee",
        "kg_co2e",
        _l("Commuting emissions per employee and year"),
        "Utsläpp från arbetsresor per anställd och år",
    ),
    Column(
        "co2e_business_kg_per_employee",
        "kg_co2e",
        _l("Business travel emissions per employee and year"),
        "Utsläpp från tjänsteresor per anställd och år",
    ),
    Column(
        "co2e_total_kg_per_employee",
        "kg_co2e",
        _l("All travel emissions per employee and year"),
        "Alla reseutsläpp per anställd och år",
    ),
    Column(
        "co2e_total_tonnes",
        "tonnes_co2e",
        _l("All travel emissions of the organisation a year: the mean per employee times the employees"),
        "Organisationens alla reseutsläpp per år: medelvärdet per anställd gånger antalet anställda",
    ),
)
