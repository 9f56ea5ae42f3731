"""Words (and icons) for the commitments feature's codes, in both languages; templates and forms use these."""

from flask_babel import lazy_gettext as _l

from coaction.commitments.models import Category, Unit, Visibility
from coaction.commitments.progress import Status, Verification

CATEGORY_LABELS = {
    Category.CHARGING: _l("Charging infrastructure"),
    Category.BIOGAS: _l("Biogas"),
    Category.FLEET: _l("Fleet conversion"),
    Category.PROCUREMENT: _l("Climate requirements in procurement"),
    Category.BIKE_POOL: _l("Bike pool"),
    Category.PARKING: _l("Parking"),
    Category.TRAVEL_POLICY: _l("Travel policy"),
    Category.REMOTE_WORK: _l("Remote work"),
    Category.GOODS: _l("Goods distribution"),
    Category.EFFICIENCY: _l("Energy efficiency"),
    Category.RENEWABLE: _l("Renewable energy"),
    Category.OTHER: _l("Other"),
}

UNIT_LABELS = {
    Unit.CHARGING_POINTS: _l("charging points"),
    Unit.STATIONS: _l("stations"),
    Unit.VEHICLES: _l("vehicles"),
    Unit.BIKES: _l("bikes"),
    Unit.PARKING_SPACES: _l("parking spaces"),
    Unit.PROCUREMENTS: _l("procurements"),
    Unit.DELIVERIES: _l("deliveries"),
    Unit.PERCENT: _l("per cent"),
    Unit.T_CO2E: _l("tonnes CO2e"),
    Unit.MWH: _l("MWh"),
    Unit.GWH: _l("GWh"),
    Unit.KWH_PER_M2: _l("kWh per m²"),
    Unit.KW: _l("kW"),
    Unit.COUNT: _l("number"),
}

VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Public"),
    Visibility.MEMBERS: _l("Members only"),
    Visibility.PRIVATE: _l("Private (our organisation and the network office)"),
}

# The palette of DESIGN §4: done green, on track yellow, behind and overdue red, planned and stale grey;
# each with a word and an icon, so that colour is never the only sign.
STATUS_LABELS = {
    Status.DONE: _l("Done"),
    Status.ON_TRACK: _l("On track"),
    Status.BEHIND: _l("Behind"),
    Status.OVERDUE: _l("Overdue"),
    Status.STALE: _l("Not reported for a year"),
    Status.PLANNED: _l("Planned"),
}
STATUS_ICONS = {
    Status.DONE: "✔",
    Status.ON_TRACK: "➜",
    Status.BEHIND: "▼",
    Status.OVERDUE: "✖",
    Status.STALE: "…",
    Status.PLANNED: "○",
}
STATUS_COLOURS = {
    Status.DONE: "green",
    Status.ON_TRACK: "yellow",
    Status.BEHIND: "red",
    Status.OVERDUE: "red",
    Status.STALE: "grey",
    Status.PLANNED: "grey",
}

VERIFICATION_LABELS = {
    Verification.SELF_DECLARED: _l("Self-declared"),
    Verification.EVIDENCE: _l("Evidence attached"),
    Verification.VERIFIED: _l("Verified by the network office"),
}
VERIFICATION_ICONS = {Verification.SELF_DECLARED: "✎", Verification.EVIDENCE: "❏", Verification.VERIFIED: "★"}

STATUS_EXPLANATIONS = {
    Status.DONE: _l("The target is reached."),
    Status.ON_TRACK: _l("Reported, and at or near the straight line from the baseline to the target."),
    Status.BEHIND: _l("More than the tolerance under the straight line from the baseline to the target."),
    Status.OVERDUE: _l("The target year has passed and the target is not reached."),
    Status.STALE: _l("No report for twelve months."),
    Status.PLANNED: _l("No report yet."),
}


def csv_labels(locale: str) -> dict:
    """The words the CSV export writes for each code, in `locale` (passed to listing.csv_rows)."""
    return {
        "locale": locale,
        "category": CATEGORY_LABELS,
        "unit": UNIT_LABELS,
        "status": STATUS_LABELS,
        "verification": VERIFICATION_LABELS,
        "visibility": VISIBILITY_LABELS,
    }
