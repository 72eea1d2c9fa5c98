"""Names researchers read on their pages, in the interface language: quality flags, invitation states, pages."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from surveyapp.questionnaire.model import QuestionnaireVersion

FLAG_LABELS = {
    "speeding": _l("answered too fast (under the minimum time)"),
    "straightlining": _l("same answer on every row of a grid (straightlining)"),
}
INVITATION_LABELS = {
    "sent": _l("sent, not opened"),
    "started": _l("started"),
    "declined": _l("declined"),
    "submitted": _l("submitted"),
    "expired": _l("not used, closed after the sample was cleared"),
    "revoked": _l("revoked before use"),
}


def language() -> str:
    return str(get_locale())


def flag_label(flag: str) -> str:
    label = FLAG_LABELS.get(flag)
    return str(label) if label is not None else flag


def invitation_label(status: str) -> str:
    label = INVITATION_LABELS.get(status)
    return str(label) if label is not None else status


def page_title(domain: QuestionnaireVersion, code: str | None) -> str:
    """A page's (section's) title in the interface language; the code when the version has no such page."""
    if not code:
        return "—"
    try:
        return domain.section(code).title.get(language()) or code
    except KeyError:
        return code
