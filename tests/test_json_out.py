"""JSON answers written in parts (app.kit.json_out): a list written a part at a time reads
exactly as the list written at once; a list's items read back are what a client reads."""

from datetime import date

import orjson
import pytest

from app.kit.json_out import WrittenList, json_bytes, read_back
from app.models.enums import ClearanceStatus


def rows(count: int) -> list[dict[str, object]]:
    return [
        {"id": n, "name": f'Khu công nghiệp {n} "Đông"', "rate": n / 7 or None, "ok": n % 2 == 0}
        for n in range(count)
    ]


@pytest.mark.parametrize("sizes", [[], [1], [1, 1], [3], [2, 5, 1], [1000, 1000, 7]])
def test_parts_written_one_by_one_are_the_list_written_at_once(sizes: list[int]):
    every = rows(sum(sizes))
    starts = [sum(sizes[:n]) for n in range(len(sizes))]
    parts = [
        orjson.dumps(every[start : start + size]) for start, size in zip(starts, sizes, strict=True)
    ]
    document = {"as_of": "2024-06-24", "zones": WrittenList(parts), "totals": {"zones": 1}}
    expected = {"as_of": "2024-06-24", "zones": every, "totals": {"zones": 1}}
    assert json_bytes(document) == json_bytes(expected)
    assert orjson.loads(json_bytes(document)) == expected


def test_written_lists_are_spliced_wherever_they_stand_among_the_documents_values():
    """First, last, two of them, and beside text that holds U+0000 (which orjson writes
    escaped, so it is never taken for where a list goes)."""
    a, b = rows(3), rows(5)[3:]
    document = {
        "first": WrittenList([orjson.dumps(a[:1]), orjson.dumps(a[1:])]),
        "text": "nul \x00 inside",
        "none": WrittenList([]),
        "nested": {"list": [1, 2], "empty": []},
        "last": WrittenList([orjson.dumps(b)]),
    }
    expected = {"first": a, "text": "nul \x00 inside", "none": [], "nested": document["nested"]}
    expected["last"] = b
    assert json_bytes(document) == json_bytes(expected)
    assert orjson.loads(json_bytes(document)) == expected


def test_a_written_list_deeper_than_the_documents_values_is_refused():
    with pytest.raises(TypeError):
        json_bytes({"report": {"zones": WrittenList([orjson.dumps(rows(2))])}})


def test_a_lists_items_read_back_are_the_json_values_its_writing_holds():
    """Items that hold what orjson writes and JSON has not got (a date, a str enum) read back
    as the ISO text and the value a client reads; the parts written read the same."""
    parts = [
        [{"on": date(2024, 6, 30), "status": ClearanceStatus.COMPLETED, "rate": 0.5}],
        [{"on": None, "status": ClearanceStatus.NOT_STARTED, "rate": None}],
    ]
    values = read_back(iter(parts))  # any iterable: read once, in order
    assert values == [
        {"on": "2024-06-30", "status": "completed", "rate": 0.5},
        {"on": None, "status": "not_started", "rate": None},
    ]
    assert all(type(item["status"]) is str for item in values)
    written = WrittenList([orjson.dumps(part) for part in parts])
    assert json_bytes({"zones": written}) == json_bytes({"zones": values})
