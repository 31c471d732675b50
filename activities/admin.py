"""Admin for work data: activities with their countries, expected results and progress reports,
target groups, and the regions each user works in (assigned on the user's own page).

Activities, reports, region assignments, target groups, users and groups keep their history
(django-simple-history), visible and revertable from their change pages (initiatives.history_admin:
a revert is a save like any other, in one transaction). Changelists fetch what their columns show
up front, so a page costs a few queries whatever its number of rows.

Users and groups are managed by Administrators, who are not superusers; they never make anyone
more than they are themselves (see `UserWithRegionsAdmin` and `RoleAdmin`).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch, Q

from activities import permissions, roles, services
from activities.auth_history import USER_FIELDS_NOT_IN_HISTORY
from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    ProgressReport,
    RegionAssignment,
    TargetGroup,
)
from initiatives.history_admin import HistoryAdmin, linked_rows, version_of
from initiatives.models import Country, CountryGroup

User = get_user_model()


def next_version(obj):
    """The version a changed row is saved at: one more than the row in the database.

    Counted from the database, not from the form, because a revert from the history brings back
    an old version number; an edit form opened before this save then sees a conflict. A row
    deleted since, brought back from its history, goes on from the version it had there.
    """
    current = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
    return (obj.version if current is None else current) + 1


class VersionCheckedForm(forms.ModelForm):
    """An admin change form that refuses to save over a save made since the page was opened,
    as the staff workspace's forms do: it carries the version the row had then (read from the
    database, so a revert page carries today's version, not the old one it shows) and compares
    it, under a row lock held until the save, with the version the row has now."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self._current_version(lock=False)

    def _current_version(self, lock):
        rows = type(self.instance).objects.filter(pk=self.instance.pk)
        if lock:  # the admin saves in the same transaction, so nobody saves in between
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            current = self._current_version(lock=True)
            if cleaned_data.get("loaded_version") != current:
                raise forms.ValidationError(
                    f"Someone else saved this {self._meta.model._meta.verbose_name} since you "
                    f"opened this page (it is at version {current} now): nothing was saved. "
                    "Reload the page to see their changes, then make yours again.",
                    code="edit_conflict",
                )
        return cleaned_data


class VersionedHistoryAdmin(HistoryAdmin):
    """The admin of a row that people edit concurrently (it has a `version`): a change or a
    revert over someone else's newer save is refused.

    It asks the same rules as the staff pages, with the object (`user.has_perm(perm, obj)`,
    activities/permissions.py): a staff user changes, reverts or deletes only what the rules let
    them, whatever their role's model permissions; without an object (the list, the add page)
    the model permission answers, as in any admin."""

    form = VersionCheckedForm

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return request.user.has_perm(self.permission_name("change"), obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return request.user.has_perm(self.permission_name("delete"), obj)

    def permission_name(self, action):
        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"

    def save_model(self, request, obj, form, change):
        # The object as it will be saved (its region may have changed) must be the user's too.
        action = "change" if change else "add"
        if not request.user.has_perm(self.permission_name(action), obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class CountryGroupFilter(admin.SimpleListFilter):
    """Activities in at least one country that is in the LDC, SIDS or LLDC group today."""

    title = "country group today"
    parameter_name = "country_group"

    def lookups(self, request, model_admin):
        return CountryGroup.choices

    def queryset(self, request, queryset):
        if self.value() not in CountryGroup.values:
            return None
        # A subquery rather than a join, so an activity in two such countries is listed once.
        in_group = ActivityCountry.objects.filter(
            country__in=Country.objects.in_group(self.value())
        )
        return queryset.filter(pk__in=in_group.values("activity_id"))


class LinksOfRegionFormSet(forms.BaseInlineFormSet):
    """Refuses a country or an expected result of another region than the activity's, by the
    rule the activity form also applies (`services.link_errors`)."""

    def clean(self):
        super().clean()
        region = self.instance.region if self.instance.region_id else None
        if region is None:  # the activity's own form already says the region is missing
            return
        field_name = self.model.TARGET_FIELD
        for form in self.forms:
            target = form.cleaned_data.get(field_name)
            if form.cleaned_data.get("DELETE") or target is None:
                continue
            links = {
                "countries": [target] if field_name == "country" else [],
                "expected_results": [target] if field_name == "expected_result" else [],
            }
            for messages in services.link_errors(region, **links).values():
                form.add_error(field_name, messages)


class ActivityCountryInline(admin.TabularInline):
    model = ActivityCountry
    formset = LinksOfRegionFormSet
    autocomplete_fields = ["country"]
    extra = 0
    min_num = 1
    verbose_name = "country"
    verbose_name_plural = "countries"


class ActivityExpectedResultInline(admin.TabularInline):
    model = ActivityExpectedResult
    formset = LinksOfRegionFormSet
    autocomplete_fields = ["expected_result"]
    extra = 0
    min_num = 1
    verbose_name = "expected result"
    verbose_name_plural = "expected results"


class ProgressReportInline(admin.TabularInline):
    """A read-only summary of the activity's reports; each one is edited on its own page."""

    model = ProgressReport
    fields = ["period", "state", "activity_status", "percent_complete", "author"]
    readonly_fields = fields
    ordering = ["-year", "-quarter"]
    show_change_link = True
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(VersionedHistoryAdmin):
    list_display = [
        "title",
        "reference",
        "region",
        "status",
        "modality",
        "start_date",
        "end_date",
        "country_names",
        "expected_result_codes",
    ]
    list_filter = [
        "status",
        "region",
        CountryGroupFilter,
        "expected_results__initiative__action_plan",
        "expected_results__initiative",
        "modality",
        "funding_source",
        "target_groups",
        "is_demo",
        "archived_at",
    ]
    search_fields = ["title", "reference", "description", "partners", "countries__name"]
    date_hierarchy = "start_date"
    list_select_related = ["region"]
    show_full_result_count = False
    autocomplete_fields = ["focal_point"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["uid", "version", "created_by", "created_at", "updated_by", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "reference", "description", "region", "status", "modality"]}),
        (
            "Dates and funding",
            {
                "fields": [
                    ("start_date", "end_date"),
                    ("budget_amount", "currency"),
                    "funding_source",
                    "partners",
                ]
            },
        ),
        (
            "People",
            {
                "fields": [
                    "focal_point",
                    "target_groups",
                    ("people_reached_women", "people_reached_men"),
                ]
            },
        ),
        (
            "Record",
            {
                "fields": [
                    "is_demo",
                    "archived_at",
                    "uid",
                    "version",
                    ("created_by", "created_at"),
                    ("updated_by", "updated_at"),
                    "loaded_version",
                ]
            },
        ),
    ]
    inlines = [ActivityCountryInline, ActivityExpectedResultInline, ProgressReportInline]
    # Edited by the inlines on the change page; a revert restores them as the version had them.
    links_restored_on_revert = ["countries", "expected_results"]

    def get_queryset(self, request):
        # Region, countries and expected results of every row in a fixed number of queries.
        return super().get_queryset(request).for_list()

    @admin.display(description="countries")
    def country_names(self, activity):
        return ", ".join(country.name for country in activity.countries.all())

    @admin.display(description="expected results")
    def expected_result_codes(self, activity):
        return ", ".join(result.code for result in activity.expected_results.all())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":  # the regions the user writes in (every one: admins)
            kwargs["queryset"] = permissions.regions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = next_version(obj)
        else:
            obj.created_by = request.user
        obj.updated_by = request.user
        # Saves the row without a history row, and on a revert the version's countries and
        # expected results: the one history row is written once the links are all saved.
        super().save_model(request, obj, form, change)

    def write_history(self, request, obj, created):
        # The one history row of the final state, as the staff workspace writes it.
        services.write_history(obj, request.user, created=created)

    def revert_errors(self, form, restored_links):
        """A version is restored only if its links keep the rules of any save today: at least
        one country and one expected result, all of the activity's region
        (`services.link_errors`; a country may have moved region since)."""
        errors = super().revert_errors(form, restored_links)
        region = form.cleaned_data.get("region")
        if errors or region is None:  # the form says already what is wrong
            return errors
        countries = list(linked_rows(Activity, "countries", restored_links["countries"]))
        results = list(
            linked_rows(Activity, "expected_results", restored_links["expected_results"])
        )
        if not countries:
            errors.append("This version cannot be restored: it has no country.")
        if not results:
            errors.append("This version cannot be restored: it has no expected result.")
        broken = services.link_errors(region, countries=countries, expected_results=results)
        for messages in broken.values():
            errors.extend(f"This version cannot be restored: {message}" for message in messages)
        return errors


@admin.register(ProgressReport)
class ProgressReportAdmin(VersionedHistoryAdmin):
    """Reports' content is edited here; their workflow (submit, approve, return) is not: those
    fields are read-only, so a report is never approved without a reviewer and a review date."""

    list_display = [
        "activity",
        "period",
        "state",
        "activity_status",
        "percent_complete",
        "author",
        "reviewer",
        "submitted_at",
        "reviewed_at",
    ]
    list_filter = ["state", "year", "quarter", "activity__region", "activity_status"]
    search_fields = ["activity__title", "activity__reference", "achievements", "author__username"]
    list_select_related = ["activity", "author", "reviewer"]
    show_full_result_count = False
    autocomplete_fields = ["activity", "author"]
    readonly_fields = [
        "state",
        "submitted_at",
        "reviewer",
        "reviewed_at",
        "review_comment",
        "created_at",
        "updated_at",
        "version",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["activity", ("year", "quarter"), "activity_status", "percent_complete"]},
        ),
        (
            "Report",
            {
                "fields": [
                    "achievements",
                    "challenges",
                    "next_steps",
                    "evidence_links",
                    ("people_reached_women", "people_reached_men"),
                ]
            },
        ),
        (
            "Workflow",
            {
                "fields": [
                    "author",
                    "state",
                    "submitted_at",
                    ("reviewer", "reviewed_at"),
                    "review_comment",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at", "version", "loaded_version"]}),
    ]

    @admin.display(description="period", ordering="year")
    def period(self, report):
        return report.period

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = next_version(obj)
        super().save_model(request, obj, form, change)


@admin.register(RegionAssignment)
class RegionAssignmentAdmin(HistoryAdmin):
    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user"]


@admin.register(TargetGroup)
class TargetGroupAdmin(HistoryAdmin):
    """Target groups, with their history. A group in use cannot be deleted: the link to it is
    a plain many-to-many, which the database would quietly drop from every activity."""

    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    SHOWN_IN_USE = 50  # activities named on the "cannot delete" page; then a count

    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = Activity.objects.filter(
            pk__in=Activity.target_groups.through.objects.filter(targetgroup__in=objs).values(
                "activity_id"
            )
        ).order_by("title")
        shown = [f"Activity: {activity}" for activity in in_use[: self.SHOWN_IN_USE]]
        more = in_use.count() - len(shown) if len(shown) == self.SHOWN_IN_USE else 0
        if more:
            shown.append(f"… and {more} more activities")
        return to_delete, counts, perms_needed, [*protected, *shown]


class RegionAssignmentInline(admin.TabularInline):
    model = RegionAssignment
    fields = ["region"]
    extra = 0
    verbose_name = "assigned region"
    verbose_name_plural = "assigned regions (Editors and Reviewers write only in these)"


admin.site.unregister(User)
admin.site.unregister(Group)

# What only a superuser gives: the admin shows these fields read-only to anyone else.
SUPERUSER_ONLY_FIELDS = ["is_superuser", "is_staff", "user_permissions"]
# The groups anyone else puts people in: the four roles.
ROLE_NAMES = list(roles.ROLE_PERMISSIONS)


def is_superuser_account(user):
    """Whether `user` is a superuser, or is one in the database (a history row of a user may
    show them as they were before)."""
    if user.is_superuser:
        return True
    return user.pk is not None and User.objects.filter(pk=user.pk, is_superuser=True).exists()


def only_among(initial, pks):
    """The initial value of a many-to-many field (rows, or their ids on a revert page) without
    the rows not in `pks`, which the field does not offer."""
    return [item for item in initial or [] if getattr(item, "pk", item) in pks]


def held_permissions(user):
    """The permissions `user` holds, their own and their groups' (ModelBackend's rule), as a
    queryset; every permission for a superuser."""
    if user.is_superuser:
        return Permission.objects.all()
    return Permission.objects.filter(
        Q(pk__in=user.user_permissions.values("pk"))
        | Q(pk__in=Permission.objects.filter(group__user=user).values("pk"))
    )


@admin.register(User)
class UserWithRegionsAdmin(HistoryAdmin, UserAdmin):
    """Django's user admin, plus the regions a user works in, assigned on the user's page, and
    the user's history (activities.auth_history). A revert brings back names, e-mail, status,
    roles (groups) and own permissions; never the password or the last login, which the
    history does not keep: the revert page leaves them out and the save keeps the user's own.
    Regions have their own history (region assignments).

    Anyone but a superuser (an Administrator) cannot make a user superuser or staff, nor give
    them permissions of their own: those fields are read-only to them, left out of the form
    (a crafted POST sets nothing) and kept as they are in the database on every save, a revert
    included. They put people in the four roles only, leaving any other group a superuser gave
    as it is. A superuser's account is read-only to them: no change, password, revert or
    deletion.
    """

    list_display = [*UserAdmin.list_display, "roles", "regions"]
    list_filter = [*UserAdmin.list_filter, "region_assignments__region"]
    inlines = [RegionAssignmentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "groups",
                Prefetch(
                    "region_assignments",
                    queryset=RegionAssignment.objects.select_related("region").order_by(
                        "region__code"
                    ),
                ),
            )
        )

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(sorted(group.name for group in user.groups.all()))

    @admin.display(description="regions")
    def regions(self, user):
        return ", ".join(assignment.region.code for assignment in user.region_assignments.all())

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if version_of(obj) is None:
            return fieldsets
        return [
            (name, {**options, "fields": without_fields_not_in_history(options["fields"])})
            for name, options in fieldsets
        ]

    # --- What only a superuser does ------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        readonly_fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly_fields
        # Read-only fields are also left out of the form: a crafted POST cannot set them.
        return [*readonly_fields, *SUPERUSER_ONLY_FIELDS]

    def has_change_permission(self, request, obj=None):
        # The password page asks this too: only a superuser sets a superuser's password.
        if obj is not None and not request.user.is_superuser and is_superuser_account(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and is_superuser_account(obj):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_NAMES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser or "groups" not in form_class.base_fields:
            return form_class

        class RolesForm(form_class):
            """The user's form as a non-superuser sees it: the roles to choose from; the
            user's other groups, which it does not offer, stay."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                offered = set(self.fields["groups"].queryset.values_list("pk", flat=True))
                self.initial["groups"] = only_among(self.initial.get("groups"), offered)

            def clean_groups(self):
                others = Group.objects.none()
                if self.instance.pk is not None:
                    others = Group.objects.filter(user__pk=self.instance.pk).exclude(
                        name__in=ROLE_NAMES
                    )
                return [*self.cleaned_data["groups"], *others]

        RolesForm.__name__ = f"Roles{form_class.__name__}"
        return RolesForm

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            # The form has no such fields for them; a revert's row carries the version's
            # values, so the database's are put back (a new or deleted user: neither).
            current = (
                User.objects.filter(pk=obj.pk).values_list("is_superuser", "is_staff").first()
                if obj.pk is not None
                else None
            )
            obj.is_superuser, obj.is_staff = current or (False, False)
        if version_of(obj) is not None:
            # A revert: the password and last login are the user's own as they are now, read
            # under a lock held until the save, so that a password set meanwhile stays.
            current = (
                User.objects.select_for_update()
                .filter(pk=obj.pk)
                .values_list("password", "last_login")
                .first()
            )
            if current is None:  # a deleted user brought back: no password until one is set
                obj.set_unusable_password()
                obj.last_login = None
            else:
                obj.password, obj.last_login = current
        super().save_model(request, obj, form, change)


def without_fields_not_in_history(fields):
    return [name for name in fields if name not in USER_FIELDS_NOT_IN_HISTORY]


@admin.register(Group)
class RoleAdmin(HistoryAdmin, GroupAdmin):
    """Django's group admin, with history: a group is a role (activities.roles), its
    permissions what the role may do. A revert brings back its name and permissions.

    Anyone but a superuser gives a group only permissions they hold themselves: the form
    offers only those and refuses any other on save (a revert included); a group's other
    permissions, which the form does not offer, stay as they are."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions" and not request.user.is_superuser:
            kwargs["queryset"] = held_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser or "permissions" not in form_class.base_fields:
            return form_class
        held = set(held_permissions(request.user).values_list("pk", flat=True))

        class HeldPermissionsForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial["permissions"] = only_among(self.initial.get("permissions"), held)

            def clean_permissions(self):
                chosen = list(self.cleaned_data["permissions"])
                not_held = [permission for permission in chosen if permission.pk not in held]
                if not_held:
                    raise forms.ValidationError(
                        "You can only give a group permissions that you have yourself, not: "
                        + ", ".join(str(permission) for permission in not_held),
                        code="permission_not_held",
                    )
                others = Permission.objects.none()
                if self.instance.pk is not None:
                    others = Permission.objects.filter(group__pk=self.instance.pk).exclude(
                        pk__in=held
                    )
                return [*chosen, *others]

        HeldPermissionsForm.__name__ = f"HeldPermissions{form_class.__name__}"
        return HeldPermissionsForm
