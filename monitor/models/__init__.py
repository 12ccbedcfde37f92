"""Netra's data model. Every table is imported here so that SQLModel.metadata knows them all."""

from monitor.models._types import UTCDateTime, utcnow
from monitor.models.audit import AuditLog
from monitor.models.cases import Case, CasePost, CaseStatus, ReviewAction
from monitor.models.elections import Candidate, Election, ElectionLevel, Party
from monitor.models.evidence import ForwardedPack
from monitor.models.imports import ImportJob
from monitor.models.ops import CollectionRun, DigestDelivery
from monitor.models.posts import Post, PostKind, PostVersion, Score
from monitor.models.registry import Account, Agency, Asn, AsnStatus, CollectStatus, Verification
from monitor.models.sessions import LoginSession
from monitor.models.throttle import LoginFailure
from monitor.models.users import Role, User

__all__ = [
    "Account",
    "Agency",
    "Asn",
    "AsnStatus",
    "AuditLog",
    "Candidate",
    "Case",
    "CasePost",
    "CaseStatus",
    "CollectStatus",
    "CollectionRun",
    "DigestDelivery",
    "Election",
    "ElectionLevel",
    "ForwardedPack",
    "ImportJob",
    "LoginFailure",
    "LoginSession",
    "Party",
    "Post",
    "PostKind",
    "PostVersion",
    "ReviewAction",
    "Role",
    "Score",
    "UTCDateTime",
    "User",
    "Verification",
    "utcnow",
]
