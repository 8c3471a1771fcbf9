"""The command line: version, help, configuration checks and the database commands.

Most commands run in process (tests.cli.casework). Real `casework` processes: the version and
the help (`test_version_and_help_answer`, and the import probe of `--version`), the smoke test of
the `config` group (`test_unknown_key_in_the_configuration_file_is_refused`), of the `db` group
(`test_db_upgrade_twice_then_current_is_up_to_date`) and of the `demo` group
(`test_the_demo_loads_quietly_on_a_new_database`).
"""

import json
import subprocess
import sys

import pytest

from tests.cli import casework, real_casework
from tests.conftest import command_line_account


def test_version_and_help_answer():
    assert real_casework("--version").stdout.startswith("casework ")
    help_text = real_casework("--help").stdout
    for command in ("db", "serve", "config", "demo"):
        assert command in help_text


EVERY_GROUP = [
    *("scheduler", "serve", "db", "config", "demo", "calendar", "case", "workflow", "users"),
    *("apikeys", "outbox", "mail", "retention", "letters", "reports", "survey"),
]


def test_the_help_lists_every_command_group_with_its_summary():
    lines = casework("--help").stdout.splitlines()
    for group in EVERY_GROUP:
        assert any(line.startswith(f"│ {group} ") for line in lines), group
    assert any("Database schema." in line for line in lines)


def test_the_version_is_printed_without_loading_the_services_or_the_database():
    probe = (
        "import sys\n"
        "from casework.cli.main import app\n"
        "try:\n"
        "    app(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('sqlalchemy', 'sqlmodel', 'casework.services', 'casework.config',\n"
        "                      'casework.cli.cases', 'casework.cli.common') if m in sys.modules]\n"
        "print('loaded:', ' '.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.splitlines()[-1] == "loaded: ", result.stdout + result.stderr
    assert result.stdout.startswith("casework ")


@pytest.mark.parametrize(
    ("variable", "value", "key"),
    [
        ("CASEWORK_DATABASE__URL", "not a url at all", "database.url"),
        ("CASEWORK_DATABASE__URL", "mysql://root@localhost/x", "database.url"),
        ("CASEWORK_CALENDAR__TIMEZONE", "Mars/Olympus_Mons", "calendar.timezone"),
        ("CASEWORK_CALENDAR__BASE", "ontario", "calendar.base"),
        (
            "CASEWORK_CALENDAR__OFFICE_HOURS",
            '[{"start": "16:30", "end": "08:30"}]',
            "calendar.office_hours",
        ),
        ("CASEWORK_LOGGING__LEVEL", "CHATTY", "logging.level"),
        ("CASEWORK_DEADLINES__AFTER_HOURS_RECEIPT", "tomorrow", "deadlines.after_hours_receipt"),
        ("CASEWORK_SERVER__PORT", "99999", "server.port"),
        ("CASEWORK_REMINDERS__THRESHOLDS", "[0]", "reminders.thresholds"),
    ],
)
def test_invalid_setting_stops_with_status_2_naming_the_key(tmp_path, variable, value, key):
    result = casework("config", "show", env={variable: value}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert key in lines[0]
    assert "Traceback" not in result.stderr


def test_invalid_value_in_the_configuration_file_names_the_key(tmp_path):
    config = tmp_path / "casework.toml"
    config.write_text('[calendar]\noffice_hours = [{start = "12:00", end = "09:00"}]\n')
    result = casework("config", "show", env={"CASEWORK_CONFIG": str(config)}, cwd=tmp_path)
    assert result.returncode == 2
    assert "calendar.office_hours" in result.stderr
    assert "before it starts" in result.stderr


def test_unknown_key_in_the_configuration_file_is_refused(tmp_path):
    config = tmp_path / "casework.toml"
    config.write_text("[database]\nulr = 'sqlite:///x.db'\n")
    result = real_casework("config", "show", env={"CASEWORK_CONFIG": str(config)}, cwd=tmp_path)
    assert result.returncode == 2
    assert "database.ulr" in result.stderr


def test_missing_configuration_file_is_named(tmp_path):
    result = casework("config", "show", env={"CASEWORK_CONFIG": str(tmp_path / "nope.toml")})
    assert result.returncode == 2
    assert "nope.toml" in result.stderr


def test_config_show_masks_secrets_and_applies_environment(tmp_path):
    result = casework(
        "config",
        "show",
        env={
            "CASEWORK_DATABASE__URL": "postgresql+psycopg://casework:hunter2@db.example/casework",
            "CASEWORK_SMTP__PASSWORD": "mail-secret",
            "CASEWORK_SECURITY__SECRET_KEY": "cookie-secret",
            "CASEWORK_CALENDAR__TIMEZONE": "America/Montreal",
        },
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    for secret in ("hunter2", "mail-secret", "cookie-secret"):
        assert secret not in result.stdout
    shown = json.loads(result.stdout)
    assert shown["calendar"]["timezone"] == "America/Montreal"
    assert shown["database"]["url"].startswith("postgresql+psycopg://casework:***@db.example")


def test_db_upgrade_twice_then_current_is_up_to_date(tmp_path):
    env = {"CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/cw.db"}
    first = real_casework("db", "upgrade", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "base de données créée à la révision" in first.stdout
    second = real_casework("db", "upgrade", env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "base de données déjà à la révision" in second.stdout
    current = real_casework("db", "current", env=env, cwd=tmp_path)
    assert "(à jour)" in current.stdout


def test_db_backup_copies_the_sqlite_database_and_never_overwrites(tmp_path):
    env = {"CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/cw.db"}
    assert casework("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    backup = tmp_path / "copy.db"
    result = casework("db", "backup", str(backup), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    restored = {"CASEWORK_DATABASE__URL": f"sqlite:///{backup}"}
    assert "(à jour)" in casework("db", "current", env=restored, cwd=tmp_path).stdout
    again = casework("db", "backup", str(backup), env=env, cwd=tmp_path)
    assert again.returncode == 2
    assert "existe déjà\u00a0: choisissez un nouveau" in again.stderr


def test_db_backup_copies_the_documents_files_beside_the_database(tmp_path):
    env = {
        "CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/cw.db",
        "CASEWORK_DATA_DIR": str(tmp_path / "var"),
    }
    assert casework("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    env.update(command_line_account(env["CASEWORK_DATABASE__URL"]))
    new = casework(
        "case",
        "new",
        "--subject",
        "Lettre",
        "--received",
        "2026-11-20T10:00",
        env=env,
        cwd=tmp_path,
    )
    reference = new.stdout.split("\t")[0]
    letter = tmp_path / "lettre.txt"
    letter.write_text("Madame, je vous écris au sujet de mon permis.\n", encoding="utf-8")
    attached = casework("case", "attach", reference, str(letter), env=env, cwd=tmp_path)
    assert attached.returncode == 0, attached.stderr
    backup = tmp_path / "copies" / "cw.db"
    backup.parent.mkdir()
    result = casework("db", "backup", str(backup), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    copied = [p for p in (tmp_path / "copies" / "cw.db.documents").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in copied] == [letter.read_bytes()]
    only = casework(
        "db", "backup", "--documents-only", str(tmp_path / "docs"), env=env, cwd=tmp_path
    )
    assert only.returncode == 0, only.stderr
    assert "1 fichier de document copié dans" in only.stdout


def test_a_command_that_shows_cases_runs_only_as_an_active_account(tmp_path):
    env = {"CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/cw.db"}
    assert casework("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    nobody = casework("case", "list", env=env, cwd=tmp_path)
    assert nobody.returncode == 2
    assert "--as UTILISATEUR" in nobody.stderr and "cli.user" in nobody.stderr
    unknown = casework("--as", "inconnu", "case", "list", env=env, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "--as inconnu\u00a0: aucun compte actif" in unknown.stderr
    in_english = casework(
        "--as", "inconnu", "case", "list", env={**env, "CASEWORK_I18N__DEFAULT_LANGUAGE": "en"}
    )
    assert "--as inconnu: no active account has this username" in in_english.stderr
    # The installation commands need no account.
    assert casework("config", "show", env=env, cwd=tmp_path).returncode == 0
    env.update(command_line_account(env["CASEWORK_DATABASE__URL"]))
    assert casework("case", "list", env=env, cwd=tmp_path).returncode == 0


def test_an_agent_on_the_command_line_keeps_the_agents_rights(tmp_path):
    env = {"CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/cw.db"}
    assert casework("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    officer = {**env, **command_line_account(env["CASEWORK_DATABASE__URL"])}
    command_line_account(env["CASEWORK_DATABASE__URL"], username="agente", role="agent")
    new = casework(
        *("case", "new", "--subject", "Permis", "--received", "2026-11-20T10:00"),
        *("--requester", "Marie Tremblay", "--email", "marie@example.org"),
        env=officer,
        cwd=tmp_path,
    )
    assert new.returncode == 0, new.stderr
    reference = new.stdout.split("\t")[0]
    shown = casework("--as", "agente", "case", "show", reference, "--json", env=env, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    hidden = json.loads(shown.stdout)["requester"]
    assert hidden["redacted"] is True
    assert (hidden["name"], hidden["email"]) == (None, None)
    closed = casework(
        *("--as", "agente", "case", "fire", reference, "close", "--outcome", "withdrawn"),
        env=env,
        cwd=tmp_path,
    )
    assert closed.returncode == 2
    assert "Votre rôle ne permet pas cette action." in closed.stderr
    seen = casework("case", "show", reference, "--json", env=officer, cwd=tmp_path)
    assert json.loads(seen.stdout)["requester"]["name"] == "Marie Tremblay"
    assert json.loads(seen.stdout)["status"] == "received"


def test_the_demo_loads_quietly_on_a_new_database(tmp_path):
    # What `make run` does on a fresh clone: migrate, then load the demo cases and accounts.
    env = {
        "CASEWORK_DATABASE__URL": f"sqlite:///{tmp_path}/casework.db",
        "CASEWORK_DATA_DIR": str(tmp_path),
    }
    assert casework("db", "upgrade", env=env).returncode == 0
    loaded = real_casework("demo", "load", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "dossiers de démonstration chargés" in loaded.stdout
    assert "superviseure" in loaded.stdout
    # The letters' PDF engine does not report each step of its work on the operator's terminal.
    assert " INFO " not in loaded.stderr, loaded.stderr
