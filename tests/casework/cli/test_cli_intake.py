"""`casework case attach`, `case documents`, `mail import` and `mail quarantine` from a terminal
(issue 14).

The commands run in process, except the refused `case attach` of
`test_attach_refuses_a_file_of_the_wrong_kind_with_status_2_and_lists_the_others` (the
real-process smoke test of the `case` group) and the `mail import -` of
`test_mail_import_reads_a_message_from_a_pipe_once`, which reads a real pipe (that of the `mail`
group).
"""

import json
import os
import subprocess
import sys

from tests import mail_corpus as corpus
from tests.cli import casework, real_casework
from tests.conftest import command_line_account


def _env(tmp_path) -> dict:
    return {
        "CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/cw.db",
        "CASEWORK_DATA_DIR": str(tmp_path / "var"),
    }


def test_attach_refuses_a_file_of_the_wrong_kind_with_status_2_and_lists_the_others(tmp_path):
    env = _env(tmp_path)
    assert casework("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    env.update(command_line_account(env["CASEWORK_DATABASE__URL"]))
    reference = casework(
        "case",
        "new",
        "--subject",
        "Lettre",
        "--received",
        "2026-11-20T10:00",
        env=env,
        cwd=tmp_path,
    ).stdout.split("\t")[0]
    program = tmp_path / "lettre.pdf"
    program.write_bytes(b"MZ\x90\x00" + bytes(100))
    refused = real_casework("case", "attach", reference, str(program), env=env, cwd=tmp_path)
    assert refused.returncode == 2
    assert "lettre.pdf n’est pas un type de fichier accepté" in refused.stderr
    scan = tmp_path / "numérisation.txt"
    scan.write_text("Lettre reçue le 20 novembre.\n", encoding="utf-8")
    added = casework(
        "case",
        "attach",
        reference,
        str(scan),
        "--from-requester",
        "--description",
        "Lettre numérisée",
        env=env,
        cwd=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    listed = casework("case", "documents", reference, "--json", env=env, cwd=tmp_path)
    [document] = json.loads(listed.stdout)
    assert (document["filename"], document["media_type"], document["from_requester"]) == (
        "numérisation.txt",
        "text/plain",
        True,
    )
    assert document["description"] == "Lettre numérisée"


def test_mail_import_reads_a_message_from_a_pipe_once(tmp_path):
    env = _env(tmp_path)
    assert casework("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    env.update(command_line_account(env["CASEWORK_DATABASE__URL"]))
    environment = {**os.environ, **env}

    def pipe(raw: bytes) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "casework", "mail", "import", "-"],
            input=raw,
            capture_output=True,
            env=environment,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    first = pipe(corpus.latin1_8bit())
    assert first.returncode == 0, first.stderr
    assert first.stdout.decode().split("\t")[1:] == ["new_case", "PLT-2026-00001\n"]
    again = pipe(corpus.latin1_8bit())
    assert again.stdout.decode().rstrip().endswith("already processed")
    broken = pipe(corpus.malformed())
    assert broken.returncode == 0  # kept in quarantine: the mail server must not bounce it
    listed = casework("mail", "quarantine", env=env, cwd=tmp_path)
    assert "Le message n’a pas d’expéditeur" in listed.stdout
