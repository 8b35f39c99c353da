"""A pack's missing provider-milestones are recorded by id; people read them by organisation name."""

from __future__ import annotations

from domain.evidence_pack import EvidencePack
from tests.builders import ACUTE_ID, COMMUNITY_ID


def test_the_missing_provider_milestones_of_a_pack_read_by_organisation_name_and_milestone() -> None:
    pack = EvidencePack(1, (), (f"{ACUTE_ID}/SE2", f"{COMMUNITY_ID}/SE1", "recorded before ids/SE3"))

    named = pack.missing_named({str(ACUTE_ID): "Torbay Acute Trust", str(COMMUNITY_ID): "Devon Community Care Trust"})

    assert pack.missing_milestones[:2] == ((ACUTE_ID, "SE2"), (COMMUNITY_ID, "SE1"))
    assert named == [
        "Torbay Acute Trust: SE2",
        "Devon Community Care Trust: SE1",
        "a provider: recorded before ids/SE3",
    ]
