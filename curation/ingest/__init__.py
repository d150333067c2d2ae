"""Reading articles into document records: text files, folders, JSONL, and annotated corpora (brat).

`iter_documents(paths, report=...)` is the entry point (streaming); `IngestReport` collects what
happened; `curation.ingest.boilerplate` holds the boilerplate rules as data.
"""

from curation.ingest.documents import ingest, iter_documents
from curation.ingest.report import IngestReport

__all__ = ["IngestReport", "ingest", "iter_documents"]
