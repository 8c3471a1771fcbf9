"""The baseline of benchmarks.api: a bare FastAPI application on casework's database and engine.

`POST /bare` inserts one row into a table of its own and `GET /bare/{reference}` reads one case's
plain columns: what any endpoint on this database costs at least, with no validation, permission,
audit trail or access log. Served by uvicorn like casework (`bare:app_from_environment`), its
routes run like casework's case routes (one worker thread, the answer checked against its type
on return) and its read opens the same read-only transaction as casework's reads.
"""

import os

from fastapi import FastAPI, HTTPException
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from casework.api.routing import OneThreadRoute
from casework.config import DatabaseSettings
from casework.db import READ_ONLY, make_engine
from casework.models import Case


def app_from_environment() -> FastAPI:
    """Build the bare application on the database of CASEWORK_DATABASE__URL."""
    engine = make_engine(DatabaseSettings(url=os.environ["CASEWORK_DATABASE__URL"]))
    metadata = MetaData()
    rows = Table(
        "bench_rows",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("subject", String(300)),
    )
    metadata.create_all(engine)
    cases = Case.__table__
    read = select(cases.c.reference, cases.c.subject, cases.c.status, cases.c.next_due_on)
    reader = engine.execution_options(**{READ_ONLY: True})
    app = FastAPI()
    app.router.route_class = OneThreadRoute

    @app.post("/bare", status_code=201)
    def create(payload: dict) -> dict:
        with engine.begin() as connection:
            row_id = connection.execute(
                insert(rows).values(subject=payload["subject"])
            ).inserted_primary_key[0]
        return {"id": row_id}

    @app.get("/bare/{reference}")
    def fetch(reference: str) -> dict:
        with reader.connect() as connection:
            row = connection.execute(read.where(cases.c.reference == reference)).first()
        if row is None:
            raise HTTPException(404)
        return dict(row._mapping)

    return app
