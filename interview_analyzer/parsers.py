"""The API's JSON parser: bodies nested past a sane depth are a 400, checked before anything is decoded (SEC-VAL).

Python's ``json`` module recurses once per nesting level, so a body of 10,000 ``[`` answered 500 (RecursionError) on
every JSON endpoint, the unauthenticated token endpoints included. ``check_depth`` walks the raw bytes once, without
recursion and outside strings, and refuses the body as soon as it goes deeper than ``MAX_JSON_DEPTH``. No request
the product accepts comes near that depth (the deepest, an interview kit, is four levels).
"""

from io import BytesIO

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32

_OPEN = frozenset(b"[{")
_CLOSE = frozenset(b"]}")
_QUOTE = ord('"')
_BACKSLASH = ord("\\")


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True as soon as ``raw`` nests arrays/objects deeper than ``limit``. Brackets inside strings do not count."""
    depth = 0
    in_string = False
    escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPEN:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSE:
            depth -= 1
    return False


class DepthLimitedJSONParser(JSONParser):
    """``JSONParser`` that answers 400 with a JSON body for bodies nested deeper than ``MAX_JSON_DEPTH``.

    The body is already bounded in size by ``RequestSizeLimitMiddleware`` before it gets here, so reading it whole
    costs at most that limit.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if json_depth_exceeds(raw):
            raise ParseError(f"JSON parse error - the body is nested deeper than {MAX_JSON_DEPTH} levels.")
        return super().parse(BytesIO(raw), media_type, parser_context)
