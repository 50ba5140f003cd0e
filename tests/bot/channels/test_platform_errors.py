"""Every platform's errors are kinds of the one delivery error tree: the outbox and the reply
dispatcher read what to do (retry, wait, give up, count as sent) from the kind, and keep a
reason that names the platform's error, never its description."""

from __future__ import annotations

import pytest

from bot.channels.zalo_bot.errors import (
    ZaloApiError,
    ZaloMaybeSent,
    ZaloQuotaExceeded,
    ZaloTokenRejected,
    ZaloUnavailable,
)
from bot.channels.zalo_oa.errors import (
    ZaloOaMaybeSent,
    ZaloOaNotConnected,
    ZaloOaOutsideWindow,
    ZaloOaRateLimited,
    ZaloOaRefused,
    ZaloOaTokenExpired,
    ZaloOaUnavailable,
    api_error,
)
from bot.delivery import errors as kinds


@pytest.mark.parametrize(
    ("error", "kind", "reason"),
    [
        (ZaloApiError(400, "chat not found"), kinds.PermanentFailure, "ZaloApiError400"),
        (ZaloUnavailable("Zalo getMe failed"), kinds.TemporaryFailure, "ZaloUnavailable"),
        (ZaloMaybeSent("Zalo sendMessage: ReadTimeout"), kinds.MaybeSent, "ZaloMaybeSent"),
        (ZaloQuotaExceeded("Zalo sendMessage"), kinds.RateLimited, "ZaloQuotaExceeded"),
        (ZaloTokenRejected("Zalo sendMessage"), kinds.CredentialsRefused, "ZaloTokenRejected"),
        (api_error(-201, "/cs"), kinds.PermanentFailure, "ZaloOaError-201"),
        (api_error(-230, "/cs"), kinds.RecipientOutsideWindow, "ZaloOaError-230"),
        (api_error(-32, "/cs"), kinds.RateLimited, "ZaloOaRateLimited"),
        (api_error(-216, "/cs"), kinds.TemporaryFailure, "ZaloOaTokenExpired"),
        (ZaloOaUnavailable("Zalo OA /cs: HTTP 502"), kinds.TemporaryFailure, "ZaloOaUnavailable"),
        (ZaloOaMaybeSent("Zalo OA /cs: ReadTimeout"), kinds.MaybeSent, "ZaloOaMaybeSent"),
        (ZaloOaNotConnected("no pair"), kinds.CredentialsRefused, "ZaloOaNotConnected"),
    ],
)
def test_a_platform_error_is_its_kind_and_keeps_its_reason(
    error: kinds.PlatformError, kind: type[kinds.DeliveryError], reason: str
) -> None:
    assert isinstance(error, kind) and isinstance(error, kinds.PlatformError)
    assert error.reason == reason


def test_the_oa_s_refusals_are_told_apart_by_code() -> None:
    assert type(api_error(-220, "/cs")) is ZaloOaTokenExpired
    assert type(api_error(-213, "/cs")) is ZaloOaOutsideWindow
    assert type(api_error(-32, "/cs")) is ZaloOaRateLimited
    assert type(api_error(-999, "/cs")) is ZaloOaRefused


def test_a_wait_the_platform_does_not_name_is_the_platform_s_default() -> None:
    assert ZaloQuotaExceeded("quota").retry_after == 300
    assert ZaloTokenRejected("token").retry_after == 600
    assert ZaloOaRateLimited(-32, "/cs").retry_after == 60
    assert ZaloOaNotConnected("no pair").retry_after == 600
    assert kinds.RateLimited("RetryAfter", 7).retry_after == 7


def test_the_description_is_shown_but_never_kept_as_the_reason() -> None:
    error = ZaloApiError(400, "Bad Request: text echoes 0912345678")
    assert "0912345678" in str(error)
    assert "0912345678" not in error.reason
