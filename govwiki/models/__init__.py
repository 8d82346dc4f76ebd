"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from govwiki.models.base import Base, utcnow
from govwiki.models.comments import Comment, CommentFlag, CommentSupport, CommentVersion, InboxRead
from govwiki.models.consultations import Consultation, Membership
from govwiki.models.invitations import Invitation
from govwiki.models.mail import OutgoingMail
from govwiki.models.mail_choices import DigestItem, MailPreference
from govwiki.models.notifications import Notification, Watch, WatchOptOut
from govwiki.models.pages import Page, PageContributor, Revision
from govwiki.models.proposals import Proposal
from govwiki.models.records import AuditEvent, AuditHead, Snapshot
from govwiki.models.search import SearchChange
from govwiki.models.sessions import RememberedDevice, UserSession
from govwiki.models.users import ApiToken, EmailVerification, PasswordReset, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Comment",
    "CommentFlag",
    "CommentSupport",
    "CommentVersion",
    "Consultation",
    "DigestItem",
    "EmailVerification",
    "InboxRead",
    "Invitation",
    "MailPreference",
    "Membership",
    "Notification",
    "OutgoingMail",
    "Page",
    "PasswordReset",
    "PageContributor",
    "Proposal",
    "RememberedDevice",
    "Revision",
    "SearchChange",
    "Snapshot",
    "User",
    "UserSession",
    "Watch",
    "WatchOptOut",
    "utcnow",
]
