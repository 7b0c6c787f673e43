"""Fitting, adopting and resetting deterioration models through the service, the asset
class page, the API and the command; the lifecycle then uses the adopted lifespan and
says so; only the functional administrator may fit and adopt."""

import datetime
import io
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assets import deterioration
from assets.filters import with_lifecycle
from assets.models import Asset, DeteriorationModel, Inspection
from assets.selectors import asset_lifecycle_explained, asset_lifecycle_frame
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    AreaFactory,
    AssetClassFactory,
    AssetFactory,
    InspectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

RULE = {"4": 10, "5": 5, "6": 0}


@pytest.fixture
def lampposts():
    """40 lampposts (default lifespan 40, one built each year from 1965) inspected every
    4 years on 1 + 0.05·age with noise: a lifespan near 70 (score 4 at 60, plus 10)."""
    asset_class = AssetClassFactory(code="lichtmast", lifespan=40, condition_rule=RULE)
    village = AreaFactory(kern=True)
    rng = np.random.default_rng(5)
    inspections = []
    for number in range(40):
        built = 1965 + number
        asset = AssetFactory(
            asset_class=asset_class,
            area=village,
            construction_year=built,
            condition=None,
            condition_date=None,
        )
        for year in range(built + 1, 2026, 4):
            score = np.clip(np.rint(1 + 0.05 * (year - built) + rng.normal(0, 0.3)), 1, 6)
            inspections.append(
                Inspection(asset=asset, date=datetime.date(year, 6, 1), condition=int(score))
            )
    Inspection.objects.bulk_create(inspections)
    return asset_class


@pytest.fixture
def user_in():
    groups = ensure_role_groups()

    def make(role: str, **kwargs):
        user = UserFactory(**kwargs)
        user.groups.add(groups[role])
        return user

    return make


def test_fitting_stores_both_models_with_their_counts(lampposts):
    models = deterioration.fit_deterioration(lampposts)
    assert [m.method for m in models] == ["regressie", "markov"]
    regression = models[0]
    assert regression.inspections == Inspection.objects.count()
    assert regression.assets == 40
    # 1 + 0.05·age gives 70; ages up to 60 and scores rounded at 1 make it somewhat later.
    assert 65 <= regression.lifespan <= 78
    assert regression.lifespan_low <= regression.lifespan <= regression.lifespan_high
    assert regression.curve[0][:2] == [0, 1.0]
    assert lampposts.fitted_lifespan is None  # fitting never adopts


def test_too_few_inspections_stores_nothing():
    asset_class = AssetClassFactory()
    for _ in range(5):
        InspectionFactory(asset=AssetFactory(asset_class=asset_class))
    with pytest.raises(deterioration.TooFewInspections, match=r"\(5, minimaal 30\)"):
        deterioration.fit_deterioration(asset_class)
    assert not DeteriorationModel.objects.exists()


def test_adopting_changes_the_forecast_and_its_explanation_and_reset_undoes_it(lampposts):
    asset = Asset.objects.filter(asset_class=lampposts).order_by("construction_year").first()
    before = asset_lifecycle_frame(reference_year=2026).loc[asset.pk]
    assert before["lifespan"] == 40
    assert before["end_of_life"] == 1965 + 40

    regression = deterioration.fit_deterioration(lampposts)[0]
    admin = UserFactory()
    deterioration.adopt(regression, admin)
    lampposts.refresh_from_db()
    regression.refresh_from_db()
    assert lampposts.fitted_lifespan == regression.lifespan
    assert regression.adopted_by == admin
    assert regression.adopted_at is not None

    years = int((regression.lifespan + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR"))
    after = asset_lifecycle_frame(reference_year=2026).loc[asset.pk]
    assert after["lifespan"] == years
    assert after["end_of_life"] == 1965 + years
    # The lists compute in SQL: the same lifespan there.
    annotated = with_lifecycle(Asset.objects.filter(pk=asset.pk), reference_year=2026).get()
    assert annotated.lifespan_years == years
    assert annotated.end_of_life == after["end_of_life"]

    step = asset_lifecycle_explained(Asset.objects.get(pk=asset.pk), reference_year=2026)[0]
    assert step.value == years
    # The date as the reader's clock has it (Europe/Amsterdam): past 23:00 UTC it is
    # already the next day there.
    fitted = timezone.localdate(regression.fitted_at)
    assert f"levensduur {years} jaar, uit eigen inspecties (verouderingsmodel van " in step.reason
    assert f"verouderingsmodel van {fitted.day} " in step.reason
    assert f", {regression.inspections} inspecties)" in step.reason
    assert "standaardlevensduur van het objecttype is 40 jaar" in step.reason

    deterioration.reset(lampposts)
    lampposts.refresh_from_db()
    assert lampposts.fitted_lifespan is None
    assert not DeteriorationModel.objects.filter(adopted_at__isnull=False).exists()
    assert asset_lifecycle_frame(reference_year=2026).loc[asset.pk]["lifespan"] == 40
    step = asset_lifecycle_explained(Asset.objects.get(pk=asset.pk), reference_year=2026)[0]
    assert step.reason == "standaardlevensduur van het objecttype"


def test_adopting_another_model_ends_the_first_adoption(lampposts):
    regression, markov = deterioration.fit_deterioration(lampposts)
    deterioration.adopt(regression, None)
    deterioration.adopt(markov, None)
    assert list(DeteriorationModel.objects.filter(adopted_at__isnull=False)) == [markov]
    lampposts.refresh_from_db()
    assert lampposts.fitted_lifespan == markov.lifespan


# --- the page ---------------------------------------------------------------------------


def test_the_administrator_fits_adopts_and_resets_on_the_class_page(client, lampposts, user_in):
    client.force_login(user_in("beheerder"))
    page = reverse("assets:assetclass_detail", args=[lampposts.pk])
    answer = client.get(page)
    assert "Nog geen verouderingsmodel" in answer.content.decode()

    client.post(reverse("assets:deterioration_fit", args=[lampposts.pk]))
    html = client.get(page).content.decode()
    assert 'id="verouderingscurve"' in html
    assert "<polyline" in html
    assert "Tabel met de cijfers" in html
    assert "Overnemen" in html

    regression = DeteriorationModel.objects.get(method="regressie")
    client.post(reverse("assets:deterioration_adopt", args=[lampposts.pk, regression.pk]))
    lampposts.refresh_from_db()
    assert lampposts.fitted_lifespan == regression.lifespan
    html = client.get(page).content.decode()
    assert "uit eigen inspecties" in html
    assert "Terugzetten" in html

    client.post(reverse("assets:deterioration_reset", args=[lampposts.pk]))
    lampposts.refresh_from_db()
    assert lampposts.fitted_lifespan is None


def test_too_few_inspections_on_the_page_says_so(client, user_in):
    asset_class = AssetClassFactory()
    client.force_login(user_in("beheerder"))
    answer = client.post(reverse("assets:deterioration_fit", args=[asset_class.pk]), follow=True)
    assert "Te weinig inspecties (0, minimaal 30)." in answer.content.decode()
    assert not DeteriorationModel.objects.exists()


@pytest.mark.parametrize("role", ["programmamanager", "bewerker", "lezer", "partner"])
def test_only_the_functional_administrator_fits_and_adopts(client, lampposts, user_in, role):
    regression = deterioration.fit_deterioration(lampposts)[0]
    user = user_in(role, partner=True) if role == "partner" else user_in(role)
    client.force_login(user)
    urls = [
        reverse("assets:deterioration_fit", args=[lampposts.pk]),
        reverse("assets:deterioration_adopt", args=[lampposts.pk, regression.pk]),
        reverse("assets:deterioration_reset", args=[lampposts.pk]),
    ]
    for url in urls:
        assert client.post(url).status_code == 403
    lampposts.refresh_from_db()
    assert lampposts.fitted_lifespan is None
    assert DeteriorationModel.objects.count() == 2
    if role != "partner":
        html = client.get(reverse("assets:assetclass_detail", args=[lampposts.pk])).content
        assert b"Overnemen" not in html
        assert b"Verouderingsmodel berekenen" not in html


def test_a_model_of_another_class_cannot_be_adopted(client, lampposts, user_in):
    regression = deterioration.fit_deterioration(lampposts)[0]
    other = AssetClassFactory()
    client.force_login(user_in("beheerder"))
    url = reverse("assets:deterioration_adopt", args=[other.pk, regression.pk])
    assert client.post(url).status_code == 404
    other.refresh_from_db()
    assert other.fitted_lifespan is None


# --- the API ----------------------------------------------------------------------------


def _api(asset_class, action: str = "") -> str:
    base = f"/api/v1/objecttypen/{asset_class.pk}"
    return f"{base}/verouderingsmodel/{action}" if action else base


def test_the_api_shows_the_models_and_the_administrator_adopts(client, lampposts, user_in):
    client.force_login(user_in("beheerder"))
    fitted = client.post(_api(lampposts, "berekenen"))
    assert fitted.status_code == 201
    models = fitted.json()["deterioration_models"]
    assert [m["method"] for m in models] == ["regressie", "markov"]
    regression = DeteriorationModel.objects.get(method="regressie")
    assert models[0]["lifespan"] == str(regression.lifespan)
    assert models[0]["curve"][0] == [0.0, 1.0, 1.0, 1.0]
    # The page shows the same models (`deterioration.latest_models`) with the same lifespans.
    html = client.get(reverse("assets:assetclass_detail", args=[lampposts.pk])).content.decode()
    for model in models:
        assert f'data-field="lifespan">{model["lifespan"].replace(".", ",")}<' in html

    adopted = client.post(_api(lampposts, "overnemen"), {"model": regression.pk})
    assert adopted.status_code == 200
    assert adopted.json()["fitted_lifespan"] == str(regression.lifespan)
    assert client.get(_api(lampposts)).json()["deterioration_models"][0]["adopted_at"]

    reset = client.post(_api(lampposts, "terugzetten"))
    assert reset.status_code == 200
    assert reset.json()["fitted_lifespan"] is None


def test_the_api_refuses_bad_input_and_stores_nothing(client, lampposts, user_in):
    other = AssetClassFactory()
    foreign = deterioration.fit_deterioration(lampposts)[0]
    client.force_login(user_in("beheerder"))
    for body in ({}, {"model": "x"}, {"model": foreign.pk}):
        answer = client.post(_api(other, "overnemen"), body)
        assert answer.status_code == 400
        assert [row["name"] for row in answer.json()["invalidParams"]] == ["model"]
    too_few = client.post(_api(other, "berekenen"))
    assert too_few.status_code == 400
    assert too_few.json()["invalidParams"][0]["name"] == "inspecties"
    assert "(0, minimaal 30)" in too_few.json()["invalidParams"][0]["reason"]
    other.refresh_from_db()
    assert other.fitted_lifespan is None
    assert not other.deterioration_models.exists()


@pytest.mark.parametrize("role", ["programmamanager", "partner"])
def test_the_api_lets_no_one_else_adopt(client, lampposts, user_in, role):
    regression = deterioration.fit_deterioration(lampposts)[0]
    client.force_login(user_in(role, partner=True) if role == "partner" else user_in(role))
    for action, body in (("berekenen", {}), ("overnemen", {"model": regression.pk})):
        assert client.post(_api(lampposts, action), body).status_code == 403
    lampposts.refresh_from_db()
    assert lampposts.fitted_lifespan is None
    assert DeteriorationModel.objects.count() == 2


# --- the command ------------------------------------------------------------------------


def test_the_command_fits_one_class_and_reports_too_few(lampposts):
    empty = AssetClassFactory(code="bank")
    out = io.StringIO()
    call_command("fit_deterioration", "--class", "lichtmast", stdout=out)
    assert "lichtmast: regressie van conditie op leeftijd, levensduur" in out.getvalue()
    assert DeteriorationModel.objects.filter(asset_class=lampposts).count() == 2
    out = io.StringIO()
    call_command("fit_deterioration", "--class", "bank", stdout=out)
    assert out.getvalue().strip() == "bank: Te weinig inspecties (0, minimaal 30)."
    assert not empty.deterioration_models.exists()
    with pytest.raises(CommandError, match="Onbekend objecttype 'geen'"):
        call_command("fit_deterioration", "--class", "geen")


def test_the_class_page_reads_in_english(client, lampposts, user_in):
    deterioration.fit_deterioration(lampposts)
    client.force_login(user_in("beheerder"))
    page = reverse("assets:assetclass_detail", args=[lampposts.pk])
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for english in ("Deterioration from own inspections", "regression of condition on age"):
        assert english in html
    for dutch in ("Overnemen", "Verouderingsmodel berekenen", "standaardlevensduur"):
        assert dutch not in html
