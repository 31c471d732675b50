"""The admin's History pages (django-simple-history) keep to the Content-Security-Policy: no
inline style or script, the style the package's template had inline comes from our stylesheet.
tests/e2e/test_csp.py checks the same pages in a browser."""

import re

import pytest
from django.contrib.auth.models import User

from activities.models import Activity
from tests.factories import ActivityFactory, UserFactory
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"\sstyle=|<style|<script>|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=", re.I)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def rows(db):
    return {Activity: ActivityFactory(), User: UserFactory(username="ana", role="Editor")}


@pytest.mark.parametrize("model", [Activity, User], ids=lambda model: model.__name__)
def test_the_history_page_has_no_inline_style_or_script(admin_client, rows, model):
    obj = rows[model]

    response = admin_client.get(admin_url(model, "history", obj.pk))

    assert response.status_code == 200
    assert INLINE.findall(response.text) == []
    assert 'class="paginator history-paginator"' in response.text
    assert "css/admin_history.css" in response.text


@pytest.mark.parametrize("model", [Activity, User], ids=lambda model: model.__name__)
def test_the_revert_page_has_no_inline_style_or_script(admin_client, rows, model):
    obj = rows[model]
    version = obj.history.earliest()

    response = admin_client.get(admin_url(model, "simple_history", obj.pk, version.history_id))

    assert response.status_code == 200
    assert INLINE.findall(response.text) == []
