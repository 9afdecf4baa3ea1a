"""The board staff group and its model permissions, kept in step with the models after migrate."""

from django.contrib.auth.models import Group, Permission

from blocs.permissions import BOARD_GROUP

# Board staff may add, change and view; nothing that history refers to is deletable by anyone.
BOARD_MODELS = {"unit", "unitname", "bloc", "term", "membership", "user"}
BOARD_ACTIONS = ("add", "change", "view")


def ensure_board_group(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=BOARD_GROUP)
    codenames = [f"{action}_{model}" for model in BOARD_MODELS for action in BOARD_ACTIONS]
    codenames.append("view_auditevent")
    perms = Permission.objects.filter(content_type__app_label="blocs", codename__in=codenames)
    group.permissions.set(perms)
    return group
