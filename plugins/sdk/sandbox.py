"""The protections a plugin's process puts on itself before any plugin code runs.

Applied by `plugins.sdk.runner` after it has imported the platform code it needs and before it
imports the plugin: resource limits (RLIMIT_AS, RLIMIT_NOFILE, RLIMIT_CORE=0), no new
privileges, and Landlock (read and execute only where Python, the SDK and the plugin live;
write only in the private temp dir and the socket's dir). Each returns what it did, so the
process can report which protections are in force. `forget_environment` takes the runner's
secrets (its token key, database login, gateway key) out of the process's environment.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
from collections.abc import Iterable
from dataclasses import dataclass, field

SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_DUMPABLE = 4
PR_SET_PDEATHSIG = 1

# Filesystem access rights (linux/landlock.h), with the ABI that introduced each.
EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13  # ABI 2
TRUNCATE = 1 << 14  # ABI 3
IOCTL_DEV = 1 << 15  # ABI 5
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

_ABI1_FS = (1 << 13) - 1
READ_ONLY = EXECUTE | READ_FILE | READ_DIR
READ_WRITE_FILE = READ_FILE | WRITE_FILE
READ_WRITE = _ABI1_FS | REFER | TRUNCATE
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV

DEFAULT_NOFILE = 256


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@dataclass
class Protections:
    """Which protections are in force in this process (reported on `/health`)."""

    rlimit_as_mb: int | None = None
    rlimit_nofile: int | None = None
    no_core_dumps: bool = False
    no_new_privs: bool = False
    landlock_abi: int | None = None
    landlock: str = "not applied"
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "rlimit_as_mb": self.rlimit_as_mb,
            "rlimit_nofile": self.rlimit_nofile,
            "no_core_dumps": self.no_core_dumps,
            "no_new_privs": self.no_new_privs,
            "landlock_abi": self.landlock_abi,
            "landlock": self.landlock,
            "notes": list(self.notes),
        }


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def landlock_abi() -> tuple[int | None, str]:
    """(ABI version, "") where the kernel supports Landlock, else (None, why not)."""
    libc = _libc()
    version = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, 0, LANDLOCK_CREATE_RULESET_VERSION)
    if version < 0:
        errno = ctypes.get_errno()
        reason = {38: "the kernel has no Landlock syscalls (ENOSYS)"}.get(
            errno, f"Landlock is disabled at boot ({os.strerror(errno)})"
        )
        return None, reason
    return int(version), ""


def apply_limits(memory_mb: int, nofile: int, report: Protections) -> None:
    """RLIMIT_AS (address space, MiB), RLIMIT_NOFILE and no core dumps (they would hold secrets)."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    report.rlimit_as_mb = memory_mb
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = nofile if hard == resource.RLIM_INFINITY else min(nofile, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (cap, cap))
    report.rlimit_nofile = cap
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    report.no_core_dumps = True


def die_with_parent() -> bool:
    """prctl(PR_SET_PDEATHSIG, SIGTERM): the plugin's process ends when the platform process
    that started it dies, even by SIGKILL (no orphaned plugins serving a stale socket).

    Returns False when the parent is already gone (adopted by init), so the caller exits.
    """
    _libc().prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    return os.getppid() != 1


def no_new_privileges(report: Protections) -> None:
    """prctl(PR_SET_NO_NEW_PRIVS): no setuid or file capabilities for this process tree; also
    not dumpable, so other processes of the same user cannot ptrace it or read its memory."""
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        report.notes.append(f"no_new_privs: {os.strerror(ctypes.get_errno())}")
        return
    report.no_new_privs = True
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def _handled(abi: int) -> int:
    handled = _ABI1_FS
    if abi >= 2:
        handled |= REFER
    if abi >= 3:
        handled |= TRUNCATE
    if abi >= 5:
        handled |= IOCTL_DEV
    return handled


def restrict_filesystem(
    read_paths: Iterable[str], write_paths: Iterable[str], report: Protections
) -> None:
    """Landlock: from now on this process (and its children) may read and execute only beneath
    `read_paths`, and write only beneath `write_paths`; everything else, /proc of other
    processes included, is refused with EACCES. Needs no_new_privs first."""
    abi, why = landlock_abi()
    report.landlock_abi = abi
    if abi is None:
        report.landlock = f"not applied: {why}"
        return
    handled = _handled(abi)
    attr = _RulesetAttr(handled_access_fs=handled, handled_access_net=0, scoped=0)
    size = ctypes.sizeof(_RulesetAttr)
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    else:
        size = 16  # the struct as ABI < 6 knows it: no `scoped`
    libc = _libc()
    ruleset = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        report.landlock = f"not applied: create_ruleset: {os.strerror(ctypes.get_errno())}"
        return
    try:
        for path in read_paths:
            _add_rule(libc, ruleset, path, READ_ONLY & handled)
        for path in write_paths:
            _add_rule(libc, ruleset, path, READ_WRITE & handled)
        if libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            report.landlock = f"not applied: restrict_self: {os.strerror(ctypes.get_errno())}"
            return
    finally:
        os.close(ruleset)
    report.landlock = "applied"


def _add_rule(libc: ctypes.CDLL, ruleset: int, path: str, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path this machine lacks needs no rule
    try:
        if not os.path.isdir(path):
            access &= FILE_RIGHTS  # a rule on a file may only carry file rights
        rule = _PathBeneathAttr(allowed_access=access, parent_fd=fd)
        if (
            libc.syscall(
                SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule), 0
            )
            != 0
        ):
            raise OSError(ctypes.get_errno(), f"landlock_add_rule {path}")
    finally:
        os.close(fd)


def forget_environment(keys: Iterable[str]) -> None:
    """Remove `keys` from the environment, their values blanked where /proc/<pid>/environ reads
    them: unsetenv only drops the pointer, the process's initial environment block keeps the
    bytes (and so the secret) for as long as the process lives."""
    names = list(keys)
    prefixes = [f"{name}=".encode() for name in names]
    try:
        environ = ctypes.POINTER(ctypes.c_void_p).in_dll(_libc(), "environ")
    except ValueError:
        environ = None  # a libc without `environ`: os.environ below is all there is to clear
    index = 0
    while environ and environ[index]:
        address = environ[index]
        entry = ctypes.string_at(address)
        for prefix in prefixes:
            if entry.startswith(prefix):
                ctypes.memset(address + len(prefix), 0, len(entry) - len(prefix))
        index += 1
    for name in names:
        os.environ.pop(name, None)
