"""Display names that cannot pass for someone else.

Two names are the same name when they read the same: `name_key` folds compatibility forms
(NFKC: fullwidth ｃｈｅｎ is chen, ﬁ is fi), case, accents, letters of other scripts that look
like Latin ones (Cyrillic а, Greek ο), separators (space, -, _, .) and runs of them. A display
name is refused when its key is another account's display name's or username's key, and when
it puts a role in brackets, "Chen Min (official)" or "陈敏（官方）": roles are shown by the app
beside the name, never by the name itself.
"""

from __future__ import annotations

import re
import unicodedata

from govwiki.core.messages import Message

#: letters of other scripts that look like Latin letters (after case folding)
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "л": "n", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ь": "b",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ζ": "z",
        "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "0": "o", "1": "l", "|": "l",
    }
)  # fmt: skip
#: what separates words in a name: runs of these count as one space
_SEPARATORS = re.compile(r"[\s\-_.·・'’`]+")
#: text in brackets of any script: (), [], {}, <>, fullwidth and CJK brackets
_BRACKETED = re.compile(r"[(\[{<（［｛＜【〔〖《〈「『]([^)\]}>）］｝＞】〕〗》〉」』]*)")
#: words naming a role (folded); Latin ones match as whole words, Chinese ones anywhere
ROLE_WORDS = (
    "official", "officials", "admin", "admins", "administrator", "administration", "moderator",
    "moderators", "mod", "mods", "expert", "experts", "staff", "government", "gov", "govwiki",
    "verified", "team", "system", "council",
)  # fmt: skip
ROLE_WORDS_ZH = ("官方", "官员", "管理员", "管理", "专家", "版主", "政府", "工作人员", "认证", "官")


def name_key(name: str) -> str:
    """The form in which two names that read alike are equal."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
    return _SEPARATORS.sub(" ", text).strip()


def username_key(username: str) -> str:
    """The key of a username (lowercase ASCII letters, digits, - and _) as a name."""
    return name_key(username)


def role_problem(name: str):
    """Why a display name claims a role (a Message), or None."""
    for inside in _BRACKETED.findall(unicodedata.normalize("NFKC", name or "")):
        if _claims_role(inside):
            return Message("roles are shown beside your name by GovWiki; leave them out of it")
    return None


def _claims_role(text: str) -> bool:
    key = name_key(text)
    words = set(re.findall(r"[a-z0-9]+", key))
    return bool(words & set(ROLE_WORDS)) or any(word in key for word in ROLE_WORDS_ZH)
