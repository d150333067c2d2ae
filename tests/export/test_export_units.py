"""Pure pieces of the export on small handwritten inputs: versions, ratios, splits, grouping, features."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from datasets import ClassLabel

from curation.errors import InputError
from curation.export.features import config_features
from curation.export.grouping import MAX_BUCKET, NUM_PERM, NearDuplicateGrouper, _within_buckets
from curation.export.scan import record_rank
from curation.export.splits import Ratios, assign_splits, unit_hash
from curation.export.text import SPACE_TABLE, Sentences, is_space, sentences
from curation.export.versions import Version
from curation.records import Document
from curation.schema import get_schema
from curation.unionfind import UnionFind, components


@pytest.mark.parametrize(
    ("start", "part", "expected"),
    [
        ("0.1.0", "patch", "0.1.1"),
        ("0.1.9", "minor", "0.2.0"),
        ("1.4.2", "major", "2.0.0"),
        ("v2.0.0", "patch", "2.0.1"),
    ],
)
def test_versions_bump(start: str, part: str, expected: str) -> None:
    assert str(Version.parse(start).bump(part)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["1.0", "1.0.0-rc1", "one.two.three", ""])
def test_versions_parse_refuses_non_semver(text: str) -> None:
    with pytest.raises(InputError, match="X.Y.Z"):
        Version.parse(text)


def test_versions_order_is_numeric_not_textual() -> None:
    assert Version.parse("0.10.0") > Version.parse("0.9.0")


@pytest.mark.parametrize(
    ("train", "validation", "test"), [(0.5, 0.5, 0.5), (-0.1, 0.6, 0.5), (0.2, 0.2, 0.2)]
)
def test_splits_ratios_must_add_up_to_one(train: float, validation: float, test: float) -> None:
    with pytest.raises(InputError, match="add up to 1"):
        Ratios(train, validation, test)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (0.0, "train"),
        (0.79, "train"),
        (0.8, "validation"),
        (0.89, "validation"),
        (0.9, "test"),
        (0.999, "test"),
    ],
)
def test_splits_ratios_pick(unit: float, expected: str) -> None:
    assert Ratios(0.8, 0.1, 0.1).pick(unit) == expected


def test_splits_groups_never_straddle_and_ignore_order() -> None:
    groups = {f"d{i}": f"d{i - i % 3}" for i in range(30)}  # groups of three
    forward = assign_splits(groups, Ratios())
    backward = assign_splits(dict(reversed(list(groups.items()))), Ratios())
    assert forward == backward
    for i in range(0, 30, 3):
        assert forward[f"d{i}"] == forward[f"d{i + 1}"] == forward[f"d{i + 2}"]


@pytest.mark.parametrize(
    ("previous", "expected_new"),
    [
        ({"a": "test"}, "test"),  # joins the old test document of its group
        ({"a": "validation"}, "validation"),
        ({"a": "train", "b": "test"}, "test"),  # test wins when old members disagree
        ({"a": "train", "b": "validation"}, "validation"),
    ],
)
def test_splits_new_document_follows_its_group(previous: dict[str, str], expected_new: str) -> None:
    groups = {"a": "a", "b": "a", "new": "a"}
    result = assign_splits(groups, Ratios(1.0, 0.0, 0.0), previous)
    assert result["new"] == expected_new
    for doc_id, split in previous.items():
        assert result[doc_id] == split  # old documents never move


def test_splits_unit_hash_is_stable() -> None:
    assert unit_hash("abc") == unit_hash("abc")
    assert 0 <= unit_hash("abc") < 1
    assert unit_hash("abc") != unit_hash("abd")


def test_grouping_union_find_representative_is_smallest() -> None:
    sets: UnionFind[str] = UnionFind()
    for key in "zyxw":
        sets.add(key)
    sets.union("z", "y")
    sets.union("y", "w")
    assert sets.groups() == {"z": "w", "y": "w", "x": "x", "w": "w"}


@pytest.mark.parametrize("seed", range(6))
def test_components_are_union_finds_sets_with_the_smallest_row(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 300))
    pairs = rng.integers(0, rows, size=(int(rng.integers(0, 2 * rows)), 2))  # chains, cycles, self-links
    sets: UnionFind[int] = UnionFind(range(rows))
    for i, j in pairs.tolist():
        sets.union(i, j)
    expected = sets.groups()
    assert components(rows, pairs[:, 0], pairs[:, 1]).tolist() == [expected[row] for row in range(rows)]


def test_grouping_groups_are_named_by_their_smallest_id_and_keep_documents_without_names() -> None:
    grouper = NearDuplicateGrouper()
    grouper.add("b-retold", RETOLD)
    grouper.add("c-story", STORY)
    grouper.add("d-nameless", "no names at all here.")
    grouper.add("a-other", "An unrelated report: the council in Lisbon met Maria Santos on Friday.")
    assert grouper.groups() == {
        "b-retold": "b-retold", "c-story": "b-retold", "d-nameless": "d-nameless", "a-other": "a-other"
    }  # fmt: skip


STORY = (
    "Kremlin aide Yuri Ushakov said Moscow rejected the ceasefire proposal after envoy Steve Witkoff "
    "arrived with Ukrainian negotiators; Putin demanded guarantees about Kursk and Sudzha territory."
)
RETOLD = (
    "Envoy Steve Witkoff arrived in Moscow; Kremlin aide Yuri Ushakov said the ceasefire proposal was "
    "rejected, while Putin demanded guarantees about Sudzha and the Kursk territory."
)
UNRELATED = (
    "The bakery downtown introduced sourdough loaves, cinnamon pastries and seasonal pumpkin muffins "
    "that customers queued for every weekend morning since autumn began."
)


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [(STORY, RETOLD, True), (STORY, UNRELATED, False), (RETOLD, UNRELATED, False), ("", STORY, False)],
)
def test_grouping_near_duplicates(first: str, second: str, together: bool) -> None:
    grouper = NearDuplicateGrouper()
    grouper.add("a", first)
    grouper.add("b", second)
    groups = grouper.groups()
    assert (groups["a"] == groups["b"]) is together


def test_grouping_candidate_pairs_are_every_pair_sharing_a_band() -> None:
    """Band buckets from array arithmetic: every pair of rows sharing a band key once, in order, and
    neighbours only in a bucket past MAX_BUCKET (the pairs a loop over each band's buckets gives)."""
    rng = np.random.default_rng(7)
    grouper = NearDuplicateGrouper()
    story = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64)
    for i in range(MAX_BUCKET + 60):  # one story told MAX_BUCKET + 30 times (a bucket in every band)
        copy = i < MAX_BUCKET + 30
        values = story if copy else rng.integers(0, 3, NUM_PERM, dtype=np.uint64)  # few values: collisions
        grouper.add_signature(f"d{i:04d}", values.astype(np.uint32))
    rows = grouper.rows_per_band
    expected: set[tuple[int, int]] = set()
    for band in range(grouper.bands):
        buckets: dict[bytes, list[int]] = {}
        for row in range(len(grouper.ids)):
            key = grouper.signatures[row, band * rows : (band + 1) * rows].tobytes()
            buckets.setdefault(key, []).append(row)
        for members in buckets.values():
            if len(members) <= MAX_BUCKET:
                expected.update((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
            else:
                expected.update(zip(members, members[1:], strict=False))
    pairs = grouper.candidate_pairs()
    assert [tuple(p) for p in pairs.tolist()] == sorted(expected)
    assert (0, MAX_BUCKET + 29) not in expected  # the big bucket was cut to neighbours
    assert len(set(grouper.groups().values())) < 31


def test_grouping_similarity_is_each_pairs_share_of_equal_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worked out once per pair of distinct signatures, in chunks: each pair's answer is still its own
    two rows' share of equal values against the threshold (rows repeated, near and far, pairs of a row
    with itself and both orders, more pairs than a chunk)."""
    import curation.export.grouping as grouping

    monkeypatch.setattr(grouping, "CHUNK", 7)
    rng = np.random.default_rng(11)
    grouper = NearDuplicateGrouper(0.5)
    stories = rng.integers(0, 2**32, (5, NUM_PERM), dtype=np.uint64)
    for i in range(60):
        values = stories[i % 5].copy()
        changed = rng.integers(0, NUM_PERM, int(rng.integers(0, NUM_PERM)))  # 0 to all values redrawn
        values[changed] = rng.integers(0, 2**32, len(changed), dtype=np.uint64)
        grouper.add_signature(f"d{i:02d}", (values if i % 3 else stories[i % 5]).astype(np.uint32))
    pairs = rng.integers(0, 60, (500, 2))
    rows = grouper.signatures[:60]
    expected = [(rows[a] == rows[b]).mean() >= 0.5 for a, b in pairs.tolist()]
    assert grouper.similar(pairs).tolist() == expected
    assert 0 < sum(expected) < len(expected)


@pytest.mark.parametrize("threshold", [0.3, 0.6, 0.95, 1.5])
def test_grouping_of_repeated_signatures_is_that_of_every_candidate_pair(threshold: float) -> None:
    """Pairs made among distinct signatures, repeats linked to their first row, where every band
    bucket is small (and row by row in a band with a bigger one): the groups of every candidate
    pair of rows whose similarity reaches the threshold (none at all above 1.0)."""
    from curation.unionfind import UnionFind

    rng = np.random.default_rng(3)
    grouper = NearDuplicateGrouper(threshold)
    stories = rng.integers(0, 2**32, (12, NUM_PERM), dtype=np.uint64)
    stories[:, : grouper.rows_per_band] = stories[0, : grouper.rows_per_band]  # band 0: one big bucket
    stories[1, 40:] = stories[0, 40:]  # two stories alike
    shared = np.arange(NUM_PERM) % 3 != 0  # two more alike in scattered values and band 0 alone
    stories[5, shared] = stories[2, shared]
    for i in range(12 * 20):  # each story 20 times, interleaved, and now and then a variant of one
        values = stories[i % 12].copy()
        if i % 7 == 0:
            values[rng.integers(0, NUM_PERM, 30)] = rng.integers(0, 2**32, 30, dtype=np.uint64)
        grouper.add_signature(f"d{i:03d}", values.astype(np.uint32))
    keys = grouper.band_keys(grouper.signatures[: len(grouper.ids)])
    assert not all(map(_within_buckets, keys)) and any(map(_within_buckets, keys))
    rows = grouper.signatures[: len(grouper.ids)]
    union = UnionFind(grouper.ids)
    for a, b in grouper.candidate_pairs().tolist():
        if (rows[a] == rows[b]).mean() >= threshold:
            union.union(grouper.ids[a], grouper.ids[b])
    expected = union.groups()
    assert grouper.groups() == expected
    assert 1 < len(set(expected.values())) < 100 or threshold > 1


def test_features_class_labels_follow_the_schema_order() -> None:
    schema = get_schema()
    features = config_features(schema)
    assert list(features) == ["documents", "quotes", "claims", "tokens"]
    assert features["documents"]["spans"].feature["label"].names == schema.span_labels
    assert features["documents"]["relations"].feature["label"].names == schema.relation_labels
    assert features["quotes"]["kind"] == ClassLabel(names=schema.choice_values("QUOTE", "kind"))
    assert features["claims"]["checkworthy"] == ClassLabel(names=schema.choice_values("CLAIM", "checkworthy"))
    assert features["quotes"]["start"].dtype == "int32"
    tags = features["tokens"]["tags"].feature.names
    assert tags[0] == "O" and {f"B-{label}" for label in schema.span_labels} <= set(tags)


@pytest.mark.parametrize(
    ("span", "expected"),
    [((12, 15), (10, 20)), ((22, 35), (20, 40)), ((0, 5), (0, 5)), ((45, 48), (45, 48))],
)
def test_text_sentences_around(span: tuple[int, int], expected: tuple[int, int]) -> None:
    sentences = Sentences(starts=np.array([10, 20, 30]), ends=np.array([20, 30, 40]))
    first, last = sentences.around(np.array([span[0]]), np.array([span[1]]))
    assert (first[0], last[0]) == expected


def test_text_space_table_is_str_isspace() -> None:
    """Sentences are stripped, and whitespace tokens told, with a table of str.isspace's code points up to
    U+3000: there are none beyond it."""
    spaces = [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert max(spaces) < len(SPACE_TABLE)
    assert np.flatnonzero(SPACE_TABLE).tolist() == spaces
    assert np.flatnonzero(is_space(np.arange(sys.maxunicode + 1, dtype=np.uint32))).tolist() == spaces


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Headline without stop\nFirst one. Second one.",
            ["Headline without stop", "First one.", "Second one."],
        ),
        ("“It is fine,” he said. Then he left.", ["“It is fine,” he said.", "Then he left."]),
        ("He said: “It ends now.” Nobody replied.", ["He said: “It ends now.”", "Nobody replied."]),
        ("The U.S. officials met. 30 died.", ["The U.S. officials met.", "30 died."]),
        ("Prices rose 3.5 percent, e.g. bread.", ["Prices rose 3.5 percent, e.g. bread."]),
        ("  \n\n  ", []),
        ("", []),
        ("Ends here.\u00a0\u2003“Then” this!\n\u3000 x \u2029", ["Ends here.\u00a0\u2003“Then” this!", "x"]),
        ("Wait?! “No.” (Yes.) [Fine] 'ok' Done", ["Wait?!", "“No.”", "(Yes.)", "[Fine] 'ok' Done"]),
    ],
)
def test_text_sentences_rule(text: str, expected: list[str]) -> None:
    found = sentences(text)
    assert [text[s:e] for s, e in zip(found.starts, found.ends, strict=True)] == expected


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("2026-11-01T10:00:00+00:00", "2026-11-01T11:00:00+00:00"),
        ("2026-11-01T12:00:00+02:00", "2026-11-01T11:00:00Z"),  # 10:00 UTC before 11:00 UTC
        ("2026-11-01T10:00:00.5Z", "2026-11-01T10:00:01Z"),
    ],
)
def test_build_record_rank_latest_update_wins(earlier: str, later: str) -> None:
    def doc(stamp: str) -> Document:
        return Document(id="a", text="x", provenance={"reviewed": True, "updated_at": stamp})

    assert record_rank(doc(later).provenance, "0") > record_rank(doc(earlier).provenance, "f")


def test_build_record_rank_reviewed_beats_newer_unreviewed() -> None:
    reviewed = Document(id="a", text="x", provenance={"reviewed": True, "updated_at": "2020-01-01T00:00:00Z"})
    newer = Document(id="a", text="x", provenance={"reviewed": False, "annotated_at": "2026-01-01T00:00:00Z"})
    assert record_rank(reviewed.provenance, "0") > record_rank(newer.provenance, "f")


def test_signatures_are_datasketchs_minhash_of_the_names() -> None:
    """The batched signatures are what datasketch's MinHash gives each text's sorted names, texts without
    names anywhere in the batch (first, between, last) included: groups and splits do not move."""
    from datasketch import MinHash

    from curation.export.grouping import NUM_PERM, _hash32, names, signatures

    texts = [
        "no names",
        "Reports said Obama met Merkel in Berlin, then Paris; later: Rome.",
        "",
        "the minister, Ségolène Royal, told Le Monde that Élysée aides agreed",
        "Only Start",
        "none here either",
    ]
    for text, got in zip(texts, signatures(texts), strict=True):
        words = names(text)
        if not words:
            assert got is None
            continue
        minhash = MinHash(num_perm=NUM_PERM, hashfunc=_hash32)
        minhash.update_batch([w.encode() for w in sorted(words)])
        assert got is not None and got.dtype == minhash.hashvalues.dtype
        assert (got == minhash.hashvalues).all()
    assert signatures(["no names"]) == [None]


@pytest.mark.parametrize("threshold", [0.05, 0.1, 0.18, 0.25, 0.3, 0.42, 0.5, 0.66, 0.75, 0.9, 0.97])
def test_grouping_bands_are_datasketchs_choice(threshold: float) -> None:
    """The (bands, rows) banding computes is the one datasketch's MinHashLSH makes at each threshold."""
    from datasketch import MinHashLSH

    from curation.export.grouping import banding

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    assert banding(threshold) == (lsh.b, lsh.r)
    assert NearDuplicateGrouper(threshold).bands == lsh.b
