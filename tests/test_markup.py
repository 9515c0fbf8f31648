"""The one escaping rule (`handlers.markup`) and the one fitter (`handlers.fit`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers import markup, texts
from handlers.fit import cut, fit_reply, utf8_size, utf16_size
from handlers.messages import Reply


def test_a_date_or_a_reading_at_the_start_of_a_line_does_not_become_a_numbered_list():
    assert markup.markdown("8. april 2026") == "8\\. april 2026"
    assert markup.markdown("Sagen:\n1. behandling\n2) behandling") == "Sagen:\n1\\. behandling\n2\\) behandling"
    assert markup.markdown("Mødet 8. april 2026") == "Mødet 8. april 2026"


def test_bullets_headings_and_indented_code_do_not_form():
    assert markup.markdown("- punkt\n# overskrift\n===\n    kode") == "\\- punkt\n\\# overskrift\n\\===\nkode"


def test_mentions_links_images_and_html_are_shown_as_written():
    assert markup.markdown("<@all> [Log ind](https://x) ![b](y) <script>") == (
        "\\<\\@all\\> \\[Log ind\\]\\(https://x\\) \\!\\[b\\]\\(y\\) \\<script\\>")
    assert markup.markdown("&#60;@all&#62;") == "&amp;\\#60;\\@all&amp;\\#62;"


def test_bidi_overrides_and_control_characters_are_dropped_and_line_breaks_kept():
    assert markup.clean("faktura\u202egpj.exe\u2066x\u2069\x07\r\nny\u2028linje") == "fakturagpj.exex\nny\nlinje"


def test_a_name_repeated_in_plain_text_stays_on_one_bounded_line():
    assert markup.plain("Eva\n- forfalsket linje") == "Eva - forfalsket linje"
    assert len(markup.plain("x" * 500)) == markup.PLAIN_LIMIT


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=200))
def test_escaped_text_never_starts_a_line_with_a_list_marker(text):
    for line in markup.markdown(text).split("\n"):
        assert not line[:1] in ("-", "+", "*", "#", ">", "=", " ", "\t")
        digits = len(line) - len(line.lstrip("0123456789"))
        assert not (0 < digits and line[digits:digits + 1] in (".", ")"))


def test_cut_keeps_the_limit_in_the_measure_given_and_ends_with_the_note():
    text = "æøå " * 5000
    for size, limit in ((len, 100), (utf8_size, 7439), (utf16_size, 1000)):
        shortened = cut(text, limit, "… (se referatet)", size)
        assert size(shortened) <= limit and shortened.endswith("… (se referatet)")
    assert cut("kort", 10) == "kort"


def test_cut_never_leaves_an_escape_without_its_character():
    assert not cut("a" * 9 + "\\[" + "b" * 20, 11).endswith("\\…")


def test_a_reply_that_can_shrink_is_rendered_smaller_until_it_fits():
    budgets = []

    def render(budget: int) -> Reply:
        budgets.append(budget)
        return Reply("x" * budget)

    reply = Reply("x" * 10_000, refit=render)
    fitted = fit_reply(reply, lambda part: len(part.markdown) <= 900)
    assert fitted.text == "x" * 800 and budgets == [3000, 1500, 800]


def test_a_reply_that_cannot_shrink_is_cut_at_a_line_and_then_loses_its_card():
    reply = Reply("linje\n" * 2000, card={"kind": "answer"})
    fitted = fit_reply(reply, lambda part: part.card is None and len(part.markdown) <= 1000)
    assert fitted.card is None and len(fitted.markdown) <= 1000
    assert fitted.markdown.endswith(texts.CUT_NOTE)
