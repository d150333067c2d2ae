"""UTF-16 <-> code point offsets: the conversion every span goes through on its way to the editor."""

from __future__ import annotations

import pytest

from curation.studio.offsets import OffsetMap, utf16_len


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii",
        "accents: café, naïve, Ελληνικά",  # BMP only: identity
        "emoji 😀 here",
        "😀😀 leading pair",
        "math 𝄞𝕏 and flags 🇺🇦 end",
        "",
    ],
)
def test_offsets_round_trip_every_position(text: str) -> None:
    offsets = OffsetMap(text)
    for i in range(len(text) + 1):
        assert offsets.to_utf16(i) == _utf16(text, i)
        assert offsets.from_utf16(offsets.to_utf16(i)) == i
    assert utf16_len(text) == len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize(("text", "code_point", "utf16"), [("a😀b", 2, 3), ("😀😀x", 2, 4), ("abc", 3, 3)])
def test_offsets_known_values(text: str, code_point: int, utf16: int) -> None:
    assert OffsetMap(text).to_utf16(code_point) == utf16
    assert OffsetMap(text).from_utf16(utf16) == code_point


def test_offsets_inside_a_surrogate_pair_is_refused() -> None:
    with pytest.raises(ValueError, match="inside the character"):
        OffsetMap("a😀b").from_utf16(2)
