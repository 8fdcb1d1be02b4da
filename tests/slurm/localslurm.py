"""A throwaway single-node SLURM on localhost: munged, slurmctld and slurmd.

Everything (munge key and socket, slurm.conf, gres.conf, state, spool, logs) lives in one
directory, the daemons run in the foreground as children of this process, and ``stop``
ends exactly those PIDs. Debian's ``slurm-wlm`` and ``munge`` are installed with apt-get
when missing and we are root; otherwise ``unavailable`` says why SLURM cannot run here.

Run it by hand to get a cluster to play with (Ctrl-C stops it)::

    python tests/slurm/localslurm.py /tmp/myslurm
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PACKAGES = ("slurm-wlm", "munge")
TOOLS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol")
# Client commands that get a shim setting SLURM_CONF: inside a job, Snakemake's jobstep
# executor drops every SLURM_* variable before its nested `srun`, which then looks for
# /etc/slurm/slurm.conf, where a real cluster keeps it and this temporary one must not.
CLIENTS = ("srun", "sbatch", "squeue", "sinfo", "scontrol", "scancel")
# Two fake GPUs: the profile's GPU requests are honoured (SLURM allocates one and sets
# CUDA_VISIBLE_DEVICES) while torch sees no GPU, so `device: auto` falls back to the CPU.
FAKE_GPU_FILES = ("/dev/null", "/dev/zero")
# The node advertises at least this much memory so that the shipped profile's requests (sized
# for GPU nodes) are accepted; nothing enforces it (CR_CPU, task/none), so jobs use what they need.
ADVERTISED_MEM_MB = 131072


def _missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None and not Path("/usr/sbin", t).exists()]


def unavailable() -> str | None:
    """Why SLURM cannot run here, after installing it if needed and possible; None if it can."""
    if os.geteuid() != 0:
        return "a local SLURM needs root (to apt-get slurm-wlm and munge, and for slurmd to run jobs)"
    if not _missing_tools():
        return None
    if shutil.which("apt-get") is None:
        return "SLURM is not installed and there is no apt-get to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            return f"`{' '.join(cmd)}` failed: {done.stderr[-500:]}"
    missing = _missing_tools()
    return f"installed {', '.join(PACKAGES)} but {', '.join(missing)} still missing" if missing else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sbin(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


class LocalSlurm:
    """Start with ``start()``, use ``env`` for sbatch/squeue/snakemake, end with ``stop()``."""

    def __init__(self, root: str | Path, partitions: tuple[str, ...] = ("cpu", "gpu"), niceness: int = 0) -> None:
        self.root = Path(root).resolve()
        self.partitions = partitions
        self.niceness = niceness  # the daemons', which the jobs inherit (SLURM's default PropagatePrioProcess)
        self.procs: dict[str, subprocess.Popen] = {}
        self.conf = self.root / "etc" / "slurm.conf"
        self.bin = self.root / "bin"
        self.env = {**os.environ, "SLURM_CONF": str(self.conf), "PATH": f"{self.bin}:{os.environ.get('PATH', '')}"}

    def _write_shims(self) -> None:
        for tool in CLIENTS:
            real = shutil.which(tool)
            if real:
                shim = self.bin / tool
                shim.write_text(f'#!/bin/sh\nSLURM_CONF="{self.conf}" exec "{real}" "$@"\n')
                shim.chmod(0o755)

    def _write_config(self) -> None:
        for sub in ("bin", "etc", "munge", "state", "spool", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._write_shims()
        os.chmod(self.root / "munge", 0o700)
        key = self.root / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        os.chmod(key, 0o600)
        node = subprocess.run([_sbin("slurmd"), "-C"], capture_output=True, text=True, check=True).stdout
        fields = dict(f.split("=", 1) for f in next(x for x in node.splitlines() if x.startswith("NodeName=")).split())
        fields["RealMemory"] = str(max(int(fields["RealMemory"]), ADVERTISED_MEM_MB))
        name = fields["NodeName"]
        r = self.root
        lines = [
            "ClusterName=lotterytest",
            # Addresses pinned to localhost: the host name need not resolve.
            f"SlurmctldHost={socket.gethostname().split('.')[0]}(127.0.0.1)",
            "SlurmUser=root",
            "SlurmdUser=root",
            f"SlurmctldPort={_free_port()}",
            f"SlurmdPort={_free_port()}",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={r}/munge/munge.socket",
            f"StateSaveLocation={r}/state",
            f"SlurmdSpoolDir={r}/spool",
            f"SlurmctldPidFile={r}/slurmctld.pid",
            f"SlurmdPidFile={r}/slurmd.pid",
            f"SlurmctldLogFile={r}/log/slurmctld.log",
            f"SlurmdLogFile={r}/log/slurmd.log",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "AccountingStorageType=accounting_storage/none",
            "JobAcctGatherType=jobacct_gather/none",
            "JobCompType=jobcomp/none",
            "MpiDefault=none",
            "SchedulerType=sched/backfill",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_CPU",
            "ReturnToService=2",
            "SlurmdParameters=config_overrides",
            "GresTypes=gpu",
            " ".join(f"{k}={v}" for k, v in fields.items())
            + f" NodeAddr=127.0.0.1 Gres=gpu:{len(FAKE_GPU_FILES)} State=UNKNOWN",
        ]
        lines += [
            f"PartitionName={p} Nodes={name} Default={'YES' if i == 0 else 'NO'} MaxTime=INFINITE State=UP"
            for i, p in enumerate(self.partitions)
        ]
        self.conf.write_text("\n".join(lines) + "\n")
        gres = "".join(f"NodeName={name} Name=gpu File={f}\n" for f in FAKE_GPU_FILES)
        (self.root / "etc" / "gres.conf").write_text(gres)

    def _spawn(self, name: str, cmd: list[str]) -> None:
        with open(self.root / "log" / f"{name}.out", "w") as log:
            self.procs[name] = subprocess.Popen(["nice", "-n", str(self.niceness), *cmd], stdout=log,
                                                stderr=subprocess.STDOUT, env=self.env,
                                                start_new_session=True)

    def _wait(self, what: str, ready, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [n for n, p in self.procs.items() if p.poll() is not None]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited while waiting for {what}:\n{self.logs()}")
            if ready():
                return
            time.sleep(0.5)
        raise RuntimeError(f"timed out waiting for {what}:\n{self.logs()}")

    def start(self) -> "LocalSlurm":
        self._write_config()
        m = self.root / "munge"
        self._spawn("munged", [_sbin("munged"), "-F", "--force", f"--socket={m}/munge.socket",
                               f"--key-file={m}/munge.key", f"--log-file={m}/munged.log",
                               f"--pid-file={m}/munged.pid", f"--seed-file={m}/munged.seed"])
        self._wait("munged", lambda: (m / "munge.socket").exists())
        self._spawn("slurmctld", [_sbin("slurmctld"), "-D", "-i", "-f", str(self.conf)])
        self._wait("slurmctld", lambda: self._run("scontrol", "ping").returncode == 0)
        self._spawn("slurmd", [_sbin("slurmd"), "-D", "-f", str(self.conf)])
        self._wait("an idle node", lambda: "idle" in self._run("sinfo", "-h", "-o", "%T").stdout)
        return self

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(cmd), capture_output=True, text=True, env=self.env, timeout=30)

    def logs(self) -> str:
        out = []
        for f in sorted((self.root / "log").glob("*")) + [self.root / "munge" / "munged.log"]:
            if f.exists():
                out.append(f"--- {f.name}\n{f.read_text()[-3000:]}")
        return "\n".join(out)

    def stop(self) -> None:
        """Cancel jobs still queued or running, then end the daemons this object started, by PID."""
        if "slurmctld" in self.procs and self.procs["slurmctld"].poll() is None:
            self._run("scancel", f"--user={os.getuid()}")
            time.sleep(1)
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.procs.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    reason = unavailable()
    if reason:
        sys.exit(reason)
    cluster = LocalSlurm(sys.argv[1] if len(sys.argv) > 1 else "/tmp/localslurm").start()
    print(f"SLURM up: export SLURM_CONF={cluster.conf} PATH={cluster.bin}:$PATH  (Ctrl-C stops it)", flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
