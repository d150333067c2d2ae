"""Offsets between Python (code points) and Label Studio's editor (UTF-16 code units).

The browser counts a character outside the Basic Multilingual Plane (most emoji, some CJK and math
symbols) as two units; Python counts it as one. Without this conversion every span after such a
character comes back shifted. Texts without such characters (nearly all) take the identity fast path.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field


def _is_astral(ch: str) -> bool:
    return ord(ch) > 0xFFFF


@dataclass(frozen=True)
class OffsetMap:
    """Converts offsets for one text. Build once per text, convert many offsets."""

    text: str
    # Code-point positions of astral characters, ascending; empty for the common case.
    astral: list[int] = field(init=False)

    def __post_init__(self) -> None:
        positions = [i for i, ch in enumerate(self.text) if _is_astral(ch)] if not self.text.isascii() else []
        object.__setattr__(self, "astral", positions)

    def to_utf16(self, offset: int) -> int:
        """Code-point offset -> UTF-16 offset: one extra unit per astral character before it."""
        return offset + bisect_left(self.astral, offset)

    def from_utf16(self, offset: int) -> int:
        """UTF-16 offset -> code-point offset. An offset inside a surrogate pair is a ValueError."""
        # After k astral characters the UTF-16 position of code point i is i + k; walk the k.
        shift = 0
        for position in self.astral:
            if position + shift >= offset:
                break
            if position + shift + 1 == offset:
                raise ValueError(f"UTF-16 offset {offset} falls inside the character at {position}")
            shift += 1
        return offset - shift


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if _is_astral(ch))
