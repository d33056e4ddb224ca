"""`python -m plugins.sdk.runner`: serve one plugin as its own federation subgraph, sandboxed, or
run one action of it (SDL, a lifecycle hook, a task, an update) and exit.

Reads only its environment (the supervisor in `subgraphs.plugins.runtime` sets it; see
`plugins.sdk.config`) and, for a one-shot run, ALTHAUS_PLUGIN_ACTION (see
`plugins.sdk.actions.read_action`). Order matters: platform code is imported first (this
module's imports: the serving app and the actions with everything they use), then the limits,
no_new_privs and Landlock are applied, and only then is the plugin imported, in both modes.

Serving (`plugins.sdk.serving`): `/graphql` and the package's `routes` under `/http/`, both
behind X-Internal-Token, and `/health`. One-shot (`plugins.sdk.actions`): the action's outcome
is the last line on stdout, one JSON object; it never binds or removes the socket.

Exit codes: 0 served / action succeeded, 1 the action failed, 2 bad environment, 3 the plugin
cannot be imported or has no schema.
"""

from __future__ import annotations

import os
import sys

from plugins.sdk import sandbox
from plugins.sdk.actions import ACTION_VARIABLE, ResultLine, read_action, run_action
from plugins.sdk.config import SECRET_VARIABLES, RunnerConfigError, apply_sandbox, read_config
from plugins.sdk.serving import serve

__all__ = ["main", "read_action"]


def main() -> int:
    if not sandbox.die_with_parent():
        print(
            "PLUGIN_RUNNER_ORPHANED: the platform process that started this runner is gone",
            file=sys.stderr,
        )
        return 2
    raw_action = os.environ.get(ACTION_VARIABLE)
    output = ResultLine() if raw_action is not None else None
    try:
        config = read_config(os.environ)
        action = read_action(raw_action) if raw_action is not None else None
    except RunnerConfigError as exc:
        print(f"{exc.code}: {exc}", file=sys.stderr)
        return output.failed(exc.code, str(exc), status=2) if output is not None else 2
    # The plugin's code gets its pool and gateway from the context, not these from the
    # environment (nor from /proc/self/environ).
    sandbox.forget_environment(SECRET_VARIABLES)
    protections = apply_sandbox(config)
    if action is not None and output is not None:
        return run_action(action, config, output)
    return serve(config, protections)


if __name__ == "__main__":
    sys.exit(main())
