"""Importing an annotated corpus in brat standoff format (PolNeAR and alike) as gold records.

Layout: ROOT/text/NAME.txt and ROOT/attributions/NAME_ANNOTATOR.ann (or both beside each other in
ROOT). A mapping file (schemas/mappings/polnear.yaml by default) says which brat labels become which
schema labels and which event roles become which relations, so no label is spelled out here.

What a record holds, and why:
- One QUOTE span per content segment: brat's discontinuous spans ("s1 e1;s2 e2", a quote split by its
  attribution) become several spans sharing the extra field `group` (the event id), so an evaluation can
  count one split quote once (see curation.evaluate.matching).
- The QUOTE kind is read from the quotation marks, since brat has no such attribute: content wholly
  inside marks is direct, and loses its marks (the project's direct quotes exclude them; a segment made
  of several quoted pieces gives one span per piece, same group); content with a quoted fragment is
  mixed; anything else indirect.
- Brat offsets are code points into the .txt, each checked against the text brat stored (see `standoff`).

Modules, one idea each: `mapping` (the mapping file), `standoff` (parsing one .ann), `marks` (the quote
kind from quotation marks), `records` (one .ann -> one record), `corpus` (a folder -> a stream of
records).
"""

from curation.ingest.brat.corpus import read_brat_corpus
from curation.ingest.brat.mapping import DEFAULT_MAPPING, BratMapping, load_mapping
from curation.ingest.brat.marks import quoted_regions, split_content
from curation.ingest.brat.records import build_document
from curation.ingest.brat.standoff import parse_ann

__all__ = [
    "DEFAULT_MAPPING",
    "BratMapping",
    "build_document",
    "load_mapping",
    "parse_ann",
    "quoted_regions",
    "read_brat_corpus",
    "split_content",
]
