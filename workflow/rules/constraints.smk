# Wildcard patterns shared by every rule; shard labels come from the configured schemes.
import re


wildcard_constraints:
    label="|".join(
        re.escape(label)
        for label in sorted({"iid", *SCHEME_LABELS.values()}, key=len)[::-1]
    ),
    n=r"[1-9]\d?",
    k=r"[1-9]\d*",
    rep=r"\d+",
    ext="png|pdf|svg",
