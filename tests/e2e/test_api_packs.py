"""The demo's evidence packs over HTTP: PDF and ZIP, for whom, with what in them, and where every fact came from."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pypdf
import pytest
from fastapi.testclient import TestClient

from api.cli.demo import south_devon
from api.cli.demo.users import AUDITOR, NAMES
from api.storage.checkpoints import check, signing_key
from api.storage.proof import take_checkpoint
from domain import ids
from domain.record import Checkpoint
from tests.conftest import DATABASES
from tests.e2e.serving import demo_signed_in as signed_in, serving_demo
from web.packs import pdf as pack_pdfs

PROGRAMME = ids.programme_id(ids.organisation_id(south_devon.CCG), south_devon.HEALTH_ECONOMY, south_devon.YEAR)
NUTRITION, SELF_HARM = ids.scheme_id(PROGRAMME, "NUTRITION"), ids.scheme_id(PROGRAMME, "SELF-HARM")
NAME = {code: name for code, name, *_ in south_devon.ORGANISATIONS}
COMMISSIONER, LEAD = "sdt-ccg.quality", "sdhft.quality"  # the acute trust leads nutrition


@pytest.fixture(scope="module", params=DATABASES)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A server over the demo, shared by this module's read-only tests."""
    with serving_demo(request, tmp_path_factory.mktemp("packs"), "p") as served:
        yield served


def downloaded(client: TestClient, username: str, quarter: str, scheme: object = NUTRITION) -> tuple[bytes, bytes]:
    """Pack 1 of the quarter as PDF and ZIP, found through the list of packs."""
    headers = signed_in(client, username)
    listed = client.get(f"/api/v1/schemes/{scheme}/quarters/{quarter}/packs", headers=headers)
    assert listed.status_code == 200, listed.text
    [pack] = listed.json()
    pdf, archive = (client.get(pack[form], headers=headers) for form in ("pdf", "zip"))
    assert (pdf.status_code, archive.status_code) == (200, 200)
    assert pdf.headers["content-type"] == "application/pdf" and archive.headers["content-type"] == "application/zip"
    return pdf.content, archive.content


def text_of(pdf: bytes) -> str:
    """The PDF's text, its lines joined by single spaces."""
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


def opened(archive: bytes) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every file in the ZIP, and its manifest."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        files = {name: zipped.read(name) for name in zipped.namelist()}
    return files, json.loads(files.pop("manifest.json"))


@pytest.mark.parametrize("username", [COMMISSIONER, LEAD, AUDITOR])
def test_the_demos_q1_and_q2_packs_download_whole_for_the_commissioner_the_lead_and_the_auditor(
    client: TestClient, username: str
) -> None:
    for quarter, decided in (("Q1", "Action plan agreed."), ("Q2", "97% screened within 24 hours.")):
        pdf, archive = downloaded(client, username, quarter)
        files, manifest = opened(archive)
        text = text_of(pdf)

        assert [f["path"] for f in manifest["files"]] == list(files) and files[manifest["files"][0]["path"]] == pdf
        assert all(hashlib.sha256(files[f["path"]]).hexdigest() == f["sha256"] for f in manifest["files"])
        assert len(manifest["evidence"]) == 6 and f"{quarter} evidence pack 1" in text
        assert not manifest["attachments_left_out"]
        reports = {path for path in files if path.endswith(f"-{quarter.lower()}-report.txt")}
        assert len(reports) == 6 and all(path.startswith("attachments/") for path in reports)
        for code in south_devon.EVERYONE:
            assert f"{quarter} report from {code}: actions taken and what changed." in text
            assert (
                f"Organisation {NAME[code]} Person {NAMES[code.lower() + '.quality']} ({code.lower()}.quality)" in text
            )
        assert f"Assessed: Met Rationale: {decided}" in text
        for evidence in manifest["evidence"]:
            source = evidence["source"]
            assert f"Revision {source['revision']} Log position {source['log_position']} Chain hash" in text
            assert source["time"][:19].replace("T", " ") + " UTC" in text
    assert "92 out of 100 (92.00%)" in text and "gives a share of 80.0%, which is Partially Met" in text


def test_a_pack_downloads_as_the_same_bytes_every_time(client: TestClient) -> None:
    first, again = downloaded(client, LEAD, "Q2"), downloaded(client, COMMISSIONER, "Q2")

    assert first == again


def test_a_packs_pdf_is_rendered_once_for_its_zip_and_every_reader_of_the_same_pack(client: TestClient) -> None:
    pack_pdfs._rendered.cache_clear()

    lead, commissioner = downloaded(client, LEAD, "Q1"), downloaded(client, COMMISSIONER, "Q1")
    own_part = downloaded(client, "dpt.quality", "Q1")

    assert lead == commissioner and own_part[0] != lead[0]
    assert pack_pdfs._rendered.cache_info()[:2] == (4, 2)  # (hits, misses): the whole pack, and the one part


def test_a_provider_that_does_not_lead_gets_only_its_own_part(client: TestClient) -> None:
    pdf, archive = downloaded(client, "dpt.quality", "Q2")
    _, manifest = opened(archive)
    text = text_of(pdf)

    assert "This is Devon Partnership NHS Trust's part of the pack only" in text
    assert "Q2 report from DPT" in text and "97% screened within 24 hours." in text
    assert not [code for code in south_devon.EVERYONE if code != "DPT" and f"Q2 report from {code}" in text]
    assert [e["provider"] for e in manifest["evidence"]] == [NAME["DPT"]]
    assert manifest["pack"]["part_of"] == NAME["DPT"]


def test_a_non_participant_and_a_pack_never_presented_read_as_nothing_there(client: TestClient) -> None:
    hospital, commissioner = signed_in(client, "msh.quality"), signed_in(client, COMMISSIONER)
    self_harm = f"/api/v1/schemes/{SELF_HARM}/quarters/Q1/packs"

    outsider = [client.get(path, headers=hospital) for path in (self_harm, f"{self_harm}/1.pdf", f"{self_harm}/1.zip")]
    never = [client.get(f"{self_harm}/9.{form}", headers=commissioner) for form in ("pdf", "zip")]

    assert [answer.status_code for answer in outsider + never] == [404] * 5
    assert outsider[1].json()["detail"] == never[0].json()["detail"] == never[1].json()["detail"]


def test_every_fact_cites_its_chain_hash_and_the_first_checkpoint_taken_after_the_pack_travels_with_it(
    client: TestClient, tmp_path: Path
) -> None:
    corral = client.app.state.corral  # type: ignore[attr-defined]
    _, archive = downloaded(client, LEAD, "Q1")
    files, manifest = opened(archive)
    for evidence in manifest["evidence"]:
        source = evidence["source"]
        link = corral.record.link(UUID(evidence["submission_id"]), 1)
        assert re.fullmatch(r"[0-9a-f]{64}", source["chain_hash"]) and source["log_position"] == link.position
        assert source["chain_hash"] == link.hash

    key = signing_key(tmp_path / "signing.pem")
    first = take_checkpoint(corral.recorder, key, datetime.now(UTC))
    take_checkpoint(corral.recorder, key, datetime.now(UTC))  # a later one covers it too, but the first is cited
    files, manifest = opened(downloaded(client, LEAD, "Q1")[1])

    assert isinstance(first, Checkpoint) and files["checkpoint.json"] == first.document.encode()
    assert manifest["pack"]["checkpoint"] == {"position": first.position}
    assert check(first.document, key.public_key()) == first


def test_a_restatement_after_the_close_leaves_the_pack_as_the_quarter_closed_it(client: TestClient) -> None:
    incidents = ids.scheme_id(PROGRAMME, "INCIDENTS")
    restated = client.get(
        f"/api/v1/schemes/{incidents}/quarters/Q1/assessments", headers=signed_in(client, COMMISSIONER)
    ).json()
    pdf, archive = downloaded(client, COMMISSIONER, "Q1", incidents)
    _, manifest = opened(archive)
    text = text_of(pdf)

    assert "found misfiled" in json.dumps(restated)  # the demo restated the third sector's Q1
    assert "found misfiled" not in text and "Assessed: Partially Met" in text
    [third_sector] = [e for e in manifest["evidence"] if e["provider"] == NAME["CCT"]]
    assert [d["status"] for d in third_sector["decisions"]] == ["Partially Met"]
