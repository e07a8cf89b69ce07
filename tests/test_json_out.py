"""JSON answers written in parts (app.kit.json_out): a list written a part at a time reads
exactly as the list written at once."""

import orjson
import pytest

from app.kit import json_out
from app.kit.json_out import ROWS_PER_PART, json_bytes, json_rows


def rows(count: int) -> list[dict[str, object]]:
    return [
        {"id": n, "name": f'Khu công nghiệp {n} "Đông"', "rate": n / 7 or None, "ok": n % 2 == 0}
        for n in range(count)
    ]


@pytest.mark.parametrize(
    "count", [0, 1, ROWS_PER_PART - 1, ROWS_PER_PART, ROWS_PER_PART + 1, 2 * ROWS_PER_PART + 5]
)
def test_rows_written_in_parts_are_the_list_written_at_once(count: int):
    written = json_rows(iter(rows(count)))  # any iterable: a generator is read once, in order
    assert len(written) == -(-count // ROWS_PER_PART)  # whole parts, the last one shorter
    document = {"as_of": "2024-06-24", "zones": written, "totals": {"zones": count}}
    expected = {"as_of": "2024-06-24", "zones": rows(count), "totals": {"zones": count}}
    assert json_bytes(document) == json_bytes(expected)
    assert orjson.loads(json_bytes(document)) == expected


def test_a_part_holds_at_most_rows_per_part_rows(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(json_out, "ROWS_PER_PART", 2)
    parts = json_rows(rows(5))
    assert [orjson.loads(json_bytes([part])) for part in parts] == [
        rows(5)[0:2],
        rows(5)[2:4],
        rows(5)[4:5],
    ]
