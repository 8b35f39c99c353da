"""Addresses in the demo data the browser tests visit, from the same natural keys the demo is built with."""

from __future__ import annotations

from playwright.sync_api import Page

from api.cli.demo import south_devon, trust_year
from domain import ids

CCG = ids.organisation_id(south_devon.CCG)
SOUTH_DEVON = ids.programme_id(CCG, south_devon.HEALTH_ECONOMY, south_devon.YEAR)
SELF_HARM = ids.scheme_id(SOUTH_DEVON, "SELF-HARM")
NUTRITION = ids.scheme_id(SOUTH_DEVON, "NUTRITION")
INCIDENTS = ids.scheme_id(SOUTH_DEVON, "INCIDENTS")
PATIENT_EXPERIENCE = ids.scheme_id(SOUTH_DEVON, "PATIENT-EXPERIENCE")
DPT = ids.organisation_id(south_devon.MENTAL_HEALTH)
SDHFT = ids.organisation_id(south_devon.ACUTE)
CCT = ids.organisation_id(south_devon.THIRD_SECTOR)
MSH = ids.organisation_id(south_devon.PRIVATE)
TRUST = ids.organisation_id(trust_year.TRUST)
LOCAL = ids.organisation_id(trust_year.LOCAL)
TRUST_2017 = trust_year.programme_id(trust_year.LOCAL, 2017)
TRUST_2018 = trust_year.programme_id(trust_year.LOCAL, 2018)
SPECIALISED = ids.organisation_id(trust_year.SPECIALISED)
SPECIALISED_2017 = trust_year.programme_id(trust_year.SPECIALISED, 2017)
SPECIALISED_2018 = trust_year.programme_id(trust_year.SPECIALISED, 2018)
TRUST_2019 = trust_year.programme_id(trust_year.LOCAL, 2019)
WELLBEING_2019 = ids.scheme_id(TRUST_2019, "03")  # the staff wellbeing scheme, carried under its 2017/18 code


def local_2019_drafted(commissioner: Page) -> None:
    """The trust's local 2018/19 continued into 2019/20 by its commissioner, once, whichever test asks first: its
    drafts include staff wellbeing, measured in points from a baseline no 2018/19 figures have given yet."""
    csrf = commissioner.request.get("/api/v1/auth/session").json()["csrf_token"]
    answer = commissioner.request.post(
        f"/api/v1/programmes/{TRUST_2018}/continuation", headers={"X-CSRF-Token": csrf}, data={}
    )
    assert answer.status in (201, 409), answer.text()
