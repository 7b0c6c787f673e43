"""The API keeps the promises of its OpenAPI document.

schemathesis generates requests for every operation of /api/v1/openapi.json and sends
them in-process to the WSGI application, as a programme manager with a token, over a
small demo-like data set. No answer may be a server error (5xx), every status code must
be documented for its operation and every answer must match its schema. Ten examples per
operation keep the run at a few minutes.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from impor.wsgi import application
from stakeholders.choices import Role
from stakeholders.models import ApiToken
from tests import factories
from tests.api.conftest import user_with_role

#: Loaded as a client loads it; making the document reads no rows.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, which would
    end the test's transaction on PostgreSQL; Django's test client switches that off in
    the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    """A programme manager's token, over rows that every operation can find."""
    project = factories.ProjectFactory()
    factories.FundingFactory(project=project)
    factories.ProjectRoleFactory(project=project)
    factories.RegisterEntryFactory(project=project)
    factories.ProjectBriefFactory(project=project)
    factories.InspectionFactory()
    factories.ReportFactory()
    factories.IndicatorFactory()
    factories.AreaTaskFactory()
    factories.BudgetAmountFactory()
    factories.ThemeFactory()
    _token, key = ApiToken.objects.issue(user=user_with_role(Role.PROGRAMME_MANAGER), name="test")
    return key


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_openapi_promises(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
