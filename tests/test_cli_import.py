"""`occupancy import FILE --entity ENTITY [--dry-run]` on the configured database: the same
checks and outcome as POST /api/v1/imports, a progress bar, and the error list on stderr."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import cli
from app.kit import migrate
from app.kit.db import make_engine
from app.kit.settings import get_settings
from app.models import AuditEvent, ImportRecord, Zone

HEADER = "code,name,kind,province,status,total_area_ha,industrial_land_ha,service_land_ha"


@pytest.fixture
def database(scratch_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    migrate.upgrade(scratch_url)
    monkeypatch.setenv("OCCUPANCY_DATABASE_URL", scratch_url)
    get_settings.cache_clear()
    yield scratch_url
    get_settings.cache_clear()


def counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return (
                session.scalar(select(func.count()).select_from(Zone)) or 0,
                session.scalar(select(func.count()).select_from(ImportRecord)) or 0,
                session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            )
    finally:
        engine.dispose()


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "khu.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8-sig")
    return path


def test_import_writes_the_rows_and_reports_progress(database, tmp_path, capsys):
    rows = [f"KCN-C{n},Khu {n},park,Phú Thọ,operating,100,60,5" for n in range(25)]
    code = cli.main(["import", str(write(tmp_path, *rows)), "--entity", "zones"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "25 rows imported (import 1): 25 created, 0 updated, 0 unchanged" in out
    assert "import [" in err and "25/25 rows" in err
    assert counts(database) == (25, 1, 26)
    again = cli.main(["import", str(write(tmp_path, *rows)), "--entity", "zones"])
    assert again == 0
    assert "25 unchanged" in capsys.readouterr().out


def test_dry_run_writes_nothing(database, tmp_path, capsys):
    path = write(tmp_path, "KCN-D1,Khu,park,Phú Thọ,operating,100,60,5")
    assert cli.main(["import", str(path), "--entity", "zones", "--dry-run"]) == 0
    assert "1 rows checked (dry run, nothing written): 1 created" in capsys.readouterr().out
    assert counts(database) == (0, 0, 0)


def test_errors_are_listed_in_both_languages_and_nothing_is_written(database, tmp_path, capsys):
    path = write(
        tmp_path,
        "KCN-E1,Khu,park,Phú Thọ,operating,100,60,5",
        "KCN-E2,Khu,park,Phú Thọ,operating,50,60,5",
        "KCN-E3,,park,Phú Thọ,operating,100,60,5",
    )
    assert cli.main(["import", str(path), "--entity", "zones"]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    assert "row 3" in err and "row 4, name" in err
    assert counts(database) == (0, 0, 0)


def test_a_missing_file_and_a_file_that_is_not_a_sheet(database, tmp_path, capsys):
    assert cli.main(["import", str(tmp_path / "none.csv"), "--entity", "zones"]) == 1
    assert "No such file" in capsys.readouterr().err
    bad = tmp_path / "khu.csv"
    bad.write_bytes("mã,tên\n".encode("cp1258", errors="replace") + b"\xff\xfe\n")
    assert cli.main(["import", str(bad), "--entity", "zones"]) == 1
    assert "file refused" in capsys.readouterr().err
    assert counts(database) == (0, 0, 0)
