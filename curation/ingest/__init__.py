"""Reading articles into document records: text files, folders, JSONL, and annotated corpora (brat)."""
