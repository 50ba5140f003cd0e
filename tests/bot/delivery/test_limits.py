"""The rate limiter: evenly spaced sends, never more than the limit in any second."""

from __future__ import annotations

import asyncio

from bot.delivery.limits import ChannelLimits, RateLimiter


class ManualClock:
    """Monotonic time moved only by the limiter's own sleeps and the test."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0) + 0.001  # every wake-up is a millisecond late
        await asyncio.sleep(0)


def most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for other in times if start <= other < start + 1.0) for start in times)


async def test_sends_keep_the_limit_in_every_second_and_lose_no_time() -> None:
    clock = ManualClock()
    limiter = RateLimiter(ChannelLimits(per_second=30), clock=clock, sleep=clock.sleep)
    answered: list[float] = []
    for _ in range(300):
        ticket = await limiter.acquire("chat")
        clock.now += 0.002  # the platform answers 2 ms later
        limiter.settle(ticket)
        answered.append(ticket.at)
    assert most_in_one_second(answered) <= 30
    elapsed = answered[-1] - answered[0]
    assert 299 / elapsed >= 0.95 * 30  # late wake-ups are not lost time


async def test_a_send_not_yet_answered_holds_the_window() -> None:
    clock = ManualClock()
    limiter = RateLimiter(ChannelLimits(per_second=2), clock=clock, sleep=clock.sleep)
    first = await limiter.acquire("a")
    second = await limiter.acquire("b")
    clock.now += 5.0
    waiting = asyncio.ensure_future(limiter.acquire("c"))
    for _ in range(50):
        await asyncio.sleep(0)
    assert not waiting.done()  # two sends in the window, the oldest still unanswered
    limiter.settle(first)
    limiter.settle(second)
    third = await waiting
    assert third.at >= first.at + 1.0


async def test_telegram_replies_take_from_the_limiter_the_outbox_uses() -> None:
    from bot.channels.telegram.retries import RetryingRateLimiter

    clock = ManualClock()
    shared = RateLimiter(ChannelLimits(per_second=30, chat_gap=1.0), clock=clock, sleep=clock.sleep)
    replies = RetryingRateLimiter(shared=shared)
    calls: list[str] = []

    async def send(*args: object, **kwargs: object) -> bool:
        calls.append("sent")
        return True

    await replies.process_request(send, (), {}, "sendMessage", {"chat_id": 42}, None)
    await replies.process_request(send, (), {}, "sendChatAction", {"chat_id": 42}, None)
    assert calls == ["sent", "sent"]
    # The reply counted (a chat action does not): the outbox waits its turn for chat 42.
    assert len(shared._sent) == 1 and shared._sent[0].settled
    assert shared.chat_wait("42") > 0


async def test_a_reply_waits_for_its_own_chats_gap_and_no_other_chat_waits_with_it() -> None:
    clock = ManualClock()
    limiter = RateLimiter(
        ChannelLimits(per_second=30, chat_gap=1.0), clock=clock, sleep=clock.sleep
    )
    first = await limiter.acquire("flooder", urgent=True)
    clock.now += 0.2  # the platform answers 200 ms later: the gap counts from then
    limiter.settle(first)
    answered = clock.now
    other = await limiter.acquire("somebody", urgent=True)
    assert other.at - answered < 0.1  # not held up by the flooder's chat
    limiter.settle(other)
    again = await limiter.acquire("flooder", urgent=True)
    assert again.at >= answered + 1.0


async def test_a_two_message_answer_goes_at_once_and_a_longer_one_is_spaced_after_the_burst() -> (
    None
):
    clock = ManualClock()
    limiter = RateLimiter(
        ChannelLimits(per_second=30, chat_gap=1.0, chat_burst=3), clock=clock, sleep=clock.sleep
    )
    started = clock.now
    answered: list[float] = []
    for _ in range(6):
        ticket = await limiter.acquire("chat", urgent=True)
        clock.now += 0.05  # the platform answers 50 ms later
        limiter.settle(ticket)
        answered.append(ticket.at)
    # Thanks and the menu (and a third) leave at once, as the person would see them together.
    assert answered[2] - started < 0.2
    # Then one a second (the chat's bucket of 3 refills one a second from the first answer).
    assert answered[3] >= answered[0] + 1.0
    for index in range(4, 6):
        assert answered[index] - answered[index - 1] >= 1.0


async def test_the_burst_counts_from_the_platforms_answers_not_the_starts() -> None:
    """A bucket the platform refills from when it received the sends (no earlier than their
    starts, no later than their answers) is never overdrawn."""
    clock = ManualClock()
    limits = ChannelLimits(per_second=30, chat_gap=1.0, chat_burst=3)
    limiter = RateLimiter(limits, clock=clock, sleep=clock.sleep)
    platform_full_at = 0.0
    for _ in range(12):
        ticket = await limiter.acquire("chat", urgent=True)
        clock.now += 0.3  # a slow network: the platform receives the send 300 ms later
        received = clock.now
        assert platform_full_at - received <= 2.0 + 1e-9  # the platform's bucket has room
        platform_full_at = max(platform_full_at, received) + 1.0
        limiter.settle(ticket)


async def test_the_outbox_also_takes_a_chats_burst_before_deferring_it() -> None:
    clock = ManualClock()
    limiter = RateLimiter(
        ChannelLimits(per_second=30, chat_gap=1.0, chat_burst=2), clock=clock, sleep=clock.sleep
    )
    limiter.settle(await limiter.acquire("chat", urgent=True))
    assert await limiter.claim_chat("chat") == 0.0
    limiter.settle(await limiter.acquire("chat"))
    assert await limiter.claim_chat("chat") > 0.5
