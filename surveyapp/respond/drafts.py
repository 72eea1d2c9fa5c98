"""What the respondent typed on a page, kept on the server until the page is saved without a problem.

A page can come back before all of it is stored as answers: an error (a matrix answered in part, four boxes
ticked where three are allowed, "12,5x" in a number), a language switch or Back with such input. Everything
typed then comes back as typed. It is kept in the response's paradata (never in a cookie), page by page, so
the page can be shown after a redirect (Post/Redirect/Get: reload and Back never post the form again), and
it is dropped once the page saves cleanly and at submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveyapp.models import SurveyResponse
from surveyapp.questionnaire.model import Section

_KEY = "typed"


@dataclass(frozen=True)
class Draft:
    form: dict[str, list[str]]
    shown: frozenset[str]  # the items on the page when it was sent: only their fields are redrawn as typed
    checked: bool  # the rules were applied (Next, Send): the page comes back with its errors
    new_questions: bool  # an answer opened follow-up questions that were not yet seen

    def covers(self, code: str) -> bool:
        return code in self.shown


def _is_page_field(key: str, codes: set[str]) -> bool:
    # An item's fields are its code, or its code and a part (a matrix row "q.row", a location "q.lat"), as each
    # question type names them.
    return key.split(".", 1)[0] in codes


def keep(
    response: SurveyResponse,
    section: Section,
    form: Mapping[str, list[str]],
    shown: set[str],
    checked: bool,
    new_questions: bool,
) -> None:
    # Only the page's own fields: a tampered form cannot park anything else in the response.
    codes = {item.code for item in section.items} | ({section.code} if section.repeat is not None else set())
    entry = {
        "form": {key: list(values) for key, values in form.items() if _is_page_field(key, codes)},
        "shown": sorted(shown & {item.code for item in section.items}),
        "checked": checked,
        "new_questions": new_questions,
    }
    paradata = dict(response.paradata)
    paradata[_KEY] = dict(paradata.get(_KEY, {})) | {section.code: entry}
    response.paradata = paradata


def get(response: SurveyResponse, section_code: str) -> Draft | None:
    entry: Any = response.paradata.get(_KEY, {}).get(section_code)
    if not isinstance(entry, dict):
        return None
    return Draft(
        form={str(k): [str(v) for v in values] for k, values in entry.get("form", {}).items()},
        shown=frozenset(entry.get("shown", ())),
        checked=bool(entry.get("checked")),
        new_questions=bool(entry.get("new_questions")),
    )


def drop(response: SurveyResponse, section_code: str | None = None) -> None:
    """Forget the page's typed input (all pages' when no page is named)."""
    typed = response.paradata.get(_KEY)
    if not typed or (section_code is not None and section_code not in typed):
        return
    paradata = dict(response.paradata)
    if section_code is None:
        paradata.pop(_KEY)
    else:
        paradata[_KEY] = {code: entry for code, entry in typed.items() if code != section_code}
        if not paradata[_KEY]:
            paradata.pop(_KEY)
    response.paradata = paradata
