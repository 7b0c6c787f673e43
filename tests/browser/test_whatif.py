"""In a browser: the what-if journeys of issue #19 on a small programme whose answers are
known by hand. A programme manager makes a scenario through its forms, computes it and
compares it with its base; opens "Extra geld" and asks it with the keyboard only; a
partner reaches neither page. The pages pass axe.

The programme (`riolering`): Riolering has € 100.000 in each year 2026–2029.

- Riool Kerkstraat: € 80.000, only in 2026: funded.
- Riool Dorpsstraat: € 150.000, only in 2027: more than a year's budget, unfunded.
- Riool Molenweg: € 30.000, in 2027 or 2028: funded.

The works lie 1 km apart, so nothing couples. € 50.000 off 2026 leaves € 50.000 there:
Kerkstraat no longer fits. € 50.000 more in 2027 gives € 150.000: Dorpsstraat fits, with
Molenweg in 2028. Tasks run in the request (the immediate backend), so a computation is
done when its page comes back.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from programming.models import Programme, ScenarioChange
from programming.services import programme_compute
from projects.choices import Certainty, ProjectKind
from stakeholders.choices import Role
from stakeholders.models import BudgetAmount
from tests.browser.conftest import log_in, serious_violations
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD = "impor-test-wachtwoord"


def _street(metres: int) -> str:
    return f"LINESTRING (214000 {502000 + metres}, 214100 {502000 + metres})"


def _user(role: Role, **kwargs) -> str:
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return str(user.username)


@pytest.fixture
def riolering(transactional_db, settings) -> Programme:
    """The programme of the module docstring, computed."""
    settings.TASKS = IMMEDIATE
    municipality = ActorFactory(name="Gemeente")
    line = BudgetLineFactory(code="riolering", name="Riolering", owner=municipality)
    BudgetAmount.objects.bulk_create(
        BudgetAmount(budget_line=line, year=year, amount=Decimal(100_000))
        for year in range(2026, 2030)
    )
    for n, (code, name, cost, year, late) in enumerate(
        (
            ("K", "Riool Kerkstraat", 80_000, 2026, 0),
            ("D", "Riool Dorpsstraat", 150_000, 2027, 0),
            ("M", "Riool Molenweg", 30_000, 2027, 1),
        )
    ):
        project = ProjectFactory(
            code=code, name=name, kind=ProjectKind.BEHEER, owner=municipality,
            start_year=year, end_year=year, shift_early=0, shift_late=late, opens_street=False,
            geometry=_street(1000 * n), street=name.split()[-1], certainty=Certainty.VASTGESTELD,
        )  # fmt: skip
        FundingFactory(project=project, budget_line=line, year=year, amount=Decimal(cost))
    programme: Programme = ProgrammeFactory(
        name="Programma Riool", first_year=2026, horizon=4, price_year=2025, time_limit=5
    )
    CriterionFactory(framework=programme.framework, code="urgentie", weight=Decimal(10))
    programme_compute(programme)
    years = dict(programme.works.values_list("key", "scheduled_year"))
    assert (years["P:K"], years["P:D"]) == (2026, None)
    assert years["P:M"] in (2027, 2028)
    return programme


def _add(page, kind: str, fields: dict[str, str]) -> None:
    """Fill the add form of one kind of change (opening its details) and submit it."""
    form = page.locator(f"#nieuw-{kind}")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    _fill(form, fields)
    form.get_by_role("button", name="Toevoegen").click()


def _fill(form, fields: dict[str, str]) -> None:
    """Choose an option by its text in a select, type in any other field."""
    for label, value in fields.items():
        field = form.get_by_label(label, exact=True)
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)


def test_a_manager_makes_computes_and_compares_a_scenario(page, riolering):
    log_in(page, _user(Role.PROGRAMME_MANAGER), PASSWORD)
    page.goto(f"/programmas/{riolering.pk}/scenario/")
    page.get_by_role("textbox", name="Naam", exact=True).fill("Riool anders verdeeld")
    page.get_by_label("Eerste wijziging (mag leeg)").select_option(
        label="budget van een regel in een jaar"
    )
    page.get_by_role("button", name="Scenario aanmaken").click()
    expect(page.get_by_text("Het scenario is aangemaakt.")).to_be_visible()
    scenario = Programme.objects.get(name="Riool anders verdeeld")
    assert scenario.based_on_id == riolering.pk
    expect(page).to_have_url(re.compile(rf"/programmas/{scenario.pk}/scenario/\?soort=budget"))
    changes = page.locator("ul.scenario-changes > li")

    # The budget form is open, as chosen: € 50.000 off Riolering in 2026 …
    budget = {"Budgetregel": "Riolering", "Jaar": "2026", "Bewerking": "erbij of eraf"}
    _add(page, "budget", budget | {"Bedrag in € (negatief: eraf)": "-50.000"})
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("Riolering 2026: € 50.000 eraf")
    # … and € 50.000 more in 2027.
    budget |= {"Jaar": "2027", "Bedrag in € (negatief: eraf)": "50.000"}
    _add(page, "budget", budget)
    expect(changes.nth(1)).to_contain_text("Riolering 2027: € 50.000 erbij")

    # Molenweg may start in 2027 or 2028: 2029 is refused next to the year, nothing stored.
    _add(page, "vastzetten", {"Werk": "M Riool Molenweg", "Jaar": "2029"})
    pin_year = page.locator("#nieuw-vastzetten").get_by_label("Jaar", exact=True)
    expect(pin_year).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_vastzetten-year_error")).to_contain_text(
        "in het venster van het werk (2027–2028)"
    )
    expect(changes).to_have_count(2)
    assert ScenarioChange.objects.filter(programme=scenario).count() == 2
    assert serious_violations(page) == []
    _add(page, "vastzetten", {"Werk": "M Riool Molenweg", "Jaar": "2028"})
    expect(changes.nth(2)).to_contain_text("M Riool Molenweg vast in 2028")

    # Edit the cut: € 40.000 off still leaves too little for Kerkstraat (€ 60.000).
    changes.nth(0).get_by_role("link", name="wijzigen").click()
    expect(page.get_by_role("heading", name="Wijziging aanpassen")).to_be_visible()
    page.get_by_label("Bedrag in € (negatief: eraf)").fill("-40.000")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De wijziging is opgeslagen.")).to_be_visible()
    expect(changes.nth(0)).to_contain_text("Riolering 2026: € 40.000 eraf")
    # Delete the pin: two changes are left.
    changes.nth(2).get_by_role("button", name="verwijderen").click()
    expect(page.get_by_text("De wijziging is verwijderd.")).to_be_visible()
    expect(changes).to_have_count(2)
    expect(page.locator("ul.scenario-changes")).not_to_contain_text("vast in")
    stored = ScenarioChange.objects.filter(programme=scenario).order_by("pk")
    assert [(c.kind, c.year, c.amount) for c in stored] == [
        ("budget", 2026, Decimal(-40_000)),
        ("budget", 2027, Decimal(50_000)),
    ]
    assert serious_violations(page) == []

    page.get_by_role("button", name="Bereken", exact=True).click()
    expect(page.locator("#run-status .run-status__status")).to_have_text("klaar")
    page.goto(f"/programmas/{scenario.pk}/scenario/")
    page.get_by_role("link", name="Vergelijk met het basisprogramma").click()
    differences = page.locator("section.scenario-differences")
    expect(differences.get_by_role("heading", level=3)).to_have_text(
        "Riool anders verdeeld tegenover het basisprogramma"
    )
    newly_funded = differences.locator("h4:has-text('Nieuw gedekt') + ul")
    expect(newly_funded).to_have_text("D Riool Dorpsstraat (2027)")
    no_longer = differences.locator("h4:has-text('Niet meer gedekt') + ul")
    expect(no_longer).to_have_text("K Riool Kerkstraat (was 2026)")
    assert serious_violations(page) == []


def _tab_to(page, selector: str, presses: int = 80) -> None:
    """Press Tab until the element is focused, as a keyboard user gets there."""
    target = page.locator(selector)
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} is not reached with Tab")


def test_extra_money_answers_the_council_by_keyboard(page, riolering):
    log_in(page, _user(Role.VIEWER), PASSWORD)
    page.goto(f"/programmas/{riolering.pk}/")
    page.get_by_role("link", name="Extra geld", exact=True).click()
    expect(page.get_by_role("heading", name="Extra geld: wat levert het op?")).to_be_visible()

    # Keyboard only: Riolering, 2027, no amounts (the page finds them), Enter on the button.
    _tab_to(page, "#id_budgetregel")
    page.keyboard.type("Riolering")
    page.keyboard.press("Tab")
    expect(page.locator("#id_jaar")).to_be_focused()
    page.keyboard.type("2027")
    _tab_to(page, "form.whatif-form button[type=submit]", presses=3)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"budgetregel=riolering&jaar=2027"))

    expect(page.get_by_role("heading", name="Extra geld op Riolering in 2027")).to_be_visible()
    # Dorpsstraat's gap: € 150.000 less what 2027 has left (€ 100.000, or € 70.000 with
    # Molenweg in it); no street opens less, since nothing couples.
    expect(page.locator(".whatif-sentence")).to_have_text(
        re.compile(r"^Met € (50|80)\.000 extra op Riolering in 2027 gaat 1 werk door\.$")
    )
    chart = page.get_by_role("img", name="Waarde die erbij komt (punten) per bedrag extra")
    expect(chart).to_be_visible()
    figure = page.locator("figure#extra-geld-waarde")
    figure.get_by_text("Tabel met de cijfers").click()
    expect(figure.get_by_role("table", name=re.compile("Waarde die erbij komt"))).to_be_visible()
    steps = page.get_by_role("table", name=re.compile("Per bedrag extra"))
    expect(steps.locator("tbody tr")).to_have_count(1)
    expect(steps.get_by_role("link", name="D Riool Dorpsstraat")).to_be_visible()
    assert serious_violations(page) == []


def test_a_partner_reaches_neither_page(page, riolering):
    partner = _user(Role.PARTNER, organisation=ActorFactory(partner=True))
    log_in(page, partner, PASSWORD)
    for tab in ("scenario", "extra-geld", "vergelijken"):
        response = page.goto(f"/programmas/{riolering.pk}/{tab}/")
        assert response.status == 403, tab
