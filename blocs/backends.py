from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class UnitModelBackend(ModelBackend):
    """Loads the signed-in user with their unit, which every page shows, in one query; and their
    permissions (their own and their groups', which say who is board staff) in one more, where
    Django's ModelBackend spends two."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                names = ("content_type__app_label", "codename")
                own = Permission.objects.filter(user=user_obj).order_by().values_list(*names)
                perms = own.union(
                    Permission.objects.filter(group__user=user_obj).order_by().values_list(*names)
                ).order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in perms}
        return user_obj._perm_cache
