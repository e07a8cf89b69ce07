"""The provincial review the demo reproduces: its date and the figures it publishes.

"Kết quả triển khai Đề án số 07-ĐA/TU" is the three-year review of plan 07-ĐA/TU, published by
Hòa Bình province on 24 June 2024. The demo's synthetic leases are built so that the service's
own reports, on that date, give these figures.
"""

from datetime import date
from decimal import Decimal

from app.models.enums import ZoneKind

# The date the review was published, and the date the demo's figures reproduce it on.
REVIEW_DATE = date(2024, 6, 24)
# Area-weighted occupancy of the established parks and of the established clusters.
REVIEW_OCCUPANCY = {ZoneKind.PARK: Decimal("0.4677"), ZoneKind.CLUSTER: Decimal("0.413")}
# Land for industry: the total area of every zone that is not closed, planned ones included.
REVIEW_INDUSTRIAL_AREA_HA = Decimal("6113.48")
