"""Default emission factors, kg CO2e per person-km, for the seeded network.

These are round approximations of the order of Swedish published factors (well-to-wheel, per passenger), marked
`approximate` and shown so on every results page: the coordinator replaces them with the figures of the current
publication (Naturvårdsverket's and Trafikverket's tables) on the factors page, and each change is audited."""

from __future__ import annotations

APPROXIMATE_SOURCE = "Approximation för demon, i storleksordningen för svenska publicerade faktorer"

# mode, kg CO2e per person-km, what it assumes
DEFAULT_FACTORS = (
    ("walk", 0.0, "inga utsläpp i användning"),
    ("bike", 0.0, "inga utsläpp i användning"),
    ("ebike", 0.005, "svensk elmix"),
    ("bus", 0.03, "regional busstrafik med förnybara drivmedel"),
    ("rail", 0.002, "eldrivet tåg, tunnelbana och spårväg"),
    ("car", 0.12, "genomsnittlig personbil, en person i bilen"),
    ("carpool", 0.06, "personbil delad av två"),
    ("moped", 0.07, "moped och motorcykel"),
    ("air", 0.25, "inrikesflyg, med höghöjdseffekt"),
)
DEFAULT_YEAR = 2024
