"""One queue in front of the model server for every process of a deployment, kept in the shared database.

A bureau runs several workbench processes (and CLI runs) against one model server that can serve only so many
requests at once. :class:`DatabaseSlots` admits at most ``size`` requests across all of them; the others wait in
arrival order and are told their place (1 = next). It implements the slot contract of
``assistant.model_slots`` (installed with ``install_slots``), so every model request of every process goes
through it.

The queue is two tables: ``model_queue`` (one row per waiting or running request, with a heartbeat) and
``model_queue_pools`` (one row per pool, updated first in every admission transaction so that admissions are
serialised: PostgreSQL locks the row, SQLite the file). A process that dies leaves rows whose heartbeat stops;
they are removed after ``stale_after`` seconds, so a crash never holds a slot for good.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from assistant.errors import ModelUnavailable

WaitCallback = Callable[[int], None]

metadata = MetaData()
model_queue = Table(
    "model_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pool", String(100), nullable=False, index=True),
    Column("state", String(10), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("enqueued_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
)
model_queue_pools = Table(
    "model_queue_pools",
    metadata,
    Column("pool", String(100), primary_key=True),
    Column("touched_at", Float, nullable=False),
)

WAITING, RUNNING = "waiting", "running"


def _busy(exc: DBAPIError) -> bool:
    """A write lock held by another process (SQLite's "database is locked"/"busy", PostgreSQL's lock or
    serialization failures): contention that passes, not a database that cannot be reached."""
    text = str(getattr(exc, "orig", exc)).lower()
    return any(
        word in text for word in ("database is locked", "database is busy", "could not serialize", "deadlock")
    )


@contextmanager
def _queue_errors() -> Iterator[None]:
    """A database that cannot be reached is a model that cannot be reached: the caller falls back offline."""
    try:
        yield
    except DBAPIError as exc:
        raise ModelUnavailable(
            "模型请求队列所在的工作数据库无法连接", str(getattr(exc, "orig", exc)).strip()[:200]
        ) from None


CREATE_ATTEMPTS = 6
"""Checks-then-creates of the queue's tables before giving up: processes starting together race for each table."""


def create_tables(engine: Engine) -> None:
    """Create the queue's tables if they are missing (idempotent; run on start by every process)."""
    for attempt in range(CREATE_ATTEMPTS):
        try:
            metadata.create_all(engine, checkfirst=True)
            return
        except DBAPIError:
            # Another process created a table between our check and our CREATE (or holds the write lock while
            # it does): check again once it is done.
            if attempt == CREATE_ATTEMPTS - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


class DatabaseSlots:
    """At most ``size`` model requests at once across every process sharing ``engine``'s database."""

    def __init__(
        self,
        engine: Engine,
        size: int | Callable[[], int],
        timeout: float,
        pool: str = "default",
        poll: float = 0.2,
        stale_after: float = 30.0,
    ) -> None:
        """``size``: the limit, or a function giving it (read at every admission, so it can change live)."""
        if isinstance(size, int) and size < 1:
            raise ValueError("size must be at least 1")
        self.engine = engine
        self._size = size
        self.timeout = timeout
        self.pool = pool
        self.poll = poll
        self.stale_after = stale_after
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._ready = False
        self._ready_lock = threading.Lock()

    @property
    def size(self) -> int:
        return max(1, self._size() if callable(self._size) else self._size)

    def _ensure_ready(self) -> None:
        """Tables and this pool's row, made on first use (a CLI run that never calls the model never connects)."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                create_tables(self.engine)
                self._ensure_pool()
                self._ready = True

    def _ensure_pool(self) -> None:
        try:
            with self.engine.begin() as conn:
                exists = conn.execute(
                    select(model_queue_pools.c.pool).where(model_queue_pools.c.pool == self.pool)
                ).first()
                if exists is None:
                    conn.execute(insert(model_queue_pools).values(pool=self.pool, touched_at=time.time()))
        except IntegrityError:
            pass  # another process created it at the same moment

    @contextmanager
    def slot(self, on_wait: WaitCallback | None = None) -> Iterator[None]:
        """Wait for a slot (telling ``on_wait`` the place in line), hold it while the block runs.

        Raises :class:`~assistant.errors.ModelUnavailable` when no slot frees up in time or the database cannot
        be reached, so the caller falls back to its offline result with the reason."""
        deadline = time.monotonic() + self.timeout
        with _queue_errors():
            self._ensure_ready()
            ticket = self._while_busy(self._enqueue, deadline)
        shown = 0
        try:
            while True:
                with _queue_errors():
                    position = self._while_busy(lambda: self._try_admit(ticket), deadline, wait_here=False)
                if position == 0:
                    break
                if position is not None and on_wait is not None and position != shown:
                    shown = position
                    on_wait(position)
                if time.monotonic() >= deadline:
                    raise ModelUnavailable("排队等待大模型超时", f"超过 {self.timeout:.0f} 秒")
                time.sleep(self.poll)
            stop = threading.Event()
            beat = threading.Thread(target=self._heartbeat, args=(ticket, stop), daemon=True)
            beat.start()
            try:
                yield
            finally:
                stop.set()
                beat.join(5)
        finally:
            try:
                self._while_busy(lambda: self._leave(ticket), time.monotonic() + self.stale_after)
            except DBAPIError:  # the database went away: the row's heartbeat stops and it is removed as stale
                pass

    def _while_busy(self, step: Callable[[], int], deadline: float, wait_here: bool = True) -> int | None:
        """Run ``step``, retrying while another process holds the database's write lock until ``deadline``.

        Without ``wait_here`` a locked database gives ``None`` at once: the caller is still in line and polls
        again (its place unknown this round)."""
        while True:
            try:
                return step()
            except DBAPIError as exc:
                if not _busy(exc) or time.monotonic() >= deadline:
                    raise
                if not wait_here:
                    return None
                time.sleep(self.poll)

    def _leave(self, ticket: int) -> int:
        with self.engine.begin() as conn:
            conn.execute(delete(model_queue).where(model_queue.c.id == ticket))
        return 0

    def _enqueue(self) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(model_queue).values(
                    pool=self.pool, state=WAITING, owner=self.owner, enqueued_at=now, heartbeat_at=now
                )
            )
            return int(result.inserted_primary_key[0])

    def _try_admit(self, ticket: int) -> int:
        """0 when ``ticket`` may go now (it is marked running), else its place among those waiting."""
        size = self.size
        now = time.time()
        q = model_queue.c
        with self.engine.begin() as conn:
            # First statement of the transaction: serialises admissions of every process on this pool.
            conn.execute(
                update(model_queue_pools).where(model_queue_pools.c.pool == self.pool).values(touched_at=now)
            )
            conn.execute(
                delete(model_queue).where(q.pool == self.pool, q.heartbeat_at < now - self.stale_after)
            )
            conn.execute(update(model_queue).where(q.id == ticket).values(heartbeat_at=now))
            running = conn.execute(
                select(func.count()).where(q.pool == self.pool, q.state == RUNNING)
            ).scalar_one()
            ahead = conn.execute(
                select(func.count()).where(q.pool == self.pool, q.state == WAITING, q.id < ticket)
            ).scalar_one()
            if ahead < size - running:
                conn.execute(update(model_queue).where(q.id == ticket).values(state=RUNNING))
                return 0
            return ahead + 1

    def _heartbeat(self, ticket: int, stop: threading.Event) -> None:
        while not stop.wait(self.stale_after / 3):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        update(model_queue).where(model_queue.c.id == ticket).values(heartbeat_at=time.time())
                    )
            except Exception:  # noqa: BLE001 - a missed beat is retried; the request itself goes on
                continue

    def snapshot(self) -> tuple[int, int]:
        """(running, waiting) requests of this pool right now, for a status line."""
        self._ensure_ready()
        q = model_queue.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(q.state, func.count()).where(q.pool == self.pool).group_by(q.state)
            ).all()
        counts = dict(rows)
        return int(counts.get(RUNNING, 0)), int(counts.get(WAITING, 0))
