"""The printed documents of a mediation: the 人民调解协议书 and the 人民调解受理登记表, as A4 PDF.

Django templates under templates/cases/documents/ rendered by WeasyPrint with the system's Noto CJK
fonts. They carry the parties' full ID numbers and phones (they are legal documents for the parties),
so callers show them only to those who handle the case, and log the view (`services.parties_in_full`).
Nothing is fetched while rendering: the documents print the same on an intranet without internet.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML, URLFetcher

from gridcase.cases.models import Case, Level


def agreement_pdf(*, case: Case, parties: list[dict]) -> bytes:
    """The 人民调解协议书 of a settled case (it must have an `Agreement`).

    `parties` as `services.parties_in_full` returns them: that checks who asks and logs the view.
    """
    agreement = case.agreement
    return _pdf("cases/documents/agreement.html", case=case, parties=parties, agreement=agreement,
                terms=_paragraphs(agreement.terms), committee=committee_name(case=case), dated=agreement.signed_on)


def acceptance_form_pdf(*, case: Case, parties: list[dict]) -> bytes:
    """The 人民调解受理登记表 of an accepted case, as the level that accepted it last (after an
    escalation the town accepts again); `parties` as for `agreement_pdf`."""
    accepted = case.events.filter(kind="case.accepted").latest("at", "id")
    return _pdf("cases/documents/acceptance.html", case=case, parties=parties, accepted=accepted,
                committee=committee_name(case=case, level=accepted.level), dated=timezone.localdate(accepted.at))


def committee_name(*, case: Case, level: str | None = None) -> str:
    """The 人民调解委员会 of the level handling the case: its village's, its town's or its county's."""
    village = case.grid.parent
    area = {Level.VILLAGE: village, Level.TOWN: village.parent}.get(level or case.level) or village.parent.parent
    return f"{area.name}人民调解委员会"


def _paragraphs(text: str) -> list[str]:
    """One paragraph per line typed, so that each gets the official first-line indent."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _pdf(template: str, *, case: Case, parties: list[dict], **context) -> bytes:
    html = render_to_string(template, {"case": case, "parties": parties,
                                       "narrative": _paragraphs(case.narrative or case.title), **context})
    # data: URIs at most: no http(s), no files (the templates need none; this keeps it so).
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
