"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""
from govwiki.models.base import Base, utcnow
from govwiki.models.consultations import Consultation, Membership
from govwiki.models.pages import Page, PageContributor, Revision
from govwiki.models.users import ApiToken, User

__all__ = [
    "ApiToken", "Base", "Consultation", "Membership", "Page", "PageContributor", "Revision",
    "User", "utcnow",
]
