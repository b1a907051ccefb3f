"""Right-to-left lines get the mark that makes players lay them out right to left, and nothing else does."""

from pipeline.core.bidi import RLM, first_strong, for_direction, right_to_left_lines


def test_a_line_starting_with_a_latin_name_or_a_digit_gets_the_mark():
    text = "PACT شراكة بين أوسلو\n2024.\n2024 هو العام."  # the third line's first strong character is Arabic
    assert right_to_left_lines(text) == f"{RLM}PACT شراكة بين أوسلو\n{RLM}2024.\n2024 هو العام."


def test_a_line_that_already_reads_right_to_left_is_left_alone():
    text = "مرحبا بكم.\nשלום"
    assert right_to_left_lines(text) == text
    assert first_strong("«مرحبا»") == "rtl"


def test_left_to_right_languages_are_never_marked():
    assert for_direction("2024: PACT", "ltr") == "2024: PACT"
    assert first_strong("123 ...") is None
    assert for_direction("123 ...\nمرحبا", "rtl") == RLM + "123 ...\nمرحبا"


def test_a_latin_text_standing_in_for_a_translation_stays_left_to_right():
    assert for_direction("Early leavers, 2019.", "rtl") == "Early leavers, 2019."
    assert for_direction("2019.\nمرحبا", "rtl") == f"{RLM}2019.\nمرحبا"


def test_what_an_isolate_holds_does_not_set_the_direction():
    assert first_strong("\u2066PACT\u2069 شراكة") == "rtl"  # rule P2 skips the isolated Latin name
    assert first_strong("\u2067شراكة\u2069 PACT") == "ltr"
