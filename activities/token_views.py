"""The signed-in user's personal tokens for the REST API (activities.models.ApiToken): the
page that lists them and makes one, showing it once, and the revoke button. Always the
signed-in user's own tokens: another's answer 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from activities.forms import ApiTokenForm
from activities.models import ApiToken
from activities.views import require_form_methods


@require_form_methods
def api_tokens(request):
    """One's tokens, and a form to make one. The new token is in the answer to the POST that
    made it, and nowhere else: not stored (only its digest is), not in the session, no redirect
    after which it would be lost; the page says to copy it now."""
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    new_token = new_api_token = None
    if form.is_bound and form.is_valid():
        new_api_token, new_token = ApiToken.objects.issue(request.user, **form.cleaned_data)
        form = ApiTokenForm()  # empty again, for the next one
    context = {
        "form": form,
        "tokens": request.user.api_tokens.all(),
        "new_token": new_token,
        "new_api_token": new_api_token,
    }
    return render(request, "activities/api_tokens.html", context)


@require_POST
def api_token_revoke(request, pk):
    """Revoke one of one's own tokens: it authenticates nothing from now on."""
    api_token = get_object_or_404(request.user.api_tokens, pk=pk)
    revoked = request.user.api_tokens.filter(pk=api_token.pk).revoke()
    if revoked:
        messages.success(
            request, f"The token “{api_token}” is revoked: requests made with it are refused."
        )
    else:
        messages.info(request, f"The token “{api_token}” was revoked already.")
    return redirect("activities:api_tokens")
