"""Lists of the reference data: an action plan's initiatives, countries with their LDC/SIDS/LLDC
designations. An initiative's, an expected result's and a country's own pages show their
progress, so they live in the `reports` app."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from initiatives.models import ActionPlan, Country, Initiative, Region

SEARCH_MAX_LENGTH = 100


@require_safe
def initiative_list(request):
    """An action plan's initiatives by region: the current plan unless ?plan= names another."""
    plans = ActionPlan.objects.all()
    plan_code = request.GET.get("plan")
    # Matched among the plans, not in a query: a link may carry any text, and PostgreSQL
    # refuses text with a NUL character in a query.
    plan = next((p for p in plans if p.code == plan_code), None) if plan_code else plans.current()
    initiatives = Initiative.objects.filter(action_plan=plan).with_result_counts()
    return render(
        request,
        "initiatives/initiative_list.html",
        {"plans": plans, "plan": plan, "initiatives": initiatives, "unknown_plan": plan is None},
    )


@require_safe
def country_list(request):
    """All countries with their current designations; ?region=ASP narrows to one region and
    ?q=Vietnam to the countries of that name or other name."""
    regions = Region.objects.all()
    countries = Country.objects.with_designations()
    region = next((r for r in regions if r.code == request.GET.get("region")), None)
    if region:
        countries = countries.filter(region=region)
    # A NUL is a space here: PostgreSQL refuses it in a query.
    query = " ".join(request.GET.get("q", "").replace("\x00", " ").split())[:SEARCH_MAX_LENGTH]
    if query:
        countries = countries.search(query)
    return render(
        request,
        "initiatives/country_list.html",
        {"countries": countries, "regions": regions, "region": region, "query": query},
    )
