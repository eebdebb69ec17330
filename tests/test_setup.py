"""Set-up that explains itself (issue #17): what `make test` installs, and the corpora check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT

SCRIPT = ROOT / "scripts" / "postgresql.sh"


def _run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=600
    )


def test_postgresql_script_says_what_it_would_install_when_the_binaries_are_missing(
    tmp_path: Path,
) -> None:
    # PATH without PostgreSQL's folders, PG_BIN pointing nowhere: the "missing" branch.
    done = _run(
        ["bash", str(SCRIPT)],
        PG_BIN=str(tmp_path / "nowhere"),
        PATH="/usr/bin:/bin",
        PG_INSTALL_DRY_RUN="1",
    )
    assert done.returncode == 0, done.stderr
    told = done.stderr
    assert "not found" in told and str(tmp_path / "nowhere") in told
    about = told.index("about to install from Debian: postgresql-15")
    would = told.index("would run")
    assert about < would  # it says what it installs before it does anything
    assert "DEBIAN_FRONTEND=noninteractive apt-get" in told and "install -y postgresql-15" in told
    assert done.stdout.strip() == "/usr/lib/postgresql/15/bin"


def test_postgresql_script_uses_the_binaries_it_finds(tmp_path: Path) -> None:
    bin_dir = tmp_path / "pg15" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("initdb", "pg_ctl", "postgres"):
        (bin_dir / name).write_text("#!/bin/sh\necho 'postgres (PostgreSQL) 15.0'\n")
        (bin_dir / name).chmod(0o755)
    done = _run(["bash", str(SCRIPT)], PG_BIN=str(bin_dir), PG_INSTALL_DRY_RUN="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(bin_dir)
    assert "install" not in done.stderr and "PostgreSQL) 15.0" in done.stderr


def test_pytest_without_the_corpora_names_corpora_dir_without_a_traceback(tmp_path: Path) -> None:
    done = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_layout.py"],
        CORPORA_DIR=str(tmp_path / "no-corpora"),
        VAR_DIR=str(tmp_path / "var"),
        WHOOSH_PATH=str(tmp_path / "whoosh"),
    )
    output = done.stdout + done.stderr
    assert done.returncode == 4, output
    assert "CORPORA_DIR" in output and str(tmp_path / "no-corpora") in output
    assert "Traceback" not in output and "passed" not in output


def test_readme_lists_the_prerequisites() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Prerequisites", 1)[1].split("\n## ", 1)[0]
    for needed in ("Python 3.11", "chromium", "postgresql-15", "sudo", "CORPORA_DIR", "GB"):
        assert needed in section, needed
