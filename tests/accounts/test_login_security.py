"""The login form: throttling, the optional second factor, and the audit log that records it all."""

from datetime import timedelta

import pyotp
import pytest
from django.db import ProgrammingError, transaction

from gridcase.accounts.demo import DEMO_PASSWORD
from gridcase.accounts.models import AuditEntry, Role, TOTPDevice, User
from gridcase.lib import clock, crypto

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_that_account_from_that_address(client, users):
    for _ in range(4):
        assert post_login(client, "mediator", "wrong-password").status_code == 200
    locked = post_login(client, "mediator", "wrong-password")
    assert locked.status_code == 429 and "已暂时锁定" in locked.content.decode()
    assert "15 分钟" in locked.content.decode() and locked["Retry-After"] == "900"

    # Even the right password is refused now, from this address…
    assert post_login(client, "mediator", DEMO_PASSWORD).status_code == 429
    # …but the same person elsewhere, and a colleague here, are not locked out by it.
    assert post_login(client, "mediator", DEMO_PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302
    assert post_login(client, "leader", DEMO_PASSWORD).status_code == 302

    kinds = list(AuditEntry.objects.filter(username="mediator").values_list("kind", flat=True))
    assert kinds.count(AuditEntry.Kind.LOGIN_FAILED) >= 5 and AuditEntry.Kind.LOCKED_OUT in kinds
    assert AuditEntry.Kind.LOGIN in kinds


def test_one_account_guessed_from_many_addresses_is_locked_for_all_of_them(client, users, settings):
    settings.ACCOUNT_FAILURE_LIMIT = 6
    for n in range(6):  # below axes' five per address, from three addresses
        assert post_login(client, "mediator", "wrong", REMOTE_ADDR=f"10.9.0.{n // 2}").status_code == 200
    refused = post_login(client, "mediator", DEMO_PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 429 and refused["Retry-After"] == "900"
    assert post_login(client, "leader", DEMO_PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_the_audit_log_cannot_be_edited_or_deleted(users):
    entry = AuditEntry.objects.create(kind=AuditEntry.Kind.LOGIN, username="leader")
    for change in (lambda: AuditEntry.objects.filter(pk=entry.pk).update(username="x"),
                   lambda: AuditEntry.objects.filter(pk=entry.pk).delete()):
        with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
            change()
    assert AuditEntry.objects.get(pk=entry.pk).username == "leader"


def test_permission_changes_are_audited_with_who_did_them(admin_client, users):
    mediator = users["mediator"]
    response = admin_client.post(f"/admin/accounts/user/{mediator.pk}/change/", {
        "username": "mediator", "first_name": mediator.first_name, "last_name": "", "email": "",
        "is_active": "on", "is_staff": "on", "role": Role.TOWN_LEADER, "area": mediator.area_id,
        "phone": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "00:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.PERMISSION_CHANGED, username="mediator").latest("id")
    assert entry.detail["changes"]["role"] == [Role.MEDIATOR, Role.TOWN_LEADER]
    assert entry.detail["changes"]["is_staff"] == [False, True]
    assert entry.actor.username == "admin-superuser"

    users["worker"].grids.remove(users["worker"].grids.first())
    assert AuditEntry.objects.filter(username="worker", detail__changes__grids__action="remove").exists()


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser("admin-superuser", password="x-long-password-1")
    client.force_login(admin)
    return client


def enable_totp(client, user) -> pyotp.TOTP:
    client.force_login(user)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    secret = client.session["otp_secret"]
    response = client.post("/accounts/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    client.logout()
    return pyotp.TOTP(secret)


def test_a_leader_with_a_second_factor_is_logged_in_only_after_the_code(client, users):
    totp = enable_totp(client, users["leader"])
    device = TOTPDevice.objects.get(user=users["leader"])
    assert totp.secret not in device.secret_encrypted and crypto.decrypt(device.secret_encrypted) == totp.secret

    response = post_login(client, "leader", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert client.get("/cases/").status_code == 302  # not logged in yet

    # The code that confirmed the device is spent; the next one (30 s on) logs in, once.
    spent = totp.now()
    assert "已使用" in client.post("/accounts/login/code/", {"code": spent}).content.decode()
    later = clock.now() + timedelta(seconds=31)
    with clock.travel(later):
        done = client.post("/accounts/login/code/", {"code": totp.at(later)})
        assert done.status_code == 302
        assert client.get("/cases/").status_code == 200

        client.logout()
        post_login(client, "leader", DEMO_PASSWORD)
        replay = client.post("/accounts/login/code/", {"code": totp.at(later)})
        assert replay.status_code == 200 and "已使用" in replay.content.decode()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.OTP_ENABLED, username="leader").exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.OTP_FAILED, username="leader").count() == 2


def test_guessing_codes_ends_the_attempt(client, users):
    totp = enable_totp(client, users["leader"])
    post_login(client, "leader", DEMO_PASSWORD)
    wrong = "000000" if totp.now() != "000000" else "111111"
    for _ in range(4):
        assert client.post("/accounts/login/code/", {"code": wrong}).status_code == 200
    fifth = client.post("/accounts/login/code/", {"code": wrong})
    assert fifth.status_code == 302 and fifth["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/code/")["Location"] == "/accounts/login/"  # start again from the password


def test_the_second_factor_is_offered_to_leaders_and_admins_only(client, users):
    client.force_login(users["worker"])
    assert client.get("/accounts/two-factor/").status_code == 403
