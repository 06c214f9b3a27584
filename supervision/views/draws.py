"""Random draws (双随机抽查): the region's draws, drawing a sample with a preview of its figures, one draw with the
check that recomputes it, its population file, and planning inspections for the organizations drawn."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.views import bytes_response, page_of, paginate_table
from supervision import access, page_selectors, permissions, selectors, services
from supervision.forms import DrawForm, DrawPlanForm
from supervision.sampling import default_rate, sample_size, verify_draw
from supervision.tables import SampleDrawTable
from supervision.views.base import ActionView, draw_url, require

DRAW_ENTRIES_PER_PAGE = 100


class DrawListView(LoginRequiredMixin, View):
    """双随机抽查: the draws of the official's region."""

    template_name = "supervision/draw_list.html"

    def get(self, request):
        require(permissions.is_official_or_superuser(request.user))
        # Not the population's codes (a province's draw holds 200,000 of them), which the list does not show.
        table = SampleDrawTable(selectors.sample_draw_list(user=request.user).defer("population_usccs", "note"))
        paginate_table(request, table)
        context = {"table": table, "can_draw": permissions.may_draw_samples(request.user)}
        return render(request, self.template_name, context)


class DrawCreateView(ActionView):
    form_class = DrawForm
    template_name = "supervision/draw_form.html"
    title = gettext_lazy("随机抽取检查对象")
    submit_label = gettext_lazy("抽取")

    def load(self, **kwargs) -> None:
        require(permissions.may_draw_samples(self.request.user))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        code = self.request.GET.get("region", "")
        region = page_selectors.regions_for_draw(self.request.user).filter(code=code).first()
        if region is not None:
            initial.update({"region": region, "rate": default_rate(region)})
        return initial

    def cancel_url(self):
        return reverse("supervision:draw-list")

    def breadcrumbs(self):
        return [(_("双随机抽查"), reverse("supervision:draw-list"))]

    def perform(self, data):
        draw = services.sample_draw_create(actor=self.request.user, **data)
        self.success_message = _("已从 %(population)d 个组织中抽取 %(size)d 个，随机种子 %(seed)d。") % {
            "population": draw.population_count,
            "size": draw.sample_size,
            "seed": draw.seed,
        }
        return draw_url(draw)


@login_required
def draw_preview(request):
    """What a draw in the chosen region would use (htmx fragment): default rate, active organizations, sample size.
    The region is read as the form reads it (a code, a suggestion, a name); text that names none, or several, shows
    the form's message."""
    require(permissions.may_draw_samples(request.user))
    text, region, context = request.GET.get("region", "").strip(), None, {}
    if text:
        try:
            region = DrawForm(user=request.user).fields["region"].clean(text)
        except ValidationError as error:
            context["errors"] = error.messages
    context["region"] = region
    if region is not None:
        rate = default_rate(region)
        try:
            chosen = DrawForm.base_fields["rate"].clean(request.GET.get("rate", "")) or rate
        except ValidationError:
            chosen = rate
        population = page_selectors.active_population_count(region)
        context.update(
            {
                "default_rate": rate,
                "rate": chosen,
                "population": population,
                "sample_size": sample_size(population, chosen) if 0 < chosen <= 100 else None,
            }
        )
    return render(request, "supervision/includes/draw_preview.html", context)


class DrawDetailView(LoginRequiredMixin, View):
    """One draw: how it was drawn (region, rate, population, seed), whom it drew, and the check that recomputes it."""

    template_name = "supervision/draw_detail.html"

    def get(self, request, pk):
        user = request.user
        draw = access.access_draw_for_view(user, pk)
        rows = selectors.sample_draw_rows(draw, user=user)
        planned_count = sum(1 for _entry, inspection in rows if inspection is not None)
        may_supervise = permissions.may_supervise(user)
        context = {
            "draw": draw,
            "rows": page_of(request, rows, DRAW_ENTRIES_PER_PAGE),
            "planned_count": planned_count,
            "verification": verify_draw(draw) if request.GET.get("verify") else None,
            "can_plan": may_supervise and planned_count < len(rows),
            "plan_form": DrawPlanForm(region=draw.region) if may_supervise else None,
        }
        return render(request, self.template_name, context)


@login_required
def draw_population(request, pk):
    """The population a draw was made from, one code a line, so anyone can recompute the draw."""
    draw = access.access_draw_for_view(request.user, pk)
    filename = f"draw-{draw.region.code}-{draw.year}-population.txt"
    return bytes_response((draw.population_usccs + "\n").encode(), filename, "text/plain; charset=utf-8")


class DrawPlanView(ActionView):
    form_class = DrawPlanForm
    title = gettext_lazy("为抽中对象安排检查")
    submit_label = gettext_lazy("安排检查")

    def load(self, **kwargs) -> None:
        self.draw = access.access_draw_for_manage(self.request.user, kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "region": self.draw.region}

    def cancel_url(self):
        return draw_url(self.draw)

    def breadcrumbs(self):
        return [(_("双随机抽查"), reverse("supervision:draw-list")), (str(self.draw), draw_url(self.draw))]

    def perform(self, data):
        created = services.sample_draw_plan_inspections(actor=self.request.user, draw=self.draw, **data)
        self.success_message = _("已为 %(count)d 个抽中对象安排双随机抽查。") % {"count": len(created)}
        return draw_url(self.draw)
