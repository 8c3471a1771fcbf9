"""The command line closes a complaint with what it was about and prints the annual report, as
an operator types it. The commands run in process, except `reports annual` in
`test_a_complaint_closes_on_the_command_line_with_what_it_was_about`: the real-process smoke test
of the `reports` group."""

import json

from tests.cli import casework, real_casework
from tests.conftest import command_line_account


def test_a_complaint_closes_on_the_command_line_with_what_it_was_about(tmp_path):
    env = {"CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/casework.db"}
    assert casework("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    env.update(command_line_account(env["CASEWORK_DATABASE__URL"]))
    created = casework(
        "case",
        "new",
        "--subject",
        "Attente au comptoir",
        "--received",
        "2026-11-20T10:00",
        env=env,
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    reference = created.stdout.split()[0]
    answered = casework(
        "case",
        "fire",
        reference,
        "answer",
        "--answer-summary",
        "Réponse transmise.",
        env=env,
        cwd=tmp_path,
    )
    assert answered.returncode == 0, answered.stderr
    refused = casework(
        "case", "fire", reference, "close", "--outcome", "founded", env=env, cwd=tmp_path
    )
    assert refused.returncode == 2
    assert "cause première" in refused.stderr
    closed = casework(
        "case",
        "fire",
        reference,
        "close",
        "--outcome",
        "founded",
        "--service",
        "support_advice",
        "--commitment",
        "courtesy",
        "--root-cause",
        "conduct",
        "--remedy",
        "apology",
        env=env,
        cwd=tmp_path,
    )
    assert closed.returncode == 0, closed.stderr
    report = real_casework("reports", "annual", "--fiscal-year", "2026", env=env, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    assert data["volumes"]["by_kind"]["complaint"] == 1
    assert data["volumes"]["by_service"]["support_advice"] == 1
    assert data["volumes"]["by_outcome"]["founded"] == 1
    bad = casework(
        "reports", "annual", "--fiscal-year", "2026", "--format", "doc", env=env, cwd=tmp_path
    )
    assert bad.returncode == 2
