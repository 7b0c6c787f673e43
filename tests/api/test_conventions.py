"""The conventions every endpoint shares (NL API Design Rules): no trailing slash,
API-Version, errors as problem+json, a public OpenAPI document."""

import json

import pytest
from django.http import HttpResponseBadRequest
from django.test import RequestFactory

from impor.api.middleware import ApiConventionsMiddleware
from stakeholders.models import BudgetLine
from tests.api.conftest import client_for
from tests.factories import ActorFactory, FundingFactory, UserFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_a_url_with_a_trailing_slash_is_not_found_and_not_redirected(viewer):
    response = viewer.get("/api/v1/actoren/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 404
    assert viewer.get("/api/v1/actoren").status_code == 200


def test_a_detail_url_with_a_trailing_slash_is_not_found(viewer):
    actor = ActorFactory()
    assert viewer.get(f"/api/v1/actoren/{actor.pk}/").status_code == 404
    assert viewer.get(f"/api/v1/actoren/{actor.pk}").status_code == 200


def test_every_api_response_names_the_api_version(viewer, client):
    assert viewer.get("/api/v1/actoren")["API-Version"] == "1.0.0"
    assert viewer.get("/api/v1/bestaat-niet")["API-Version"] == "1.0.0"
    assert client.get("/api/v1/actoren")["API-Version"] == "1.0.0"


def test_pages_outside_the_api_carry_no_api_version(client):
    assert "API-Version" not in client.get("/inloggen/")


def test_an_anonymous_call_gets_401_as_problem_json(client):
    response = client.get("/api/v1/actoren")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Token")
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["instance"] == "/api/v1/actoren"


def test_a_validation_error_names_each_field_in_dutch(manager):
    response = manager.post(
        "/api/v1/ambities", {"code": "niet geldig!", "name": "", "horizon_year": 3000}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    names = {row["name"] for row in response.json()["invalidParams"]}
    assert names == {"code", "name", "horizon_year"}
    reasons = " ".join(row["reason"] for row in response.json()["invalidParams"])
    assert "veld" in reasons  # Dutch, not "This field may not be blank."


def test_a_model_rule_is_a_validation_error_on_its_field(manager):
    """`Model.clean()` and constraints speak through the API as through the forms."""
    response = manager.post(
        "/api/v1/budgetregels",
        {
            "code": "riool",
            "name": "Riolering",
            "owner": ActorFactory().pk,
            "amounts": [{"year": 2027, "amount": "10"}, {"year": 2027, "amount": "-5"}],
        },
    )
    assert response.status_code == 400
    names = {row["name"] for row in response.json()["invalidParams"]}
    assert "amounts.1.amount" in names


def test_a_method_the_resource_lacks_is_405_as_problem_json():
    client = client_for(UserFactory(is_superuser=True))
    response = client.put("/api/v1/gebieden", {})
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM


def test_a_protected_row_cannot_be_deleted_and_says_why(manager):
    funding = FundingFactory()
    response = manager.delete(f"/api/v1/budgetregels/{funding.budget_line_id}")
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert BudgetLine.objects.filter(pk=funding.budget_line_id).exists()


def test_the_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["servers"] == [{"url": "/api/v1"}]
    assert "/projecten" in schema["paths"]
    assert "/projecten/" not in schema["paths"]


def test_the_documentation_page_is_served_offline(client):
    client.force_login(UserFactory())
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content


def test_the_documentation_page_needs_a_login_and_the_openapi_document_not(client, db):
    assert client.get("/api/v1/docs").status_code == 401
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_an_unknown_format_is_406_not_404(viewer):
    response = viewer.get("/api/v1/actoren?format=xml")
    assert response.status_code == 406
    assert response["Content-Type"] == PROBLEM
    assert "xml" in response.json()["detail"]


def _responses(schema: dict, path: str, method: str) -> dict:
    return schema["paths"][path][method]["responses"]


def test_the_openapi_document_describes_every_error_as_a_problem(client):
    schema = client.get("/api/v1/openapi.json").json()
    detail = _responses(schema, "/projecten/{id}", "get")
    assert set(detail) == {"200", "401", "403", "404", "406"}
    problem = {"$ref": "#/components/schemas/Problem"}
    assert detail["404"]["content"] == {PROBLEM: {"schema": problem}}
    # A list validates its query (400) and may be asked for a page that does not exist.
    assert {"400", "404"} <= set(_responses(schema, "/projecten", "get"))
    assert {"400", "413", "415"} <= set(_responses(schema, "/projecten", "post"))
    # A delete that other rows prevent is a 409; an operation's own 409 keeps its text.
    assert "409" in _responses(schema, "/budgetregels/{id}", "delete")
    adopt = _responses(schema, "/programmas/{id}/vaststellen", "post")["409"]
    assert adopt["description"] != "Dit conflicteert met andere gegevens."
    assert adopt["content"] == {PROBLEM: {"schema": problem}}
    assert "invalidParams" in schema["components"]["schemas"]["Problem"]["properties"]


# --- bodies the API cannot read (#14) ---------------------------------------------------


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    return body


def test_a_malformed_json_body_is_400_as_problem_json(manager):
    response = manager.post("/api/v1/ambities", '{"name": ', content_type="application/json")
    assert "JSON" in _problem(response, 400)["detail"]


def test_a_body_that_is_not_utf8_is_400_as_problem_json(manager):
    body = '{"name": "Gemeente Dalfsen"}'.encode("utf-16")
    _problem(manager.post("/api/v1/ambities", body, content_type="application/json"), 400)


def test_an_unsupported_media_type_is_415_as_problem_json(manager):
    response = manager.post("/api/v1/ambities", "name=Dalfsen", content_type="text/plain")
    assert "text/plain" in _problem(response, 415)["detail"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"name": "%s"}' % ("x" * 2048), "application/json"),
        ("name=" + "x" * 2048, "application/x-www-form-urlencoded"),
    ],
    ids=["json", "form"],
)
def test_a_body_over_the_memory_limit_is_413_as_problem_json(manager, settings, body, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = manager.post("/api/v1/ambities", body, content_type=content_type)
    assert "1024" in _problem(response, 413)["detail"]


def test_too_many_fields_is_400_as_problem_json(manager, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"veld{n}=x" for n in range(20))
    response = manager.post(
        "/api/v1/ambities", body, content_type="application/x-www-form-urlencoded"
    )
    assert "10" in _problem(response, 400)["detail"]


def test_too_many_query_parameters_are_400_as_problem_json(viewer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"veld{n}=x" for n in range(20))
    _problem(viewer.get(f"/api/v1/actoren?{query}"), 400)


def test_a_session_call_with_an_oversize_form_is_413_as_problem_json(client, settings):
    """With a session, the CSRF check reads the form before the view: that too answers
    in problem+json."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(
        "/api/v1/actoren", "name=" + "x" * 2048, content_type="application/x-www-form-urlencoded"
    )
    _problem(response, 413)


def test_pages_outside_the_api_keep_their_html_error_pages(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(UserFactory(is_superuser=True))
    response = client.post("/actoren/nieuw/", {"name": "x" * 2048})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_an_html_error_from_outside_drf_becomes_problem_json():
    """An error raised before a view runs (a middleware reading the body) reaches the
    client as Django's HTML page unless the API's middleware rewrites it."""
    middleware = ApiConventionsMiddleware(lambda request: HttpResponseBadRequest("<h1>Fout</h1>"))
    response = middleware(RequestFactory().post("/api/v1/actoren"))
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    body = json.loads(response.content)
    assert (body["status"], body["instance"]) == (400, "/api/v1/actoren")
    page = ApiConventionsMiddleware(lambda request: HttpResponseBadRequest("<h1>Fout</h1>"))
    assert page(RequestFactory().post("/actoren/nieuw/"))["Content-Type"].startswith("text/html")
