"""Gold records after the pull: the local store that pulls accumulate into, and adjudication of
several annotators' versions of a document into one record, decided on purpose and reported."""
