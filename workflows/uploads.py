"""Refuse oversized, too many or impossible uploads while they stream in, before they are buffered.

``workflows.evidence.check`` is the authority on what an evidence file may
be, but it sees a file only after Django has received all of it: a 50 MB
upload would be read to the end (into memory or a temporary file) before
being refused.  Two guards run earlier, for every caller (API, pages,
admin), with nothing to do in the views:

* ``RequestSizeMiddleware`` answers 413 from the ``Content-Length`` header
  alone, before a byte of the body is read: a JSON or form body above
  ``DATA_UPLOAD_MAX_MEMORY_SIZE``, or a multipart body above what
  ``EVIDENCE_MAX_FILES`` files of ``EVIDENCE_MAX_BYTES`` could need.
* ``BoundedUploadHandler``, first in ``FILE_UPLOAD_HANDLERS``, counts the
  evidence files and the bytes of every file part as the parser streams
  them, and stops at the first file past ``EVIDENCE_MAX_FILES`` or the
  first byte past ``EVIDENCE_MAX_BYTES``.  It raises ``UploadRefused``: the
  API answers 400 ``{"files": [message]}``, a page's request 400.

What a file is (sniffed type, a safe name) stays with ``evidence.check``:
it runs on bounded input by then, and its refusal reaches the form or the
API as a field error next to the other fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from approvals.exceptions import Invalid

# The multipart field evidence files travel in (SPEC §9); other file parts,
# such as the API's ``data`` JSON sent as a file, are bounded in size only.
EVIDENCE_FIELD = "files"
# Room for the multipart boundaries, headers and the ``data`` JSON part.
_MULTIPART_OVERHEAD = 1024 * 1024


class UploadRefused(Invalid, SuspiciousOperation):
    """An upload stopped mid-stream: ``{"files": [message]}``, a 400 on every path.

    As an ``Invalid`` the API answers it like any other bad input, naming
    the ``files`` field; as a ``SuspiciousOperation`` Django answers a page's
    request 400 even when the CSRF check is what was reading the body.
    """

    def __init__(self, message: str) -> None:
        super().__init__({EVIDENCE_FIELD: [message]})


def max_multipart_bytes() -> int:
    """The whole multipart request: what the files could need, and never more than the configured total."""
    needed = (
        int(settings.EVIDENCE_MAX_FILES) * int(settings.EVIDENCE_MAX_BYTES) + _MULTIPART_OVERHEAD
    )
    return min(needed, int(settings.PILOT06_UPLOAD_MAX_TOTAL_BYTES))


def _megabytes(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


class BoundedUploadHandler(FileUploadHandler):
    """Counts files and bytes as they arrive and refuses at the first one over a limit.

    It passes every chunk on unchanged, so the handlers after it (memory,
    then temporary file) store what it lets through.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.files = 0
        self.max_files = int(settings.EVIDENCE_MAX_FILES)
        self.max_bytes = int(settings.EVIDENCE_MAX_BYTES)
        # Every file part together: a request without an honest Content-Length is bounded too.
        self.total = 0
        self.max_total = max_multipart_bytes()

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > max_multipart_bytes():
            raise UploadRefused(
                _("Yêu cầu quá lớn (tối đa %(n)s).") % {"n": _megabytes(max_multipart_bytes())}
            )

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != EVIDENCE_FIELD:
            return
        self.files += 1
        if self.files > self.max_files:
            raise UploadRefused(_("Tối đa %(n)s tệp cho mỗi lần gửi.") % {"n": self.max_files})

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.max_bytes:
            raise UploadRefused(
                _("%(name)s: vượt quá %(n)s.")
                % {"name": self.file_name, "n": _megabytes(self.max_bytes)}
            )
        self.total += len(raw_data)
        if self.total > self.max_total:
            raise UploadRefused(
                _("Yêu cầu quá lớn (tối đa %(n)s).") % {"n": _megabytes(self.max_total)}
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file object


class RequestSizeMiddleware:
    """Answer 413 from ``Content-Length`` alone, before the body is read.

    Place it first, before anything that may read ``request.POST``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = self.limit_for(request)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit is not None and declared > limit:
            return self.too_large(request, limit)
        return self.get_response(request)

    @staticmethod
    def limit_for(request: HttpRequest) -> int | None:
        content_type = str(request.META.get("CONTENT_TYPE", ""))
        if content_type.startswith("multipart/"):
            return max_multipart_bytes()
        memory = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return None if memory is None else int(memory)

    @staticmethod
    def too_large(request: HttpRequest, limit: int) -> HttpResponse:
        message = _("Yêu cầu quá lớn (tối đa %(n)s).") % {
            "n": _megabytes(limit) if limit >= 1024 * 1024 else f"{limit} B"
        }
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "request_too_large"}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
