"""Syncing in two processes: this one reads the CRM (pages pulled, users matched, records
judged, statements built and checked) while a second stores the batch before (statements,
points, badges, adoption weeks, quality samples, the stream's cursor).

Reading is Python's work and storing is half the database server's, so in one process each
waits for the other; in two, both cores of a small server are busy (bench/crm_sync.py
measures it). On PostgreSQL only: SQLite lets one transaction write at a time, and the
records a batch judges are written by the reader.

What holds, as in one process: each batch is stored, and its stream's cursor moved, in one
transaction, in the order read; a batch that cannot be stored stops its stream (the reader
is told before its next batch) and is read again next time. What differs: the records and
accounts a batch changed are committed when it is handed over, before its statements are
stored. A crash between the two loses nothing: the cursor has not moved, so the batch is
read again, judged the same and stored once (statement ids come from the CRM's event ids).

The second process is forked: it starts with this process's app and makes its own
database connections."""

import multiprocessing
import queue

from flask import current_app

from lms.crm.models import CrmConnection
from lms.crm.sync import JobDone, StoreJob, store_job
from lms.database import db

# Batches read ahead of the one being stored, at most: enough to keep both processes busy,
# few enough that a stream that stops has not been read far past its cursor.
AHEAD = 1
WAIT_SECONDS = 1.0  # how often a waiting reader looks whether the store process is alive


def default_processes() -> int:
    """CRM_SYNC_PROCESSES if set; else two on PostgreSQL, one on SQLite (see above)."""
    chosen = current_app.config.get("CRM_SYNC_PROCESSES")
    return chosen or (2 if db.engine.dialect.name == "postgresql" else 1)


class StoreProcessFailed(RuntimeError):
    """The store process ended before it had stored every batch handed to it."""


class StoreProcess:
    """A second process storing the batches this one reads, in the order handed over."""

    def __init__(self, connection: CrmConnection):
        if db.engine.dialect.name != "postgresql":
            raise ValueError(
                "A sync in two processes needs PostgreSQL: SQLite lets one transaction write "
                "at a time, and each process's transactions write."
            )
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(maxsize=AHEAD)
        self.results = context.Queue()
        self.done: list[JobDone] = []
        self.handed = 0
        self.process = context.Process(
            target=_store_jobs,
            args=(current_app._get_current_object(), connection.id, self.jobs, self.results),
            name=f"store-{connection.id}",
            daemon=True,
        )
        self.process.start()

    def put(self, job: StoreJob) -> None:
        # What reading wrote (accounts, records, a new cursor) is committed before the
        # store process sees the batch: it would wait on those rows otherwise.
        db.session.commit()
        self._hand(job)
        self.handed += 1

    def _hand(self, item: StoreJob | None) -> None:
        """Queue the item, taking reports while the queue is full."""
        while True:
            self._collect()
            try:
                self.jobs.put(item, timeout=WAIT_SECONDS)
                return
            except queue.Full:
                self._check_alive()

    def stopped(self, stream: str) -> bool:
        self._collect()
        return any(done.stream == stream and done.stopped for done in self.done)

    def finish(self) -> list[JobDone]:
        """Wait until every batch handed over is stored; what each came to."""
        try:
            self._hand(None)  # no more: the process ends once it has stored the rest
            while len(self.done) < self.handed:
                self._collect(wait=True)
        finally:
            self.process.join(timeout=30)
            if self.process.is_alive():
                self.process.kill()
            self.jobs.cancel_join_thread()  # what an ended process never took is dropped
            self.jobs.close()
            self.results.close()
        return self.done

    def _collect(self, *, wait: bool = False) -> None:
        """Take what the store process has reported; with `wait`, wait for one report."""
        while True:
            try:
                self.done.append(self.results.get(block=wait, timeout=WAIT_SECONDS))
                wait = False
            except queue.Empty:
                if not wait:
                    return
                if not self.process.is_alive():
                    try:  # it may have reported just before it ended: one last look
                        self.done.append(self.results.get(timeout=WAIT_SECONDS))
                        wait = False
                    except queue.Empty:
                        self._check_alive()

    def _check_alive(self) -> None:
        if not self.process.is_alive():
            left = self.handed - len(self.done)
            raise StoreProcessFailed(
                f"the process storing the CRM sync ended (exit code {self.process.exitcode}) "
                f"with {left} batch{'' if left == 1 else 'es'} not stored (read again next "
                "time)"
            )


def _store_jobs(app, connection_id: int, jobs, results) -> None:
    """The store process: each job stored and reported, until None."""
    with app.app_context():
        # The connections in the pool are the reader's: this process makes its own.
        db.engine.dispose(close=False)
        try:
            while (job := jobs.get()) is not None:
                results.put(store_job(connection_id, job))
        finally:
            db.session.remove()
            db.engine.dispose()
