"""The upload limit (IMPOR_IMPORT_MAX_MB) holds before anything is stored: a request that
says it is too large is refused unread, and one that sends more than the limit is
stopped at the limit, on the partner import page and on the API alike."""

import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.urls import reverse

from impor.models import ImportRun
from stakeholders.choices import Role
from tests.api.conftest import client_for, user_with_role
from tests.factories import ActorFactory
from tests.projects.test_partner_import import row, xlsx

pytestmark = pytest.mark.django_db

MB = 1024**2
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _pending_uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def partner_client(client):
    organisation = ActorFactory(partner=True, name="Enexis")
    client.force_login(user_with_role(Role.PARTNER, organisation=organisation))
    return client


@pytest.fixture
def stored_uploads():
    """Every byte the upload handlers after the limit's own would store."""
    received = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        received.append(len(raw_data))
        return original(self, raw_data, start)

    with (
        mock.patch.object(TemporaryFileUploadHandler, "receive_data_chunk", spy),
        mock.patch(
            "django.core.files.uploadhandler.MemoryFileUploadHandler.receive_data_chunk",
            lambda self, raw_data, start: received.append(len(raw_data)) or None,
        ),
    ):
        yield received


def multipart(name: str, content: bytes) -> bytes:
    return encode_multipart(BOUNDARY, {"file": SimpleUploadedFile(name, content)})


def pending_files(tmp_path) -> list:
    return list((tmp_path / "partner-imports").glob("*"))


def test_upload_over_the_limit_is_refused_before_reading(partner_client, tmp_path, stored_uploads):
    payload = FakePayload(multipart("werken.xlsx", xlsx(row())))

    response = partner_client.generic(
        "POST",
        reverse("projects:partner_import"),
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(250 * MB),
        **{"wsgi.input": payload},
    )

    assert response.status_code == 413
    assert "groter dan 200 MB" in response.content.decode()
    assert not payload.read_started, "not one byte of the body was read"
    assert stored_uploads == []
    assert pending_files(tmp_path) == []
    assert not ImportRun.objects.exists()


def test_api_upload_over_the_limit_is_refused_with_problem_json(client):
    payload = FakePayload(multipart("werken.xlsx", b"x" * 100))

    response = client.generic(
        "POST",
        "/api/v1/projecten",
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(250 * MB),
        **{"wsgi.input": payload},
    )

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 413
    assert "groter dan 200 MB" in body["detail"]
    assert not payload.read_started


def test_an_upload_that_streams_past_the_limit_is_stopped_with_a_clear_message(
    partner_client, tmp_path, settings, stored_uploads
):
    """The body (1.5 MB) is within what a form with a 1 MB file may take, but the file
    itself is not: the handler stops it at the first chunk beyond 1 MB."""
    settings.IMPOR_IMPORT_MAX_MB = 1
    file = SimpleUploadedFile("werken.xlsx", b"x" * (3 * MB // 2))

    response = partner_client.post(reverse("projects:partner_import"), {"file": file})

    assert response.status_code == 413
    assert "groter dan 1 MB" in response.content.decode()
    assert sum(stored_uploads) <= MB
    assert pending_files(tmp_path) == []
    assert not ImportRun.objects.exists()


def test_an_api_upload_that_streams_past_the_limit_is_stopped_with_problem_json(settings):
    settings.IMPOR_IMPORT_MAX_MB = 1
    client = client_for(user_with_role(Role.EDITOR))
    file = SimpleUploadedFile("werken.xlsx", b"x" * (3 * MB // 2))

    response = client.post("/api/v1/projecten", {"file": file}, format="multipart")

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert "groter dan 1 MB" in response.json()["detail"]


def test_a_body_that_lies_about_its_length_is_stopped_at_the_limit(settings, stored_uploads):
    """A server that hands Django the whole body whatever its Content-Length said (as ASGI
    servers do) still stores no more than the limit: the handler counts what arrives."""
    settings.IMPOR_IMPORT_MAX_MB = 1
    body = io.BytesIO(multipart("werken.xlsx", b"x" * (3 * MB)))
    request = HttpRequest()
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": "1000"}

    with pytest.raises(MultiPartParserError, match="groter dan 1 MB"):
        MultiPartParser(meta, body, request.upload_handlers).parse()

    assert sum(stored_uploads) <= MB
    assert body.tell() < 2 * MB, "reading stopped at the limit, not at the end of the body"


def test_a_file_under_the_limit_still_imports(partner_client, tmp_path):
    file = SimpleUploadedFile("werken.xlsx", xlsx(row()))

    response = partner_client.post(reverse("projects:partner_import"), {"file": file})

    assert response.status_code == 200
    assert response.context["report"].rows == 1
    assert len(pending_files(tmp_path)) == 1
