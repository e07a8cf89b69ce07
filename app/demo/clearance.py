"""The demo's land-clearance histories (giải phóng mặt bằng), and the records they become.

Per-zone clearance progress is not published, so these histories are SYNTHETIC, shaped after the
provincial review's remark (published 24 June 2024, on plan 07-ĐA/TU) that compensation and
clearance "còn gặp nhiều khó khăn vướng mắc": the older zones finished clearing years ago, the
newer ones are still at it, two stalled before the review's date and most planned parks have not
started. Each step states the share of the zone's clearance_required_ha (its total area) cleared
by then; `clearance_records` turns the shares into cumulative records.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from app.clearance.schemas import ClearanceCreate


@dataclass(frozen=True, slots=True)
class ClearanceStep:
    recorded_on: date
    cleared: Decimal  # cumulative share of the area that needs clearing, 0..1
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DemoClearance:
    households: int  # households affected (households_total)
    resettled: int  # of them, households to be relocated when clearance completes
    vnd_per_ha: int  # compensation and support paid per cleared hectare
    steps: tuple[ClearanceStep, ...]


def _clearance(
    households: int,
    resettled: int,
    vnd_per_ha: int,
    *steps: tuple[date, str] | tuple[date, str, str],
) -> DemoClearance:
    return DemoClearance(
        households=households,
        resettled=resettled,
        vnd_per_ha=vnd_per_ha,
        steps=tuple(
            ClearanceStep(step[0], Decimal(step[1]), step[2] if len(step) > 2 else None)
            for step in steps
        ),
    )


_D = date
DONE = "Đã hoàn thành bồi thường, hỗ trợ, giải phóng mặt bằng và bàn giao đất sạch cho chủ đầu tư."

# Zones not listed here have no clearance record (not started).
DEMO_CLEARANCE: dict[str, DemoClearance] = {
    # Parks: completed years ago
    "KCN-LUONG-SON": _clearance(
        214,
        18,
        1_150_000_000,
        (_D(2015, 1, 15), "1", DONE),
    ),
    "KCN-BO-TRAI-SONG-DA": _clearance(
        236,
        31,
        1_080_000_000,
        (_D(2015, 3, 31), "0.92"),
        (_D(2017, 6, 30), "1", DONE),
    ),
    "KCN-NHUAN-TRACH": _clearance(
        468,
        52,
        1_320_000_000,
        (_D(2015, 6, 30), "0.40"),
        (_D(2016, 12, 31), "0.72"),
        (_D(2018, 6, 30), "0.93"),
        (_D(2019, 12, 31), "1", DONE),
    ),
    "KCN-NAM-LUONG-SON": _clearance(
        512,
        64,
        1_410_000_000,
        (_D(2016, 12, 31), "0.25", "Đã kiểm đếm, lập phương án bồi thường giai đoạn 1."),
        (_D(2018, 6, 30), "0.58"),
        (_D(2019, 12, 31), "0.84"),
        (_D(2021, 6, 30), "1", DONE),
    ),
    # Parks in progress
    "KCN-YEN-QUANG": _clearance(
        455,
        47,
        1_260_000_000,
        (_D(2019, 12, 31), "0.34"),
        (_D(2020, 12, 31), "0.68"),
        (_D(2021, 12, 31), "0.91"),
        (_D(2023, 3, 31), "0.96"),
        (
            _D(2024, 3, 31),
            "0.985",
            "Còn một số hộ chưa nhận tiền bồi thường; đang vận động, đối thoại.",
        ),
        (_D(2025, 3, 31), "1", DONE),
    ),
    # Stalled on the review's date: no progress after June 2023.
    "KCN-BINH-PHU": _clearance(
        1160,
        138,
        1_020_000_000,
        (_D(2021, 6, 30), "0.14"),
        (_D(2021, 12, 31), "0.32"),
        (_D(2022, 6, 30), "0.47"),
        (_D(2022, 12, 31), "0.56"),
        (_D(2023, 6, 30), "0.61"),
        (
            _D(2023, 12, 31),
            "0.61",
            "Vướng mắc về xác định nguồn gốc đất và đơn giá bồi thường; nhiều hộ chưa đồng thuận.",
        ),
        (
            _D(2024, 5, 31),
            "0.61",
            "Chưa có tiến triển; đề nghị tỉnh điều chỉnh đơn giá bồi thường, hỗ trợ.",
        ),
        (_D(2024, 12, 31), "0.66", "Đã chi trả cho các hộ đồng thuận theo đơn giá điều chỉnh."),
        (_D(2025, 6, 30), "0.72"),
    ),
    "KCN-LAC-THINH": _clearance(
        396,
        36,
        880_000_000,
        (_D(2021, 12, 31), "0.12"),
        (_D(2022, 12, 31), "0.41"),
        (_D(2023, 12, 31), "0.63"),
        (_D(2024, 5, 31), "0.70"),
        (_D(2025, 5, 31), "0.86"),
    ),
    "KCN-THANH-HA": _clearance(
        1290,
        121,
        760_000_000,
        (_D(2022, 9, 30), "0.09", "Bắt đầu chi trả bồi thường giai đoạn 1."),
        (_D(2023, 6, 30), "0.21"),
        (_D(2023, 12, 31), "0.31"),
        (_D(2024, 4, 30), "0.35"),
        (_D(2025, 4, 30), "0.48"),
    ),
    # Planned parks: one just started, one with households counted but nothing cleared yet.
    "KCN-THANH-CAO": _clearance(
        505,
        58,
        1_380_000_000,
        (_D(2024, 3, 31), "0.03", "Đã có thông báo thu hồi đất; chi trả bồi thường đợt đầu."),
        (_D(2025, 3, 31), "0.18"),
    ),
    "KCN-TAN-VINH": _clearance(
        930,
        96,
        1_200_000_000,
        (_D(2024, 5, 15), "0", "Đang kiểm đếm hiện trạng đất đai, tài sản trên đất."),
    ),
    # Clusters: completed
    "CCN-CHAM-MAT-DAN-CHU": _clearance(
        96,
        12,
        820_000_000,
        (_D(2015, 3, 31), "1", DONE),
    ),
    "CCN-YEN-MONG": _clearance(
        118,
        9,
        760_000_000,
        (_D(2015, 3, 31), "0.82"),
        (_D(2016, 12, 31), "1", DONE),
    ),
    "CCN-XOM-RUT": _clearance(
        61,
        4,
        540_000_000,
        (_D(2015, 12, 31), "1", DONE),
    ),
    "CCN-DONG-TAM": _clearance(
        127,
        11,
        610_000_000,
        (_D(2016, 9, 30), "0.62"),
        (_D(2017, 12, 31), "1", DONE),
    ),
    "CCN-TIEN-TIEN": _clearance(
        104,
        7,
        580_000_000,
        (_D(2017, 12, 31), "0.52"),
        (_D(2018, 12, 31), "1", DONE),
    ),
    "CCN-PHONG-PHU": _clearance(
        79,
        6,
        560_000_000,
        (_D(2018, 12, 31), "0.63"),
        (_D(2019, 12, 31), "1", DONE),
    ),
    "CCN-THINH-MINH-1": _clearance(
        183,
        15,
        790_000_000,
        (_D(2018, 12, 31), "0.42"),
        (_D(2019, 12, 31), "0.81"),
        (_D(2020, 12, 31), "1", DONE),
    ),
    "CCN-PHU-THANH-2": _clearance(
        121,
        10,
        640_000_000,
        (_D(2019, 12, 31), "0.51"),
        (_D(2020, 12, 31), "0.86"),
        (_D(2022, 6, 30), "1", DONE),
    ),
    # Clusters in progress
    "CCN-HOA-SON": _clearance(
        172,
        19,
        1_100_000_000,
        (_D(2021, 12, 31), "0.27"),
        (_D(2022, 12, 31), "0.56"),
        (_D(2023, 12, 31), "0.81"),
        (_D(2024, 6, 14), "0.88"),
        (_D(2024, 12, 14), "0.95"),
    ),
    # Stalled on the review's date: no progress after September 2022.
    "CCN-DONG-LAI-THANH-HOI": _clearance(
        158,
        14,
        590_000_000,
        (_D(2020, 12, 31), "0.22"),
        (_D(2021, 12, 31), "0.41"),
        (_D(2022, 9, 30), "0.52"),
        (
            _D(2023, 6, 14),
            "0.52",
            "Một số hộ khiếu nại về giá đất bồi thường, chưa bàn giao mặt bằng.",
        ),
        (_D(2023, 12, 14), "0.52"),
        (_D(2024, 6, 14), "0.52", "Đang rà soát lại hồ sơ nguồn gốc đất."),
    ),
    "CCN-THANH-NONG": _clearance(
        149,
        13,
        650_000_000,
        (_D(2023, 6, 30), "0.16"),
        (_D(2024, 2, 29), "0.37"),
        (_D(2024, 12, 14), "0.62"),
    ),
}


# ---------------------------------------------------------------------------------------------
# The histories as cumulative records.

HECTARE_STEP = Decimal("0.01")
COMPENSATION_STEP = 1_000_000  # compensation is stated in whole millions of đồng


def clearance_records(history: DemoClearance, required_ha: Decimal) -> list[ClearanceCreate]:
    """One record per step: the cleared share of `required_ha`, the households relocated and
    the compensation paid in proportion, all rounded down so that they never decrease."""
    records = []
    for step in history.steps:
        cleared = (required_ha * step.cleared).quantize(HECTARE_STEP, rounding=ROUND_FLOOR)
        paid = int(cleared * history.vnd_per_ha) // COMPENSATION_STEP * COMPENSATION_STEP
        records.append(
            ClearanceCreate(
                recorded_on=step.recorded_on,
                cleared_ha=cleared,
                households_total=history.households,
                households_relocated=int(
                    (history.resettled * step.cleared).to_integral_value(ROUND_FLOOR)
                ),
                compensation_paid_vnd=paid,
                note=step.note,
            )
        )
    return records
