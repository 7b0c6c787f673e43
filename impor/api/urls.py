"""The API under /api/v1/: every app's resources, the OpenAPI document and its pages.

Each app's `api` module holds its serializers, viewsets and `urlpatterns`; they are
included by name so that this lowest layer imports none of the apps above it.
"""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView
from rest_framework.permissions import IsAuthenticated

urlpatterns = [
    path("", include("impor.api.areas")),
    path("", include("stakeholders.api")),
    path("", include("assets.api")),
    path("", include("projects.api")),
    path("", include("programming.api_urls")),
    path("", include("impor.ogc.urls")),
    path(
        "openapi.json",
        login_not_required(
            SpectacularJSONAPIView.as_view(permission_classes=[], authentication_classes=[])
        ),
        name="api_schema",
    ),
    # The OpenAPI document is public (clients generate code from it); the reading page
    # is part of the application and needs a login like every other page.
    path(
        "docs",
        # Redoc searches in a web worker it starts from a blob: URL (docs/deploy.md, CSP).
        csp_update({"worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(
                url_name="api_schema", permission_classes=[IsAuthenticated]
            )
        ),
        name="api_docs",
    ),
]
