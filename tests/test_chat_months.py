"""A month or a day named without a year, over the real Greve meetings (January-June 2022),
asked on 21 June 2022: it is the latest such month or day, not a word to search for."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest



@pytest.fixture
def chat(greve_chat_on):
    # A fixed clock: 21 June 2022, 10:00 in Copenhagen.
    return greve_chat_on(datetime(2022, 6, 21, 8, 0, tzinfo=timezone.utc))


async def test_a_meeting_in_a_month_without_a_year_is_not_answered_with_a_may_item(chat):
    reply = await chat.say("byrådets møde i april")
    assert reply.startswith("Byrådets møde 4. april 2022")


async def test_what_happened_at_a_meeting_in_a_month_without_a_year_answers_from_that_month(chat):
    reply = await chat.say("hvad skete der på byrådsmødet i april")
    assert reply.startswith("Byrådet besluttede 4. april 2022")
    assert "maj 2022" not in reply


async def test_a_day_and_month_without_a_year_opens_that_days_meeting(chat):
    reply = await chat.say("referat fra byrådet 7. marts")
    assert reply.startswith("Byrådets møde 7. marts 2022")


async def test_a_month_alone_lists_that_months_meetings(chat):
    reply = await chat.say("i marts")
    assert reply.startswith("10 møder passer på dit spørgsmål. Hvilket vil du se?")
    assert "- Økonomiudvalget, 28. marts 2022 kl. 08:00 (27 punkter)" in reply
    assert "april" not in reply


async def test_a_later_month_without_a_year_is_last_years_and_offers_the_nearest_meetings(chat):
    reply = await chat.say("byrådets møde i juli")
    assert reply.startswith("Der var ingen møder 1. juli 2021 til 31. juli 2021.")
    assert "- Byrådet, 14. januar 2022" in reply
