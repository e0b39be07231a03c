# RAI's scale (docs/science.md, section 12): the second-moment ratio per layer of rai, the
# rai_he control (RAI's draw at He's variance) and iid_bias, and lu.rai_scale_control. On
# when rai and iid_bias are configured (the plan: reludeath.workflow_plan).
from reludeath.workflow_plan import SCALE_OUTPUTS


rule rai_scale_control:
    input:
        near_constant="results/aggregate/near_constant.parquet",
    output:
        **SCALE_OUTPUTS,
    log:
        "results/logs/rai_scale_control.log",
    benchmark:
        "results/benchmarks/rai_scale_control.tsv"
    localrule: True
    params:
        widths=PLAN.control_widths,
        depth=config["depth"],
        networks=config["networks"],
        data_points=config["data_points"],
        seed=config["seed"],
        # how the sampler draws: another sampler reruns this rule (normals.DRAWS)
        sampler=SAMPLER,
        tolerances=config["near_constant"]["tolerances"],
        iid_bias=SCHEME_CONFIG.get("iid_bias", ({"bias_std": 1.0}, None))[0],
    script:
        "../scripts/rai_scale_control.py"
