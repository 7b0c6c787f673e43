"""The size limit of uploads (IMPOR_IMPORT_MAX_MB), kept before anything is stored.

Two guards, because a client may say nothing about its size, or too little:

1. `UploadLimitMiddleware` refuses a request whose Content-Length is above the limit
   before anything reads its body;
2. `LimitedUploadHandler`, the first of ``FILE_UPLOAD_HANDLERS``, counts the bytes of the
   uploaded files as they arrive and stops at the limit, before the handlers after it
   keep them in memory or in a temporary file.

Both answer 413: a Dutch page for people, problem+json for the API. The reverse proxy in
front should refuse such bodies sooner still (docs/deploy.md, "Uploads").

An upload that waits for a next step (the browser import's mapping, dry run and commit)
is kept by `store_pending` in a folder of its own under ``VAR_DIR``, never under a public
media path; folders older than a day are removed at the next upload.
"""

import json
import re
import shutil
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from impor.api.exceptions import PROBLEM_CONTENT_TYPE, problem
from impor.api.middleware import API_PREFIX

#: Room for a form's other fields and the multipart framing around its file.
FORM_ALLOWANCE_BYTES = 1024**2
_REFUSED = "_impor_upload_too_large"
#: Uploads whose next step nobody took within this many seconds are removed.
PENDING_MAX_AGE = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def max_upload_bytes() -> int:
    """The most the files of one request may hold together."""
    return settings.IMPOR_IMPORT_MAX_MB * 1024**2


def max_body_bytes() -> int:
    """The most a whole request body may hold: the files and the form around them."""
    return max_upload_bytes() + FORM_ALLOWANCE_BYTES


def too_large_message() -> str:
    return _("Het bestand is groter dan %(max)s MB. Kies een kleiner bestand.") % {
        "max": settings.IMPOR_IMPORT_MAX_MB
    }


class UploadTooLarge(MultiPartParserError):
    """The upload is above the limit. A parser error, so that Django and DRF stop the
    request as they do for any unreadable body; the middleware then answers 413."""


class LimitedUploadHandler(FileUploadHandler):
    """Passes file chunks on to the next handlers until the files of the request reach
    the limit; then stops reading the body."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.refused = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > max_body_bytes():
            self._refuse()
            raise UploadTooLarge(too_large_message())

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self._refuse()
            # StopUpload lets the parser close the files the next handlers opened; the
            # rest of the body is left unread.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None

    def upload_complete(self):
        if self.refused:
            raise UploadTooLarge(too_large_message())

    def _refuse(self) -> None:
        self.refused = True
        if self.request is not None:
            setattr(self.request, _REFUSED, True)


class UploadLimitMiddleware:
    """Answers 413 to a request that says it is larger than the limit, before its body is
    read, and to one whose upload `LimitedUploadHandler` stopped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > max_body_bytes():
            return too_large_response(request)
        response = self.get_response(request)
        if getattr(request, _REFUSED, False):
            return too_large_response(request)
        return response


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        # Django reads a malformed length as no body at all.
        return 0


def too_large_response(request: HttpRequest) -> HttpResponse:
    message = too_large_message()
    if request.path.startswith(API_PREFIX):
        body = problem(413, message, request.path)
        body["title"] = _("Het bestand is te groot.")
        return HttpResponse(json.dumps(body), status=413, content_type=PROBLEM_CONTENT_TYPE)
    # Rendered without the request: this answer comes before the session and the user
    # are known. str(): the nonce is lazy, and enters the policy only once it is read.
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    html = render_to_string("413.html", {"csp_nonce": nonce, "message": message})
    return HttpResponse(html, status=413)


def safe_file_name(name: str) -> str:
    """The base name of an uploaded file, with only letters, digits, ``-``, ``_`` and
    ``.``: a client's name never chooses a path on the server."""
    base = re.sub(r"[^\w.-]+", "_", Path(name.replace("\\", "/")).name).strip("._")
    return base[-120:] or "bestand"


def store_pending(root: Path, files: Iterable[tuple[str, object]]) -> Path:
    """Save the files of one upload (``(name, UploadedFile)``; names made safe by the
    caller with `safe_file_name`) in a new folder under ``root`` and return it; the
    folder's name is the token the next steps find it by. Stale folders go first."""
    root.mkdir(parents=True, exist_ok=True)
    remove_stale(root)
    folder = root / uuid.uuid4().hex
    folder.mkdir()
    for name, upload in files:
        with (folder / name).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    return folder


def pending_folder(root: Path, token: str) -> Path | None:
    """The folder of a pending upload, or None for a token that is malformed or gone."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    folder = root / token
    return folder if folder.is_dir() else None


def remove_stale(root: Path, max_age: int = PENDING_MAX_AGE) -> None:
    """Remove pending uploads older than ``max_age`` seconds."""
    limit = time.time() - max_age
    for child in root.iterdir():
        if child.stat().st_mtime < limit:
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
