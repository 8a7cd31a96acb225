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

The second process is forked once, for the worker's life (`with StoreProcess() as store`,
each pass `sync_connection(..., store=store)`): it starts with this process's app, makes its
own database connections and reads the gamification rules once, not at every pass. It
stores for any connection, one pass at a time."""

import multiprocessing
import os
import queue
from contextlib import nullcontext

from flask import current_app

from lms.crm.sync import JobDone, StoreJob, store_job
from lms.database import db

# Batches read ahead of the one being stored, at most: enough to keep both processes busy,
# few enough that a stream that stops has not been read far past its cursor.
AHEAD = 1
WAIT_SECONDS = 1.0  # how often either process, waiting, looks whether the other is there


def default_processes() -> int:
    """CRM_SYNC_PROCESSES if set; else two on PostgreSQL, one on SQLite (see above)."""
    chosen = current_app.config.get("CRM_SYNC_PROCESSES")
    return chosen or (2 if db.engine.dialect.name == "postgresql" else 1)


def worker_store(processes: int):
    """The store a worker's passes share, as a context manager: a StoreProcess for two
    processes; None for one (each pass then stores as it reads)."""
    return StoreProcess() if processes == 2 else nullcontext()


class StoreProcessFailed(RuntimeError):
    """The store process ended before it had stored every batch handed to it."""


class StoreProcess:
    """A second process storing the batches this one reads, in the order handed over, until
    closed; a context manager."""

    def __init__(self):
        if db.engine.dialect.name != "postgresql":
            raise ValueError(
                "A sync in two processes needs PostgreSQL: SQLite lets one transaction write "
                "at a time, and each process's transactions write."
            )
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(maxsize=AHEAD)
        self.results = context.Queue()
        self.done: list[JobDone] = []  # reported in this pass
        self.handed = 0  # in this pass
        self.process = context.Process(
            target=_store_jobs,
            args=(current_app._get_current_object(), self.jobs, self.results),
            name="crm-store",
            daemon=True,
        )
        self.process.start()

    def __enter__(self) -> "StoreProcess":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def put(self, job: StoreJob) -> None:
        # What reading wrote (accounts, records, a new cursor) is committed before the
        # store process sees the batch: it would wait on those rows otherwise.
        db.session.commit()
        self._hand(job)
        self.handed += 1

    def stopped(self, stream: str) -> bool:
        self._take_reports()
        return any(done.stream == stream and done.stopped for done in self.done)

    def drain(self) -> list[JobDone]:
        """Wait until every batch handed over in this pass is stored; what each came to."""
        while len(self.done) < self.handed:
            self._wait_for_report()
        done, self.done, self.handed = self.done, [], 0
        return done

    def close(self) -> None:
        """Let the process store what it was handed and end (at once if it has failed)."""
        try:
            if self.process.is_alive():
                self._hand(None)  # no more: it ends once it has stored the rest
        except StoreProcessFailed:
            pass  # it ended already: nothing more to tell it
        finally:
            self.process.join(timeout=30)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
            self.jobs.cancel_join_thread()  # what an ended process never took is dropped
            self.jobs.close()
            self.results.close()

    def _hand(self, item: StoreJob | None) -> None:
        """Queue the item, taking reports while the queue is full."""
        while True:
            self._take_reports()
            try:
                self.jobs.put(item, timeout=WAIT_SECONDS)
                return
            except queue.Full:
                self._check_alive()

    def _take_reports(self) -> None:
        """Take what the store process has reported so far."""
        while True:
            try:
                self.done.append(self.results.get_nowait())
            except queue.Empty:
                return

    def _wait_for_report(self) -> None:
        """Wait for one report; fail if the process ends without making it."""
        while True:
            try:
                self.done.append(self.results.get(timeout=WAIT_SECONDS))
                return
            except queue.Empty:
                if not self.process.is_alive():
                    self._take_reports()  # what it reported just before it ended
                    self._check_alive()
                    return

    def _check_alive(self) -> None:
        """Fail if the process has ended with batches not stored."""
        left = self.handed - len(self.done)
        if self.process.is_alive() or left == 0:
            return
        raise StoreProcessFailed(
            f"the process storing the CRM sync ended (exit code {self.process.exitcode}) "
            f"with {left} batch{'' if left == 1 else 'es'} not stored (read again next time)"
        )


def _store_jobs(app, jobs, results) -> None:
    """The store process: each job stored and reported, until None (or until the reader
    has gone without saying so: killed, it cannot)."""
    reader = os.getppid()
    with app.app_context():
        # The connections in the pool are the reader's: this process makes its own.
        db.engine.dispose(close=False)
        try:
            while os.getppid() == reader:
                try:
                    job = jobs.get(timeout=WAIT_SECONDS)
                except queue.Empty:
                    continue
                if job is None:
                    return
                results.put(store_job(job))
        finally:
            db.session.remove()
            db.engine.dispose()
