"""The unit of work: one transaction, its repositories, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from aftersales.store.access import IdempotencyRepository, TokenRepository
from aftersales.store.agents import AgentRepository
from aftersales.store.alerts import AlertRepository
from aftersales.store.assignments import AssignmentRepository
from aftersales.store.case_feed import CaseFeedRepository
from aftersales.store.cases import CaseRepository
from aftersales.store.catalog import CatalogRepository
from aftersales.store.complaints import ComplaintRepository
from aftersales.store.content import ContentRepository
from aftersales.store.db import reading_options, writer_lock
from aftersales.store.evidence import EvidenceRepository
from aftersales.store.exposure import ExposureRepository
from aftersales.store.knowledge import KnowledgeRepository
from aftersales.store.ledger import LedgerRepository
from aftersales.store.order_batches import OrderBatchRepository
from aftersales.store.order_lists import OrderListRepository
from aftersales.store.overview import OverviewRepository
from aftersales.store.policy import PolicyActivationRepository
from aftersales.store.programme import ProgrammeRepository
from aftersales.store.recall_units import RecallUnitRepository
from aftersales.store.recalls import RecallRepository
from aftersales.store.scoring import ScoringRepository
from aftersales.store.simulation_runs import SimulationRunRepository
from aftersales.store.users import UserRepository

__all__ = ["UnitOfWork"]


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — anything not committed is rolled back on exit."""

    cases: CaseRepository
    catalog: CatalogRepository
    evidence: EvidenceRepository
    tokens: TokenRepository
    idempotency: IdempotencyRepository
    ledger: LedgerRepository
    policy: PolicyActivationRepository
    recalls: RecallRepository
    recall_units: RecallUnitRepository
    users: UserRepository
    order_lists: OrderListRepository
    overview: OverviewRepository
    alerts: AlertRepository
    case_feed: CaseFeedRepository
    agents: AgentRepository
    assignments: AssignmentRepository
    complaints: ComplaintRepository
    programme: ProgrammeRepository
    content: ContentRepository
    exposure: ExposureRepository
    order_batches: OrderBatchRepository
    simulation_runs: SimulationRunRepository
    scoring: ScoringRepository
    knowledge: KnowledgeRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._conn: Connection | None = None
        self._lock = None if read_only else writer_lock(engine)

    def __enter__(self) -> UnitOfWork:
        if self._lock is not None:
            self._lock.acquire()  # before taking a pooled connection, so waiters hold none
        try:
            conn = self._engine.connect()
            if self._read_only:
                conn = conn.execution_options(**reading_options(self._engine))
            conn.begin()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self._conn = conn
        self.cases = CaseRepository(conn)
        self.catalog = CatalogRepository(conn)
        self.evidence = EvidenceRepository(conn)
        self.tokens = TokenRepository(conn)
        self.idempotency = IdempotencyRepository(conn)
        self.ledger = LedgerRepository(conn)
        self.policy = PolicyActivationRepository(conn)
        self.recalls = RecallRepository(conn)
        self.recall_units = RecallUnitRepository(conn)
        self.users = UserRepository(conn)
        self.order_lists = OrderListRepository(conn)
        self.overview = OverviewRepository(conn)
        self.alerts = AlertRepository(conn)
        self.case_feed = CaseFeedRepository(conn)
        self.agents = AgentRepository(conn)
        self.assignments = AssignmentRepository(conn)
        self.complaints = ComplaintRepository(conn)
        self.programme = ProgrammeRepository(conn)
        self.content = ContentRepository(conn)
        self.exposure = ExposureRepository(conn)
        self.order_batches = OrderBatchRepository(conn)
        self.simulation_runs = SimulationRunRepository(conn)
        self.scoring = ScoringRepository(conn)
        self.knowledge = KnowledgeRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            if self._conn.in_transaction():
                self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None
            if self._lock is not None:
                self._lock.release()

    def commit(self) -> None:
        assert self._conn is not None
        self._conn.commit()
