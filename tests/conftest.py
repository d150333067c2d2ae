"""Fixtures shared by all tests: paths to the project's real files, and the real spaCy model."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def nlp_base():
    """The real English pipeline named by the settings (loaded once per test session)."""
    import spacy

    from curation.settings import get_settings

    return spacy.load(get_settings().model)
