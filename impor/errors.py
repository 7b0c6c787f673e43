"""The answers to a bad request (400) and to an error in IMPOR (500).

Django's own handlers render 400.html and 500.html without any context; these pass the
request's Content-Security-Policy nonce, so the pages' inline CSS (`standalone.html`) is
allowed, and nothing else: no context processors, no database, no user. 403 and 404 use
Django's handlers, which render `403.html` and `404.html` with the request (the user's
menu as a way on).
"""

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token


def _standalone(request, template: str) -> str:
    # str(): the nonce is lazy, and enters the policy only once it has been read.
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    return render_to_string(template, {"csp_nonce": nonce})


@requires_csrf_token
def bad_request(request, exception):
    return HttpResponseBadRequest(_standalone(request, "400.html"))


@requires_csrf_token
def server_error(request):
    return HttpResponseServerError(_standalone(request, "500.html"))
