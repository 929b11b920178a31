from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import admin_login
from core import urls as core_urls

from . import views

urlpatterns = [
    path("", include(([path("", views.home, name="home"), *core_urls.urlpatterns], core_urls.app_name))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("gallery/", include("gallery.urls")),
    path("style/", include("styletransfer.urls")),
    path("text2image/", include("text2image.urls")),
    path("editor/", include("editor.urls")),
    path("mail/", include("mailer.urls")),
    path("api/", include("gallery.api_urls")),
    path("api/", include("mailer.api_urls")),
    path("api/", include("styletransfer.api_urls")),
    path("api/", include("text2image.api_urls")),
    path("api/", include("editor.api_urls")),
    path("api/", include("accounts.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/login/", admin_login, name="admin-login"),  # rate-limited like the site's log-in
    path("admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"  # too many form fields or files: a 400 with words (docs/security.md)
