"""Imports every model so that Alembic and the tests see the whole schema."""

from coaction.activities.models import Activity, ActivityDocument, Participant, Registration
from coaction.api.models import ApiToken
from coaction.audit.models import AuditEvent
from coaction.auth.models import User, UserToken
from coaction.commitments.models import (
    Commitment,
    CommitmentLocation,
    CommitmentTemplate,
    FocusArea,
    Milestone,
    ProgressReport,
    ReportReminder,
)
from coaction.core.models import Setting
from coaction.goals.models import Indicator, IndicatorValue, PlanGoal
from coaction.groups.models import (
    AgendaItem,
    Decision,
    DecisionNote,
    GroupMember,
    Meeting,
    MeetingDocument,
    WorkingGroup,
)
from coaction.invitations.models import Invitation, InvitationBatch
from coaction.mail.models import OutgoingMail
from coaction.members.models import MembershipApplication, MembershipEvent, Organisation
from coaction.network.models import (
    DismissedSuggestion,
    Introduction,
    NetworkEdge,
    NetworkNode,
    NetworkSnapshot,
    NetworkState,
)
from coaction.priorities.models import InfrastructurePriority, PriorityStatusChange, PrioritySupport
from coaction.regions.models import Municipality, MunicipalityFigure
from coaction.reports.models import AnnualReport
from coaction.ties.models import Tie
from coaction.travel.models import (
    EmissionFactor,
    PlanMeasure,
    PlanTarget,
    SurveyFeed,
    SurveyImport,
    SurveyResponse,
    TravelPlan,
    TravelSurvey,
)

__all__ = [
    "Activity",
    "AnnualReport",
    "ActivityDocument",
    "Participant",
    "Registration",
    "AgendaItem",
    "ApiToken",
    "AuditEvent",
    "Decision",
    "DecisionNote",
    "GroupMember",
    "Meeting",
    "MeetingDocument",
    "WorkingGroup",
    "Commitment",
    "CommitmentLocation",
    "CommitmentTemplate",
    "EmissionFactor",
    "FocusArea",
    "Indicator",
    "IndicatorValue",
    "Milestone",
    "PlanGoal",
    "ProgressReport",
    "ReportReminder",
    "Invitation",
    "InvitationBatch",
    "MembershipApplication",
    "MembershipEvent",
    "DismissedSuggestion",
    "Introduction",
    "NetworkEdge",
    "NetworkNode",
    "NetworkSnapshot",
    "NetworkState",
    "InfrastructurePriority",
    "PriorityStatusChange",
    "PrioritySupport",
    "Municipality",
    "MunicipalityFigure",
    "Organisation",
    "PlanMeasure",
    "PlanTarget",
    "OutgoingMail",
    "Setting",
    "SurveyFeed",
    "Tie",
    "SurveyImport",
    "SurveyResponse",
    "TravelPlan",
    "TravelSurvey",
    "User",
    "UserToken",
]
