from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from impor.health import health

urlpatterns = [
    path("inloggen/", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch works before logging in too (the login page offers it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # For load balancers and monitoring: no login, no session (docs/deploy.md).
    path("gezondheid", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("impor.api.urls")),
    path("", include("programming.urls")),
    path("", include("assets.urls")),
    path("", include("stakeholders.urls")),
    # The project pages, their brief page served with the check against the programme.
    path("", include("programming.briefs.urls")),
    # impor's area register with the area pages of the top layer (`areas` namespace).
    path("", include("programming.areas.urls")),
    # The village newsletter: public archive, edition and sign-up pages, and staff pages.
    path("", include("programming.newsletter_urls")),
]

# Friendly error pages without the request's context (impor.errors); 403 and 404 are
# Django's own handlers rendering templates/403.html and 404.html.
handler400 = "impor.errors.bad_request"
handler500 = "impor.errors.server_error"

if settings.OIDC_RP_CLIENT_ID:
    # Single sign-on through the municipality's provider, only when configured
    # (docs/roles.md); the login page then offers it next to the local accounts.
    urlpatterns.append(path("oidc/", include("stakeholders.oidc")))
