"""Sign-in throttling for the admin (django-axes): N wrong passwords lock a user name and address out.

Throttling is off in the test settings so other tests may sign in freely; these tests switch it on.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from dateline.cache import store
from dateline.core.security import client_ip

LIMIT = 3
COOLOFF = dt.timedelta(minutes=10)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT, AXES_COOLOFF_TIME=COOLOFF)
class LoginThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_superuser("chief", "c@example.org", "right-pw")

    def setUp(self):
        reset()
        self.url = reverse("wagtailadmin_login")

    def sign_in(self, password: str, *, address: str = "198.51.100.7", username: str = "chief"):
        """Post the admin's sign-in form from `address`; return the response."""
        return self.client.post(
            self.url, {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def signed_in(self) -> bool:
        return "_auth_user_id" in self.client.session

    def test_wrong_passwords_lock_the_account_out_until_the_cool_off(self):
        for attempt in range(LIMIT - 1):
            response = self.sign_in("wrong")
            self.assertEqual(response.status_code, 200, f"attempt {attempt + 1}: the form again")
        locked = self.sign_in("wrong")
        self.assertEqual(locked.status_code, 429)
        self.assertContains(locked, "Sign-in paused", status_code=429)

        # The right password is refused too while the lock lasts, with the same page.
        response = self.sign_in("right-pw")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Sign-in paused", status_code=429)
        self.assertFalse(self.signed_in())

        # Another address, or another user name from this one, is not locked.
        self.assertEqual(self.sign_in("wrong", address="203.0.113.9").status_code, 200)
        self.assertEqual(self.sign_in("wrong", username="someone").status_code, 200)

        # Once the cool-off has passed (the attempts are that old), the right password works.
        AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - COOLOFF * 2)
        response = self.sign_in("right-pw")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.signed_in())

    def test_a_success_clears_the_count(self):
        for _ in range(LIMIT - 1):
            self.sign_in("wrong")
        self.assertEqual(self.sign_in("right-pw").status_code, 302)
        self.client.logout()
        for _ in range(LIMIT - 1):
            self.assertEqual(self.sign_in("wrong").status_code, 200)

    @override_settings(DATELINE_PAGE_CACHE=True)
    def test_the_lockout_holds_with_the_page_cache_on_and_is_never_stored(self):
        store.store().clear()
        for _ in range(LIMIT):
            self.sign_in("wrong")
        self.assertEqual(self.sign_in("right-pw").status_code, 429)
        page = self.client.get(self.url, REMOTE_ADDR="198.51.100.7")
        self.assertEqual(page.status_code, 200)
        self.assertNotEqual(page.get("X-Dateline-Cache"), "hit")
        self.assertEqual(self.sign_in("right-pw").status_code, 429)
        self.assertFalse(self.signed_in())


class ClientAddressTests(TestCase):
    def request(self, forwarded: str | None = None):
        extra = {"REMOTE_ADDR": "10.0.0.2"}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **extra)

    def test_without_proxies_a_forwarded_header_is_ignored(self):
        self.assertEqual(client_ip(self.request("198.51.100.7")), "10.0.0.2")

    @override_settings(DATELINE_PROXY_COUNT=1)
    def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_claims(self):
        self.assertEqual(client_ip(self.request("6.6.6.6, 198.51.100.7")), "198.51.100.7")
        self.assertEqual(client_ip(self.request("not an address")), "10.0.0.2")
        self.assertEqual(client_ip(self.request()), "10.0.0.2")
