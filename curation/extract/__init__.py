"""The pre-annotator: spaCy pipeline components that find speakers, quotes, cues and claims.

Components are registered with `@Language.factory` so any spaCy user can `nlp.add_pipe` them.
They communicate through Doc extensions declared in `curation.extract.types`; `to_record`
turns an annotated Doc into a document record.
"""
