"""The set-up wizard for the functional administrator: "Gemeente inrichten" (#18 §1).

The browser form of ``manage.py setup_municipality``, in two steps:

1. `SetupStartView`: upload the CBS Wijk- en buurtkaart (with the gemeentecode) or any
   polygon file (with its level and name column), optionally woonplaatsen for the
   kernen. The files wait in a private folder under ``VAR_DIR/municipality-setup``
   (`impor.uploads.store_pending`); the set-up runs as a dry run and the page shows
   what it would create: the gemeente's name, the areas per level, the organisation,
   departments, budget lines and classes, and the row errors.
2. `SetupCommitView`: "Inrichten" runs it again with ``commit`` on the same files and
   choices, all or nothing (`assets.municipality.municipality_setup`).

Only the administrator may (the permissions below are the administrator's alone). A
pending upload belongs to the session that uploaded it.
"""

import json
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from assets.municipality import SetupReport, is_set_up, municipality_setup
from impor.area_import import is_cbs_map
from impor.choices import AreaLevel
from impor.uploads import pending_folder, safe_file_name, store_pending

#: The session key holding this session's pending set-up uploads.
SESSION_KEY = "municipality_setups"
#: The page lists this many row errors.
SHOWN_ERRORS = 50
SETUP_PERMISSIONS = ("assets.add_assetclass", "impor.add_area", "stakeholders.add_actor")


def pending_root() -> Path:
    return Path(settings.VAR_DIR) / "municipality-setup"


class SetupForm(forms.Form):
    areas = forms.FileField(
        label=_("Gebiedenbestand"),
        help_text=_(
            "De CBS Wijk- en buurtkaart (GeoPackage met de lagen gemeenten, wijken en "
            "buurten), of een ander bestand met vlakken (GeoPackage, GeoJSON of gezipte "
            "shapefile)."
        ),
    )
    gemeentecode = forms.CharField(
        label=_("CBS-gemeentecode"),
        required=False,
        max_length=10,
        help_text=_("Bijvoorbeeld GM0080. Nodig bij de CBS Wijk- en buurtkaart."),
    )
    name = forms.CharField(
        label=_("Naam van de gemeente"),
        required=False,
        max_length=200,
        help_text=_("Leeg: de naam uit het bestand."),
    )
    kernen = forms.FileField(
        label=_("Woonplaatsen (kernen)"),
        required=False,
        help_text=_(
            "Optioneel: BAG-woonplaatsen met de kolom woonplaatsnaam. Zonder dit bestand "
            "volgen de kernen uit de wijknamen: 'Wijk 01 Nieuwleusen' komt in de kern "
            "Nieuwleusen."
        ),
    )
    level = forms.ChoiceField(
        label=_("Niveau van de gebieden"),
        required=False,
        choices=[("", "—"), *AreaLevel.choices],
        help_text=_("Alleen bij een ander bestand dan de CBS-kaart."),
    )
    name_column = forms.CharField(
        label=_("Kolom met de naam"),
        required=False,
        max_length=100,
        help_text=_("Alleen bij een ander bestand dan de CBS-kaart."),
    )
    parent_column = forms.CharField(
        label=_("Kolom met het gebied een niveau hoger"),
        required=False,
        max_length=100,
        help_text=_("Optioneel; zonder deze kolom kiest IMPOR het gebied waarin het vlak ligt."),
    )


class SetupPermissionMixin(PermissionRequiredMixin):
    permission_required = SETUP_PERMISSIONS


class SetupStartView(SetupPermissionMixin, View):
    """Step 1: the files and choices; sending them is the dry run."""

    def get(self, request):
        return self._form_page(request, SetupForm())

    def post(self, request):
        form = SetupForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._form_page(request, form)
        uploads = [("areas", form.cleaned_data["areas"])]
        if form.cleaned_data["kernen"]:
            uploads.append(("kernen", form.cleaned_data["kernen"]))
        folder = store_pending(
            pending_root(), [(safe_file_name(upload.name), upload) for _key, upload in uploads]
        )
        choices = {
            key: value
            for key, value in form.cleaned_data.items()
            if key not in ("areas", "kernen") and value
        }
        choices["files"] = {key: safe_file_name(upload.name) for key, upload in uploads}
        (folder / "meta.json").write_text(
            json.dumps({"user": request.user.pk, "choices": choices}), encoding="utf-8"
        )
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), folder.name][-5:]
        missing = _missing_choice(folder, choices)
        if missing:
            for field_name, message in missing.items():
                form.add_error(field_name, message)
            return self._form_page(request, form)
        report = _run(folder, choices, request.user, commit=False)
        return render(request, "assets/setup_check.html", _check_context(report, folder.name))

    def _form_page(self, request, form):
        return render(request, "assets/setup_start.html", {"form": form, "set_up": is_set_up()})


class SetupCommitView(SetupPermissionMixin, View):
    """Step 2: set up with the files and choices of the dry run."""

    def post(self, request, token: str):
        if token not in request.session.get(SESSION_KEY, []):
            raise Http404
        folder = pending_folder(pending_root(), token)
        if folder is None:
            raise Http404
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta["user"] != request.user.pk:
            raise Http404
        report = _run(folder, meta["choices"], request.user, commit=True)
        if not report.committed:
            return render(request, "assets/setup_check.html", _check_context(report, token))
        messages.success(
            request,
            gettext("%(organisation)s is ingericht.") % {"organisation": report.organisation},
        )
        return redirect("areas:area_list")


def _check_context(report: SetupReport, token: str) -> dict:
    labels = {
        "organisation": _("organisatie"),
        "departments": _("afdelingen"),
        "budget_lines": _("budgetregels"),
        "asset_classes": _("objecttypen"),
    }
    return {
        "report": report,
        "token": token,
        "errors": report.areas.errors[:SHOWN_ERRORS],
        "levels": [
            (AreaLevel(level).label, count) for level, count in report.plan.counts().items()
        ],
        "records": [
            (label, report.creates.get(kind, 0), report.existing.get(kind, 0))
            for kind, label in labels.items()
        ],
    }


def _missing_choice(folder: Path, choices: dict) -> dict[str, str]:
    """Per form field what the file needs and the form lacks: the gemeentecode for the CBS
    map, the level and name column for any other file."""
    if is_cbs_map(folder / choices["files"]["areas"]):
        if choices.get("gemeentecode"):
            return {}
        return {
            "gemeentecode": gettext(
                "Dit is de CBS Wijk- en buurtkaart: vul de code van uw gemeente in."
            )
        }
    needed = gettext(
        "Dit bestand is geen CBS Wijk- en buurtkaart: kies het niveau en de kolom met de naam."
    )
    return {name: needed for name in ("level", "name_column") if not choices.get(name)}


def _run(folder: Path, choices: dict, user, *, commit: bool) -> SetupReport:
    """The set-up on the pending files with the form's choices."""
    files = choices["files"]
    path = folder / files["areas"]
    kernen = folder / files["kernen"] if "kernen" in files else None
    if is_cbs_map(path):
        return municipality_setup(
            path=path,
            gemeentecode=choices.get("gemeentecode", ""),
            name=choices.get("name"),
            kernen=kernen,
            user=user,
            commit=commit,
        )
    mapping = {"name": choices["name_column"]}
    if choices.get("parent_column"):
        mapping["parent"] = choices["parent_column"]
    return municipality_setup(
        path=path,
        name=choices.get("name"),
        level=choices["level"],
        mapping=mapping,
        user=user,
        commit=commit,
    )
