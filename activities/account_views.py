"""The signed-in user's own settings: whether they get e-mail reminders (send_reminders)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from activities.models import NotificationPreference
from activities.views import require_form_methods


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["reminders"]
        labels = {"reminders": "E-mail reminders"}
        help_texts = {
            "reminders": "Progress reports missing for a quarter just closed, on the activities "
            "you lead or created, and reports of your regions waiting for your review. Each "
            "reminder comes once."
        }


@require_form_methods
def reminder_settings(request):
    """Turn one's own e-mail reminders on or off. Always the signed-in user's: nothing in the
    request names whose."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    if preference is None:
        preference = NotificationPreference(user=request.user)
    data = request.POST if request.method == "POST" else None
    form = ReminderSettingsForm(data, instance=preference)
    if form.is_bound and form.is_valid():
        reminders = form.cleaned_data["reminders"]
        # Nothing written when nothing changed: a user who never chose has no row (on).
        if form.has_changed():
            # Not form.save(): two saves at once of a first choice would both insert.
            NotificationPreference.objects.update_or_create(
                user=request.user, defaults={"reminders": reminders}
            )
        state = "on" if reminders else "off"
        messages.success(request, f"E-mail reminders are {state}.")
        return redirect("activities:reminder_settings")
    return render(request, "activities/reminder_settings.html", {"form": form})
