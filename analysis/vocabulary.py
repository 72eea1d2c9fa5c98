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

# The populations' names as reports and pages print them; the code stays the key everywhere else.
POPULATION_NAMES: Final[dict[str, dict[str, str]]] = {
    "adults": {"kk": "18 жастан асқан тұрғындар", "ru": "население 18 лет и старше", "en": "adults 18+"},
    "pupils": {"kk": "12–17 жастағы оқушылар", "ru": "школьники 12–17 лет", "en": "pupils aged 12–17"},
    "parents": {"kk": "ата-аналар", "ru": "родители", "en": "parents"},
    "police_employees": {"kk": "полиция қызметкерлері", "ru": "сотрудники полиции", "en": "police employees"},
    "service_users": {
        "kk": "қызмет алушылар",
        "ru": "получатели услуг",
        "en": "service users",
    },
}
