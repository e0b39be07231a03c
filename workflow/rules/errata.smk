# The papers' errata (docs/science.md, section 11): Lemma 5.7, sign flipping's marginals and
# the conditional-variance step, judged on a few networks drawn as the shards draw them (fresh
# data per network, whatever shared_data: the intervals are over independent networks).
# Its tables and claims are in the default target through the plan (reludeath.workflow_plan).
from reludeath.errata.measure import ERRATA_DEPTH, ERRATA_NETWORKS, ERRATA_WIDTHS
from reludeath.workflow_plan import ERRATA_TABLES


rule errata:
    output:
        **{name: f"results/errata/{name}.parquet" for name in ERRATA_TABLES},
        claims="results/errata/claims.parquet",
    log:
        "results/logs/errata.log",
    benchmark:
        "results/benchmarks/errata.tsv"
    localrule: True
    params:
        widths=[n for n in ERRATA_WIDTHS if n in WIDTHS] or WIDTHS[:2],
        depth=min(ERRATA_DEPTH, config["depth"]),
        networks=min(ERRATA_NETWORKS, config["networks"]),
        data_points=config["data_points"],
        seed=config["seed"],
        # how the sampler draws: another sampler reruns this rule (normals.DRAWS)
        sampler=SAMPLER,
        iid_bias=SCHEME_CONFIG.get("iid_bias", ({"bias_std": 1.0}, None))[0],
    script:
        "../scripts/errata.py"
