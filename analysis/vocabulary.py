"""The platform's fixed vocabularies: interface languages and respondent populations.

One list for the library and the app (the app imports these; analysis/ never imports the app), so a new
language or population is added in one place and every command, validator and report sees it.
"""

from __future__ import annotations

from typing import Final

# English is the third language: researchers' summaries and reports, never required of a questionnaire.
LANGUAGES: Final = ("kk", "ru", "en")
REQUIRED_LANGUAGES: Final = ("kk", "ru")

POPULATIONS: Final = ("adults", "pupils", "parents", "police_employees", "service_users")

# How a response was collected (the response's ``mode``): self-completed on the web pages, or by an interviewer
# with ODK Collect (OpenRosa). An indicator definition may restrict itself to one of them (``mode:``).
MODES: Final = ("web", "interviewer")
