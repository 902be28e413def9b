"""Schemathesis over the OpenAPI schema: no input, however odd, gets a 5xx."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from service.app import create_app
from service.db import make_engine
from tests.service.conftest import Org, make_settings, seed_org, truncate

MAX_EXAMPLES = 30
# No 5xx; every status, content type and body as documented.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


class _SchemaOnlyTagger:
    version = "schema-only"


# The schema does not depend on the database or the model: load it from an app that has neither.
SCHEMA = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(make_settings(), engine=make_engine("sqlite://"), tagger=_SchemaOnlyTagger())
)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fuzz_target(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Any,
    tagger: Any,
) -> Iterator[tuple]:
    if request.param == "postgres":
        pg = request.getfixturevalue("pg_engine")
        truncate(pg)
        yield create_app(make_settings(), engine=pg, tagger=tagger), seed_org(pg)
        truncate(pg)
        return
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield create_app(make_settings(), engine=engine, tagger=tagger), seed_org(engine)
    engine.dispose()


@SCHEMA.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, fuzz_target: tuple[Any, Org]) -> None:
    app, org = fuzz_target
    for persona in ("admin", "secretary"):
        response = case.call_and_validate(app=app, headers=dict(org.headers[persona]), checks=CHECKS)
        if response.status_code >= 400:
            assert set(response.json()) == {"error", "detail"}
