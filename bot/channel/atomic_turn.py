"""A child's message is handled wholly, or not at all.

Rasa carries on when a custom action fails ("Bot will continue, but the actions events are lost",
rasa/core/processor.py): the answer the child had just typed would go unstored and the form would
move on. So every call to the action server is watched during a turn; if one fails, the channel
undoes the turn in the tracker store and answers 503, and the tablet sends the same message again
(same message id) until the action server is back. Answers are keyed on the message id, so one that
was stored before the failure is not stored twice.
"""
from __future__ import annotations

import contextvars
from typing import List

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

_failures: contextvars.ContextVar[List[str]] = contextvars.ContextVar("own_words_action_failures")


def watch() -> List[str]:
    """Start watching this turn's calls to the action server: the list fills with the names of
    the actions that failed."""
    failed: List[str] = []
    _failures.set(failed)
    return failed


def install() -> None:
    if getattr(RemoteAction.run, "own_words_watched", False):
        return
    run = RemoteAction.run

    async def watched_run(self, *args, **kwargs):
        try:
            return await run(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # the action answered: it declined to run, as a form's validation may
        except Exception:
            failed = _failures.get(None)
            if failed is not None:
                failed.append(self.name())
            raise

    watched_run.own_words_watched = True
    RemoteAction.run = watched_run
