# The configuration the run used, every default filled in, derived keys named
# (results/config.resolved.yaml); written by a job, so a dry run or a refused config writes
# nothing.


rule resolved_config:
    output:
        "results/config.resolved.yaml",
    log:
        "results/logs/resolved_config.log",
    localrule: True
    params:
        config=config,
        derived=DERIVED_KEYS,
    script:
        "../scripts/write_resolved_config.py"
