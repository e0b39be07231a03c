"""The path to k = 10^9 through the split identity (issue 19, items 2 and 3).

Modules, one job each: `networks` (simulate iid networks until the splits stop: per-layer
split flags, last split layer, one-ray flag), `tail` (the bound on the splits left out by the
truncation), `identity` (S(n), c(n) and P/l at any depth with bootstrap intervals), `path`
(the paper's path n = ceil(n(k, p)) to k = 10^9), `claims` (rr.p_to_l, lu.deep_born_dead).
No imports here, so that reading one module does not load the others.
"""
