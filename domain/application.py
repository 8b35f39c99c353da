"""The service layer: one method per use case, each taking the actor and returning what it recorded."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.persistence import JSONTranscoder, Mapper, Transcoder

from domain.administering import AdministrationService
from domain.api_client import ApiClient
from domain.api_clients import ApiClientService
from domain.collecting import EvidenceService
from domain.continuing import ContinuationService
from domain.decoding import QuickJSONTranscoder, QuickMapper, UUIDAsRememberedHex
from domain.identity import Identity
from domain.organisation import Organisation
from domain.paying import PaymentService
from domain.programme import Programme
from domain.quarter_review import QuarterReview
from domain.record import LogRecord
from domain.reminder import Reminder
from domain.reviewing import ReviewService
from domain.scheme import Scheme
from domain.setting_up import SetUpService
from domain.signing_in import IdentityService
from domain.statement import Statement
from domain.submission import Submission
from domain.transcoding import register_value_types
from domain.upload import Upload
from domain.uploads import UploadService
from domain.user_account import UserAccount
from domain.webhook import WebhookEndpoint, WebhookRoster
from domain.webhooks import WebhookService


class Corral(
    SetUpService,
    ContinuationService,
    EvidenceService,
    ReviewService,
    PaymentService,
    AdministrationService,
    IdentityService,
    ApiClientService,
    UploadService,
    WebhookService,
):
    """Every use case of DOMAIN.md's lifecycle, by family: set-up, the next year, evidence, review, payments,
    accounts (and their administration), single sign-on, API clients, uploads and webhooks."""

    name = "Corral"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Organisation: 50,
        Programme: 50,
        Scheme: 50,
        Submission: 50,
        QuarterReview: 50,
        UserAccount: 50,
        Upload: 50,
        Reminder: 50,
        Statement: 50,
        Identity: 50,
        WebhookEndpoint: 50,
        WebhookRoster: 50,
        ApiClient: 50,
    }

    def construct_mapper(self) -> Mapper[Any]:
        if self.factory.env.get(self.factory.MAPPER_TOPIC):
            return super().construct_mapper()
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=QuickMapper)

    def construct_transcoder(self) -> Transcoder:
        if self.factory.env.get(self.factory.TRANSCODER_TOPIC):
            return super().construct_transcoder()
        transcoder = QuickJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(UUIDAsRememberedHex())
        register_value_types(transcoder)

    @property
    def record(self) -> LogRecord:
        """The log's own record: positions, chain hashes and checkpoints (domain/record.py)."""
        recorder = self.recorder
        if not isinstance(recorder, LogRecord):
            raise TypeError(f"{type(recorder).__name__} cannot say where an event sits in the log")
        return recorder
