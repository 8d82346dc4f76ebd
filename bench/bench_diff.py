"""Benchmark `govwiki.core.diff.diff_texts` on ~1 MB Markdown regulations.

The documents are generated deterministically (seeded random): chapters, articles, English and
Chinese paragraphs, mixed-language paragraphs and numbered lists, like the consolidated
regulations GovWiki hosts. Three cases are measured:

- small change: 1 % of the paragraphs get a few words edited;
- large change: 30 % of the paragraphs are rewritten (two in five wholly, the others get words
  edited and new sentences added);
- forced timeout: the large change with a 1 ms budget, which must still rebuild both texts.

Run it from anywhere: ``python bench/bench_diff.py``. It prints a Markdown table of the median
seconds over 5 runs, whether every diff rebuilds both texts, and whether it is the same diff as
one given 60 s (so a diff that only met the deadline by turning coarse shows up).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# govwiki/__init__.py builds the Flask app; register a bare package instead so that importing
# the plain-Python core does not pull in Flask (the benchmark measures the core alone).
_package = types.ModuleType("govwiki")
_package.__path__ = [str(ROOT / "govwiki")]
sys.modules.setdefault("govwiki", _package)

from govwiki.core.diff import DEFAULT_TIMEOUT, diff_texts  # noqa: E402

TARGET_CHARS = 1_000_000
RUNS = 5

WORDS = (
    "the authority shall may must not within days of receipt application permit licence holder "
    "municipal council resident notice public consultation period fee amount payable pursuant "
    "to section article paragraph subsection provided that unless otherwise specified in writing "
    "any person who operates a business premises registered under this regulation inspection "
    "record annual report submitted before deadline appeal tribunal decision review committee "
    "member chair quorum meeting minutes published website district planning zoning building "
    "height limit noise emission waste water supply road traffic parking vehicle penalty fine "
    "offence breach compliance order suspension revocation exemption transitional provision"
).split()
HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子"
    "说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机"
    "当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心"
    "反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程"
    "展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期"
    "根论运农指几九区强放决西被干做必战先回则任取据处府研质信规许审批申请登记罚款居民委员会公告期限"
).replace(" ", "")
CJK_PUNCT = "，，，、；："


def english_sentence(rng: random.Random) -> str:
    """Return one sentence of regulation-like English."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 90)}")
    clause = " ".join(words)
    if rng.random() < 0.4:
        clause += f" (see Article {rng.randint(1, 400)})"
    return clause[0].upper() + clause[1:] + rng.choice(".;.")


def chinese_sentence(rng: random.Random) -> str:
    """Return one sentence of Chinese: ideographs with CJK punctuation, no spaces."""
    parts = ["".join(rng.choice(HANZI) for _ in range(rng.randint(4, 14))) for _ in range(rng.randint(1, 4))]
    return "".join(p + rng.choice(CJK_PUNCT) for p in parts[:-1]) + parts[-1] + "。"


def paragraph(rng: random.Random) -> str:
    """Return one paragraph: English, Chinese, mixed, or a short numbered list."""
    kind = rng.random()
    if kind < 0.45:
        return " ".join(english_sentence(rng) for _ in range(rng.randint(2, 6)))
    if kind < 0.8:
        return "".join(chinese_sentence(rng) for _ in range(rng.randint(2, 6)))
    if kind < 0.92:
        return " ".join(
            rng.choice((english_sentence, chinese_sentence))(rng) for _ in range(rng.randint(2, 5))
        )
    return "\n".join(f"{i}. {english_sentence(rng)}" for i in range(1, rng.randint(3, 6)))


def build_document(seed: int = 7) -> list[str]:
    """Return the blocks (headings and paragraphs) of a ~1 MB regulation."""
    rng = random.Random(seed)
    blocks = ["# Consolidated Municipal Regulation / 市政综合条例"]
    size, article = 0, 0
    while size < TARGET_CHARS:
        if article % 40 == 0:
            blocks.append(f"## Chapter {article // 40 + 1} 第{article // 40 + 1}章")
        article += 1
        blocks.append(f"### Article {article} 第{article}条")
        for _ in range(rng.randint(1, 4)):
            blocks.append(paragraph(rng))
            size += len(blocks[-1])
    return blocks


def edit_words(text: str, rng: random.Random, count: int) -> str:
    """Replace, insert or delete a few words (or a few characters of Chinese)."""
    tokens = text.split(" ") if " " in text else list(text)
    for _ in range(count):
        i = rng.randrange(len(tokens))
        action = rng.random()
        new = rng.choice(WORDS) if " " in text else rng.choice(HANZI)
        if action < 0.5:
            tokens[i] = new
        elif action < 0.8:
            tokens.insert(i, new)
        elif len(tokens) > 1:
            del tokens[i]
    return (" " if " " in text else "").join(tokens)


def rewrite(text: str, rng: random.Random) -> str:
    """Rewrite a paragraph: wholly new wording, or edited words and added sentences."""
    fresh = paragraph(rng)
    if rng.random() < 0.4:
        return fresh  # wholly new wording
    return edit_words(text, rng, 4) + " " + fresh[: len(fresh) // 2]


def revise(blocks: list[str], share: float, seed: int) -> list[str]:
    """Return a copy of the blocks with `share` of the paragraphs changed."""
    rng = random.Random(seed)
    out = list(blocks)
    paragraphs = [i for i, b in enumerate(blocks) if not b.startswith("#")]
    for i in rng.sample(paragraphs, int(len(paragraphs) * share)):
        small = share < 0.05  # a small change edits words; a large one rewrites paragraphs
        out[i] = edit_words(out[i], rng, rng.randint(1, 3)) if small else rewrite(out[i], rng)
    return out


def measure(old: str, new: str, timeout: float, reference) -> tuple[float, bool, bool]:
    """Time diff_texts RUNS times: the median, whether every run rebuilt both texts, and
    whether every run gave the same diff as the reference (a diff with all the time it needs)."""
    times, rebuilt, complete = [], True, True
    for _ in range(RUNS):
        started = time.perf_counter()
        ops = diff_texts(old, new, timeout=timeout)
        times.append(time.perf_counter() - started)
        rebuilt &= "".join(o.text for o in ops if o.op != "insert") == old
        rebuilt &= "".join(o.text for o in ops if o.op != "delete") == new
        complete &= ops == reference
    return statistics.median(times), rebuilt, complete


def main() -> None:
    blocks = build_document()
    base = "\n\n".join(blocks) + "\n"
    small = "\n\n".join(revise(blocks, 0.01, seed=11)) + "\n"
    large = "\n\n".join(revise(blocks, 0.30, seed=12)) + "\n"
    cases = [
        ("small change (1 % of paragraphs)", base, small, DEFAULT_TIMEOUT),
        ("large change (30 % of paragraphs)", base, large, DEFAULT_TIMEOUT),
        ("forced timeout (30 %, timeout 1 ms)", base, large, 0.001),
    ]
    print(
        f"old text: {len(base):,} characters, {len(base.encode()):,} bytes UTF-8; "
        f"new texts: {len(small):,} / {len(large):,} characters; Python {sys.version.split()[0]}"
    )
    assert "flask" not in sys.modules, "the benchmark must measure the core without Flask"
    print("\n| case | timeout (s) | median seconds (5 runs) | rebuilds both texts | same diff as with 60 s |")
    print("|---|---|---|---|---|")
    for name, old, new, timeout in cases:
        reference = diff_texts(old, new, timeout=60)
        seconds, rebuilt, complete = measure(old, new, timeout, reference)
        print(
            f"| {name} | {timeout} | {seconds:.3f} | {'yes' if rebuilt else 'no'} "
            f"| {'yes' if complete else 'no (coarser)'} |"
        )


if __name__ == "__main__":
    main()
