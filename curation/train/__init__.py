"""`curation train`: learn spaCy components from an exported dataset version (see curation.train.run)."""

from curation.train.run import TrainResult, train_pipeline

__all__ = ["TrainResult", "train_pipeline"]
