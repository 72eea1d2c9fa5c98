"""Database models; one module per area."""

from surveyapp.models.api_token import ApiToken, TokenScope
from surveyapp.models.audit import AuditEvent
from surveyapp.models.draft import QuestionnaireDraft
from surveyapp.models.indicator import AdminFigure, ComputationRun, IndicatorResult, MarginSet, RunWeight
from surveyapp.models.invitation import Invitation, InvitationStatus
from surveyapp.models.job import Job, JobStatus, ReportFile
from surveyapp.models.questionnaire import Instrument, StoredVersion
from surveyapp.models.quota import RegionQuota
from surveyapp.models.response import ResponseStatus, SurveyResponse
from surveyapp.models.user import InterviewerAssignment, LoginThrottle, Role, User

__all__ = [
    "AdminFigure",
    "ApiToken",
    "AuditEvent",
    "ComputationRun",
    "IndicatorResult",
    "Instrument",
    "InterviewerAssignment",
    "Invitation",
    "InvitationStatus",
    "Job",
    "JobStatus",
    "LoginThrottle",
    "MarginSet",
    "QuestionnaireDraft",
    "RegionQuota",
    "ReportFile",
    "ResponseStatus",
    "Role",
    "RunWeight",
    "StoredVersion",
    "SurveyResponse",
    "TokenScope",
    "User",
]
