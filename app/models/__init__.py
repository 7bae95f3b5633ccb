"""SQLAlchemy models; importing this package registers every table on ``Base``."""

from app.db import Base
from app.models.accountability import ResponsibilityFinding
from app.models.attachments import Attachment
from app.models.audit import AuditEntry, Incident
from app.models.conflicts import InstanceExclusion, TaskExclusion
from app.models.definition_files import DefinitionFile
from app.models.drafts import Draft, DraftFile
from app.models.idempotency import IdempotencyKey
from app.models.links import InstanceLink
from app.models.notifications import Notification
from app.models.people import Group, User, user_groups
from app.models.processes import ProcessDefinition, ProcessInstance
from app.models.reports import ComplaintBatch, ComplaintFact, ComplaintMonthRollup, SalesVolume
from app.models.simulations import SimulationRun
from app.models.tasks import InstanceGroup, TaskCandidateGroup, TaskRecord
from app.models.timers import SchedulerHeartbeat, TimerRecord

__all__ = [
    "Attachment",
    "AuditEntry",
    "Base",
    "ComplaintBatch",
    "ComplaintFact",
    "ComplaintMonthRollup",
    "DefinitionFile",
    "Draft",
    "DraftFile",
    "Group",
    "IdempotencyKey",
    "Incident",
    "InstanceExclusion",
    "InstanceGroup",
    "InstanceLink",
    "Notification",
    "ProcessDefinition",
    "ProcessInstance",
    "ResponsibilityFinding",
    "SalesVolume",
    "SchedulerHeartbeat",
    "SimulationRun",
    "TaskCandidateGroup",
    "TaskExclusion",
    "TaskRecord",
    "TimerRecord",
    "User",
    "user_groups",
]
