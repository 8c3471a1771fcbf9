"""Run the `casework` command line in the test's own process, as a child process would see it.

`casework(*args, env=..., cwd=...)` runs `casework.cli.main.app` with typer's CliRunner in an
environment holding only the given CASEWORK_* variables (the caller's are set aside, as for a
child process), in the given working directory, and returns what a finished process returns:
`returncode`, `stdout`, `stderr`. Nothing carries over from one run to the next: the cached
settings and engine are cleared before and the engine disposed after, the `--as` account is
forgotten, and the logging configuration the command installed (a handler on the runner's
stderr, closed once the run ends) is put back as it was.

`invoked(*args)` runs it in the caller's own environment instead (a test that patches the
command's context through its fixtures), with the same logging put back.

Process-level behaviour (the import time of `--version`, exit codes seen by a shell, signals)
is tested with a real `casework` process instead: see `real_casework`.
"""

import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass

from typer.testing import CliRunner


@dataclass(frozen=True)
class Ran:
    """What a finished `casework` command left: its exit status and its two output streams."""

    returncode: int
    stdout: str
    stderr: str


def _without_casework_variables(env: dict | None) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    environment.update(env or {})
    return environment


@contextmanager
def _environment(env: dict | None, cwd):
    saved_environment, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(_without_casework_variables(env))
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environment)


@contextmanager
def logging_kept():
    """Put back the loggers' handlers, levels and propagation the command reconfigured."""
    loggers = [logging.root, *logging.root.manager.loggerDict.values()]
    saved = {
        logger: (logger.handlers[:], logger.level, logger.propagate, logger.disabled)
        for logger in loggers
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        for logger in logging.root.manager.loggerDict.values():
            if isinstance(logger, logging.Logger) and logger not in saved:
                logger.handlers.clear()
                logger.setLevel(logging.NOTSET)
                logger.propagate = True
        for logger, (handlers, level, propagate, disabled) in saved.items():
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
            logger.disabled = disabled


def invoked(*args: str, **options):
    """Run `casework ARGS` in process with typer's CliRunner in the caller's own environment (its
    fixtures' settings and patches kept), and put back the logging configuration it installed;
    return the runner's result (`options` go to the runner's invoke, `terminal_width` say)."""
    import importlib

    app = importlib.import_module("casework.cli.main").app
    with logging_kept():
        return CliRunner().invoke(app, list(args), **options)


def casework(*args: str, env: dict | None = None, cwd=None, stdin: str | None = None) -> Ran:
    """Run `casework ARGS` in process with only `env`'s CASEWORK_* settings, in `cwd`, reading
    `stdin`."""
    from casework.cli import common
    from casework.cli.main import ACCOUNT, app

    def forget() -> None:
        common.settings.cache_clear()
        common.engine.cache_clear()
        ACCOUNT["name"] = None

    forget()
    try:
        with _environment(env, cwd), logging_kept():
            result = CliRunner().invoke(app, list(args), input=stdin, catch_exceptions=False)
    finally:
        if common.engine.cache_info().currsize:  # the command opened the database
            common.engine().dispose()
        forget()
    return Ran(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def real_casework(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    """Run the real `casework` command in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "casework", *args],
        capture_output=True,
        text=True,
        env=_without_casework_variables(env),
        cwd=cwd,
        timeout=120,
    )
