"""Display names that cannot pass for someone else: the folding of names, and roles in brackets."""

from __future__ import annotations

import pytest

from govwiki.core.names import name_key, role_problem


@pytest.mark.parametrize(
    "lookalike",
    [
        "Chen Min",
        "chen min",
        "CHEN   MIN",
        "ｃｈｅｎ ｍｉｎ",  # fullwidth
        "chen-min",
        "chen_min",
        " Chen\u3000Min ",  # ideographic space
        "Chеn Mіn",  # Cyrillic е and і
        "Chén Mín",
    ],
)
def test_names_that_read_alike_have_one_key(lookalike):
    assert name_key(lookalike) == name_key("Chen Min")


def test_different_names_have_different_keys():
    assert name_key("Chen Min") != name_key("Chen Ming")
    assert name_key("陈敏") != name_key("陈明")


@pytest.mark.parametrize(
    "name",
    [
        "Chen Min (official)",
        "Chen Min (Official)",
        "Chen Min [admin]",
        "Chen Min （ｏｆｆｉｃｉａｌ）",
        "Chen Min (city moderator)",
        "Dr Li <expert>",
        "陈敏（官方）",
        "陈敏【管理员】",
        "王芳(专家)",
        "刘洋（政府官员）",
    ],
)
def test_a_role_in_brackets_is_refused(name):
    assert role_problem(name) is not None


@pytest.mark.parametrize("name", ["Chen Min", "Chen Min (Shenzhen)", "Official Street Café", "王芳（深圳）"])
def test_other_brackets_and_words_outside_them_are_fine(name):
    assert role_problem(name) is None
