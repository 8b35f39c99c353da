"""Addresses in the demo data the browser tests visit, from the same natural keys the demo is built with."""

from __future__ import annotations

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
TRUST = ids.organisation_id(trust_year.TRUST)
LOCAL = ids.organisation_id(trust_year.LOCAL)
TRUST_2017 = trust_year.programme_id(trust_year.LOCAL, 2017)
TRUST_2018 = trust_year.programme_id(trust_year.LOCAL, 2018)
