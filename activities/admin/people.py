"""The admin of the people who do the work: users with the regions they work in (assigned on
the user's own page), their roles (groups), and the region assignments, all with their history
(activities.auth_history), revertable from their change pages.

Users and groups are managed by Administrators, who are not superusers; they never make anyone
more than they are themselves (see `UserWithRegionsAdmin` and `RoleAdmin`).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Prefetch, Q
from django.utils import timezone

from activities import roles
from activities.auth_history import USER_FIELDS_NOT_IN_HISTORY
from activities.models import (
    ApiToken,
    NotificationPreference,
    RegionAssignment,
)
from initiatives.history_admin import HistoryAdmin, version_of

User = get_user_model()


@admin.register(RegionAssignment)
class RegionAssignmentAdmin(HistoryAdmin):
    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(HistoryAdmin):
    """Who chose about e-mail reminders (send_reminders); a user with no row gets them."""

    list_display = ["user", "reminders", "updated_at"]
    list_filter = ["reminders"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


class TokenStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("usable", "usable"), ("expired", "expired"), ("revoked", "revoked")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "usable":
            return queryset.usable(now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Everyone's personal API tokens, read-only: a token is made by its owner, on their page
    "API tokens", the only place its secret is ever shown. Administrators revoke tokens (the
    action, logged on each token's history)."""

    fields = list_display = [
        "name",
        "user",
        "shown_start",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = fields
    list_filter = [TokenStateFilter, "read_only"]
    search_fields = ["name", "shown_start", "user__username", "user__email"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # nothing to edit: the page is read-only, the action revokes

    def has_revoke_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).revoke()
        for token in tokens:
            self.log_change(request, token, "Revoked.")
        self.message_user(request, f"Tokens revoked: {len(tokens)}.")


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
