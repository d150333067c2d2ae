"""export's tokenizer cache (curation.export.text.ChunkCache), with the real tokenizer."""

from __future__ import annotations

import cProfile
import pstats

from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.tokenizer import Tokenizer

from curation.export.text import ChunkCache, load_tokenizer
from curation.settings import get_settings

# Special cases first ("Mr.", "U.S.", "can't", "e.g.", a special inside affixes), then chunks of every
# kind: words, numbers with units, hyphens, quotes and brackets around words and specials, a URL, an
# e-mail address, emoji, accented letters, runs of space and line breaks.
TEXTS = [
    "Mr. Brandt said the U.S. can't wait, e.g. for the vote.\n\nThe zorvanic plan failed quietly.",
    "“We can't,” (U.S.) officials said: 5km, 3.5%, $40m and 10-year bonds; see http://x.org/a.b or "
    "a@b.co!  Naïve café owners 😀 said “no”…\n",
    "said, said. said: “said” (said) -said- Said SAID said's saids zorvanic, zorvanic.",
    "Im gonna cannot Dr. Smith's e.g., i.e. etc. Jan. 5th 9am 9 a.m. o'clock y'all",
    "  leading space and trailing space  ",
    "",
]


def fresh_tokenizer() -> Tokenizer:
    """A tokenizer of its own (load_tokenizer keeps one per process, which other tests fill)."""
    return load_tokenizer.__wrapped__(get_settings().model).tokenizer


def cuts(tokenizer: Tokenizer, text: str) -> int:
    """How many chunks spaCy cut from scratch (affixes, infixes) to tokenize `text`: its `_tokenize`
    runs for every chunk not served from its cache (spaCy's tokenizer is compiled with profiling)."""
    profile = cProfile.Profile()
    profile.enable()
    tokenizer(text)
    profile.disable()
    return sum(stat[1] for key, stat in pstats.Stats(profile).stats.items() if key[2] == "_tokenize")  # type: ignore[attr-defined]


def test_cached_chunks_give_spacys_tokens() -> None:
    """Every text cut after its chunks were cached gives the tokens (offsets, lengths, texts and
    trailing spaces) a tokenizer that never cached them gives, the first time and the next."""
    attrs = [IDX, LENGTH, ORTH, SPACY]
    plain, warmed = fresh_tokenizer(), fresh_tokenizer()
    chunks = ChunkCache(warmed)
    for _ in range(2):
        for text in TEXTS:
            chunks.add(text)
            assert warmed(text).to_array(attrs).tolist() == plain(text).to_array(attrs).tolist(), repr(text)


def test_spacy_caches_nothing_after_a_special_case_and_the_chunk_cache_does() -> None:
    """spaCy stops caching chunks at the first special case of a call (explosion/spaCy#13950), so it
    cuts the same words again every time; once ChunkCache has added a text, none is cut again (but a
    run of spaces other than one, or a chunk with a special case inside its affixes, which spaCy never
    caches: none here). When spaCy fixes that, the first assertion fails: ChunkCache can then go."""
    text = "Mr. Brandt said the U.S. can't wait for the zorvanic plan (or its end) to fail quietly."
    plain = fresh_tokenizer()
    plain(text)
    assert cuts(plain, text) > 0, "spaCy now caches chunks after a special case: ChunkCache can go"
    warmed = fresh_tokenizer()
    ChunkCache(warmed).add(text)
    assert cuts(warmed, text) == 0
    assert cuts(warmed, "Brandt said the zorvanic plan (or its end) quietly.") == 0  # in another text


def test_chunk_cache_is_bounded() -> None:
    """Chunks are added until `limit` have been seen (then nothing more: memory stays flat), and the
    tokenizer may cache at least that many."""
    tokenizer = fresh_tokenizer()
    chunks = ChunkCache(tokenizer, limit=4)
    assert tokenizer.max_cache_size >= 10_000  # spaCy's own limit is not lowered
    chunks.add("one two three four five")
    assert chunks.seen == {"one", "two", "three", "four", "five"}
    chunks.add("six seven")
    assert "six" not in chunks.seen
    assert cuts(tokenizer, "six seven") == 2 and cuts(tokenizer, "one two") == 0
    assert ChunkCache(fresh_tokenizer(), limit=200_000).tokenizer.max_cache_size == 200_000
