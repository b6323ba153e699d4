"""Where a model waits: its flow nodes, and which node answers each pending step.

Declared once, beside the flows, so the in-step check, the services, the
inbox and the labels all read the same table.  A service names a node
through ``Node``, never by string; the in-step check derives the open tasks
it expects from ``ROUTES`` and ``node_without_step``.

Adding an approval step means one ``declare_step`` call (its kind, label,
node and where it sits): see ``docs/extending.md``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from viewflow.workflow.status import STATUS

from approvals.models import STEP_LABELS, Outcome, StepKind, declare_step_label
from approvals.roles import Role, declare_role

from .states import State

# The statuses of a task that is still waiting for someone.
OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.ERROR]

# States in which a funding step belongs to an additional round's own process.
ROUND_STATES = frozenset({State.FINANCED, State.DEPLOYING})


class Node(enum.StrEnum):
    """The human nodes of the flows; each value is the node's attribute name."""

    REGISTRATION_REVIEW = "registration_review"
    RESUBMIT_REGISTRATION = "resubmit_registration"
    PLAN = "plan"
    FUNDING_APPRAISAL = "funding_appraisal"
    START_DEPLOYMENT = "start_deployment"
    DEPLOY = "deploy"
    COMPLETION_VERIFICATION = "completion_verification"
    SIGNOFF = "signoff"


# Nodes whose task belongs to the lead agency (its officers' queue), not to a role.
AGENCY_NODES = frozenset(
    {Node.RESUBMIT_REGISTRATION, Node.PLAN, Node.START_DEPLOYMENT, Node.DEPLOY}
)


@dataclass(frozen=True)
class Route:
    """An approval step: the node whose task decides it, and its place in the chain."""

    kind: str
    node: str
    label: Promise | str
    # The role that decides it (its agency answers for the wait).
    decided_by: str
    # Part of the funding appraisal chain, so an additional round runs it too.
    funding: bool = False
    # The built-in step this one is inserted before (an extension's step).
    before: str | None = None


ROUTES: dict[str, Route] = {}


def declare_step(
    kind: str,
    *,
    node: str,
    label: Promise | str,
    decided_by: str,
    funding: bool = False,
    before: str | None = None,
) -> Route:
    """Declare an approval step; a second declaration of a kind replaces the first.

    Whoever decides a step reads every model, as the police, Finance and
    the leadership do: a step reaches them from any agency.
    """
    route = Route(
        kind=str(kind),
        node=str(node),
        label=label,
        decided_by=str(decided_by),
        funding=funding,
        before=before,
    )
    ROUTES[route.kind] = route
    declare_step_label(route.kind, label)
    declare_role(route.decided_by, province_wide=True)
    return route


def withdraw_step(kind: str) -> None:
    """Forget a declared step (an extension's tests clean up after themselves)."""
    ROUTES.pop(str(kind), None)
    if str(kind) not in StepKind.values:
        STEP_LABELS.pop(str(kind), None)


declare_step(
    StepKind.REGISTRATION_REVIEW,
    node=Node.REGISTRATION_REVIEW,
    label=StepKind.REGISTRATION_REVIEW.label,
    decided_by=Role.POLICE,
)
declare_step(
    StepKind.FUNDING_APPRAISAL,
    node=Node.FUNDING_APPRAISAL,
    label=StepKind.FUNDING_APPRAISAL.label,
    decided_by=Role.FINANCE,
    funding=True,
)
declare_step(
    StepKind.COMPLETION_VERIFICATION,
    node=Node.COMPLETION_VERIFICATION,
    label=StepKind.COMPLETION_VERIFICATION.label,
    decided_by=Role.POLICE,
)
declare_step(
    StepKind.COMPLETION_SIGNOFF,
    node=Node.SIGNOFF,
    label=StepKind.COMPLETION_SIGNOFF.label,
    decided_by=Role.LEADER,
)


def step_kinds() -> list[str]:
    """Every declared step kind, in the order a model meets them."""
    result: list[str] = []

    def place(kind: str) -> None:
        for route in ROUTES.values():
            if route.before == kind and route.kind not in result:
                place(route.kind)
        if kind not in result:
            result.append(kind)

    for kind in [*StepKind.values, *ROUTES]:
        if kind in ROUTES:
            place(kind)
    return result


def first_step(kind: str) -> str:
    """The step to open when ``kind`` falls due: a step inserted before it, if any."""
    for route in ROUTES.values():
        if route.before == kind:
            return first_step(route.kind)
    return str(kind)


def next_step(kind: str) -> str | None:
    """The step an inserted step leads to once it is approved (None for a built-in step)."""
    route = ROUTES.get(str(kind))
    return route.before if route else None


def step_label(kind: str) -> str:
    return str(STEP_LABELS.get(str(kind), kind))


def node_of_step(kind: str) -> str:
    return ROUTES[str(kind)].node


def is_round_step(state: str, kind: str | None) -> bool:
    """A pending funding step while financed or deploying is an additional round's."""
    return kind is not None and state in ROUND_STATES and ROUTES[str(kind)].funding


def node_without_step(pilot_model: Any) -> str | None:
    """The main process's node while no step of its own is pending."""
    state = pilot_model.state
    if state == State.REGISTERED:
        last = pilot_model.last_step_of(StepKind.REGISTRATION_REVIEW)
        return (
            Node.PLAN
            if last is not None and last.outcome == Outcome.APPROVED
            else Node.RESUBMIT_REGISTRATION
        )
    return {
        State.FUNDING_REQUESTED: Node.FUNDING_APPRAISAL,
        State.FINANCED: Node.START_DEPLOYMENT,
        State.DEPLOYING: Node.DEPLOY,
    }.get(state)


def expected_main_nodes(pilot_model: Any, pending_kind: str | None) -> set[str]:
    """The open tasks of the main process that the state and pending step imply."""
    if pilot_model.state in (State.COMPLETED, State.CANCELLED):
        return set()
    if pending_kind is not None and not is_round_step(pilot_model.state, pending_kind):
        return {node_of_step(pending_kind)}
    node = node_without_step(pilot_model)
    return {node} if node is not None else set()


def expected_round_nodes(state: str, pending_kind: str | None) -> list[str]:
    """The open tasks of the pending additional round's process."""
    if is_round_step(state, pending_kind):
        assert pending_kind is not None
        return [node_of_step(pending_kind)]
    return []


def names(nodes: Iterable[str]) -> list[str]:
    return sorted(str(n) for n in nodes)
