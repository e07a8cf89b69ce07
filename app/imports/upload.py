"""The file of an import request: the body itself, or the part `file` of a multipart body.
Pure: bytes and headers in, (content, media type, filename) out."""

import email.parser
import email.policy
from dataclasses import dataclass

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


class UploadRefused(ValueError):
    def __init__(self, message: str, message_vi: str) -> None:
        super().__init__(message)
        self.message, self.message_vi = message, message_vi


@dataclass(frozen=True, slots=True)
class Upload:
    content: bytes
    media_type: str
    filename: str | None


def media_type_of(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def upload(body: bytes, content_type: str, filename: str | None = None) -> Upload:
    media_type = media_type_of(content_type)
    if media_type != "multipart/form-data":
        if not body:
            raise UploadRefused(
                "the request has no file: send the spreadsheet as the body "
                "(Content-Type text/csv or the XLSX type) or as the part `file` of a form",
                "yêu cầu không có tệp: gửi bảng tính làm nội dung yêu cầu "
                "(Content-Type text/csv hoặc kiểu XLSX) hoặc phần `file` của biểu mẫu",
            )
        return Upload(body, media_type or "application/octet-stream", filename)
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise UploadRefused(
            "the multipart body could not be read (check its boundary)",
            "không đọc được nội dung multipart (kiểm tra boundary)",
        )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            content = part.get_payload(decode=True)
            if not isinstance(content, bytes) or not content:
                break
            name = part.get_filename()
            return Upload(content, _part_type(part.get_content_type(), name), name)
    raise UploadRefused(
        "the form has no part named `file` holding the spreadsheet",
        "biểu mẫu không có phần `file` chứa bảng tính",
    )


def _part_type(declared: str, filename: str | None) -> str:
    """Browsers label a part by the file's extension, or not at all (text/plain)."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return XLSX
    if name.endswith(".csv"):
        return CSV
    return media_type_of(declared)
