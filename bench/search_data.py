"""The search benchmark's site: pages and comments of mixed Chinese and English, ~2 KB each, with
terms planted so that every query knows how many documents it must find.

Rows are inserted in bulk as the services store them (a page with its head revision, sha256,
size, counts and packed blame, its contributor tally; comments on that head), in consultations
of 50 pages made through the services. Bulk statements bypass the ORM's flush, so nothing is
queued for the index: a rebuild reads everything.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

import common
from sqlalchemy import insert, update

from govwiki.core.blame import initial_blame, pack_blame
from govwiki.models import Comment, Page, PageContributor, Revision, utcnow

PAGES_PER_CONSULTATION = 50
DOC_BYTES = 1_900  #: UTF-8 bytes of each page and comment before planted terms (~2 KB with them)
INSERT_BATCH = 1_000

# Chinese words of municipal regulation (jieba knows them as words). None of them contains the
# characters of a planted term below, so a planted term is found only where it was planted.
CHINESE = (
    "居民 委员会 公告 期限 申请 许可证 规划 交通 停车 噪音 管理 街道 社区 菜市场 服务 政府 意见 征求 "
    "城市 建设 环境 保护 审查 决定 通知 办法 规定 条例 实施 监督 检查 处罚 罚款 登记 备案 期间 "
    "公众 参与 听证 会议 记录 报告 年度 提交 截止 日期 复议 委员 区域 建筑 高度 道路 车辆 违反 "
    "责任 豁免 过渡 营业 场所 经营者 依照 本条 应当 可以 不得 之日起 以内 书面 形式 公布"
).split()


@dataclass(frozen=True)
class Term:
    """A query and where it is planted: `pages` and `comments` documents carry `text`."""

    name: str
    query: str
    text: str
    pages: int
    comments: int


#: the queries of the latency table; a common term is planted in every page and comment
TERMS = (
    Term("rare English word", "quokka", "quokka", 4, 4),
    Term("common English word", "council", "council", 10**9, 10**9),
    Term("rare Chinese word", "垃圾分类", "垃圾分类", 3, 3),
    Term("common Chinese word", "居民", "居民", 10**9, 10**9),
    Term("quoted Chinese phrase", '"共享单车停放"', "共享单车停放", 30, 30),
)
#: planted beside the phrase in more documents: both words there, but not as the phrase
DECOY = ("共享单车", 150)


@dataclass
class Site:
    consultations: int = 0
    pages: int = 0
    comments: int = 0
    chars: int = 0
    bytes: int = 0
    #: documents whose text holds each term's text (what a search must count)
    expected: dict[str, int] = field(default_factory=dict)
    page_ids: list[int] = field(default_factory=list)
    official: str = ""
    seconds: float = 0.0


class Writer:
    """Text of about DOC_BYTES from a pool of sentences, with planted terms."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        # common.sentence is now and then random characters: keep its English only
        self.english = [s for s in (common.sentence(rng) for _ in range(3_000)) if not s.endswith("。")]
        self.chinese = [self._chinese() for _ in range(2_000)]

    def _chinese(self) -> str:
        words = self.rng.choices(CHINESE, k=self.rng.randint(6, 16))
        return "".join(words) + "。"

    def text(self, plants: list[str], markdown: bool) -> str:
        """Sentences (a fifth to four fifths of them Chinese) with `plants` put among them."""
        rng, share = self.rng, self.rng.uniform(0.2, 0.8)
        sentences, size = [], 0
        while size < DOC_BYTES:
            pool = self.chinese if rng.random() < share else self.english
            sentences.append(rng.choice(pool))
            size += len(sentences[-1].encode()) + 1
        for plant in plants:
            sentences.insert(rng.randrange(len(sentences) + 1), plant)
        if not markdown:
            return " ".join(sentences)
        blocks = []
        for article, start in enumerate(range(0, len(sentences), 4), 1):
            blocks += [f"## Article {article}", " ".join(sentences[start : start + 4])]
        return "\n\n".join(blocks) + "\n"


def planted(term: Term, kind: str, total: int, rng: random.Random) -> set[int]:
    """Which of `total` documents of `kind` carry `term` (all of them for a common term)."""
    count = min(total, term.pages if kind == "page" else term.comments)
    return set(range(total)) if count == total else set(rng.sample(range(total), count))


def plants_for(number: int, kind: str, chosen: dict[str, set[int]], rng: random.Random) -> list[str]:
    plants = []
    for term in TERMS:
        if number in chosen[f"{kind}:{term.name}"]:
            if term.name == "common English word":
                plants.append(common.sentence(rng).rstrip(".") + " for the council.")
            elif term.name == "common Chinese word":
                plants.append("请居民提出意见。")
            elif term.name == "rare English word":
                plants.append("A quokka permit is required.")
            else:
                plants.append(f"关于{term.text}的规定。")
    if number in chosen[f"{kind}:decoy"]:
        plants.append(f"{DECOY[0]}应当登记。")
    return plants


def build(session, pages: int, comments: int, residents: list[int], official, rng) -> Site:
    """`pages` pages (with head revision, blame and tally) and `comments` comments on them."""
    site, writer = Site(official=official.username), Writer(rng)
    chosen = {f"{kind}:{t.name}": planted(t, kind, n, rng) for t in TERMS for kind, n in (("page", pages), ("comment", comments))}  # fmt: skip
    for kind, total in (("page", pages), ("comment", comments)):
        chosen[f"{kind}:decoy"] = set(rng.sample(range(total), min(total, DECOY[1])))
    texts: list[str] = []
    for first in range(0, pages, PAGES_PER_CONSULTATION):
        consultation = common.make_consultation(
            session, official, f"Consultation {first // PAGES_PER_CONSULTATION + 1}"
        )
        count = min(PAGES_PER_CONSULTATION, pages - first)
        bodies = [
            writer.text(plants_for(first + i, "page", chosen, rng), markdown=True) for i in range(count)
        ]
        site.page_ids += _insert_pages(session, consultation.id, official.id, first, bodies)
        texts += bodies
        site.consultations += 1
    for first in range(0, comments, INSERT_BATCH):
        bodies = [
            writer.text(plants_for(n, "comment", chosen, rng), markdown=False)
            for n in range(first, min(first + INSERT_BATCH, comments))
        ]
        _insert_comments(session, site.page_ids, residents, first, bodies)
        texts += bodies
    session.execute(update(Page).values(comment_count=comments // max(pages, 1)))
    session.commit()
    site.pages, site.comments = pages, comments
    site.chars = sum(len(text) for text in texts)
    site.bytes = sum(len(text.encode()) for text in texts)
    site.expected = {t.name: sum(t.text in text.lower() for text in texts) for t in TERMS}
    return site


def _insert_pages(session, consultation_id: int, author_id: int, first: int, bodies: list[str]) -> list[int]:
    at = utcnow()
    rows = [
        {"consultation_id": consultation_id, "slug": f"page-{first + i:05d}", "title": f"Page {first + i}",
         "position": i, "head_number": 1, "anchored_number": 1, "created_at": at, "updated_at": at}
        for i in range(len(bodies))
    ]  # fmt: skip
    ids = session.scalars(insert(Page).returning(Page.id, sort_by_parameter_order=True), rows).all()
    revisions = []
    for page_id, body in zip(ids, bodies, strict=True):
        encoded = body.encode("utf-8")
        revisions.append(
            {"page_id": page_id, "number": 1, "parent_number": None, "author_id": author_id,
             "summary": "Created the page", "body": body, "sha256": hashlib.sha256(encoded).hexdigest(),
             "size": len(encoded), **common.first_counts(body), "blame": pack_blame(initial_blame(body, 1)),
             "created_at": at}
        )  # fmt: skip
    session.execute(insert(Revision), revisions)
    tallies = [{"page_id": id, "user_id": author_id, "revisions": 1, "last_at": at} for id in ids]
    session.execute(insert(PageContributor), tallies)
    session.commit()
    return list(ids)


def _insert_comments(
    session, page_ids: list[int], residents: list[int], first: int, bodies: list[str]
) -> None:
    at = utcnow()
    rows = [
        {"page_id": page_ids[(first + i) % len(page_ids)], "author_id": residents[(first + i) % len(residents)],
         "revision_number": 1, "body": body, "status": "visible", "created_at": at}
        for i, body in enumerate(bodies)
    ]  # fmt: skip
    session.execute(insert(Comment), rows)
    session.commit()
