"""A plugin's process ends with the platform process that started it, even one SIGKILLed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from .conftest import FIXTURES

PARENT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from subgraphs.plugins.runtime import PluginProcess, ProcessSpec

    async def main() -> None:
        spec = ProcessSpec.for_plugin(
            "fixture_actions", Path(sys.argv[1]), Path(sys.argv[2]), platform_secret="s" * 64
        )
        process = PluginProcess(spec)
        await process.start()
        await process.wait_ready(30)
        print(process.pid, flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose; its parent (init) reaps it.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


async def test_a_plugin_process_dies_with_its_killed_parent(
    runtime_dirs: Callable[[], Path],
) -> None:
    parent = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        PARENT,
        str(FIXTURES / "fixture_actions"),
        str(runtime_dirs()),
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[4],
    )
    assert parent.stdout is not None
    line = await asyncio.wait_for(parent.stdout.readline(), 60)
    child = int(line)
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    await parent.wait()
    for _ in range(100):
        if not _alive(child):
            break
        await asyncio.sleep(0.05)
    else:
        os.killpg(child, signal.SIGKILL)
        raise AssertionError("the plugin process outlived its SIGKILLed parent")
