"""Test helper: meetings shaped exactly like an agenda portal's `/api/agenda/dagsorden/<id>`.

The real meetings (tests/data/greve-portal-json-2022, 55 Greve meetings as the portal served
them) cover the reading; this builds small ones for the cases the real data does not hold
(two meetings of one body on one day, a supplementary agenda, a changed decision).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

GREVE = Path(__file__).parent / "data" / "greve-portal-json-2022"


def greve_files() -> list[Path]:
    return sorted(GREVE.glob("*.json"))


def item_html(decision: str | None = None, sections: dict[str, str] | None = None,
              forloeb: str = "") -> str:
    """An item's field as Greve's portal writes it: the decision first, then "Fremstilling"
    with one <h2> per section, then "Sagens forløb"."""
    parts = ["<div><div id='sagsfremstillingContainer'>"]
    if decision is not None:
        parts.append(f"<div><h3>Beslutning</h3>\n<span>{decision}</span>\n</div>")
    parts.append("<h3>Fremstilling</h3><span class='ukendt'><div>")
    for heading, body in (sections or {}).items():
        parts.append(f"<h2><span>{heading}</span></h2>\n{body}")
    parts.append("</div></span>")
    if forloeb:
        parts.append(f"<h3>Sagens forløb</h3><span class='sagsforloeb'>{forloeb}</span>")
    parts.append("</div></div>")
    return "\n".join(parts)


def point(number: int, caption: str, html: str = "", case: str = "22-000001") -> dict:
    return {
        "Punktnummer": str(number), "Number": str(number), "Sorting": number,
        "Navn": caption, "Caption": caption, "SagsNummer": case, "CaseNumber": case,
        "IsOpen": False, "Id": str(uuid.uuid4()),
        "Felter": [{"Navn": "", "Html": html, "Tekst": None}],
        "Bilag": [],
    }


def meeting(body: str, stamp: str, points: list[dict], *, meeting_id: str | None = None,
            place: str = "Byrådssalen", supplementary: bool = False) -> dict:
    """A whole meeting; `stamp` is the portal's local time with offset, "2022-05-23T17:15:00+02:00"."""
    return {
        "Id": meeting_id or str(uuid.uuid4()),
        "Udvalg": {"Id": str(uuid.uuid5(uuid.NAMESPACE_URL, body)), "Navn": body, "Historisk": False},
        "Moede": {
            "Id": "00000000-0000-0000-0000-000000000000", "MeetingBeginUtc": stamp, "MeetingEndUtc": None,
            "ReleasedDate": None, "Dato": stamp, "Sted": place, "Afsluttet": True,
            "Navn": "Dagsorden", "IsSupplementaryAgenda": supplementary,
        },
        "TillaegsDagsorden": supplementary,
        "Dagsordenpunkter": points,
    }


def write(folder: Path, data: dict, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{data['Udvalg']['Navn']}_{data['Moede']['Dato']}_{data['Id']}.json")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
