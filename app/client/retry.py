"""When to try a request again, and how long to wait first: pure rules, no I/O.

A request is tried again after a connection error, a timeout, or an answer that says "not now":
429, 502, 503, 504 (and, for a POST sent with an Idempotency-Key, the 409 that says the first
attempt under that key is still running). The wait doubles from `base_delay` up to `max_delay`;
an answer's Retry-After, when it has one, says how long instead: never sooner than asked, and
when it asks for longer than `max_delay`, the client gives up rather than wait that long.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Answers that mean "try again later": too many requests, and a gateway or the service busy.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often to try and how long to wait between tries."""

    attempts: int = 4  # tries in all, the first included
    base_delay: float = 0.5  # seconds before the first retry; doubled before each next one
    max_delay: float = 30.0  # the longest wait, backoff or Retry-After

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base_delay < 0:
            raise ValueError("base_delay must not be negative")
        if self.max_delay < self.base_delay:
            raise ValueError("max_delay must be at least base_delay")

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (1 for the first) when the answer named
        no time: base_delay, doubled each retry, at most max_delay."""
        if retry < 1:
            raise ValueError("retry counts from 1")
        # min() before the power would overflow for absurd retry numbers.
        doublings = min(retry - 1, 64)
        return min(self.max_delay, self.base_delay * 2.0**doublings)

    def delay(self, retry: int, retry_after: float | None) -> float | None:
        """Seconds to wait before retry number `retry`, or None to give up now: when every
        attempt is spent, or when the service asks for a longer wait than max_delay."""
        if retry >= self.attempts:
            return None
        if retry_after is None:
            return self.backoff(retry)
        return retry_after if retry_after <= self.max_delay else None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header's wait in seconds (RFC 9110 §10.2.3: delay-seconds or an
    HTTP-date); None when absent or unreadable, a date in the past being 0."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" in an HTTP-date means UTC
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds)


def retryable_status(status: int, *, idempotency_conflict: bool = False) -> bool:
    """Whether an answer with this status is worth another try. `idempotency_conflict`: the
    answer is the 409 an Idempotency-Key still held by a running attempt gets."""
    return status in RETRY_STATUSES or (status == 409 and idempotency_conflict)
