"""The bot's periodic work, registered on python-telegram-bot's job queue by the composition
root (bot/app.py): convocatorias' reminders and closings, the rescue of fan-outs left
unfinished, the pruning of the outbox, and the questions counted in memory (bot/core/curation.py). Each runs its store work in a thread: it writes,
and the event loop, which answers people, must not wait for it."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Callable

from telegram.ext import JobQueue

from bot.core.convocatorias import Convocatorias
from bot.core.curation import Curation
from bot.store import FAN_OUT_CHECK, StorageError, Store

log = logging.getLogger("cocreabot")

CONVOCATORIAS_INTERVAL = 60  # seconds between two looks at reminders and closings
OUTBOX_KEEP_DAYS = 30
OUTBOX_PRUNE_INTERVAL = 6 * 60 * 60  # seconds
COUNTS_FLUSH_INTERVAL = 60  # seconds between writes of the questions counted


def register(jobs: JobQueue, store: Store, convocatorias: Convocatorias, wake: Callable[[], None]) -> None:
    """Every periodic job. `wake` tells the dispatcher that deliveries were just queued."""

    async def due_convocatorias(context) -> None:
        """Queue due reminders, close what ended, wake the dispatcher."""
        work = await asyncio.to_thread(convocatorias.run_due_work)
        if work.queued:
            wake()
        if work.reminded or work.closed:
            log.info("convocatorias: reminders for %s (%d deliveries), closed %s", work.reminded, work.queued,
                     work.closed)

    async def finish_fan_outs(context) -> None:
        """A fan-out left unfinished (the process publishing it died midway) is finished here;
        see Store.fan_out."""
        try:
            queued = await asyncio.to_thread(store.finish_abandoned_fan_outs)
        except StorageError as error:  # the note stays; the next look tries again
            log.warning("could not finish a fan-out: %s", error)
            return
        if queued:
            log.info("outbox: %d deliveries queued for a fan-out left unfinished", queued)
            wake()

    async def prune_outbox(context) -> None:
        """The outbox keeps what was delivered for OUTBOX_KEEP_DAYS (enough to investigate a
        complaint), then forgets it, so it does not grow by one row per subscriber per notice."""
        cutoff = datetime.now(timezone.utc) - timedelta(days=OUTBOX_KEEP_DAYS)
        removed = await asyncio.to_thread(store.prune_outbox, cutoff)
        if removed:
            log.info("outbox: forgot %d settled deliveries older than %d days", removed, OUTBOX_KEEP_DAYS)

    # A repeating job whose first run is "now" at build time would be pushed to the next
    # interval (the scheduler starts later), so the start-up look at convocatorias is its own
    # one-off job, which runs however late the scheduler starts (no misfire grace limit): what
    # fell due while the bot was down goes out then.
    jobs.run_once(due_convocatorias, when=0, name="convocatorias-start", job_kwargs={"misfire_grace_time": None})
    jobs.run_repeating(due_convocatorias, interval=CONVOCATORIAS_INTERVAL, first=CONVOCATORIAS_INTERVAL,
                       name="convocatorias")
    jobs.run_repeating(prune_outbox, interval=OUTBOX_PRUNE_INTERVAL, first=60, name="outbox-prune")
    jobs.run_repeating(finish_fan_outs, interval=FAN_OUT_CHECK, first=5, name="fan-out-rescue")


def register_question_counts(jobs: JobQueue, curation: Curation) -> None:
    """Questions are counted per day, intent and state in memory (never their text) and written
    every COUNTS_FLUSH_INTERVAL seconds; the same look picks up answers the CLI gave."""

    async def flush(context) -> None:
        await asyncio.to_thread(flush_question_counts, curation)

    jobs.run_repeating(flush, interval=COUNTS_FLUSH_INTERVAL, first=COUNTS_FLUSH_INTERVAL, name="question-counts")


def flush_question_counts(curation: Curation) -> None:
    try:
        curation.flush_counts()
    except StorageError as error:  # kept in memory for the next flush
        log.warning("could not write the question counts: %s", error)
