"""Test helper: resolve the conflict blocks of a hand-resolution text the way a person would."""


def resolve(text: str, keep: str) -> str:
    """Resolve every conflict block by keeping one side's lines ('mine' or 'theirs')."""
    out, side = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<<"):
            side = "mine"
        elif line.startswith("=======") and side == "mine":
            side = "theirs"
        elif line.startswith(">>>>>>>") and side == "theirs":
            side = None
        elif side is None or side == keep:
            out.append(line)
    return "".join(out)
