"""Personal API tokens: made on the page "API tokens" and shown once, kept only as a digest,
sent as `Authorization: Bearer …`; refused (401) once revoked or expired, or when their owner
may no longer sign in; a read-only token only reads; their last use is written at most once a
minute; requests are limited per token; only their owner lists and revokes them.

The API calls go to /test-api/echo/ (tests/api/urls_for_tests.py), an endpoint with the API's
default authentication, permissions and throttle; the cache (the throttle's counts) is emptied
before each test by tests/conftest.py.
"""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from activities.api.auth import TokenRateThrottle
from activities.models import ApiToken
from tests.api.test_problems import assert_problem
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_for_tests")]

PAGE = "/account/api-tokens/"
ECHO = "/test-api/echo/"


def revoke_url(api_token):
    return f"/account/api-tokens/{api_token.pk}/revoke/"


def api(token):
    """An API client that sends `token` as its Bearer token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def signed_in(client, asp_editor):
    client.force_login(asp_editor)
    return client


# --- The page --------------------------------------------------------------------------------


def test_it_makes_a_token_and_shows_it_once(signed_in, asp_editor):
    response = signed_in.post(PAGE, {"name": "Power BI", "lifetime": "365"})

    assert response.status_code == 200
    token = response.context["new_token"]
    assert token.startswith("rit_")
    assert f"<code>{token}</code>" in response.text
    assert "Copy it now: it is not shown again." in response.text
    assert response["Cache-Control"] == "no-store, private"  # kept by no cache either
    assert f"Authorization: Bearer {token}" in response.text
    api_token = ApiToken.objects.get()
    assert api_token.user == asp_editor
    assert api_token.name == "Power BI"
    assert not api_token.read_only
    assert api_token.key_digest == hashlib.sha256(token.encode()).hexdigest()
    assert api_token.shown_start == token[:10]
    assert abs(api_token.expires_at - (timezone.now() + timedelta(days=365))) < timedelta(minutes=1)
    # Kept nowhere in clear: not in its row, not in the session.
    assert token not in str(ApiToken.objects.values().get())
    assert token not in str(dict(signed_in.session.items()))

    again = signed_in.get(PAGE)
    assert again.status_code == 200
    assert token not in again.text
    assert again.context["new_token"] is None
    assert f"{api_token.shown_start}…" in again.text


def test_the_token_made_on_the_page_works_as_a_bearer_token(signed_in, asp_editor):
    token = signed_in.post(PAGE, {"name": "Script", "lifetime": "30"}).context["new_token"]

    response = api(token).get(ECHO)

    assert response.status_code == 200
    assert response.json() == {"user": asp_editor.username, "method": "GET"}


def test_it_makes_a_read_only_token_for_30_days(signed_in):
    signed_in.post(PAGE, {"name": "Dashboard", "read_only": "on", "lifetime": "30"})

    api_token = ApiToken.objects.get()
    assert api_token.read_only
    assert abs(api_token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


def test_the_form_offers_a_year_by_default(signed_in):
    response = signed_in.get(PAGE)

    assert response.status_code == 200
    assert response.context["form"]["lifetime"].value() == 365
    assert 'value="365" id="id_lifetime_2" required checked' in response.text
    assert "You have no API tokens yet." in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"name": "", "lifetime": "365"}, "This field is required.", id="no-name"),
        pytest.param(
            {"name": "x" * 101, "lifetime": "365"},
            "Ensure this value has at most 100 characters (it has 101).",
            id="long-name",
        ),
        pytest.param(
            {"name": "Power\u202eBI", "lifetime": "365"}, "U+202E RIGHT-TO-LEFT", id="bidi"
        ),
        pytest.param(
            {"name": "Power BI", "lifetime": "7"},
            "Select a valid choice. 7 is not one of the available choices.",
            id="lifetime",
        ),
        pytest.param({"name": "Power BI"}, "This field is required.", id="no-lifetime"),
    ],
)
def test_bad_input_shows_the_form_again_and_makes_no_token(signed_in, data, message):
    response = signed_in.post(PAGE, {**data, "read_only": "on"})

    assert response.status_code == 200
    assert message in response.text
    assert "No token was made." in response.text
    assert response.context["new_token"] is None
    assert response.context["form"]["read_only"].value() is True  # the user's input stays
    assert not ApiToken.objects.exists()


def test_bad_input_keeps_the_name_typed(signed_in):
    response = signed_in.post(PAGE, {"name": "Power <b>BI</b>", "lifetime": "7"})

    assert "Power &lt;b&gt;BI&lt;/b&gt;" in response.text


def test_the_page_lists_ones_own_tokens_with_their_state(signed_in, asp_editor, afr_editor):
    now = timezone.now()
    usable, _ = ApiToken.objects.issue(asp_editor, "Usable one", read_only=True)
    ApiToken.objects.filter(pk=usable.pk).update(last_used_at=now)
    expired, _ = ApiToken.objects.issue(asp_editor, "Expired one", lifetime=timedelta(days=-1))
    revoked, _ = ApiToken.objects.issue(asp_editor, "Revoked one")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=now)
    ApiToken.objects.issue(afr_editor, "Africa's own")

    response = signed_in.get(PAGE)

    assert response.status_code == 200
    assert list(response.context["tokens"]) == [revoked, expired, usable]
    assert "Africa&#x27;s own" not in response.text and "Africa's own" not in response.text
    rows = response.text.split("<tr>")[2:]  # the header's row first
    assert "Revoked one" in rows[0] and "revoked on" in rows[0] and "never" in rows[0]
    assert "Expired one" in rows[1] and "expired" in rows[1]
    assert "Usable one" in rows[2] and ">usable<" in rows[2] and "read-only" in rows[2]
    assert "never" not in rows[2]
    # A revoke button for the usable token only.
    assert revoke_url(usable) in response.text
    assert revoke_url(expired) not in response.text
    assert revoke_url(revoked) not in response.text


def test_the_page_costs_the_same_queries_for_1_or_10_tokens(
    signed_in, asp_editor, django_assert_max_num_queries
):
    for number in range(10):
        ApiToken.objects.issue(asp_editor, f"Token {number}")

    with django_assert_max_num_queries(8):
        response = signed_in.get(PAGE)

    assert len(response.context["tokens"]) == 10


def test_the_user_menu_links_to_the_page(signed_in):
    response = signed_in.get("/account/reminders/")

    assert f'href="{PAGE}"' in response.text
    assert f'href="{PAGE}" aria-current="page"' in signed_in.get(PAGE).text


def test_revoking_a_token_refuses_it_from_then_on(signed_in, asp_editor):
    api_token, token = ApiToken.objects.issue(asp_editor, "Power BI")

    response = signed_in.post(revoke_url(api_token))

    assert response.status_code == 302
    assert response["Location"] == PAGE
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"The token “Power BI ({api_token.shown_start}…)” is revoked: requests made with it "
        "are refused."
    ]
    assert api(token).get(ECHO).status_code == 401


def test_revoking_a_token_twice_keeps_the_first_time(signed_in, asp_editor):
    api_token, _ = ApiToken.objects.issue(asp_editor, "Power BI")
    first = timezone.now() - timedelta(days=1)
    ApiToken.objects.filter(pk=api_token.pk).update(revoked_at=first)

    response = signed_in.post(revoke_url(api_token), follow=True)

    assert "was revoked already" in response.text
    api_token.refresh_from_db()
    assert api_token.revoked_at == first


def test_someone_elses_token_cannot_be_revoked(signed_in, afr_editor):
    api_token, token = ApiToken.objects.issue(afr_editor, "Africa's own")

    assert signed_in.post(revoke_url(api_token)).status_code == 404

    api_token.refresh_from_db()
    assert api_token.revoked_at is None
    assert api(token).get(ECHO).status_code == 200


def test_revoking_answers_405_to_a_get(signed_in, asp_editor):
    api_token, _ = ApiToken.objects.issue(asp_editor, "Power BI")

    assert signed_in.get(revoke_url(api_token)).status_code == 405
    api_token.refresh_from_db()
    assert api_token.revoked_at is None


def test_anonymous_visitors_are_sent_to_the_login_page(client, asp_editor):
    api_token, _ = ApiToken.objects.issue(asp_editor, "Power BI")

    for response in (client.get(PAGE), client.post(PAGE, {"name": "x", "lifetime": "30"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    response = client.post(revoke_url(api_token))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert ApiToken.objects.get().revoked_at is None


# --- Tokens on the API -----------------------------------------------------------------------


def test_a_revoked_token_answers_401(asp_editor):
    api_token, token = ApiToken.objects.issue(asp_editor, "Power BI")
    ApiToken.objects.filter(pk=api_token.pk).update(revoked_at=timezone.now())

    response = api(token).get(ECHO)

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "unknown, expired or revoked" in body["detail"]


def test_an_expired_token_answers_401(asp_editor):
    api_token, token = ApiToken.objects.issue(asp_editor, "Power BI")
    ApiToken.objects.filter(pk=api_token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = api(token).get(ECHO)

    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_token_of_an_inactive_user_answers_401(asp_editor):
    _, token = ApiToken.objects.issue(asp_editor, "Power BI")
    asp_editor.is_active = False
    asp_editor.save()

    response = api(token).get(ECHO)

    assert_problem(response, 401)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Bearer", id="no-token"),
        pytest.param("Bearer ", id="empty-token"),
        pytest.param("Bearer rit_a rit_b", id="two-tokens"),
        pytest.param("Bearer rit_unknown", id="unknown"),
        pytest.param("Bearer rit_\x00", id="nul"),
        pytest.param("Bearer " + "rit_é🙂".encode().decode("latin-1"), id="not-ascii"),
        pytest.param("Bearer " + "x" * 10_000, id="long"),
        pytest.param("Basic dXNlcjpwYXNz", id="basic"),
        pytest.param("rit_abc", id="no-keyword"),
    ],
)
def test_a_malformed_authorization_answers_401(asp_editor, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(ECHO)

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert body["detail"]


def test_no_token_at_all_answers_401_saying_how_to_send_one():
    response = APIClient().get(ECHO)

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "Authorization: Bearer rit_" in body["detail"]


def test_the_keyword_is_read_in_any_case(asp_editor):
    _, token = ApiToken.objects.issue(asp_editor, "Power BI")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"bearer {token}")

    assert client.get(ECHO).status_code == 200


def test_a_read_only_token_reads_and_writes_nothing(asp_editor):
    _, token = ApiToken.objects.issue(asp_editor, "Dashboard", read_only=True)
    client = api(token)

    assert client.get(ECHO).status_code == 200
    assert client.head(ECHO).status_code == 200
    assert client.options(ECHO).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(ECHO, {"title": "x"}, format="json")
        body = assert_problem(response, 403)
        assert body["detail"] == "This token is read-only: make a token that writes to change data."


def test_a_token_that_writes_writes(asp_editor):
    _, token = ApiToken.objects.issue(asp_editor, "Script")
    client = api(token)

    for method in ("post", "put", "patch"):
        response = getattr(client, method)(ECHO, {"title": "x"}, format="json")
        assert response.status_code == 200
        assert response.json()["data"] == {"title": "x"}
    assert client.delete(ECHO).status_code == 200


def updates(queries):
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith("UPDATE")]


def test_the_last_use_is_written_at_most_once_a_minute(asp_editor):
    api_token, token = ApiToken.objects.issue(asp_editor, "Power BI")
    client = api(token)

    with CaptureQueriesContext(connection) as first:
        assert client.get(ECHO).status_code == 200
    api_token.refresh_from_db()
    used_at = api_token.last_used_at
    assert used_at is not None
    assert len(updates(first)) == 1

    with CaptureQueriesContext(connection) as second:
        assert client.get(ECHO).status_code == 200
    assert updates(second) == []
    api_token.refresh_from_db()
    assert api_token.last_used_at == used_at

    # A minute and more later, it is written again.
    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=two_minutes_ago)
    assert client.get(ECHO).status_code == 200
    api_token.refresh_from_db()
    assert api_token.last_used_at > two_minutes_ago + timedelta(minutes=1)


def test_requests_are_limited_per_token(monkeypatch, asp_editor):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    _, token = ApiToken.objects.issue(asp_editor, "Power BI")
    _, other_token = ApiToken.objects.issue(asp_editor, "Script")
    client = api(token)

    for _ in range(3):
        assert client.get(ECHO).status_code == 200
    response = client.get(ECHO)

    body = assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["detail"] == f"Too many requests: try again in {response['Retry-After']} seconds."
    # Counted per token: the same user's other token still gets through.
    assert api(other_token).get(ECHO).status_code == 200


# --- The admin -------------------------------------------------------------------------------


@pytest.fixture(params=["superuser", "administrator"])
def admin_client(request, client, superuser):
    """The admin as a superuser and as a user of the Administrator role, who sees and revokes
    tokens too (activities/roles.py)."""
    if request.param == "superuser":
        client.force_login(superuser)
    else:
        client.force_login(UserFactory(role="Administrator", is_staff=True))
    return client


def test_the_admin_lists_tokens_read_only_and_makes_none(admin_client, asp_editor):
    api_token, token = ApiToken.objects.issue(asp_editor, "Power BI")

    response = admin_client.get("/admin/activities/apitoken/")
    assert response.status_code == 200
    assert "Power BI" in response.text
    assert api_token.shown_start in response.text
    assert token not in response.text

    assert admin_client.get("/admin/activities/apitoken/add/").status_code == 403
    page = admin_client.get(f"/admin/activities/apitoken/{api_token.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    admin_client.post(f"/admin/activities/apitoken/{api_token.pk}/change/", {"name": "Changed"})
    api_token.refresh_from_db()
    assert api_token.name == "Power BI"


def test_the_admin_revokes_the_selected_tokens(admin_client, asp_editor, afr_editor):
    first, first_token = ApiToken.objects.issue(asp_editor, "Power BI")
    second, _ = ApiToken.objects.issue(afr_editor, "Script")
    _, kept_token = ApiToken.objects.issue(afr_editor, "Kept")

    response = admin_client.post(
        "/admin/activities/apitoken/",
        {"action": "revoke", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Tokens revoked: 2." in response.text
    assert set(ApiToken.objects.filter(revoked_at__isnull=False)) == {first, second}
    assert api(first_token).get(ECHO).status_code == 401
    assert api(kept_token).get(ECHO).status_code == 200


def test_the_admin_filters_tokens_by_state(admin_client, asp_editor):
    ApiToken.objects.issue(asp_editor, "Usable one")
    ApiToken.objects.issue(asp_editor, "Expired one", lifetime=timedelta(days=-1))

    response = admin_client.get("/admin/activities/apitoken/", {"state": "expired"})

    assert [token.name for token in response.context["cl"].result_list] == ["Expired one"]


def test_a_user_with_tokens_can_still_be_deleted_in_the_admin(client, superuser):
    user = UserFactory(username="leaving")
    ApiToken.objects.issue(user, "Power BI")

    client.force_login(superuser)  # administrators do not delete users; superusers may
    response = client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_the_page_links_to_the_apis_documentation(client, asp_editor):
    client.force_login(asp_editor)
    assert 'href="/api/v1/docs/"' in client.get("/account/api-tokens/").text
