"""The Label Studio round trip: a managed local server, push with predictions, pull of validated gold.

Modules, each owning one thing:
- server: start/stop/status of the managed Label Studio in its own virtual environment.
- connection: which server and token to use (flags, environment, the managed server's state file).
- config: the labeling config (XML) generated from the label schema.
- offsets: Python code points <-> the UTF-16 units Label Studio's editor counts.
- convert: document record <-> task data, prediction and annotation results.
- push / pull: the two directions of the trip (pull merges into the gold store, curation.gold.store).
- review: the review round, a PROJECT-review project of the documents whose annotators disagree.
- decision_units / decisions: `--mode decisions`, one accept/reject task per predicted quote or claim,
  and the gold records its answers make.
"""
