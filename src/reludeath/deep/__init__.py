"""The path to k = 10^9 through the split identity (issue 19, items 2 and 3).

Modules, one job each: `networks` (simulate iid networks until the splits stop: per-layer
split flags, last split layer, one-ray flag), `tail` (the bound on the splits left out by the
truncation), `identity` (S(n), c(n) and P/l at any depth with bootstrap intervals), `path`
(the paper's path n = ceil(n(k, p)) to k = 10^9), `population` (P_inf over every input: closed
forms, the n = 2 arc construction, nested estimates in M), `m_limit` (S_inf, the limit in M),
`claims` (rr.p_to_l, lu.deep_born_dead, rr.p_to_l_population).
No imports here, so that reading one module does not load the others.
"""
