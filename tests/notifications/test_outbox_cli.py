"""`casework outbox list [--failed]` and `casework outbox retry ID`: what failed stays visible and
can be put back in line, to the address corrected with `casework users set-email`.

The commands run in process, except, in
`test_failed_message_is_listed_with_its_error_and_retried_by_id`, the `users set-email` that
corrects the address and the `outbox retry` that puts the message back in line: the real-process
smoke tests of the `users` and `outbox` groups.
"""

from casework.services import reminders
from notifications.delivery import deliver_pending
from tests.cli import casework, real_casework
from tests.conftest import command_line_account
from tests.notifications.conftest import add_user, at, open_case, outbox_rows, process_env


def test_failed_message_is_listed_with_its_error_and_retried_by_id(
    mail_ctx, staff, smtp, mailbox, tmp_path
):
    ctx = mail_ctx
    paul = add_user(ctx, "paul.cote", "Paul Côté", "agent", email="paul.cote@@organisme")
    at(ctx, 2026, 12, 18, 16, 0)
    open_case(ctx, received_at="2026-11-26T10:00:00-05:00", assignee_id=paul.id)
    open_case(ctx, received_at="2026-11-26T10:00:00-05:00", assignee_id=staff.agent.id)
    at(ctx, 2026, 12, 21, 9, 0)
    reminders.sweep(ctx, worker="test")
    deliver_pending(ctx, worker="test")
    (failed,) = [row for row in outbox_rows(ctx) if row.status == "failed"]
    env = {
        **process_env(ctx, smtp, tmp_path),
        **command_line_account(ctx.settings.database.url, username="olivier.officier"),
    }

    listed = casework("outbox", "list", "--failed", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    # In the configured language (French by default).
    assert lines[0].startswith(
        f"{failed.id}\ten échec\t1 tentative\tcourriel\tpaul.cote@@organisme"
    )
    assert lines[1] == (
        "\tErreur\u00a0: invalid recipient address 'paul.cote@@organisme': "
        "The part after the @-sign contains invalid characters: '@'."
    )
    assert lines[-1] == "(0 en attente, 0 en cours d’envoi, 3 envoyés, 1 en échec en tout)"

    everything = casework("outbox", "list", env=env, cwd=tmp_path)
    assert len([line for line in everything.stdout.splitlines() if "\tenvoyé\t" in line]) == 3

    # The address is corrected (a wrong one is refused), then the message retried goes to it.
    refused = casework("users", "set-email", "paul.cote", "paul.cote@", env=env, cwd=tmp_path)
    assert refused.returncode == 2
    assert "Cette adresse courriel n’est pas valide." in refused.stderr
    fixed = real_casework(
        "users",
        "set-email",
        "paul.cote",
        "Paul.Cote@Organisme.example.qc.ca",
        env=env,
        cwd=tmp_path,
    )
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout == "adresse de paul.cote\u00a0: Paul.Cote@organisme.example.qc.ca\n"
    retried = real_casework("outbox", "retry", str(failed.id), env=env, cwd=tmp_path)
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout == (
        f"{failed.id}\ten attente\u00a0: il partira au prochain envoi, "
        "à Paul.Cote@organisme.example.qc.ca\n"
    )
    (row,) = [r for r in outbox_rows(ctx) if r.id == failed.id]
    assert (row.status, row.attempts) == ("pending", 0)
    mailbox.received.clear()
    deliver_pending(ctx, worker="test")
    assert [m.rcpt_tos for m in mailbox.received] == [["Paul.Cote@organisme.example.qc.ca"]]
    (row,) = [r for r in outbox_rows(ctx) if r.id == failed.id]
    assert row.status == "sent"

    unknown = casework("outbox", "retry", "999", env=env, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "Aucun message de la file d’envoi ne porte le numéro 999." in unknown.stderr
