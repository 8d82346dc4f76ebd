"""The audit log as sentences in the reader's language: each action and its details told as
"Chen Min merged suggestion #4 into “Draft rules” (revision 7); declined change 2.", with links to
the people, consultations, pages, revisions and suggestions it names.

A sentence is Markup built from a translated pattern; every value put into it (titles, names,
reasons) is escaped on the way in. An action this module does not know yet gets no sentence, and
the log shows its raw name and details instead, so nothing recorded is ever hidden.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from markupsafe import Markup, escape

from govwiki.models import AuditEvent
from govwiki.services.audit import Subjects
from govwiki.services.timeline import redact
from govwiki.web import labels
from govwiki.web.comment_links import comment_url

SITE_ROLE = {"resident": _l("resident"), "official": _l("official"), "admin": _l("administrator")}
#: the consultation fields a `consultation_updated` event lists
FIELD = {
    "title": _l("the title"),
    "summary": _l("the summary"),
    "edit_policy": _l("what residents may do"),
    "visibility": _l("who can read it"),
    "closes_at": _l("the deadline"),
    "status": _l("the status"),
}


def sentences(events: list[AuditEvent], subjects: Subjects) -> dict[int, Markup]:
    """Event id → its sentence, for the events whose action has one."""
    told = {}
    for event in events:
        tell = _SENTENCES.get(event.action)
        if tell is not None:
            told[event.id] = tell(_Parts(event, subjects))
    return told


def _fill(pattern: str, **values) -> Markup:
    """The translated pattern (trusted) with the values escaped into it."""
    return Markup(pattern) % values


def _join(items: list) -> str:
    return _(", ").join(str(item) for item in items)


class _Parts:
    """The linked names one event's sentence is made of."""

    def __init__(self, event: AuditEvent, subjects: Subjects):
        self.event, self.subjects = event, subjects
        self.details = event.details if isinstance(event.details, dict) else {}

    def who(self) -> Markup:
        user = self.event.actor
        if user is None:
            return escape(_("Someone on the command line"))
        return self._person_link(user.username, user.display_name, user)

    def person(self) -> Markup:
        name = self.event.subject_id
        user = self.subjects.users.get(name)
        return self._person_link(name, user.display_name if user else name, user)

    def _person_link(self, username: str, shown: str, user=None) -> Markup:
        href = url_for("people.profile", name=username)
        link = _fill('<a class="user" href="%(href)s">%(name)s</a>', href=href, name=shown)
        if user is not None and user.suspended_at is not None:
            link += _fill(' <span class="suspended-mark">%(mark)s</span>', mark=_("(suspended)"))
        return link

    def consultation(self) -> Markup:
        found = self.subjects.consultations.get(self.event.consultation_id)
        if found is None:
            return escape(self.details.get("title") or self.event.subject_id)
        return _fill(
            '<a href="%(href)s">%(title)s</a>',
            href=url_for("consultations.show", slug=found.slug),
            title=found.title,
        )

    def page(self) -> Markup:
        slug = self.event.subject_id if self.event.subject_type == "page" else self.details.get("page")
        found = self.subjects.pages.get(slug)
        if found is None:
            return escape(str(slug or ""))
        return _fill(
            '<a href="%(href)s">%(title)s</a>', href=url_for("pages.show", slug=found.slug), title=found.title
        )

    def proposal(self) -> Markup:
        number = (
            self.event.subject_id if self.event.subject_type == "proposal" else self.details.get("proposal")
        )
        if not str(number).isdigit():
            return escape(str(number))
        return _fill(
            '<a href="%(href)s">#%(id)s</a>',
            href=url_for("proposals.show", proposal_id=int(number)),
            id=number,
        )

    def comment(self) -> Markup:
        """“comment #12 on “Market rules”” linking to the comment on its page."""
        page = self.subjects.pages.get(self.details.get("page"))
        number = self.event.subject_id
        if page is None:
            return escape(_("comment #%(id)s", id=number))
        return _fill(
            _('<a href="%(href)s">comment #%(id)s</a> on “%(page)s”'),
            href=comment_url(int(number)) if str(number).isdigit() else url_for("pages.show", slug=page.slug),
            id=number,
            page=page.title,
        )

    def revision(self, key: str = "revision") -> Markup:
        number = self.details.get(key)
        page = self.subjects.pages.get(self.event.subject_id)
        if not isinstance(number, int):
            return escape(_("an unknown revision"))
        text = _("revision %(number)d", number=number)
        if page is None:
            return escape(text)
        return _fill(
            '<a href="%(href)s">%(text)s</a>',
            text=text,
            href=url_for("pages.revision", slug=page.slug, number=number),
        )


def _created(p: _Parts) -> Markup:
    return _fill(
        _("%(who)s created the consultation “%(consultation)s”."), who=p.who(), consultation=p.consultation()
    )


def _updated(p: _Parts) -> Markup:
    fields = p.details.get("fields") if isinstance(p.details.get("fields"), list) else []
    return _fill(
        _("%(who)s changed %(fields)s of “%(consultation)s”."),
        who=p.who(),
        consultation=p.consultation(),
        fields=_join([FIELD.get(f, f) for f in fields]) or _("the details"),
    )


def _status(p: _Parts) -> Markup:
    old, new = p.details.get("from"), p.details.get("to")
    return _fill(
        _("%(who)s changed the status of “%(consultation)s” from %(old)s to %(new)s."),
        who=p.who(),
        consultation=p.consultation(),
        old=labels.STATUS.get(old, old),
        new=labels.STATUS.get(new, new),
    )


def _member(p: _Parts) -> Markup:
    if p.details.get("role") == "expert":
        pattern = _("%(who)s made %(person)s an invited expert on “%(consultation)s”.")
    else:
        pattern = _("%(who)s made %(person)s an official of “%(consultation)s”.")
    return _fill(pattern, who=p.who(), person=p.person(), consultation=p.consultation())


def _role(p: _Parts) -> Markup:
    old, new = p.details.get("from"), p.details.get("to")
    return _fill(
        _("%(who)s changed the site role of %(person)s from %(old)s to %(new)s."),
        who=p.who(),
        person=p.person(),
        old=SITE_ROLE.get(old, old),
        new=SITE_ROLE.get(new, new),
    )


def _withdrawn(p: _Parts) -> Markup:
    return _fill(
        _("%(who)s withdrew suggestion %(proposal)s on “%(page)s”."),
        who=p.who(),
        proposal=p.proposal(),
        page=p.page(),
    )


def _rejected(p: _Parts) -> Markup:
    return _fill(
        _("%(who)s rejected suggestion %(proposal)s on “%(page)s”. Reason: %(reason)s"),
        who=p.who(),
        proposal=p.proposal(),
        page=p.page(),
        reason=redact(str(p.details.get("reason") or "")),
    )


def _merged(p: _Parts) -> Markup:
    if p.event.action == "proposal_partly_merged":
        pattern = _("%(who)s merged part of suggestion %(proposal)s into “%(page)s” (%(revision)s)")
    else:
        pattern = _("%(who)s merged suggestion %(proposal)s into “%(page)s” (%(revision)s)")
    text = _fill(pattern, who=p.who(), proposal=p.proposal(), page=p.page(), revision=p.revision())
    declined = [i for i in p.details.get("declined") or [] if isinstance(i, int)]
    if declined:
        text += escape(
            ngettext(
                "; declined change %(changes)s",
                "; declined changes %(changes)s",
                len(declined),
                changes=_join([i + 1 for i in declined]),
            )
        )
    if p.details.get("resolved_by_hand"):
        text += escape(_("; the conflicting passages were resolved by hand"))
    if p.details.get("unchanged"):
        text += escape(_("; the page already had this text"))
    return text + escape(_("."))


def _reverted(p: _Parts) -> Markup:
    return _fill(
        _("%(who)s reverted “%(page)s” to %(target)s, as %(revision)s."),
        who=p.who(),
        page=p.page(),
        target=p.revision("to_revision"),
        revision=p.revision(),
    )


def _hidden(p: _Parts) -> Markup:
    return _fill(
        _("%(who)s hid %(comment)s. Public reason: %(reason)s"),
        who=p.who(),
        comment=p.comment(),
        reason=redact(str(p.details.get("reason") or "")),
    )


def _unhidden(p: _Parts) -> Markup:
    return _fill(_("%(who)s showed %(comment)s again."), who=p.who(), comment=p.comment())


def _dismissed(p: _Parts) -> Markup:
    count = p.details.get("flags") if isinstance(p.details.get("flags"), int) else 0
    # ngettext fills every value itself; each is Markup already (escaped) or a number
    return Markup(
        ngettext(
            "%(who)s dismissed %(num)d report on %(comment)s.",
            "%(who)s dismissed %(num)d reports on %(comment)s.",
            count,
            who=p.who(),
            comment=p.comment(),
        )
    )


def _suspended(p: _Parts) -> Markup:
    return _fill(
        _("%(who)s suspended the account of %(person)s. Reason: %(reason)s"),
        who=p.who(),
        person=p.person(),
        reason=redact(str(p.details.get("reason") or "")),
    )


def _unsuspended(p: _Parts) -> Markup:
    reason = redact(str(p.details.get("reason") or ""))
    if not reason:
        return _fill(_("%(who)s lifted the suspension of %(person)s."), who=p.who(), person=p.person())
    return _fill(
        _("%(who)s lifted the suspension of %(person)s. Reason: %(reason)s"),
        who=p.who(),
        person=p.person(),
        reason=reason,
    )


_SENTENCES = {
    "consultation_created": _created,
    "consultation_updated": _updated,
    "status_changed": _status,
    "member_added": _member,
    "role_changed": _role,
    "proposal_withdrawn": _withdrawn,
    "proposal_rejected": _rejected,
    "proposal_merged": _merged,
    "proposal_partly_merged": _merged,
    "revision_reverted": _reverted,
    "comment_hidden": _hidden,
    "comment_unhidden": _unhidden,
    "comment_flags_dismissed": _dismissed,
    "user_suspended": _suspended,
    "user_unsuspended": _unsuspended,
}
