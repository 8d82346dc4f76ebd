"""Messages for people that the services send back, translatable after the fact.

A service does not know its reader's language, and must not (it runs for the API, the web and
the CLI alike). So it writes a `Message`: English text, as the API and the CLI show it, that
also remembers its template and parameters. The web translates the template (it is the gettext
message id, extracted from the code with the keyword `Message`) and fills in the parameters, so
"at most 200 characters" reaches a Chinese reader as 最多 200 个字符 instead of in English. An
f-string cannot do that: its words are fixed before anyone knows who reads them.
"""

from __future__ import annotations


class Message(str):
    """English text that remembers the template and parameters it was made from."""

    template: str
    params: dict

    def __new__(cls, template: str, **params) -> "Message":
        text = super().__new__(cls, template % params if params else template)
        text.template = template
        text.params = params
        return text


def readable_size(size: int) -> str:
    """A size limit as people read it: "2 MB", "20 KB", "512 bytes"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} bytes"
