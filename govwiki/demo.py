"""The demo consultation: a city opening its street-vending and convenience-market rules for
comment, in English and Chinese, with revisions by several people. Loading it twice is a no-op."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from govwiki.models import Consultation, User
from govwiki.services.access import load_page
from govwiki.services import (
    accounts,
    answers,
    clock,
    comments,
    consultations,
    notifications,
    pages,
    proposals,
)

DEMO_PASSWORD = "demo-password"
SLUG = "street-vending-rules-2027"

PEOPLE = [
    # username, display name, role, affiliation
    ("admin", "Site administrator", "admin", "GovWiki"),
    ("chen-min", "陈敏 Chen Min", "official", "City Market Supervision Bureau"),
    ("wang-fang", "王芳 Wang Fang", "resident", "Riverside District resident"),
    ("sam-okafor", "Sam Okafor", "resident", "Night-market vendor"),
    ("liu-yang", "刘洋 Prof. Liu Yang", "resident", "Urban planning, City University"),
]

RULES_V1 = """# Street Vending and Convenience Markets Rules (draft) · 街头摊贩与便民菜站管理规定（征求意见稿）

## 1. Purpose · 目的

These rules let residents buy fresh food close to home while keeping pavements safe and clean.

为方便居民就近购买新鲜蔬菜，同时保障人行道安全整洁，制定本规定。

## 2. Designated vending zones · 划定经营区域

1. The district government designates vending zones after a public notice of 30 days.
2. Vending outside a designated zone is not permitted.

区政府在公示30日后划定便民摊点区域。

## 3. Hours · 经营时间

| Zone type | Hours |
| --- | --- |
| Morning vegetable market · 早市菜站 | 05:30–09:00 |
| Night market · 夜市 | 18:00–23:00 |

## 4. Permits · 经营许可

A vendor applies for a free permit valid for one year. The permit must be displayed at the stall.[^1]

[^1]: Permits can be applied for online or at the district service centre.
"""

RULES_V2_RESIDENT = RULES_V1.replace(
    "| Night market · 夜市 | 18:00–23:00 |",
    "| Night market · 夜市 | 18:00–23:30 on Fridays and Saturdays, otherwise 18:00–23:00 |",
)

RULES_V3_EXPERT = RULES_V2_RESIDENT.replace(
    "区政府在公示30日后划定便民摊点区域。",
    "区政府在公示30日并听取周边居民和商户意见后划定便民摊点区域，优先考虑社区便民菜站。",
)

RULES_V4_OFFICIAL = RULES_V3_EXPERT.replace(
    "2. Vending outside a designated zone is not permitted.",
    "2. Vending outside a designated zone is not permitted.\n"
    "3. Each zone keeps a walkway of at least 1.5 metres clear for pedestrians and wheelchairs.",
)

BACKGROUND = """# Background · 背景说明

The city has about 2,400 street vendors. A 2026 survey of 3,100 residents found that 71 % buy
vegetables from a stall at least once a week, and that blocked pavements are the most common
complaint.

全市约有2400名流动摊贩。2026年对3100名居民的调查显示，71%的居民每周至少在摊点购买一次蔬菜；
人行道被占用是最常见的投诉。

## What we ask you · 征求意见的问题

- Are the proposed hours right for your neighbourhood?
- 您所在社区是否需要设立便民菜站？
"""


def load_demo(session: Session) -> bool:
    """Create the demo people and consultation unless they exist; return True if created."""
    if session.scalar(select(Consultation.id).where(Consultation.slug == SLUG)):
        return False
    people = {name: _person(session, name, display, role, org) for name, display, role, org in PEOPLE}
    official = people["chen-min"]
    consultation = consultations.create_consultation(
        session,
        official,
        slug=SLUG,
        edit_policy="edit",
        title="Street Vending and Convenience Markets Rules 2027 · 街头摊贩与便民菜站管理规定",
        summary="The Market Supervision Bureau invites everyone to improve the draft rules on "
        "street vending and community vegetable markets. 欢迎对本草案提出修改意见。",
        closes_at=clock.now() + timedelta(days=30),
    )
    consultations.add_member(session, official, consultation, people["liu-yang"], "expert")
    consultations.update_consultation(session, official, consultation, {"status": "open"})
    _write_rules(session, people, consultation)
    pages.create_page(
        session,
        official,
        consultation,
        title="Background · 背景说明",
        slug="background",
        body=BACKGROUND,
        summary="Survey results and questions",
    )
    _suggest_changes(session, people, consultation)
    _discuss(session, people)
    return True


def _person(session: Session, name: str, display: str, role: str, org: str) -> User:
    existing = session.scalar(select(User).where(User.username == name))
    if existing is not None:
        return existing
    return accounts.register_user(
        session,
        name,
        f"{name}@demo.govwiki.invalid",
        DEMO_PASSWORD,
        display_name=display,
        role=role,
        affiliation=org,
    )


def _write_rules(session: Session, people: dict, consultation: Consultation) -> None:
    page = pages.create_page(
        session,
        people["chen-min"],
        consultation,
        slug="draft-rules",
        body=RULES_V1,
        title="Draft rules · 管理规定草案",
        summary="First draft for consultation",
    )
    edits = [
        ("sam-okafor", RULES_V2_RESIDENT, "Later closing at weekends, when most customers come"),
        ("liu-yang", RULES_V3_EXPERT, "听取周边居民意见；优先社区便民菜站"),
        ("chen-min", RULES_V4_OFFICIAL, "Keep a clear walkway (comments from residents)"),
    ]
    for number, (name, body, summary) in enumerate(edits, start=1):
        pages.save_page(session, people[name], page, body=body, summary=summary, base_revision=number)


MARKET_RULES = """# Community vegetable markets · 社区便民菜站

1. Each residential community may host one covered vegetable market.
2. Stalls are allocated by lottery every six months.
3. Market fees may not exceed 50 yuan a month.

每个社区可设立一处有顶棚的便民菜站，摊位每六个月抽签分配一次。
"""


def _suggest_changes(session: Session, people: dict, consultation: Consultation) -> None:
    """A second consultation that takes suggestions: one merged, one rejected, one still open."""
    official = people["chen-min"]
    markets = consultations.create_consultation(
        session,
        official,
        slug="community-markets-2027",
        edit_policy="suggest",
        title="Community Vegetable Markets · 社区便民菜站",
        summary="Suggest changes to the rules for covered community markets. 欢迎提出修改建议。",
        closes_at=clock.now() + timedelta(days=21),
    )
    consultations.update_consultation(session, official, markets, {"status": "open"})
    page = pages.create_page(
        session,
        official,
        markets,
        title="Market rules · 菜站规则",
        slug="market-rules",
        body=MARKET_RULES,
        summary="First draft",
    )
    notifications.watch(session, people["wang-fang"], consultation=markets)
    lottery = proposals.submit_proposal(
        session,
        people["wang-fang"],
        page,
        base_revision=1,
        body=MARKET_RULES.replace(
            "every six months", "every twelve months, with priority for local farmers"
        ).replace("每六个月抽签分配一次", "每十二个月抽签分配一次，本地农户优先"),
        summary="Six months is too short for vendors to build up customers.",
    )
    proposals.merge_proposal(session, official, lottery)
    fees = proposals.submit_proposal(
        session,
        people["sam-okafor"],
        page,
        base_revision=1,
        body=MARKET_RULES.replace("50 yuan", "20 yuan"),
        summary="Fees should be lower for small vendors.",
    )
    proposals.reject_proposal(
        session,
        official,
        fees,
        reason="The fee cap covers cleaning and electricity; a lower cap would close markets. "
        "Hardship waivers are in section 4 of the background page.",
    )
    proposals.submit_proposal(
        session,
        people["liu-yang"],
        page,
        base_revision=2,
        body=pages.head_revision(session, page).body.replace(
            "one covered vegetable market", "one covered vegetable market within 500 metres of most homes"
        ),
        summary="社区便民菜站应在居民步行范围内。",
    )


def _discuss(session: Session, people: dict) -> None:
    """Threads on the draft: quoted passages, a reply, an official answer, support, and a comment
    whose passage was corrected afterwards (shown as outdated)."""
    rules, background = (load_page(session, None, slug) for slug in ("draft-rules", "background"))
    notice = comments.post_comment(
        session, people["wang-fang"], rules,
        body="30日公示期太短，很多老人看不到通知。建议延长到45日，并在社区公告栏张贴。",
        target=comments.Target(quote="公示30日"),
    )  # fmt: skip
    answers.answer_comment(
        session, people["chen-min"], notice,
        body="感谢建议。第二稿将把公示期延长到45日，并同时在社区公告栏张贴通知。",
    )  # fmt: skip
    walkway = comments.post_comment(
        session, people["sam-okafor"], rules,
        body="1.5 metres works on most streets, but **Lane 12** is only 4 metres wide. "
        "Could narrow lanes get an exception?",
        target=comments.Target(quote="at least 1.5 metres"),
    )  # fmt: skip
    comments.post_comment(
        session, people["liu-yang"], rules, parent_id=walkway.id,
        body="Rather than an exception, stalls in narrow lanes could alternate sides of the street.",
    )  # fmt: skip
    comments.support_comment(session, people["wang-fang"], walkway)
    comments.post_comment(
        session, people["sam-okafor"], background, body="Where can we read the full survey?",
        target=comments.Target(quote="3,100 residents"),
    )  # fmt: skip
    pages.save_page(
        session, people["chen-min"], background, base_revision=1, summary="Corrected survey size",
        body=BACKGROUND.replace("3,100 residents", "3,150 residents").replace("3100名", "3150名"),
    )  # fmt: skip
