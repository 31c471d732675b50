"""The admin of every model that keeps its history here: its History page and its revert.

django-simple-history's revert page (`history_form_view`) saves the row, then its many-to-many
fields, then the admin's log entry, without a transaction of its own, and fills the form's
many-to-many fields with today's links rather than the version's. `HistoryAdmin` makes a revert
save everything or nothing, and bring back the links the history row kept, through the same
save as any other of the model (the admin's `save_model`: for work data, the one write path).
It is shared by the apps' admins (reference data, work data, users and groups), so it lives in
the app every other one builds on (the domain apps import nothing from config/).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.utils import get_m2m_reverse_field_name

from initiatives.history import record_history


def version_of(obj):
    """The history row that `obj` was built from (on a revert page), or None for a row read
    from its table."""
    return getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None) if obj is not None else None


def kept_links(version):
    """{many-to-many field name: [ids of the linked rows]} as the history row `version` kept
    them, for each many-to-many field whose history the model keeps. Ids of rows deleted since
    are kept too: whoever restores them must check."""
    return {
        field.name: sorted(
            getattr(version, field.name).values_list(get_m2m_reverse_field_name(field), flat=True)
        )
        for field in version._history_m2m_fields
    }


def linked_rows(model, field_name, ids):
    """The rows of `model`'s many-to-many field `field_name` with these `ids` that still exist,
    with what their names show, in one query."""
    related_model = model._meta.get_field(field_name).related_model
    return related_model._default_manager.select_related().filter(pk__in=ids)


class HistoryAdmin(SimpleHistoryAdmin):
    """An admin with History and revert, where a revert is a save like any other.

    - A revert runs in one transaction: the row, its links, its history row and the log entry
      are all saved, or none is (a check that fails, or an error midway, leaves the row as it
      was).
    - The revert form shows the version's many-to-many links in its fields (target groups, a
      user's groups) and restores the links that the form does not show (an activity's countries
      and expected results, edited by inlines elsewhere), listed read-only on the page.
      `revert_errors` refuses a version whose links would break a rule today.
    - A save of a row whose history keeps its links (a user's groups) writes one history row,
      once the row and its links are all saved (initiatives.history), not one per change. The
      admin of a model written by a service of its own (an activity, with its links and one
      history row: activities.services) saves the restored links with the row, in `save_model`.
    """

    # Many-to-many fields with history that the change form does not show (edited by inlines):
    # a revert sets them as the version kept them (the form's `restored_links`, which the
    # admin's `save_model` saves), after `revert_errors` found nothing wrong.
    links_restored_on_revert = []

    def history_view(self, request, object_id, extra_context=None):
        self.check_ids(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_ids(object_id, version_id)
        # simple-history lets anyone who may *view* the history post the revert (it only hides
        # the button): a revert is a change, so it needs the permission to change this row.
        if request.method == "POST" and not self.has_change_history_permission(
            request, self.version_instance(object_id, version_id)
        ):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def check_ids(self, object_id, version_id=None):
        """404 for ids in the History URLs that no row could have ("abc" as an activity's id):
        simple-history's URLs take any text there, and its lookups would fail with a 500."""
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        checks = [(self.model._meta.pk, unquote(object_id))]
        if version_id is not None:
            checks.append((history_model.model._meta.pk, version_id))
        for field, value in checks:
            try:
                field.to_python(value)
            except ValidationError:
                raise Http404(f"No {field.model._meta.verbose_name} with that id.") from None

    def version_instance(self, object_id, version_id):
        """The row as the history row `version_id` of the object `object_id` kept it (404 if
        there is no such history row), as the revert page builds it."""
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        version = get_object_or_404(
            history_model.model,
            **{self.model._meta.pk.attname: object_id, "history_id": version_id},
        )
        return version.instance

    # --- The revert form: the version's links, checked -----------------------------------------

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        version = version_of(obj)
        if version is None:
            return form_class
        model_admin = self
        links = kept_links(version)

        class RevertForm(form_class):
            """The change form filled from a history row, its links included. `restored_links`
            are those the form does not show, which the save sets as they were."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, ids in links.items():
                    if name in self.fields:
                        self.initial[name] = ids
                self.restored_links = {
                    name: links[name] for name in model_admin.links_restored_on_revert
                }

            def clean(self):
                cleaned_data = super().clean()
                for message in model_admin.revert_errors(self, self.restored_links):
                    self.add_error(None, message)
                return cleaned_data

        RevertForm.__name__ = f"Revert{form_class.__name__}"
        return RevertForm

    def revert_errors(self, form, restored_links):
        """Why the version on `form` cannot be restored as it was, as messages for the admin
        (none: it can). Here: it links to rows deleted since. Admins add their model's rules."""
        errors = []
        for name, ids in restored_links.items():
            missing = len(set(ids)) - linked_rows(self.model, name, ids).count()
            if missing:
                field = self.model._meta.get_field(name)
                errors.append(
                    f"This version cannot be restored: {missing} of its {field.verbose_name} "
                    "no longer exist."
                )
        return errors

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if version_of(obj) is not None and self.links_restored_on_revert:
            fieldsets = [
                *fieldsets,
                ("Restored with this version", {"fields": ["links_of_this_version"]}),
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly_fields = super().get_readonly_fields(request, obj)
        if version_of(obj) is not None and self.links_restored_on_revert:
            readonly_fields = [*readonly_fields, "links_of_this_version"]
        return readonly_fields

    @admin.display(description="links")
    def links_of_this_version(self, obj):
        """The links that the revert restores outside the form, as the version kept them, one
        line per field: "countries: Fiji, Tonga"."""
        links = kept_links(version_of(obj))
        lines = []
        for name in self.links_restored_on_revert:
            ids = links[name]
            names = sorted(str(row) for row in linked_rows(self.model, name, ids))
            if len(names) < len(ids):
                names.append(f"{len(ids) - len(names)} deleted since")
            lines.append((self.model._meta.get_field(name).verbose_name, ", ".join(names) or "—"))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", lines))

    # --- Saves of a row with links: one history row, once the links are saved too -------------

    def keeps_links_in_history(self):
        """Whether this model's history keeps many-to-many links (a user's groups)."""
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        return any(hasattr(history_model.model, f.name) for f in self.model._meta.many_to_many)

    def save_model(self, request, obj, form, change):
        if self.keeps_links_in_history():
            # No history row yet: the links are saved afterwards (by the form and the
            # inlines); `log_addition`/`log_change` write it once they all are.
            obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    # The admin logs a save once the row, its inlines and its many-to-many fields are all saved,
    # on the change form, the add form and the revert page alike.
    def log_addition(self, request, obj, message):
        self._write_pending_history(request, obj, created=True)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._write_pending_history(request, obj, created=False)
        return super().log_change(request, obj, message)

    def _write_pending_history(self, request, obj, created):
        if hasattr(obj, "skip_history_when_saving"):
            del obj.skip_history_when_saving
            record_history([obj], request.user, created=created)
