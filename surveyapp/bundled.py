"""Where the migrations and questionnaires are: inside the installed package, or in the checkout.

A wheel carries them in ``surveyapp/_bundled/`` (see setup.py); a checkout or an editable install has them at
the top of the repository. No Flask here: the questionnaire CLI uses this too.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (``migrations`` or ``questionnaires``) that belongs to this copy of the code."""
    bundled = PACKAGE / "_bundled" / name
    if bundled.is_dir():
        return bundled
    # Only a real checkout counts: site-packages may hold some other project's top-level "migrations".
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / name).is_dir():
        return CHECKOUT / name
    raise FileNotFoundError(
        f"the {name}/ folder is missing: reinstall surveyapp from a wheel or sdist built with setup.py, "
        "or run from a checkout of the repository"
    )
