"""curation: human-verified datasets of speakers, quotes and claims in the news."""

__version__ = "0.1.0"
