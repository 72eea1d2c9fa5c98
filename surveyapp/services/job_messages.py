"""What a background job says while it works: stored in English, shown in the reader's language.

A job runs outside any request, so it cannot know who will read its progress (two researchers with different
interface languages may watch one export). It stores the English sentence built from a template of this module;
a page turns a stored sentence back into its template and parameters and prints the template's translation. A
sentence that is no template's (a warning quoting the library's own text) is shown as it is.
"""

from __future__ import annotations

import re
from typing import Final

from flask_babel import gettext

EXPORT_START: Final = "exporting %(instrument)s %(year)s as %(format)s"
EXPORT_ROWS: Final = "%(done)s of %(total)s responses"
EXPORT_PACKING: Final = "packing the CSV and its codebook"
COMPUTE_START: Final = "computing %(programme)s %(year)s"
COMPUTE_STORED: Final = "run %(run)s: %(results)s results stored"
REPORT: Final = "report %(file)s"
COMPUTE_REPORT: Final = "run %(run)s: report %(file)s"
LOADED: Final = "%(population)s: %(n)s responses loaded"
COMPUTED: Final = "%(population)s: %(n)s survey indicators computed"

TEMPLATES: Final = (
    EXPORT_START,
    EXPORT_ROWS,
    EXPORT_PACKING,
    COMPUTE_START,
    COMPUTE_STORED,
    REPORT,
    COMPUTE_REPORT,
    LOADED,
    COMPUTED,
)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", template)
    # re.split keeps the names at odd positions: literal text, name, literal text, ...
    return re.compile(
        "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    )


_PATTERNS: Final = tuple((template, _pattern(template)) for template in TEMPLATES)


def say(template: str, **params: object) -> str:
    """The English sentence a job stores (and the API and the logs show)."""
    return template % params


def shown(message: str) -> str:
    """A stored sentence in the interface language of the request."""
    for template, pattern in _PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            # gettext formats with the parameters; a template without any is returned as translated.
            return gettext(template, **found.groupdict()) if found.groupdict() else gettext(template)
    return message
