"""Which process protections this machine can give a plugin (`althaus plugin doctor`)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
from dataclasses import dataclass
from pathlib import Path

SYS_LANDLOCK_CREATE_RULESET = 444
LANDLOCK_CREATE_RULESET_VERSION = 1
CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Protection:
    name: str
    in_force: bool
    detail: str


def landlock() -> Protection:
    """The kernel's Landlock ABI version (landlock_create_ruleset with the VERSION flag)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    version = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, 0, LANDLOCK_CREATE_RULESET_VERSION)
    if version >= 0:
        return Protection("landlock", True, f"ABI {version}: filesystem access limited per plugin")
    errno = ctypes.get_errno()
    if errno == 38:  # ENOSYS
        why = "the kernel has no Landlock syscalls (older than 5.13 or built without it)"
    else:
        why = f"Landlock is disabled (add 'landlock' to the lsm= boot option): {os.strerror(errno)}"
    return Protection("landlock", False, why)


def rlimit_as() -> Protection:
    resource.getrlimit(resource.RLIMIT_AS)  # present on every Linux: setrlimit works unprivileged
    return Protection("rlimit_as", True, "memory limit from the manifest's limits.memory_mb")


def cgroup_memory() -> Protection:
    """cgroup v2 `memory.max` needs the unified hierarchy mounted and a delegated subtree."""
    controllers = CGROUP_ROOT / "cgroup.controllers"
    if not controllers.exists():
        return Protection(
            "cgroup_v2_memory_max", False, "no cgroup v2 unified hierarchy at /sys/fs/cgroup"
        )
    if "memory" not in controllers.read_text().split():
        return Protection("cgroup_v2_memory_max", False, "cgroup v2 without the memory controller")
    return Protection(
        "cgroup_v2_memory_max", False, "cgroup v2 available, not used yet: RLIMIT_AS limits memory"
    )


def no_new_privs() -> Protection:
    return Protection(
        "no_new_privs", True, "prctl(PR_SET_NO_NEW_PRIVS) set before plugin code runs"
    )


def postgres_roles() -> Protection:
    return Protection(
        "postgres_role_isolation",
        True,
        "each plugin logs in as role plugin_<name>, limited to schema plugin_<name>",
    )


def environment() -> Protection:
    return Protection(
        "scrubbed_environment",
        True,
        "plugin processes get no DATABASE_URL, REDIS_URL, INTERNAL_TOKEN_SECRET, JWT_PRIVATE_KEY",
    )


def report() -> list[Protection]:
    """Every protection, whether it is in force on this machine, and why (not)."""
    return [
        landlock(),
        rlimit_as(),
        cgroup_memory(),
        no_new_privs(),
        environment(),
        postgres_roles(),
    ]
