"""The action declaration: everything an action states about itself, in one class.

Each action of SPEC §4 is one ``ActionSpec`` subclass, registered with
``@register_action``.  It declares who may act (``roles``), in which
situation (``conflict``, ``separation`` and the ``situation`` sentence for
the API docs), its input form, its label, its button kind, the flow nodes
it completes, its audit event and who is told.  Every other map (page
forms, API bodies and docs, labels, button sets, notifications, the
decision pages' choices) is derived from ``REGISTRY``: adding an action is
one class.

The checks have no side effects, so ``selectors.available_actions`` can ask
them; the work itself runs in ``services.pipeline.perform``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from approvals import clock
from approvals.events import declare_event
from approvals.exceptions import NotFound
from approvals.models import ApprovalStep
from approvals.roles import declare_role

from . import flow_sync, routing
from .models import PilotModel
from .states import State

OnCommit = Callable[[], None]


class Button(enum.StrEnum):
    """How an action's button looks: it moves the model on, sends it back, or neither."""

    PRIMARY = "primary"
    RETURN = "return"
    DANGER = "danger"
    SECONDARY = "secondary"


class Audience(enum.StrEnum):
    """Who is told, after the commit, that the action happened."""

    NEXT_ACTOR = "next_actor"  # whoever holds the task it opened
    SUBMITTER = "submitter"  # whoever submitted the step it decided


@dataclass
class Context:
    """What an action knows while it runs, under the locks."""

    pilot_model: PilotModel
    actor: Any
    role: str
    now: dt.datetime
    ip: str = ""
    files: Sequence[Any] = ()
    pending: ApprovalStep | None = None
    # The input, parsed and checked before the locks were taken (``services.prepared``).
    prepared: Any = None
    # The process whose task this action completes: the main one, or the
    # pending additional funding round's (read under the lock, before the
    # action changes the state).
    process: Any = None
    # The step this action decided, so its submitter can be told.
    decided: ApprovalStep | None = None
    # Whether the model has an open entered blocker, read with the lock
    # (None when not read): an action that clears one skips its UPDATE if not.
    blocked: bool | None = None
    after_commit: list[OnCommit] = field(default_factory=list)
    # What validate() and execute() hand on to advance(): specs are shared
    # singletons, so per-call values never go on self.
    carry: dict[str, Any] = field(default_factory=dict)
    # Undo for what cannot roll back with the database (files written).
    on_rollback: list[OnCommit] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return clock.today()


class ActionSpec:
    """One action of SPEC §4, declared once.

    ``forbidden``, ``conflict`` and ``separation`` return a message when the
    action must be refused; they have no side effects.
    """

    name: ClassVar[str]
    label: ClassVar[Promise | str]
    roles: ClassVar[tuple[str, ...]]
    # SPEC §4's situation in one sentence, for the API's documentation.
    situation: ClassVar[str] = ""
    event: ClassVar[str]
    form_class: ClassVar[type[forms.Form]]
    button: ClassVar[Button] = Button.SECONDARY
    # The flow nodes whose open task this action completes (none: outside the flow).
    nodes: ClassVar[tuple[str, ...]] = ()
    tells: ClassVar[tuple[Audience, ...]] = ()
    # Takes evidence files beside its data: checked from their uploaded copies
    # before the locks (``data["accepted_files"]``), and the API accepts multipart.
    takes_files: ClassVar[bool] = False
    # False for ``register``: it creates the model, so no model page offers it.
    on_model: ClassVar[bool] = True

    def forbidden(self, ctx: Context, data: Mapping[str, Any]) -> str | None:
        """A role check on the object the input names (who set a blocker).

        It runs before ``conflict``: SPEC §4 answers a wrong actor 403 before
        it looks at the state.
        """
        return None

    def conflict(self, ctx: Context) -> str | None:
        return None

    def separation(self, ctx: Context) -> str | None:
        return None

    def validate(self, ctx: Context, data: dict[str, Any]) -> None:
        """Rules that need the model and the input: raise ``Invalid``, or ``Conflict``
        when the input names something the model is not in (an unopened blocker)."""

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        """Do the work under the locks; return the audit payload."""
        raise NotImplementedError

    def advance(self, ctx: Context) -> None:
        """Move the flow: complete the open task of one of this action's nodes."""
        if self.nodes:
            flow_sync.complete(ctx.process, self.nodes, ctx.actor)


REGISTRY: dict[str, ActionSpec] = {}


S = TypeVar("S", bound=type[ActionSpec])


def register_action(cls: S) -> S:
    """Add an action to the registry, with its event and roles declared for the audit trail."""
    REGISTRY[cls.name] = cls()
    declare_event(cls.event)
    for role in cls.roles:
        declare_role(role)
    return cls


def unregister_action(name: str) -> None:
    """Take an action out of the registry (an extension's tests clean up after themselves)."""
    REGISTRY.pop(name, None)


def model_actions() -> dict[str, ActionSpec]:
    """The actions a model's page, API and inbox offer (every one but ``register``)."""
    return {name: spec for name, spec in REGISTRY.items() if spec.on_model}


def unknown_action(action: str) -> NotFound:
    """The 404 for a name no action is declared under.

    The name comes from the URL or a form, so only its start is echoed: a
    30,000-character name answers a short error, not a 30 KB one.
    """
    shown = action if len(action) <= 64 else f"{action[:64]}…"
    return NotFound(_("Không có thao tác '%(action)s'.") % {"action": shown})


def actions_of_node(node: str) -> list[str]:
    """The actions a node's decision page offers, in declaration order."""
    return [name for name, spec in REGISTRY.items() if node in spec.nodes]


# Shared situation checks, so each action states its situation in one line.


def not_open(ctx: Context) -> str | None:
    if ctx.pilot_model.state in (State.COMPLETED, State.CANCELLED):
        return _("Mô hình đã %(state)s; không thể thao tác.") % {
            "state": State(ctx.pilot_model.state).label.lower()
        }
    return None


def expect(ctx: Context, *, states: Sequence[str], pending: str | None) -> str | None:
    """Refuse unless the model is in one of ``states`` with ``pending`` step (None: no step)."""
    if ctx.pilot_model.state not in states:
        return _("Không thực hiện được khi mô hình ở trạng thái “%(state)s”.") % {
            "state": State(ctx.pilot_model.state).label
        }
    current = ctx.pending.kind if ctx.pending else None
    if current != pending:
        if pending is None:
            return _("Đang chờ bước “%(step)s”; hãy đợi quyết định.") % {
                "step": routing.step_label(str(current))
            }
        return _("Không có bước chờ phù hợp cho thao tác này.")
    return None


def open_step(ctx: Context, kind: str, *, submitted_by: Any = None) -> ApprovalStep:
    """Open the approval step that falls due, or the step an extension inserted before it."""
    return ApprovalStep.objects.create(
        pilot_model=ctx.pilot_model,
        kind=routing.first_step(kind),
        submitted_by=submitted_by or ctx.actor,
        submitted_at=ctx.now,
    )


def decide_pending(ctx: Context, outcome: str, comment: str) -> ApprovalStep:
    """Decide the model's pending step; the pipeline tells its submitter after the commit."""
    assert ctx.pending is not None
    ctx.pending.decide(outcome=outcome, actor=ctx.actor, at=ctx.now, comment=comment)
    ctx.decided = ctx.pending
    return ctx.pending
