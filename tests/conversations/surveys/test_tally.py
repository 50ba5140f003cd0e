"""Counting a survey's responses: per option overall and by place, a number's figures, the
texts; an anonymous survey's texts keep no author even when a response carries one."""

from __future__ import annotations

from conversations.surveys import CHOICE, NUMBER, TEXT, Question, Response, Tally

QUESTIONS = (
    Question(CHOICE, "An ninh thế nào?", "How safe?", (("Tốt", "Good"), ("Chưa tốt", "Poor"))),
    Question(NUMBER, "Bao nhiêu lần?"),
    Question(TEXT, "Đề xuất?"),
)


def tally(anonymous: bool, *pages: list[Response]) -> Tally:
    counted = Tally(
        1,
        "Khảo sát",
        QUESTIONS,
        anonymous=anonymous,
        status="open",
        place_path="/40/17662/",
        unknown_place="",
    )
    for page in pages:
        counted.add(page)
    return counted


def test_options_are_counted_overall_and_by_place_across_pages() -> None:
    results = tally(
        True,
        [Response([0, 2, "Đèn"], "Thôn Đông", None), Response([1, 4, "Camera"], "Thôn Tây", None)],
        [Response([0, None, "Tuần tra"], "Thôn Đông", None), Response([0, 6, "Họp"], None, None)],
    ).results
    choice, number, text = results.questions
    assert results.respondents == 4
    assert choice.counts == [3, 1] and choice.percent(3) == 75.0
    assert choice.by_place == {"Thôn Đông": [2, 0], "Thôn Tây": [0, 1], "": [1, 0]}
    assert number.answered == 3 and number.numbers == [2.0, 4.0, 6.0]
    assert [words for _, words in text.texts] == ["Đèn", "Camera", "Tuần tra", "Họp"]


def test_an_anonymous_surveys_texts_keep_no_author() -> None:
    response = Response([0, 1, "Đèn hỏng"], "Thôn Đông", "Nguyễn Văn A")
    assert tally(True, [response]).results.questions[2].texts == [(None, "Đèn hỏng")]
    assert tally(False, [response]).results.questions[2].texts == [("Nguyễn Văn A", "Đèn hỏng")]


def test_a_question_reads_in_the_members_language() -> None:
    assert QUESTIONS[0].text("en") == "How safe?" and QUESTIONS[0].option_labels("en") == [
        "Good",
        "Poor",
    ]
    assert QUESTIONS[1].text("en") == "Bao nhiêu lần?"  # no English given: Vietnamese
