"""Pages on the reference data: initiatives with their expected results, countries with their
LDC/SIDS/LLDC designations."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from initiatives.models import ActionPlan, Country, ExpectedResult, Initiative, Region


def initiative_list(request):
    """An action plan's initiatives by region: the current plan unless ?plan= names another."""
    plans = ActionPlan.objects.all()
    plan_code = request.GET.get("plan")
    plan = plans.filter(code=plan_code).first() if plan_code else plans.current()
    initiatives = Initiative.objects.filter(action_plan=plan).with_result_counts()
    return render(
        request,
        "initiatives/initiative_list.html",
        {"plans": plans, "plan": plan, "initiatives": initiatives, "unknown_plan": plan is None},
    )


def initiative_detail(request, plan_code, code):
    initiative = get_object_or_404(
        Initiative.objects.select_related("action_plan", "region").prefetch_related(
            Prefetch("expected_results", queryset=ExpectedResult.objects.order_by("number"))
        ),
        action_plan__code=plan_code,
        code=code,
    )
    return render(request, "initiatives/initiative_detail.html", {"initiative": initiative})


def country_list(request):
    """All countries with their current designations; ?region=ASP narrows to one region."""
    regions = Region.objects.all()
    countries = Country.objects.with_designations()
    region = regions.filter(code=request.GET.get("region", "")).first()
    if region:
        countries = countries.filter(region=region)
    return render(
        request,
        "initiatives/country_list.html",
        {"countries": countries, "regions": regions, "region": region},
    )


def country_detail(request, iso3):
    country = get_object_or_404(Country.objects.with_designations(), iso3=iso3.upper())
    return render(request, "initiatives/country_detail.html", {"country": country})
