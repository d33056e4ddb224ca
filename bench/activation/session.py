"""One run: a fresh database, the platform, the plugin installed, N rounds, all removed after."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import signal

from althaus.platform import display_url
from bench.activation.errors import PluginRoleTakenError
from bench.activation.figures import Round, Summary, ms
from bench.activation.install import install_plugin, uninstall_plugin
from bench.activation.platform import Progress, platform
from bench.activation.rounds import measure_round
from bench.activation.servers import (
    Cleanup,
    create_database,
    delete_redis_keys,
    drop,
    role_exists,
    server_settings,
    short_temp_dir,
)
from core import db
from core.config import Settings
from core.migrate import migrate


async def run(configured: Settings, rounds: int, progress: Progress) -> Summary:
    # SIGTERM (`timeout`, a CI runner) cancels the run like Ctrl-C does, so the cleanup runs.
    main_task = asyncio.current_task()
    if main_task is not None:
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    server = server_settings(configured)
    assert server.database_url is not None and server.redis_url is not None
    if await role_exists(server.database_url):
        raise PluginRoleTakenError(display_url(server.database_url))
    tag = secrets.token_hex(6)
    cleanup = Cleanup()
    data_dir = short_temp_dir()
    try:
        cleanup.database = f"althaus_bench_{tag}"
        await create_database(server.database_url, cleanup.database)
        cleanup.redis_prefix = f"althaus:bench_{tag}:"
        settings = server.with_(
            database_url=db.with_database(server.database_url, cleanup.database),
            redis_prefix=cleanup.redis_prefix,
            data_dir=data_dir,
        )
        assert settings.database_url is not None
        progress(f"database {cleanup.database} created, migrating")
        await migrate(settings.database_url)
        measured: list[Round] = []
        async with platform(settings, progress) as running:
            try:
                await install_plugin(running, cleanup, progress)
                for number in range(1, rounds + 1):
                    measured.append(await measure_round(running))
                    progress(
                        f"round {number}/{rounds}: visible after"
                        f" {ms(measured[-1].visible_seconds)} ms"
                    )
            finally:
                if cleanup.owns_role:
                    await uninstall_plugin(running, cleanup, progress)
        return Summary(tuple(measured))
    finally:
        progress("stopping; dropping the database")
        await drop(server.database_url, cleanup)
        if cleanup.redis_prefix is not None:
            await delete_redis_keys(server.redis_url, cleanup.redis_prefix)
        shutil.rmtree(data_dir, ignore_errors=True)
