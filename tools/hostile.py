"""Minutes written to break rendering: markup in a title and a decision (`<@all>`, a link,
an image, HTML, an entity, a right-to-left override), a date and list openers at the start
of lines, and a decision and an earlier decision of a hundred pages.

Shared by `tests/test_render_safety.py` and `tools/reply_sizes.py`, so the figure in
docs/RELIABILITY.md is measured on the same minutes the tests send.
"""

from __future__ import annotations

HOSTILE = (
    "<@all> se her <@personEmail:borgmester@kommune.dk|Borgmesteren> "
    "[Log ind](https://evil.example/phish) ![x](https://evil.example/x.png) "
    "<script>alert(1)</script> <at>Alle</at> &#60;@all&#62; faktura\u202egpj.exe"
)
HOSTILE_MINUTES = f"""REFERAT Direktionen d. 15-10-2026

Mødedato Torsdag d. 15. oktober 2026 kl. 09:00

Punkt 1: Zyxqvorp vejledning <@all> [Log ind](https://evil.example/phish)

85.99.00A00-1-26

Beslutning fra Økonomiudvalget, den 1. oktober 2026, punkt 4:

{"Økonomiudvalget anbefaler forslaget med bemærkninger om anlægsrammen. " * 3000}

Beslutning

{HOSTILE}
1. behandling i byrådet 28. oktober.
8. april 2026 blev sagen drøftet første gang.
- punkt
# overskrift

{"Direktionen godkender planen for de næste år med følgende forudsætninger. " * 1500}

Punkt 2: Budgettemadage

85.99.00A00-2-26

Beslutning

Følgende datoer er fastlagt:
29.04.26 Budgettemadag for direktionen
27.05.26 Thyborøn Havn
"""
