"""Which characters the platform takes in text (docs/adr/0007-hostile-input-limits.md). Pure.

- **Nowhere**: U+0000 and lone surrogates (U+D800–U+DFFF not in a pair). PostgreSQL's text and jsonb cannot
  hold NUL, and UTF-8 cannot encode a lone surrogate, so either would fail when stored or rendered: they are
  refused where a JSON body enters the API (yijianshi/api/parsers.py), with the path of the value.
- **Not in a form value**: other control characters (C0 but tab, line feed, carriage return; DEL; C1) and the
  bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), whose only effect in a name,
  an address or a number is to show something other than what is stored ("Trojan Source", CVE-2021-42574).
  Right-to-left scripts (Uyghur) are laid out by the Unicode bidi algorithm without them.
- **Not in a name**: besides those, line breaks and tabs, and the invisible format characters (category Cf: zero-width
  space, joiners and non-joiner, word joiner, byte-order mark, soft hyphen, direction marks): a name that looks
  the same as another but is not would pass every comparison by eye (`free_text_problem(…, name=True)`).
- **Taken as typed**: everything else printable — emoji, joiners (U+200C/U+200D, which emoji sequences and some
  scripts need), combining marks, a middle dot (阿依古丽·买买提), full-width forms. Lengths count code points;
  a text value of a form field (or claimed for one) is at most `MAX_TEXT` unless its vocabulary entry says less.

Free text entering through a request (a reason, a note, an authorisation, a clerk's finding, a name) is checked
with `free_text_problem` and kept as `free_text_normalised` (NFC, stripped) by one field at the edge:
yijianshi/core/fields.py (`CleanText` for the API's serializers, `CleanTextField` for the pages' forms).
"""

from __future__ import annotations

import unicodedata

MAX_TEXT = 5000  # the longest text a field takes when its vocabulary entry sets no max_length
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
REPLACEMENT = "\ufffd"


def unstorable(text: str) -> bool:
    """True when `text` holds NUL or a lone surrogate."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown(text: str) -> str:
    """`text` with NUL and lone surrogates replaced by U+FFFD, safe to echo in an error message or field name."""
    return "".join(REPLACEMENT if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in text)


ECHO_LIMIT = 100  # an unknown name echoed in an error: no key of ours is longer


def clipped(text: str, limit: int = ECHO_LIMIT) -> str:
    """`shown(text)`, cut to `limit` characters with "…": what an error echoes of a name it does not know, so
    that a refusal is never larger than what it refuses."""
    return shown(text if len(text) <= limit else text[: limit - 1] + "…")


def hidden_controls(text: str) -> bool:
    """True when `text` holds a control character (other than tab and line breaks) or a bidi control."""
    return any(c in BIDI_CONTROLS or (unicodedata.category(c) == "Cc" and c not in "\t\n\r") for c in text)


LINE_BREAKS = frozenset("\t\n\r")


def free_text_problem(text: str, *, name: bool = False) -> str | None:
    """Why `text` may not be taken as free text: "invalid_characters" (NUL, a lone surrogate, a control character,
    a direction override or isolate; in a name also a line break or tab) or, in a name, "invisible_characters"
    (a format character: zero-width, soft hyphen, direction mark). None when it may."""
    if unstorable(text) or hidden_controls(text) or (name and any(c in LINE_BREAKS for c in text)):
        return "invalid_characters"
    if name and any(unicodedata.category(c) == "Cf" for c in text):
        return "invisible_characters"
    return None


def first_refused(text: str, *, name: bool = False) -> str:
    """The first character `free_text_problem` objects to, as U+XXXX (for the message); "" when none."""
    for c in text:
        if free_text_problem(c, name=name) is not None:
            return f"U+{ord(c):04X}"
    return ""


def free_text_normalised(text: str) -> str:
    """What is kept of accepted free text: Unicode NFC (one code point for 'é', however typed), stripped."""
    return unicodedata.normalize("NFC", text).strip()
