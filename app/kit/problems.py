"""The catalogue of problem types: every `type` the service's problem documents carry.

A problem document (RFC 9457) names its type by a URI; the service's own types are
`/problems/<slug>`, and each of them resolves to a page, made from this catalogue, that says
what the problem means and what to do about it. `app.kit.errors.problem` refuses a slug that
is not here, so no answer can name a page that does not exist. Plain HTTP failures (unknown
path, method not allowed, body too large, server error, not ready) carry `about:blank`.
Pure data: no I/O, no framework.
"""

from dataclasses import dataclass

PROBLEM_BASE = "/problems/"


@dataclass(frozen=True, slots=True)
class ProblemType:
    slug: str
    title: str
    statuses: tuple[int, ...]
    meaning: str
    remedy: str
    # Members beyond type, title, status and detail: (name, meaning).
    members: tuple[tuple[str, str], ...] = ()
    # Response headers that come with it: (name, meaning).
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.slug


_TYPES = (
    ProblemType(
        "validation-error",
        "Invalid values",
        (422,),
        "A value in the request breaks a rule: a field of the body, a query or path parameter, "
        "or a rule that spans several fields or stored rows (industrial and service land within "
        "the total area, a lease ending after it starts, a computed indicator given a reported "
        "value). Nothing was written.",
        "Correct the fields named in `errors` and send the request again. A body that is not a "
        "JSON object is reported on the field `body`.",
        members=(
            (
                "errors",
                "one entry per invalid field: `field` (a dotted path; for a rule across fields, "
                "the one to fix), `message` (English) and `message_vi` (Vietnamese), and for a "
                "common mistake `hint` and `hint_vi`: what to send instead",
            ),
            ("detail_vi", "the detail in Vietnamese"),
        ),
    ),
    ProblemType(
        "malformed-json",
        "Malformed request",
        (400,),
        "The request body is not JSON text in UTF-8: invalid JSON, invalid UTF-8, UTF-16, "
        "nesting too deep to parse or an integer of more than 4,300 digits. The body never "
        "reached the rules and nothing was written.",
        "Send the body as a JSON object encoded in UTF-8 (no byte-order mark).",
    ),
    ProblemType(
        "malformed-idempotency-key",
        "Malformed request",
        (400,),
        "The Idempotency-Key header is not 1 to 200 visible ASCII characters. Nothing was written.",
        "Send a key of 1 to 200 visible ASCII characters, for example a random UUID.",
    ),
    ProblemType(
        "unauthorized",
        "Missing or invalid credentials",
        (401,),
        "The request needs an API key and carried none, or the key is invalid or revoked. "
        "Credentials are checked before the body is read.",
        "Send `Authorization: Bearer <key>` with a key that works; ask an administrator for one.",
        headers=(("WWW-Authenticate", "`Bearer`, the scheme the service expects"),),
    ),
    ProblemType(
        "forbidden",
        "Insufficient role",
        (403,),
        "The API key is valid but its role does not allow this request: writes need `editor`, "
        "keys, the audit trail and province merges need `admin`.",
        "Use a key with the role the detail names.",
    ),
    ProblemType(
        "cors-refused",
        "Cross-origin request refused",
        (403,),
        "A browser asked (with a CORS preflight) whether a page of another origin may make "
        "this request, and the answer is no: the page's origin is not in "
        "`OCCUPANCY_CORS_ORIGINS`, or it asked for a method or a request header the API does "
        "not take. The browser will not send the request.",
        "Have the service's operator add the page's origin (scheme, host and port, e.g. "
        "`https://kcn.example.gov.vn`) to `OCCUPANCY_CORS_ORIGINS`, or send only the methods "
        "and headers the API documents.",
    ),
    ProblemType(
        "not-found",
        "Not found",
        (404,),
        "The resource the path names does not exist (or, for a zone read with `as_of`, did not "
        "exist yet on that date).",
        "Check the id; list the collection to find the resource.",
    ),
    ProblemType(
        "conflict",
        "Conflict with stored state",
        (409,),
        "The request is valid but the stored data forbids it now: deleting a zone that has "
        "projects or clearance records, terminating a project twice, revoking a key already "
        "revoked or the last working admin key, or a write whose Idempotency-Key a retry took "
        "over while it ran.",
        "Read the detail, which says what stands in the way; change the stored data first, or "
        "leave it.",
        members=(
            ("detail_vi", "the detail in Vietnamese"),
            ("zone_id, zone_code", "the zone that cannot be deleted (when that is the conflict)"),
            ("key_id", "the admin key that cannot be revoked (when that is the conflict)"),
            ("terminated_on", "when the project was terminated (when that is the conflict)"),
            ("retry_after", "seconds before a retry (when a retry took the key over)"),
        ),
    ),
    ProblemType(
        "duplicate",
        "Duplicate value",
        (409,),
        "A value that must be unique is taken: a zone or project code, a plan code, a key "
        "name, a plan's target for an indicator, a reported value for an indicator and date.",
        "Choose another value, or change the existing resource instead of creating a new one.",
        members=(
            ("field", "the field whose value is taken"),
            ("zone_id, zone_code", "the zone, for a second clearance record on one date"),
            ("detail_vi", "the detail in Vietnamese"),
        ),
    ),
    ProblemType(
        "capacity-exceeded",
        "Not enough leasable land",
        (409,),
        "The write would have leases hold more land of a use (industrial or service) than the "
        "zone has, on at least one day: a new or longer lease larger than what is free over "
        "its period, or a zone's land reduced below what its leases hold. Two leases never "
        "hold the same hectare, even when sent at the same moment.",
        "Lease at most what is free over the period (the detail says how much), shorten the "
        "lease, or correct the zone's land first.",
        members=(
            ("zone_id, zone_code", "the zone (the detail names it by its code)"),
            ("detail_vi", "the detail in Vietnamese"),
            ("land_use", "`industrial` or `service`"),
            ("requested_ha, available_ha", "for a lease: what it asked and what is free"),
            ("held_ha, land_ha", "for a change of land: what leases hold and what would be left"),
            ("from, to", "for a change of land: the first stretch of days that does not fit"),
        ),
    ),
    ProblemType(
        "land-in-use",
        "Leases hold more land than that",
        (409,),
        "A zone's area that needs clearance cannot be set below what a clearance record states "
        "as already cleared on a date the change would cover.",
        "Correct the clearance record first, or set the area to at least the cleared area.",
        members=(
            ("zone_id, zone_code", "the zone (the detail names it by its code)"),
            ("detail_vi", "the detail in Vietnamese"),
            ("cleared_ha", "the area the record states as cleared"),
            ("recorded_on", "the record's date"),
        ),
    ),
    ProblemType(
        "idempotency-key",
        "Idempotency-Key cannot be used",
        (409, 422),
        "409: a request with the same Idempotency-Key is still running. 422: the key was used "
        "before with another path or body; a key stands for exactly one request.",
        "409: wait the seconds in Retry-After and send the same request again; it will be "
        "replayed or run. 422: use a new key for a new request.",
        headers=(("Retry-After", "with 409: seconds to wait before retrying"),),
    ),
    ProblemType(
        "precondition-failed",
        "The resource has changed",
        (412,),
        "`If-Match` named a version of the resource that is no longer current: someone changed "
        "it since it was read. Nothing was written, so no change was lost.",
        "Read the resource again, apply the change to what it is now, and send it with the new "
        "ETag.",
        members=(("current_etag", "the resource's current ETag"),),
    ),
    ProblemType(
        "busy",
        "Service busy",
        (503,),
        "The service answered at once rather than let the request hang: too many requests were "
        "waiting for the database, the wait ran out, or the database was busy or away. A "
        "refused write has written nothing.",
        "Wait the seconds in Retry-After and send the request again (with the same "
        "Idempotency-Key, a write is never made twice).",
        headers=(("Retry-After", "seconds to wait before retrying"),),
    ),
    ProblemType(
        "invalid-rows",
        "Rows of the spreadsheet break the rules",
        (422,),
        "An imported spreadsheet was read, but some of its cells or rows break the rules the "
        "API applies (a value of the wrong kind, a zone code that does not exist, leases above "
        "a zone's land, a project code used twice). An import is all or nothing: nothing was "
        "written.",
        "Fix every row listed in `errors` (each names the spreadsheet's row number and column, "
        "the value as typed, and what is wrong in English and Vietnamese) and send the whole "
        "file again. A dry run (`dry_run=true`) checks a file without writing.",
        members=(
            (
                "errors",
                "one entry per problem: `row` (the spreadsheet's row number; the "
                "header is row 1), `column`, `value` (as typed), `message`, `message_vi`",
            ),
            ("error_count", "how many errors there are (at most 5,000 are listed)"),
            ("detail_vi", "the detail in Vietnamese"),
        ),
    ),
    ProblemType(
        "invalid-spreadsheet",
        "Not a spreadsheet the service can read",
        (422,),
        "The uploaded file is not what it claims or not a register the service reads: not an "
        "XLSX workbook or a UTF-8 CSV file, a workbook with macros, a compressed file that "
        "would expand beyond the limit, formulas whose results were never stored, missing, "
        "duplicated or unknown columns, or more than 50,000 rows. Nothing was written.",
        "Save the register from the spreadsheet program as an Excel workbook (.xlsx) or as "
        '"CSV UTF-8", with the header row of the import template '
        "(GET /api/v1/imports/template), and send it again.",
        members=(("detail_vi", "the detail in Vietnamese"),),
    ),
    ProblemType(
        "bad-request",
        "Bad request",
        (400,),
        "The request cannot be served as it is.",
        "Read the detail, correct the request and send it again.",
    ),
)

CATALOGUE: dict[str, ProblemType] = {problem.slug: problem for problem in _TYPES}
