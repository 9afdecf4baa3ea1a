from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

# Tests render templates without running collectstatic, and keep uploads in a temporary folder.
PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The apps whose rows the demo writes, dumped once for the next modules to load (province's catalogue
# is seeded by migrate and flush, not by the demo).
DEMO_APPS = ["blocs", "agreements", "scoring", "ballots", "conferences", "board"]


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


@pytest.fixture(scope="session")
def _demo_dump(tmp_path_factory):
    """Where the first test to load the demo dumps it, for the next ones to load in a second or two
    instead of five to ten (its files stay in the session's media folder)."""
    return {"path": tmp_path_factory.mktemp("demo") / "demo.json", "ready": False, "output": ""}


def load_demo_once(dump: dict) -> str:
    """The demo province in the database: `load_demo` the first time in the session (then dumped),
    the dump afterwards. Returns what `load_demo` printed."""
    if dump["ready"]:
        call_command("loaddata", str(dump["path"]), verbosity=0)
        return dump["output"]
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("dumpdata", *DEMO_APPS, natural_foreign=True, output=str(dump["path"]))
    dump |= {"ready": True, "output": out.getvalue()}
    return dump["output"]


@pytest.fixture(scope="module")
def demo(module_db, _demo_dump):
    """The demo province, loaded once for the module; `load_demo`'s printed output."""
    return load_demo_once(_demo_dump)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The award catalogue is read once per process and kept (province.catalogue): read it before any
    test counts a page's queries, so that no count depends on which test ran first."""
    from province import catalogue

    with django_db_blocker.unblock():
        catalogue.choices()
