from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.test import override_settings

# Tests render templates without running collectstatic, and keep uploads in a temporary folder.
PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    """One upload folder for the session, so that rows built once for a module keep their files."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, media_root):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN_STATIC}
    settings.MEDIA_ROOT = media_root


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@contextmanager
def _test_settings(media_root):
    from django.conf import settings

    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": PLAIN_STATIC},
        MEDIA_ROOT=media_root,
        PASSWORD_HASHERS=FAST_HASHERS,
    ):
        yield


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker, media_root):
    """Rows a module builds once (a permission matrix's worlds, the demo province): committed
    before its tests, each of which still runs in its own rolled-back transaction, and flushed
    after the module, so that other modules start from an empty database."""
    with django_db_blocker.unblock(), _test_settings(media_root):
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def demo(module_db):
    """The demo province, loaded once for the module (about 5 s); `load_demo`'s printed output."""
    from io import StringIO

    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()
