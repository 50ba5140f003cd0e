"""Whatever arrives at whatever step, the engine answers and never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.replies import Location, MediaItem
from tests.conversations.harness import CONTACT_PATH, User, new_chat, start_tip, user_at_menu, walk

COMMANDS = [
    "/cancel",
    "/back",
    "/help",
    "/menu",
    "/start",
    "/status",
    "/status ABCD1234",
    "/language",
    "huỷ",
    "quay lại",
    "trợ giúp",
    "menu",
    "/",
    "//",
    "/ ",
    "/start x",
]

messages = st.one_of(
    st.builds(lambda text: {"text": text}, st.text(max_size=300)),
    st.builds(lambda text: {"text": text}, st.sampled_from(COMMANDS)),
    st.builds(lambda text: {"text": text}, st.from_regex(r"[0-9]{1,4}", fullmatch=True)),
    st.builds(
        lambda option, ref: {"option": option, "option_ref": ref},
        st.text(max_size=20),
        st.sampled_from(["menu", "category", "place", "time", "identity", "summary", "edit", "x"]),
    ),
    st.builds(
        lambda lat, lon: {"location": Location(lat, lon)},
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(allow_nan=True, allow_infinity=True),
    ),
    st.builds(
        lambda kind, size: {"media": MediaItem(kind=kind, file_id="f", size_bytes=size)},
        st.sampled_from(["photo", "video", "voice", "document"]),
        st.one_of(st.none(), st.integers(min_value=-1, max_value=10**12)),
    ),
    st.just({"unsupported": "sticker"}),
    st.just({}),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    step=st.integers(min_value=0, max_value=len(CONTACT_PATH)),
    inputs=st.lists(messages, max_size=8),
)
async def test_random_input_at_every_step_always_gets_a_reply(
    step: int, inputs: list[dict[str, object]]
) -> None:
    user = await user_at_menu(new_chat())
    await start_tip(user)
    await walk(user, CONTACT_PATH, upto=step)
    for message in inputs:
        replies = await user.send(**message)
        assert replies, message
        assert all(reply.text for reply in replies)


@settings(max_examples=40, deadline=None)
@given(inputs=st.lists(messages, min_size=1, max_size=10))
async def test_random_input_before_and_at_the_menu_always_gets_a_reply(
    inputs: list[dict[str, object]],
) -> None:
    user = User(new_chat())
    for message in inputs:
        assert await user.send(**message)
