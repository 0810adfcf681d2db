"""The characters a stored text may hold: the validator every text field an editor fills
carries, and the cleaning the feed applies to what is already stored.

It lives in the lowest app of ours that has models, so the catalog's fields can carry it as
well as the glossary's and the guides'.

Refused in a field: every character outside XML 1.0's Char production (#x9 | #xA | #xD |
[#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]) — the C0 controls but tab, line feed
and carriage return, the surrogates (a lone one cannot even be encoded to store it), U+FFFE
and U+FFFF — because no XML document (the Atom feed) can carry them, and Django's feed writer
raises on the C0 ones. Refused too, though XML allows them: DEL and the C1 controls
(U+007F–U+009F), and the other Unicode noncharacters, which XML 1.0 (§2.2) discourages and
HTML counts as parse errors; none has a glyph or a place in a name or a sentence, so refusing
them loses a reader nothing and stops invisible text at the door.

The feed removes only what XML cannot carry (`xml_safe`): a row written past validation (a
raw update, an old database) must not take the feed down for everyone.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_XML_INVALID = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_XML_INVALID_RE = re.compile(f"[{_XML_INVALID}]")
# Noncharacters: U+FDD0–U+FDEF and the last two code points of every plane.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
_REFUSED_RE = re.compile(f"[{_XML_INVALID}\x7f-\x9f{_NONCHARACTERS}]")


def refuse_control_characters(value: str) -> None:
    """The validator on every text field editors fill (tests/test_plain_text_fields.py checks
    each one carries it)."""
    found = _REFUSED_RE.search(value or "")
    if found:
        raise ValidationError(
            "Remove the invisible character U+%(code)s (character %(position)d): control "
            "characters and noncharacters cannot be shown on a page or sent in the feed.",
            code="control_character",
            params={"code": f"{ord(found.group()):04X}", "position": found.start() + 1},
        )


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _XML_INVALID_RE.sub("", text)
