"""A real single-node SLURM for the tests: Debian's munge, slurmctld, slurmd and slurm-client.

`start()` returns a usable cluster or raises `SlurmUnavailableError` with the reason:

- a SLURM already running on this machine (`sinfo` answers with a live node) is used as it is,
  and nothing of it is started, changed or stopped;
- otherwise (root only) the Debian packages are installed with apt-get if missing,
  /etc/slurm/slurm.conf is written for this one node (`hostname -s`, CPUs from `slurmd -C`,
  RealMemory below the machine's memory, MinJobAge=300 so that finished jobs stay visible to
  squeue and scontrol), and munged (only if munge does not already answer), slurmctld and
  slurmd are started, with their pid files, state and logs under STATE.

The configuration has to be the default file: the jobstep plugin strips every SLURM_* variable
but a few, SLURM_CONF included, from the environment of the `srun` it runs inside a job. An
existing /etc/slurm/slurm.conf that this module did not write is never overwritten.

`Cluster.stop()` cancels the jobs of a cluster it started, ends exactly the daemons that
`start()` started, by their pid files, and removes the slurm.conf it wrote.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = ("munge", "slurmctld", "slurmd", "slurm-client")
STATE = Path(tempfile.gettempdir()) / "reludeath-slurm"
CONF = Path("/etc/slurm/slurm.conf")
MARKER = "# Written by reludeath's tests/workflow/slurm_cluster.py, removed when the tests end.\n"
PARTITION = "reludeath"
DAEMONS = ("slurmd", "slurmctld", "munged")  # in the order they are stopped


class SlurmUnavailableError(Exception):
    """SLURM cannot be had on this machine; the message says why."""


@dataclass
class Cluster:
    partition: str
    env: dict[str, str]
    started: list[str] = field(default_factory=list)  # daemons started here, in start order
    wrote_conf: bool = False

    @property
    def started_here(self) -> bool:
        return "slurmctld" in self.started

    def run(self, *command: str, timeout: float = 30) -> subprocess.CompletedProcess:
        return _run(command, env=self.env, timeout=timeout)

    def stop(self) -> None:
        if self.started_here:
            self.run("scancel", "--partition", self.partition, timeout=10)
        for name in reversed(self.started):
            _stop_daemon(name)
        if self.wrote_conf:
            _remove_conf()
        self.started.clear()
        self.wrote_conf = False


def start() -> Cluster:
    if _ours(CONF):  # left over from an interrupted session
        for name in DAEMONS:
            _stop_daemon(name)
        _remove_conf()
    existing = _running_cluster(dict(os.environ))
    if existing is not None:
        return existing
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        raise SlurmUnavailableError(
            "no SLURM is running here, and starting one (apt-get install, munged, slurmctld, "
            "slurmd) needs root"
        )
    _install()
    if CONF.exists():
        raise SlurmUnavailableError(f"no SLURM answers, and {CONF} exists: not overwriting it")
    for name in DAEMONS:  # left over from an interrupted session: they are ours
        _stop_daemon(name)
    env = {name: value for name, value in os.environ.items() if name != "SLURM_CONF"}
    cluster = Cluster(partition=PARTITION, env=env)
    try:
        _configure()
        cluster.wrote_conf = True
        _start_daemons(cluster)
    except OSError as err:
        cluster.stop()
        raise SlurmUnavailableError(f"setting up SLURM failed: {err}") from err
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _run(command, env=None, timeout: float = 30, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            list(command), env=env, capture_output=True, text=True, timeout=timeout, **kwargs
        )
    except FileNotFoundError as err:
        return subprocess.CompletedProcess(command, 127, "", str(err))
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 124, "", f"timed out after {timeout} s")


def _running_cluster(env: dict[str, str]) -> Cluster | None:
    """The SLURM this machine already runs, if `sinfo` shows a node that can take jobs."""
    if shutil.which("sinfo") is None:
        return None
    result = _run(["sinfo", "--noheader", "--format=%P|%t"], env=env, timeout=15)
    if result.returncode != 0:
        return None
    live = [
        line.split("|")
        for line in result.stdout.split()
        if line.split("|")[-1] in {"idle", "mix", "alloc", "comp"}  # "idle*": not responding
    ]
    if not live:
        return None
    default = [p for p, _ in live if p.endswith("*")]
    partition = (default or [live[0][0]])[0].rstrip("*")
    cluster = Cluster(partition=partition, env=env)
    _check_srun(cluster)
    return cluster


def _installed(package: str) -> bool:
    result = _run(["dpkg-query", "--show", "--showformat=${Status}", package])
    return result.returncode == 0 and result.stdout.endswith("installed")


def _install() -> None:
    missing = [p for p in PACKAGES if not _installed(p)]
    if not missing:
        return
    if shutil.which("apt-get") is None:
        raise SlurmUnavailableError(f"{', '.join(missing)} not installed and there is no apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-qq"], env=env, timeout=300)
    result = _run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        env=env,
        timeout=600,
    )
    if result.returncode != 0:
        raise SlurmUnavailableError(
            f"apt-get install {' '.join(missing)} failed:\n{_tail(result.stdout + result.stderr)}"
        )


def _ours(path: Path) -> bool:
    try:
        return path.read_text().startswith(MARKER)
    except OSError:
        return False


def _remove_conf() -> None:
    if _ours(CONF):
        CONF.unlink()


def _configure() -> None:
    """Write CONF for this one node; the daemons' state starts empty."""
    shutil.rmtree(STATE, ignore_errors=True)
    for sub in ("slurmctld", "slurmd", "log"):
        (STATE / sub).mkdir(parents=True)
    probe = _run(["slurmd", "-C"], timeout=30)
    fields = dict(
        item.split("=", 1) for item in probe.stdout.split() if "=" in item and probe.returncode == 0
    )
    if "CPUs" not in fields or "RealMemory" not in fields:
        raise SlurmUnavailableError(f"slurmd -C did not describe this node:\n{_tail(probe.stderr)}")
    host = _host()
    node = " ".join(
        f"{key}={fields[key]}"
        for key in ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore")
        if key in fields
    )
    memory = int(int(fields["RealMemory"]) * 0.9)  # below what the machine has
    CONF.parent.mkdir(parents=True, exist_ok=True)
    CONF.write_text(
        MARKER
        + f"""\
ClusterName=reludeath
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmctldPidFile={STATE}/slurmctld.pid
SlurmdPidFile={STATE}/slurmd.pid
SlurmdSpoolDir={STATE}/slurmd
StateSaveLocation={STATE}/slurmctld
SlurmctldLogFile={STATE}/log/slurmctld.log
SlurmdLogFile={STATE}/log/slurmd.log
MinJobAge=300
KillWait=5
InactiveLimit=0
NodeName={host} NodeAddr=127.0.0.1 {node} RealMemory={memory} State=UNKNOWN
PartitionName={PARTITION} Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""
    )


def _host() -> str:
    """`hostname -s`."""
    return socket.gethostname().split(".")[0]


def _munge_answers() -> bool:
    credential = _run(["munge", "--no-input"], timeout=10)
    if credential.returncode != 0:
        return False
    return _run(["unmunge"], input=credential.stdout, timeout=10).returncode == 0


def _start_daemons(cluster: Cluster) -> None:
    if not _munge_answers():
        key = Path("/etc/munge/munge.key")
        if not key.exists():
            _check(_run(["mungekey", "--create", f"--keyfile={key}"]), "mungekey --create")
            shutil.chown(key, "munge", "munge")
            key.chmod(0o400)
        Path("/run/munge").mkdir(parents=True, exist_ok=True)
        _check(
            _run(
                [
                    "munged",
                    "--force",
                    f"--pid-file={STATE}/munged.pid",
                    f"--log-file={STATE}/log/munged.log",
                    f"--seed-file={STATE}/munged.seed",
                ]
            ),
            "munged",
        )
        cluster.started.append("munged")
        _wait(_munge_answers, 20, "munge does not answer", "munged.log")
    for daemon in ("slurmctld", "slurmd"):
        _check(cluster.run(daemon), daemon)
        cluster.started.append(daemon)

    def node_idle() -> bool:
        result = cluster.run("sinfo", "--noheader", "--nodes", _host(), "--format=%t")
        return result.returncode == 0 and result.stdout.strip() == "idle"

    _wait(node_idle, 60, "the node never became idle in sinfo", "slurmctld.log", "slurmd.log")
    _check_srun(cluster)


def _check_srun(cluster: Cluster) -> None:
    result = cluster.run(
        "srun", "--partition", cluster.partition, "--time=1", "hostname", timeout=60
    )
    if result.returncode != 0 or not result.stdout.strip():
        raise SlurmUnavailableError(
            f"srun hostname failed on partition {cluster.partition}:\n"
            f"{_tail(result.stdout + result.stderr)}{_logs('slurmctld.log', 'slurmd.log')}"
        )


def _check(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        raise SlurmUnavailableError(
            f"{what} failed (exit {result.returncode}):\n{_tail(result.stdout + result.stderr)}"
            f"{_logs('munged.log', 'slurmctld.log', 'slurmd.log')}"
        )


def _wait(ready, seconds: float, message: str, *logs: str) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise SlurmUnavailableError(f"{message} within {seconds} s{_logs(*logs)}")
        time.sleep(0.5)


def _pid(name: str) -> int | None:
    """The live process whose pid STATE/<name>.pid holds, if it is still that daemon."""
    try:
        pid = int((STATE / f"{name}.pid").read_text().split()[0])
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ValueError, IndexError):
        return None
    command, state = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2]
    return pid if command == name[:15] and state != "Z" else None


def _stop_daemon(name: str) -> None:
    pid = _pid(name)
    if pid is None:
        return
    for sig, seconds in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        os.kill(pid, sig)
        deadline = time.monotonic() + seconds
        while _pid(name) == pid and time.monotonic() < deadline:
            time.sleep(0.2)
        if _pid(name) != pid:
            return


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _logs(*names: str) -> str:
    parts = []
    for name in names:
        path = STATE / "log" / name
        if path.exists():
            parts.append(f"\n--- {path} ---\n{_tail(path.read_text(errors='replace'))}")
    return "".join(parts)
