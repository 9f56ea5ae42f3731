"""The 2021 annual report, published, with texts drawn from the hand-written annual report 2021 (seed 002): the
platform compiles the figures, the coordinator adds the words. Idempotent: an existing 2021 report is left alone."""

from __future__ import annotations

from coaction.auth.services import user_by_email
from coaction.commitments.listing import local_today
from coaction.reports.services import publish, report_for_editing, report_of, save_texts

YEAR = 2021
TEXTS = {
    "introduction": (
        "Vid årets slut var antalet invånare på Södertörn 513 445 personer, en ökning med 5 893 under året.\n\n"
        "Samarbetskommittén beslutade på sin planeringskonferens i januari vilka infrastruktursatsningar "
        "Södertörnskommunerna ska prioritera och gemensamt driva. Året har präglats av pandemin: de flesta möten "
        "har hållits digitalt."
    ),
    "priorities": (
        "Prioriteringarna har presenterats vid möten med Region Stockholm, Trafikverket och Trafikförvaltningen "
        "samt vid Trafikverkets dialogmöte om nationell plan den 3 juni. Södertörnskommunerna har lämnat ett "
        "gemensamt yttrande över förslagen till länsplan och nationell plan."
    ),
    "fees": (
        "Kommunernas avgift är 4 kronor per invånare den 31 december året innan. Under 2021 gav den 2 030 208 "
        "kronor. Årets sammanställning visar ett underskott på 46 999 kronor."
    ),
}
COORDINATOR = "samordnare@coaction.example"


def load_report_demo() -> None:
    if report_of(YEAR) is not None:
        return
    coordinator = user_by_email(COORDINATOR)
    report = report_for_editing(YEAR)
    save_texts(report, TEXTS, actor=coordinator, ip=None)
    publish(report, local_today(), actor=coordinator, ip=None)
