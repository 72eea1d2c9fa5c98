"""The researcher's and admin's pages that change things (drafts, accounts), calling the CLI's services."""

from surveyapp.workbench import accounts as _accounts  # noqa: F401  # adds the account pages to the blueprint
from surveyapp.workbench import fieldwork as _fieldwork  # noqa: F401  # adds closing and reopening fieldwork
from surveyapp.workbench import inputs as _inputs  # noqa: F401  # adds the margins and figures uploads
from surveyapp.workbench import invitations as _invitations  # noqa: F401  # adds the sample upload
from surveyapp.workbench.drafts import bp

__all__ = ["bp"]
