"""The pack's ZIP: what it holds when a checkpoint covers the pack, and which stored files it leaves out."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from uuid import uuid4

from domain.evidence import Attachment, Evidence
from domain.evidence_pack import PackEntry
from domain.milestones import Milestone, Quarter
from domain.pack_history import PresentedRevision, Source
from domain.record import Checkpoint
from web.packs.archive import ALTERED, NOT_KEPT, pack_zip
from web.packs.attribution import Attribution
from web.packs.contents import EntryShown, PackContents, PackFile, Part

PRESENTED_AT = datetime(2014, 7, 21, 9, 30, tzinfo=UTC)
AUDIT, PLAN, LOST = b"ward,plans\nA,40\n", b"the safety plan", b"never stored"


def attachment(content: bytes, name: str) -> Attachment:
    return Attachment(hashlib.sha256(content).hexdigest(), name, len(content), "text/plain")


def pack_with(files: list[Attachment], checkpoint: Checkpoint | None) -> PackContents:
    provider, submission = uuid4(), uuid4()
    source = Attribution("Devon Partnership NHS Trust", "Priya Shah", "dpt.quality", PRESENTED_AT, 41, None, 1)
    entry = PackEntry(submission, provider, "M1", 1)
    revision = PresentedRevision(
        entry,
        Evidence("Audited.", attachments=tuple(files)),
        False,
        Source(submission, 1, provider, "dpt.quality", PRESENTED_AT),
        None,
        "",
    )
    shown = EntryShown(
        "entry-dpt-m1",
        Milestone("M1", "Plans audited", Quarter.Q1, PRESENTED_AT.date()),
        revision,
        source,
        None,
        None,
        tuple(PackFile(f"attachments/DPT/M1/{a.name}", a, submission, source) for a in files),
        (),
    )
    part = Part("provider-dpt", provider, "Devon Partnership NHS Trust", (shown,), (), ())
    return PackContents(
        uuid4(),
        "Reduce self-harm",
        "South Devon and Torbay 2014/15",
        "CCG",
        "DPT",
        Quarter.Q1,
        1,
        None,
        source,
        source,
        (part,),
        (),
        checkpoint,
    )


def test_the_zip_holds_the_checkpoint_and_leaves_out_a_file_not_kept_or_not_matching_its_recorded_hash() -> None:
    checkpoint = Checkpoint(57, "ab" * 32, PRESENTED_AT, "key-1", '{"position": 57}')
    files = [attachment(AUDIT, "audit.csv"), attachment(PLAN, "plan.txt"), attachment(LOST, "lost.txt")]
    stored = {files[0].sha256: AUDIT, files[1].sha256: b"the safety plan, altered"}

    archive = pack_zip(pack_with(files, checkpoint), b"%PDF-", lambda sha256, _: stored.get(sha256))

    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        names = zipped.namelist()
        manifest = json.loads(zipped.read("manifest.json"))
        kept = {name: zipped.read(name) for name in names}
        times = {info.date_time for info in zipped.infolist()}
    assert names == [
        "Reduce-self-harm-Q1-pack-1.pdf",
        "attachments/DPT/M1/audit.csv",
        "checkpoint.json",
        "manifest.json",
    ]
    assert kept["checkpoint.json"] == b'{"position": 57}' and times == {(2014, 7, 21, 9, 30, 0)}
    assert [(f["path"], f["sha256"]) for f in manifest["files"]] == [
        (name, hashlib.sha256(kept[name]).hexdigest()) for name in names[:-1]
    ]
    assert [(f["name"], f["problem"]) for f in manifest["attachments_left_out"]] == [
        ("plan.txt", ALTERED),
        ("lost.txt", NOT_KEPT),
    ]
    assert manifest["evidence"][0]["source"]["log_position"] == 41 and manifest["pack"]["checkpoint"] == {
        "position": 57
    }


def test_the_same_pack_zips_to_the_same_bytes() -> None:
    pack = pack_with([attachment(AUDIT, "audit.csv")], None)

    def read(sha256: str, name: str) -> bytes:
        return AUDIT

    assert pack_zip(pack, b"%PDF-", read) == pack_zip(pack, b"%PDF-", read)
