"""Every model, imported here so Alembic and the app see one complete metadata."""

from workshop.models.access import AuthSession, Invite, InviteRole, Participant
from workshop.models.base import Base, utcnow
from workshop.models.board import (
    SESSION_BOARD_KINDS,
    Board,
    BoardChange,
    BoardItem,
    BoardItemLink,
    BoardKind,
    BoardSnapshot,
    SnapshotKind,
)
from workshop.models.ledger import LedgerLine  # the co-funding ledger (issue 16)
from workshop.models.library import (  # the practice library (issue 9c)
    CaseBoard,
    CaseHistory,
    Material,
    MaterialKind,
    MaterialLab,
    MaterialProject,
    MaterialTag,
)
from workshop.models.meetings import (  # verbale and its marks (issue 17)
    MarkKind,
    MeetingMark,
    PhaseSpan,
    Verbale,
    VerbaleComment,
    VerbaleStatus,
)
from workshop.models.monitoring import MonitoringTask  # the monitoring calendar (issue 17)
from workshop.models.needs import NeedsCall, NeedsSubmission  # needs register (issue 17)
from workshop.models.personal_links import LinkPurpose, PersonalLink  # issue 17
from workshop.models.privacy import AnonymousItem  # anonymity after the session (issue 14)
from workshop.models.project import Project, ProjectConductor, ProjectStatus
from workshop.models.registration import Registration, RegistrationDesk, RegistrationStatus
from workshop.models.reports import ReportLink, ReportState
from workshop.models.rooms import (  # rooms and the conductor (issue 7)
    Lab,
    LabMeeting,
    LabProject,
    LiveSession,
    Room,
    RoomMember,
    RoomSignal,
    RoomVisit,
    RoomVote,
)
from workshop.models.stakeholders import StakeholderPosition
from workshop.models.user import User, UserRole

__all__ = [
    "NeedsCall",
    "NeedsSubmission",
    "AnonymousItem",
    "AuthSession",
    "Base",
    "Board",
    "BoardChange",
    "BoardItem",
    "BoardItemLink",
    "BoardKind",
    "BoardSnapshot",
    "Invite",
    "LedgerLine",
    "InviteRole",
    "Participant",
    "Project",
    "ProjectConductor",
    "ProjectStatus",
    "ReportLink",
    "ReportState",
    "SESSION_BOARD_KINDS",
    "SnapshotKind",
    "StakeholderPosition",
    "User",
    "UserRole",
    "utcnow",
    # rooms and the conductor
    "Lab",
    "LabMeeting",
    "LabProject",
    "LinkPurpose",
    "MarkKind",
    "MeetingMark",
    "PhaseSpan",
    "Verbale",
    "VerbaleComment",
    "VerbaleStatus",
    "MonitoringTask",
    "PersonalLink",
    "LiveSession",
    "Room",
    "RoomMember",
    "RoomSignal",
    "RoomVisit",
    "RoomVote",
    # the practice library
    "CaseBoard",
    "CaseHistory",
    "Material",
    "MaterialKind",
    "MaterialLab",
    "MaterialProject",
    "MaterialTag",
    # registration for a lab
    "Registration",
    "RegistrationDesk",
    "RegistrationStatus",
]
