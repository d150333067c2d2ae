"""export's tokenizer cache (curation.export.text.ChunkCache) and its bounded vocabulary
(`bounded_tokenizer`), with the real tokenizer."""

from __future__ import annotations

import cProfile
import pstats

import numpy as np
import pytest
from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.tokenizer import Tokenizer

from curation.export import text as export_text
from curation.export.text import ChunkCache, TextAnalyzer, Texts, bounded_tokenizer, load_tokenizer
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


def test_a_full_vocabulary_is_let_go_and_the_tokens_stay_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the tokenizer's vocabulary holds VOCAB_STRINGS strings, the next partition gets a tokenizer
    loaded afresh, with a chunk cache of its own: the vocabulary never holds much more than the limit,
    and every token (offset, length) is the one a tokenizer that never let go cuts."""
    model = get_settings().model
    load_tokenizer.cache_clear()
    at_load = len(bounded_tokenizer(model).tokenizer.vocab.strings)
    monkeypatch.setattr(export_text, "VOCAB_STRINGS", at_load + 300)
    plain = fresh_tokenizer()
    tokenizers, sizes = [], []
    for part in range(12):  # 12 partitions of 4 texts, each with 40 words met nowhere else
        words = [" ".join(f"w{part}q{i}z{k}," for k in range(40)) for i in range(4)]
        texts = Texts([f"Mr. Vokar{part}x{i} said: {text}" for i, text in enumerate(words)])
        nlp = bounded_tokenizer(model)
        tokenizers.append(nlp.tokenizer)
        tokens = TextAnalyzer(nlp).tokenize(texts)
        sizes.append(len(nlp.tokenizer.vocab.strings))
        expected = [plain(text).to_array([IDX, LENGTH]) for text in texts.items]
        starts = np.concatenate([cut[:, 0] + base for cut, base in zip(expected, texts.bases, strict=False)])
        assert tokens.starts.tolist() == starts.tolist()
        assert tokens.lengths.tolist() == np.concatenate([cut[:, 1] for cut in expected]).tolist()
    assert len({id(t) for t in tokenizers}) >= 3  # loaded afresh more than once
    assert max(sizes) < at_load + 300 + 4 * 90  # the limit and one partition's new strings at most
    assert export_text.chunk_cache(tokenizers[-1]).seen  # the new tokenizer has a chunk cache of its own
