"""A job declared with one thread uses one core: BLAS, numba and the kernel's own threads
follow limit_threads."""

import json
import subprocess
import sys

import pytest

from reludeath.threads import limit_threads

# Run in a fresh interpreter, as a Snakemake job does: cap threads first, then import. The
# job's threads are counted exactly: Python threads started (the kernel's pool), the OS threads
# of the process (/proc/self/task: BLAS and numba workers are OS threads), threadpoolctl's
# view of every BLAS pool, and the kernel's own default; cpu/wall is reported beside them.
_JOB = """
import json, os, resource, threading, time
from reludeath.threads import limit_threads
limit_threads(1)
import numpy as np
from threadpoolctl import threadpool_info
from reludeath import ShardSpec, kernel, simulate_shard

started = []
_start = threading.Thread.start
def _counted(self):
    started.append(self.name)
    return _start(self)
threading.Thread.start = _counted

def os_threads():
    names = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/comm") as comm:
            names.append(comm.read().strip())
    return sorted(names)

simulate_shard(ShardSpec("iid", 12, 4, 2, 32, seed=0), threads=1)  # compile or load the kernel
a = np.ones((1024, 1024), np.float32)
before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
for _ in range(20):
    a @ a  # a multithreaded BLAS would use every core here
simulate_shard(ShardSpec("iid", 12, 128, 256, 512, seed=0), threads=1)
x = np.ones((1024, 12, 512), np.float32)  # n = 12: nothing dies, all 256 layers run
w = np.random.default_rng(0).standard_normal((1024, 256, 12, 12), dtype=np.float32)
outs = kernel.allocate_outputs(1024, 256)  # threads left to their default
b = np.zeros((1024, 0, 12), np.float32)
kernel.run_networks(x, w, b, kernel.KernelSettings(), outs)  # most of the wall time
after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - start
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(json.dumps({
    "cpu": cpu,
    "wall": wall,
    "started": started,
    "os_threads": os_threads(),
    "main": open("/proc/self/comm").read().strip(),
    "blas": [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"],
    "kernel": kernel.default_threads(),
}))
"""
# Threads that compute nothing: pyarrow's allocator (jemalloc) purges memory in one.
_HOUSEKEEPING = {"jemalloc_bg_thd"}


def test_one_thread_job_uses_one_thread():
    done = subprocess.run(
        [sys.executable, "-c", _JOB], capture_output=True, text=True, timeout=600, check=True
    )
    usage = json.loads(done.stdout.strip().splitlines()[-1])
    print(usage)
    assert usage["started"] == [], usage  # the kernel ran its networks in the calling thread
    computing = [name for name in usage["os_threads"] if name not in _HOUSEKEEPING]
    assert computing == [usage["main"]], usage  # no BLAS, OpenMP or numba worker exists
    assert usage["blas"] and all(count == 1 for count in usage["blas"]), usage
    assert usage["kernel"] == 1, usage
    assert usage["wall"] > 0.2, usage  # enough work to measure
    assert usage["cpu"] / usage["wall"] <= 1.15, usage


# The caps themselves, as a job sees them: BLAS loaded before and after the call, numba, kernel.
_CAPS = """
import json, sys
import numpy as np  # BLAS loaded before the cap: set through threadpoolctl
from reludeath.threads import limit_threads
limit_threads(int(sys.argv[1]))
import numba, scipy.linalg  # numba (and scipy's BLAS) loaded after it: set from the environment
from threadpoolctl import threadpool_info
from reludeath.kernel import default_threads
print(json.dumps({
    "blas": [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"],
    "numba": numba.get_num_threads(),
    "kernel": default_threads(),
}))
"""


@pytest.mark.parametrize("threads", [1, 2])
def test_limit_threads_caps_every_pool(threads):
    done = subprocess.run(
        [sys.executable, "-c", _CAPS, str(threads)], capture_output=True, text=True, check=True
    )
    caps = json.loads(done.stdout.strip().splitlines()[-1])
    assert caps["blas"] and all(count == threads for count in caps["blas"]), caps
    assert caps["numba"] == threads and caps["kernel"] == threads, caps


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_limit_threads_refuses_bad_counts(bad):
    with pytest.raises(ValueError, match="threads must be an integer >= 1"):
        limit_threads(bad)
