"""A page of a list written by its route (app.kit.pagination.page_answer) is the same bytes
FastAPI writes for the route's response model, names by alias, decimals as numbers, times
with their zone and Vietnamese as it is; and it carries the ETag."""

from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from pydantic import Field

from app.kit.pagination import Page, PageRequest, page_answer
from app.kit.schema_types import AreaOut, OutputModel, RateOut


class Item(OutputModel):
    id: int
    name: str
    from_: date = Field(alias="from")
    area_ha: AreaOut
    rate: RateOut
    recorded_at: datetime
    note: str | None = None


ITEMS = [
    Item(
        id=1,
        name='Khu công nghiệp "Đồng Văn" \u2028',
        **{"from": date(2024, 6, 30)},
        area_ha=Decimal("12.3456"),
        rate=Decimal("0.4677"),
        recorded_at=datetime(2024, 6, 30, 7, 5, 1, 250000, tzinfo=UTC),
    ),
    Item(
        id=2,
        name="CCN Nam Sách",
        **{"from": date(2023, 1, 1)},
        area_ha=Decimal("50"),
        rate=None,
        recorded_at=datetime(2023, 1, 1, tzinfo=UTC),
        note="",
    ),
]
PAGE = PageRequest(limit=50, offset=0)


def test_a_page_written_by_its_route_is_what_fastapi_writes_for_the_response_model():
    app = FastAPI()

    @app.get("/by-fastapi", response_model=Page[Item])
    def by_fastapi() -> Page[Item]:
        return Page(items=ITEMS, total=7, limit=PAGE.limit, offset=PAGE.offset)

    @app.get("/by-route", response_model=Page[Item])
    def by_route() -> Response:
        return page_answer(ITEMS, 7, PAGE, 'W/"tag"')

    with TestClient(app) as client:
        fastapi, route = client.get("/by-fastapi"), client.get("/by-route")
    assert route.status_code == fastapi.status_code == 200
    assert route.content == fastapi.content
    assert route.json()["items"][0]["from"] == "2024-06-30"
    assert route.headers["content-type"] == fastapi.headers["content-type"]
    assert route.headers["etag"] == 'W/"tag"'


def test_an_empty_page_is_written_too():
    answer = page_answer([], 0, PageRequest(limit=10, offset=20), 'W/"empty"')
    assert answer.body == b'{"items":[],"total":0,"limit":10,"offset":20}'
