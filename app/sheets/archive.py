"""Whether a zip is a workbook that is safe to hand to openpyxl.

An XLSX file is a zip of XML parts. Before any XML parser sees it, every member is inflated
here once, in small chunks, counting bytes: the sizes the zip declares can lie, and a few
megabytes of deflated zeros become gigabytes of XML (a zip bomb). The archive is refused when
its members together inflate beyond MAX_TOTAL_BYTES, when a large member inflates more than
MAX_RATIO times its compressed size, when a member's real size or checksum differs from what
the zip declares (so what openpyxl later reads, which zipfile cuts at the declared size, is
exactly what was measured here), or when it carries macros. Memory stays at one chunk.
"""

import struct
import zipfile
import zlib
from io import BytesIO

MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
# Deflate inflates at most about 1,032 times; XML sheets inflate 5-30 times, and even a sheet
# of identical rows stays far below this. Small members (styles, themes) are not held to it.
MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024
CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_END_SIGNATURE = b"PK\x05\x06"
_END = struct.Struct("<10xHI")  # ..., members in total, size of the central directory
_END_SEARCH = 22 + 65535  # the record and the longest comment
_ENCRYPTED = 0x1


class UnsafeArchive(Exception):
    """The archive is not a workbook this service will open; the messages say why."""

    def __init__(self, message: str, message_vi: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_vi = message_vi


def check_workbook_archive(content: bytes) -> None:
    """Raise UnsafeArchive unless `content` is a zip holding an XLSX workbook, without macros,
    whose members really inflate to their declared sizes within the bounds above."""
    _check_member_count(content)
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged() from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _too_many_members(len(members))
        _check_contents({member.filename for member in members}, archive)
        declared = sum(member.file_size for member in members)
        if declared > MAX_TOTAL_BYTES:
            raise _too_large()
        total = 0
        for member in members:
            total += _inflated_size(content, member)
            if total > MAX_TOTAL_BYTES:
                raise _too_large()


def _check_member_count(content: bytes) -> None:
    """Count the members from the end-of-archive record before zipfile lists them: a 10 MiB
    upload can name 200,000 members, and listing them takes time and memory. A workbook of
    this size never needs ZIP64 (more than 65,535 members or 4 GiB), whose counts are not
    checked here, so such an archive is refused too."""
    end = content.rfind(_END_SIGNATURE, max(0, len(content) - _END_SEARCH))
    if end < 0 or end + _END.size > len(content):
        return  # zipfile says what is wrong
    count, directory_size = _END.unpack_from(content, end)
    if count == 0xFFFF or directory_size == 0xFFFFFFFF:
        raise UnsafeArchive(
            "This file uses ZIP64, which no workbook of a few megabytes needs. Open it in Excel "
            "or LibreOffice, save it as .xlsx and send it again.",
            "Tệp này dùng ZIP64, điều không sổ tính vài megabyte nào cần. Hãy mở bằng Excel "
            "hoặc LibreOffice, lưu dạng .xlsx rồi gửi lại.",
        )
    if count > MAX_MEMBERS:
        raise _too_many_members(count)


def _too_many_members(count: int) -> UnsafeArchive:
    count_vi = f"{count:,}".replace(",", ".")  # Vietnamese groups thousands with dots
    return UnsafeArchive(
        f"The workbook holds {count:,} parts; a register has a few dozen. It was not opened.",
        f"Tệp chứa {count_vi} thành phần, trong khi một sổ tính chỉ có vài chục. Tệp không "
        "được mở.",
    )


def _check_contents(names: set[str], archive: zipfile.ZipFile) -> None:
    lowered = {name.lower() for name in names}
    if "xl/workbook.bin" in lowered:
        raise UnsafeArchive(
            "This is a binary workbook (.xlsb). Save it as an Excel Workbook (.xlsx) and send "
            "that.",
            "Đây là sổ tính nhị phân (.xlsb). Hãy lưu lại dạng Excel Workbook (.xlsx) rồi gửi "
            "tệp đó.",
        )
    if "xl/vbaproject.bin" in lowered or _macro_content_type(archive, names):
        raise UnsafeArchive(
            "This workbook contains macros (.xlsm), which the service does not open. Save it "
            "as an Excel Workbook (.xlsx), without macros, and send that.",
            "Sổ tính này có macro (.xlsm), dịch vụ không mở loại tệp này. Hãy lưu lại dạng "
            "Excel Workbook (.xlsx), không có macro, rồi gửi tệp đó.",
        )
    if "xl/workbook.xml" not in lowered:
        raise UnsafeArchive(
            "This is a zip file but not an Excel workbook (no xl/workbook.xml inside). Send "
            "the .xlsx file itself, or a CSV.",
            "Đây là tệp nén zip nhưng không phải sổ tính Excel (không có xl/workbook.xml). Hãy "
            "gửi chính tệp .xlsx, hoặc tệp CSV.",
        )


def _macro_content_type(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "[Content_Types].xml" not in names:
        return False
    member = archive.getinfo("[Content_Types].xml")
    if member.file_size > RATIO_FROM_BYTES or member.flag_bits & _ENCRYPTED:
        return False  # the size check below refuses what is odd; this one reads small parts
    try:
        with archive.open(member) as stream:
            text = stream.read(RATIO_FROM_BYTES + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, zlib.error):
        return False  # measured (and refused) as damaged below
    return b"macroenabled" in text.lower()


def _inflated_size(content: bytes, member: zipfile.ZipInfo) -> int:
    """The member's real inflated size, checked against its declared size and checksum."""
    if member.flag_bits & _ENCRYPTED:
        raise UnsafeArchive(
            "Part of this workbook is encrypted. Remove the password (File > Info > Protect "
            "Workbook), save it as .xlsx and send it again.",
            "Một phần sổ tính bị mã hóa. Hãy gỡ mật khẩu (File > Info > Protect Workbook), lưu "
            "dạng .xlsx rồi gửi lại.",
        )
    start = member.header_offset
    header = content[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise _damaged()
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != _LOCAL_SIGNATURE:
        raise _damaged()
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    data = memoryview(content)[begin : begin + member.compress_size]
    if len(data) < member.compress_size:
        raise _damaged()
    if member.compress_type == zipfile.ZIP_STORED:
        size, checksum = len(data), zlib.crc32(data)
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        size, checksum = _inflate(data, member)
    else:
        raise UnsafeArchive(
            f"Part {member.filename!r} is compressed with a method spreadsheet programs do not "
            "use. Open the file in Excel or LibreOffice, save it as .xlsx and send it again.",
            f"Thành phần {member.filename!r} được nén theo cách mà chương trình bảng tính không "
            "dùng. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu dạng .xlsx rồi gửi lại.",
        )
    if size != member.file_size or checksum != member.CRC:
        raise _damaged()
    return size


def _inflate(data: memoryview, member: zipfile.ZipInfo) -> tuple[int, int]:
    """Inflate in chunks of at most CHUNK bytes, never holding more than one."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    limit = max(member.file_size, 0)
    size = checksum = 0
    pending: bytes | memoryview = data
    try:
        while True:
            chunk = inflater.decompress(pending, CHUNK)
            size += len(chunk)
            checksum = zlib.crc32(chunk, checksum)
            if size > limit or size > MAX_TOTAL_BYTES:
                break  # more than declared: refused as damaged (or too large) by the caller
            if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(member.compress_size, 1):
                raise _bomb(member)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and not chunk):
                break
    except zlib.error:
        raise _damaged() from None
    if size > MAX_TOTAL_BYTES:
        raise _too_large()
    return size, checksum


def _bomb(member: zipfile.ZipInfo) -> UnsafeArchive:
    return UnsafeArchive(
        f"Part {member.filename!r} of this workbook inflates more than {MAX_RATIO} times its "
        "compressed size, as no spreadsheet does (a zip bomb?). It was not opened.",
        f"Thành phần {member.filename!r} của sổ tính giải nén ra lớn hơn {MAX_RATIO} lần kích "
        "thước nén, điều không bảng tính nào có (zip bomb?). Tệp không được mở.",
    )


def _too_large() -> UnsafeArchive:
    mib = MAX_TOTAL_BYTES // (1024 * 1024)
    return UnsafeArchive(
        f"This workbook inflates to more than {mib} MiB, far more than a register of "
        "50,000 rows needs. It was not opened.",
        f"Sổ tính này giải nén ra hơn {mib} MiB, lớn hơn nhiều so với một sổ 50.000 dòng. "
        "Tệp không được mở.",
    )


def _damaged() -> UnsafeArchive:
    return UnsafeArchive(
        "This .xlsx file is damaged (its zip structure does not add up). Open it in Excel or "
        "LibreOffice, save it again as .xlsx and send the new file.",
        "Tệp .xlsx này bị hỏng (cấu trúc zip không khớp). Hãy mở bằng Excel hoặc LibreOffice, "
        "lưu lại dạng .xlsx rồi gửi tệp mới.",
    )
