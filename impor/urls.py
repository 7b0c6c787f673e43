from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("inloggen/", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("programming.urls")),
    path("", include("assets.urls")),
    path("", include("stakeholders.urls")),
    path("", include("projects.urls")),
    path("", include("impor.area_urls")),
]
