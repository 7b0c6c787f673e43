"""Who may call an endpoint: the same model permissions (roles) as the pages."""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django's model permissions, reading included: GET needs `view_<model>` as a page
    does, POST `add_`, PUT/PATCH `change_`, DELETE `delete_`. Row-level rules (a partner
    sees only its own organisation's rows) live in each view's `get_queryset`."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }
