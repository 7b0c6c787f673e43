"""The realisation block of a work's page (`templates/programming/_realisation.html`):
``{% work_realisation work as realisation %}`` gives the work's realisation by key, its
actual costs, and for who may record them the form and the costs formset, so the work
page's view needs no change for it."""

from django import template

from programming.models import Realisation, RealisationStatus
from programming.realisation_forms import ActualCostFormSet, RealisationForm
from programming.realisation_views import may_record

register = template.Library()


@register.simple_tag(takes_context=True)
def work_realisation(context, work) -> dict:
    user = context["request"].user
    realisation = (
        Realisation.objects.visible_to(user)
        .select_related("updated_by")
        .filter(key=work.key)
        .first()
    )
    costs = list(realisation.costs.select_related("budget_line")) if realisation else []
    block = {
        "realisation": realisation,
        "costs": costs,
        "actual": sum(cost.amount for cost in costs),
        "may_record": may_record(user),
    }
    if block["may_record"]:
        instance = realisation or Realisation(key=work.key)
        block["form"] = RealisationForm(instance=instance)
        block["formset"] = ActualCostFormSet(instance=instance, prefix="costs", user=user)
        block["may_update_register"] = (
            realisation is not None
            and realisation.status == RealisationStatus.FINISHED
            and realisation.register_updated_at is None
            and user.has_perm("assets.change_asset")
        )
    return block
