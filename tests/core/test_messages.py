"""Messages for people: English for the API, translatable for the web, never fixed f-strings."""

import ast
import re
from pathlib import Path

from govwiki.core.messages import Message, readable_size
from govwiki.services import errors

ROOT = Path(__file__).resolve().parents[2] / "govwiki"
#: the constructors whose text reaches people: every service error, the refusal builder, fields
ERROR_NAMES = {
    name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, Exception)
} | {"refusal"}


def test_a_message_reads_as_english_and_keeps_its_template():
    message = Message("at most %(count)d characters", count=200)
    assert message == "at most 200 characters"
    assert (message.template, message.params) == ("at most %(count)d characters", {"count": 200})


def test_a_message_without_parameters_is_its_template():
    assert Message("required") == "required" and Message("100% sure").template == "100% sure"


def test_sizes_read_in_units():
    assert [readable_size(n) for n in (2 * 1024 * 1024, 20 * 1024, 1536, 512)] == [
        "2 MB",
        "20 KB",
        "1.5 KB",
        "512 bytes",
    ]


def _messages_for_people(tree: ast.AST):
    """The expressions a service hands people: error messages, field messages (in a `fields`
    dict or in the dict given to an error), and Message templates."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ERROR_NAMES:
                yield from node.args[:2]
                for arg in node.args:
                    if isinstance(arg, ast.Dict):
                        yield from arg.values
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") == "fields":
                    yield node.value


def _f_strings_reaching_people(tree: ast.AST) -> list[int]:
    return sorted(
        n.lineno
        for value in _messages_for_people(tree)
        for n in ast.walk(value)
        if isinstance(n, ast.JoinedStr)
        or (isinstance(n, ast.BinOp) and isinstance(n.left, ast.Constant) and isinstance(n.left.value, str))
    )


def _service_sources():
    return sorted((ROOT / "services").glob("*.py")) + sorted((ROOT / "core").glob("*.py"))


def test_no_service_builds_a_message_for_people_with_an_f_string():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in _service_sources()
        if (lines := _f_strings_reaching_people(ast.parse(path.read_text())))
    }
    assert found == {}, "use govwiki.core.messages.Message(template, **params) instead"


def test_every_message_a_service_sends_is_a_message_the_catalogue_extracts():
    """Bare strings would reach a Chinese reader in English; Message ones are extracted and translated."""
    bare = {
        f"{path.name}:{value.lineno}"
        for path in _service_sources()
        for value in _messages_for_people(ast.parse(path.read_text()))
        if isinstance(value, ast.Constant)
        and isinstance(value.value, str)
        and value.value
        and not re.fullmatch(r"[a-z]+(_[a-z]+)+", value.value)  # an error code such as slug_taken
    }
    assert bare == set(), "wrap them in govwiki.core.messages.Message"
