"""The claim component: check-worthy factual assertions, in the author's voice or inside a quote.

A claim is a clause of the dependency parse: a verb (or copula) with its subject, minus the
clauses split off from it (a second finite conjunct that asserts alone, the reported clause of a
reporting verb, a trailing non-restrictive relative clause or participle, a trailing finite
adverbial clause), minus leading background ("While talks continue, ...") and connectives, and
never across a line break. Clauses start at each sentence root, at each verb the parser hung
under another line, and at each verb whose quote differs from its head's.

Each clause is then kept or rejected by the rules in NOT_CLAIMS, which read the parse and the word
lists of the lexicon (curation/data/lexicon.json, the quote components' too): a modal or future
marker makes a prediction, a verb of belief an opinion, a question, a wish or an imperative asks
rather than asserts, an evaluative copula ("this is very serious") judges, an advertisement sells.
What is left is an event, a quantity, a stated position or a state of affairs; `checkworthy` is high
for numbers, contested events, official positions and past events stated by a quoted source, and the
score grows with evidence (numbers, named entities, past tense) and shrinks with hedges, fragments
and first-person testimony (weights in the component's `scoring` config).

Clauses inside a quote found by the quote components (`doc._.attributions`) carry that quote's
speaker; an author's clause stops where someone else's words begin, and the phrase that introduced
them goes too ("..., with officials saying that [quote]"). A quote whose content is only a noun
phrase or an aim ("rejected [the proposal]", "refuses [to release]") holds nobody's assertion: the
author's clause around it is the claim. When the quote components have not run
(`doc._.attributions` is None) every claim is in the author's voice.

The package, one idea per module:
- `words`: how a word is looked up in a word list of the lexicon, whatever its inflection;
- `clauses`: clause structure from the parse (what a clause is, what splits off, what is trimmed);
- `rules`: what is not a claim, one predicate per rule, and the verdict on a clause;
- `scores`: check-worthiness and the confidence score of a kept claim;
- `quotes`: how the quote components' attributions cut clauses and lend them a speaker;
- `finder`: `find_claims` over a Doc and the `curation_claims` pipeline component."""
