"""A typed client of the occupancy API, for the command line and for scripts.

It needs httpx and the standard library, nothing of the service: a script can copy this
package or import it with only httpx installed.

    from app.client import OccupancyClient, ReportParams

    with OccupancyClient.from_env("https://occupancy.example") as client:
        answer = client.report("occupancy", ReportParams(period="2024-H1"), format="csv")
        open("occupancy.csv", "wb").write(answer.content)
"""

from app.client.api import (
    API_KEY_VARIABLE,
    Answer,
    ApiError,
    Filed,
    Filing,
    KeyInfo,
    OccupancyClient,
    Retrying,
    ServiceError,
    UnexpectedAnswer,
    Unreachable,
)
from app.client.reports import FORMATS, REPORTS, ReportParams
from app.client.retry import RetryPolicy

__all__ = [
    "API_KEY_VARIABLE",
    "FORMATS",
    "REPORTS",
    "Answer",
    "ApiError",
    "Filed",
    "Filing",
    "KeyInfo",
    "OccupancyClient",
    "ReportParams",
    "RetryPolicy",
    "Retrying",
    "ServiceError",
    "UnexpectedAnswer",
    "Unreachable",
]
