"""The certificate of completion of a training programme as an A4 PDF (WeasyPrint, local
fonts and CSS): the person, the programme, the sessions they attended and their hours,
the organiser (the SCAL network and its animator), and the date and place of issue.

Who may download it, and only once the person has completed the programme, is the view's
question (network.permissions.can_download_certificate)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cal_portal.text import polish_slug
from network.models import TrainingEnrolment
from network.selectors import current_animator, training_sessions_attended


def _context(enrolment: TrainingEnrolment) -> dict[str, Any]:
    """``enrolment`` as read by ``training_enrolment_get``, with its hours annotated."""
    programme = enrolment.programme
    sessions = training_sessions_attended(enrolment=enrolment)
    animator = current_animator()
    network = _("The Network of Local Activity Centres (SCAL)")
    return {
        "enrolment": enrolment,
        "programme": programme,
        "topic": programme.get_topic_display(),
        "sessions": sessions,
        # Annotated by the selector that read the enrolment (network.selectors).
        "attended_hours": enrolment.attended_hours,  # type: ignore[attr-defined]
        "total_hours": enrolment.total_hours,  # type: ignore[attr-defined]
        "organiser": f"{network}, {animator.name}" if animator is not None else network,
        "place": (animator.city if animator is not None and animator.city else enrolment.centre.city),
        "issued_on": timezone.localdate(),
    }


def certificate_html(enrolment: TrainingEnrolment) -> str:
    return render_to_string("network/training/certificate_pdf.html", _context(enrolment))


def certificate_pdf(enrolment: TrainingEnrolment) -> bytes:
    from weasyprint import HTML  # imported here: a heavy module only the exports need

    pdf: bytes = HTML(string=certificate_html(enrolment)).write_pdf()
    return pdf


def _slug(text: str, length: int) -> str:
    return polish_slug(text)[:length].strip("-")


def file_name(enrolment: TrainingEnrolment) -> str:
    return f"zaswiadczenie-{_slug(enrolment.programme.title, 60)}-{_slug(enrolment.person_name, 40)}"
