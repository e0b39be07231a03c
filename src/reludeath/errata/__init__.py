"""The papers' errata, judged on per-neuron quantities the shards do not store.

``measure`` draws a modest number of networks with the project's schemes and seeds (the
shards' first networks) and runs them forward to tabulate Lemma 5.7's sides, sign
flipping's weight marginals and the conditional-variance step; ``claims`` judges them
(rr.lemma_5_7, rr.signflip_marginals, rr.conditional_variance_step). See docs/science.md.
"""
