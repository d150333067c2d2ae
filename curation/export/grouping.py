"""Group near-duplicate documents (one story told by several outlets) so splits cannot leak.

Each text becomes the set of its names: capitalised words inside a sentence (after a lower-case word
or a comma), lower-cased, so people, places and organisations but not sentence starts or headlines.
Outlets rewrite every sentence of a story but keep its names. Documents whose name sets have an
estimated Jaccard similarity at or above the threshold are linked; groups are the connected components.
Measured (bench figures, not in the repo): the five seeds, one story, are 0.26-0.46 apart; 3,486 pairs of
2016 campaign articles have median 0.06 and 99th percentile 0.18. All content words separate less
(seeds 0.16-0.24 vs 99th percentile 0.11), which forces a low threshold where LSH returns too many
candidates on a large corpus.

Only each document's MinHash signature is kept (128 x 4 bytes), never its text. Grouping then runs
banded LSH over the signature matrix with numpy: per band, documents with equal band keys are
candidates, and a candidate pair is linked only if its estimated Jaccard reaches the threshold. A
dict-based LSH index (datasketch.MinHashLSH) held about 13 KB per document in 42 bands of Python
sets: 1.3 GB at 100,000 documents; the arrays need about 0.6 KB.

The MinHash is datasketch's (2.0's "affine32" scheme, seed 1) and the bands are MinHashLSH's choice,
written here in a few lines: importing datasketch pulled scipy into every export worker (1.3 of the
2.1 s its first-pass imports took). tests/export/test_export_units.py holds both to datasketch's own.
"""

from __future__ import annotations

import re
import zlib
from functools import cache
from itertools import chain
from typing import Any

import numpy as np

from curation.unionfind import components

# A capitalised word of three letters or more (the group) after a space that follows a lower-case
# letter, with at most one , ; or : between them. The pattern starts with the space, a literal the regex
# engine jumps to, and only then looks behind it (a look-behind first was tried at every character: twice
# the time); findall gives the names in C, with no Python code per match (0.22 against 0.32 ms a PolNeAR
# article for a loop over the matches checking the letter before). The look-ahead (?=[^a-z]) changes no
# match (the group's first letter is never a-z): it turns away a space before a lower-case word, most of
# them, with one range test instead of both look-behinds and the group's class (0.080 -> 0.052 ms).
NAME = re.compile(r" (?=[^a-z])(?:(?<=[a-z] )|(?<=[a-z][,;:] ))([^\W\d_a-z][^\W\d_]{2,})")
NUM_PERM = 128
DEFAULT_THRESHOLD = 0.25
MAX_BUCKET = 200  # beyond this many documents in one band bucket, all-pairs checks would be quadratic
# A fast, process-independent 32-bit hash of a name's UTF-8 (Python's hash() changes between runs); the
# C function itself, mapped over all names with no Python call per name (0.0096 -> 0.0037 ms a text).
_hash32 = zlib.crc32
CHUNK = 4096  # pairs of signatures compared at once (2 MB of rows gathered)


def names(text: str) -> set[str]:
    """Capitalised words after a lower-case word (optionally with , ; :) and a space, lower-cased."""
    return set(map(str.lower, NAME.findall(text)))


SEED = 1  # datasketch's default: the same permutations as its MinHash(num_perm=NUM_PERM)


@cache
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutations h -> a * h + b (mod 2**32, `a` odd: a bijection) every signature shares,
    drawn as datasketch's MinHash draws them (computed once per process, the same in every process)."""
    draw = np.random.RandomState(SEED)
    a = draw.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(hashed: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (an avalanching bijection), applied to each hash before the
    permutations, as datasketch does; uint32 arithmetic wraps, which is the intended modulo."""
    hashed = hashed ^ (hashed >> np.uint32(16))
    hashed = hashed * np.uint32(0x85EBCA6B)
    hashed = hashed ^ (hashed >> np.uint32(13))
    hashed = hashed * np.uint32(0xC2B2AE35)
    return hashed ^ (hashed >> np.uint32(16))


@cache
def banding(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) that minimise the mean of the false positive and false negative
    probabilities at `threshold`, as datasketch's MinHashLSH chooses them. Both integrands are
    polynomials of degree at most `num_perm`, which an 80-point Gauss-Legendre rule integrates exactly
    (datasketch integrates them with scipy's quad)."""
    nodes, weights = np.polynomial.legendre.leggauss(80)

    def integral(low: float, high: float, band: int, rows: int, collide: bool) -> float:
        s = (high - low) / 2 * nodes + (high + low) / 2
        missed = (1 - s ** float(rows)) ** float(band)  # the probability no band collides
        return float((high - low) / 2 * (weights * (1 - missed if collide else missed)).sum())

    best, choice = float("inf"), (0, 0)
    for band in range(1, num_perm + 1):
        for rows in range(1, num_perm // band + 1):
            false_positive = integral(0.0, threshold, band, rows, collide=True)
            false_negative = integral(threshold, 1.0, band, rows, collide=False)
            error = 0.5 * false_positive + 0.5 * false_negative
            if error < best:
                best, choice = error, (band, rows)
    return choice


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a text's names (None: no names, the document stays alone).

    A pure function of the text, so workers compute it and only the signature travels.
    """
    return signatures([text])[0]


def signatures(texts: list[str]) -> list[np.ndarray | None]:
    """`signature` of each text, as datasketch's `MinHash.update_batch` of its sorted names computes it
    (its hash mix and permutations), for all names of all texts in one numpy step: a MinHash
    per text cost more in numpy calls than in arithmetic (0.25 of 0.57 ms a PolNeAR article).
    tests/export/test_export_units.py holds it to datasketch's own MinHash."""
    words = [sorted(names(text)) for text in texts]
    hashed = np.array(list(map(_hash32, map(str.encode, chain.from_iterable(words)))), dtype=np.uint32)
    hashed = hashed.reshape(-1, 1)
    a, b = permutations()
    values = _fmix32(hashed) * a + b  # one row per name
    counts = np.array([len(ws) for ws in words], dtype=np.int64)
    starts = (np.cumsum(counts) - counts)[counts > 0]  # the first row of each text with names
    lowest = iter(np.minimum.reduceat(values, starts, axis=0) if len(starts) else [])
    return [next(lowest) if count else None for count in counts]


class NearDuplicateGrouper:
    """Add documents one by one; `groups()` maps each id to its group's smallest id."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.bands, self.rows_per_band = banding(threshold)
        self.ids: list[str] = []
        self.seen: set[str] = set()
        self.signatures: np.ndarray = np.zeros((1024, NUM_PERM), dtype=np.uint32)

    def add(self, doc_id: str, text: str) -> None:
        """Keep the signature of a document's names (documents without names stay alone)."""
        if doc_id not in self.seen:
            self.add_signature(doc_id, signature(text))

    def add_signature(self, doc_id: str, values: np.ndarray | None) -> None:
        """Keep a signature computed elsewhere (`signature(text)`); the first one of an id counts."""
        if doc_id in self.seen:
            return
        self.seen.add(doc_id)
        if values is None:
            return
        row = len(self.ids)
        if row == len(self.signatures):
            self.signatures = np.concatenate([self.signatures, np.zeros_like(self.signatures)])
        self.signatures[row] = values
        self.ids.append(doc_id)

    def band_keys(self, signatures: np.ndarray) -> list[np.ndarray]:
        """Each band's key of each row: the band's values mixed into one number (collisions only add
        candidates, whose similarity is checked)."""
        wide = signatures.astype(np.uint64)
        keys = []
        for band in range(self.bands):
            columns = wide[:, band * self.rows_per_band : (band + 1) * self.rows_per_band]
            band_keys = np.zeros(len(columns), dtype=np.uint64)
            for column in columns.T:
                band_keys = band_keys * np.uint64(0x9E3779B97F4A7C15) + column
            keys.append(band_keys)
        return keys

    def candidate_pairs(self, keys: list[np.ndarray] | None = None) -> np.ndarray:
        """Row pairs (i < j) that share at least one band key, without repeats, in order (rows of
        `keys`, each band's keys of some rows, when given; else of every row)."""
        if keys is None:
            keys = self.band_keys(self.signatures[: len(self.ids)])
        rows = np.int64(len(keys[0]) if keys else len(self.ids))
        found = []  # each pair (i, j) as the one number i * rows + j: the same order, unique on one column
        for band_keys in keys:
            first, second = bucket_pairs(band_keys)
            low, high = np.minimum(first, second), np.maximum(first, second)
            found.append(low * rows + high)
        unique = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        return np.stack([unique // rows, unique % rows], axis=1)

    def same_rows(self) -> np.ndarray:
        """Each row's first row holding an equal signature (found with a dict of the rows' bytes:
        np.unique(axis=0) sorts them, 2-16 ms against 0.2-0.4)."""
        signatures = self.signatures[: len(self.ids)]
        whole = signatures.view(np.dtype((np.void, signatures.itemsize * NUM_PERM))).ravel().tolist()
        first: dict[Any, int] = {}
        return np.fromiter(map(first.setdefault, whole, range(len(whole))), dtype=np.int64, count=len(whole))

    def similar(self, pairs: np.ndarray, same: np.ndarray | None = None) -> np.ndarray:
        """Whether each row pair's estimated Jaccard (the share of equal signature values) reaches the
        threshold. Worked out once per pair of distinct signatures, as the pair of the first rows
        holding them (`same`, `same_rows()`): rows with equal signatures give the same answer. In
        chunks of CHUNK pairs: gathering every pair's two rows at once took 58 MB of fresh memory, and
        its page faults 0.1 s of CPU, for the 56,606 candidate pairs of the 2,000 bench records."""
        signatures = self.signatures[: len(self.ids)]
        same = self.same_rows() if same is None else same
        rows = np.int64(len(same))
        keys, which = np.unique(same[pairs[:, 0]] * rows + same[pairs[:, 1]], return_inverse=True)
        similar = np.zeros(len(keys), dtype=bool)
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            equal = signatures[chunk // rows] == signatures[chunk % rows]
            similar[start : start + CHUNK] = equal.mean(axis=1) >= self.threshold
        return similar[which.reshape(-1)]

    def linked(self) -> np.ndarray:
        """The row pairs that join documents in a group: candidate pairs similar enough.

        Rows with equal signatures share every band key, and their similarity is 1.0. In a band whose
        buckets all hold MAX_BUCKET rows or fewer (counting repeats), the candidate pairs are all the
        pairs of rows sharing a key: such bands' pairs are made among the distinct signatures alone,
        and every other row is linked to the first row holding its signature (rows of a band bucket
        that these links already join). Other bands' pairs are made row by row as before (a big
        bucket keeps only neighbours in row order). The groups are the same when the repeats would be
        linked anyway: a threshold up to 1.0 and one such band at least; else every band row by row.
        A corpus that repeats its stories gains (the 2,000 bench records, 84 distinct signatures,
        one band of 42 with a bucket of 215 rows: candidate pairs 0.05 -> 0.006 s); one without equal
        signatures takes the general way."""
        same = self.same_rows()
        keys = self.band_keys(self.signatures[: len(self.ids)])
        row = np.arange(len(same))
        distinct = np.flatnonzero(same == row)
        small = [_within_buckets(band_keys) for band_keys in keys] if len(distinct) < len(same) else []
        if not self.threshold <= 1.0 or not any(small):
            pairs = self.candidate_pairs(keys)
            return pairs[self.similar(pairs, same)]
        bands = list(zip(keys, small, strict=True))
        among = self.candidate_pairs([band_keys[distinct] for band_keys, ok in bands if ok])
        rest = self.candidate_pairs([band_keys for band_keys, ok in bands if not ok])
        pairs = np.concatenate([distinct[among], rest])
        repeats = row[same != row]
        to_first = np.stack([same[repeats], repeats], axis=1)
        return np.concatenate([pairs[self.similar(pairs, same)], to_first])

    def groups(self) -> dict[str, str]:
        """Each document id -> the smallest id of its group (documents without names: their own)."""
        both = self.linked()
        label = components(len(self.ids), both[:, 0], both[:, 1])
        order = sorted(range(len(self.ids)), key=self.ids.__getitem__)  # rows by id
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        smallest = np.full(len(order), len(order))
        np.minimum.at(smallest, label, rank)  # per component: the rank of its smallest id
        groups = {doc_id: doc_id for doc_id in self.seen}
        groups.update(zip(self.ids, (self.ids[order[r]] for r in smallest[label].tolist()), strict=True))
        return groups


def _within_buckets(keys: np.ndarray) -> bool:
    """Whether no band bucket holds more than MAX_BUCKET rows (then a bucket's pairs are all its pairs)."""
    return len(keys) == 0 or int(np.unique(keys, return_counts=True)[1].max()) <= MAX_BUCKET


def bucket_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows with equal keys (row numbers, each pair once): all pairs of a bucket of up to
    MAX_BUCKET rows, neighbours in row order in a bigger one (all pairs would be quadratic).

    Made with array arithmetic, not a call per bucket: a corpus that repeats its stories has a bucket
    for each story in every band (2,000 such documents: 3,465 buckets, 0.7 s in a loop)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    lengths = np.diff(np.r_[starts, len(ordered)])
    size = np.repeat(lengths, lengths)  # per position in `order`: its bucket's size
    place = np.arange(len(order)) - np.repeat(starts, lengths)  # its place in the bucket
    later = np.where(size <= MAX_BUCKET, size - place - 1, np.minimum(size - place - 1, 1))
    first = np.repeat(np.arange(len(order)), later)  # each position, once per later partner
    step = np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)  # 0, 1, ... per position
    return order[first].astype(np.int64), order[first + 1 + step].astype(np.int64)
