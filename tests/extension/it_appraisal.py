"""A test-only extension: Sở KH&CN appraises the IT content before Finance (Nghị định 73/2019).

It adds an approval step the way ``docs/extending.md`` describes, with three
declarations and nothing else: the step (``declare_step``), the action that
decides it (one ``ActionSpec``), and the flow node (a subclass of each flow).
A deployment would register the first two in its app's ``ready()`` and name
the flows in ``PILOT06_MAIN_FLOW`` / ``PILOT06_ROUND_FLOW``.
"""

from __future__ import annotations

from typing import Any

from viewflow import this

from approvals.backends import role_permission
from approvals.models import ApprovalStep, Outcome, StepKind
from workflows import routing
from workflows.action_inputs import CommentForm
from workflows.actions import (
    ActionSpec,
    Audience,
    Button,
    Context,
    decide_pending,
    expect,
    register_action,
    unregister_action,
)
from workflows.flows import (
    Decision,
    MainFlowBase,
    RoundFlowBase,
    StartHandle,
    Switch,
    main_nodes,
    make_flow,
    round_nodes,
)
from workflows.states import State

IT_APPRAISAL = "it_appraisal"
IT_APPRAISER = "it_appraiser"


# 1. The step: its label, who decides it, its node, and where it sits.
def declare_step() -> None:
    routing.declare_step(
        IT_APPRAISAL,
        node=IT_APPRAISAL,
        label="Thẩm định nội dung CNTT",
        decided_by=IT_APPRAISER,
        funding=True,
        before=StepKind.FUNDING_APPRAISAL,
    )


# 2. The action that decides it.
class ApproveItAppraisal(ActionSpec):
    name = "approve_it_appraisal"
    label = "Thẩm định nội dung CNTT: đạt"
    roles = (IT_APPRAISER,)
    situation = "(funding_requested, it_appraisal) → (funding_requested, funding_appraisal); also in an additional round."
    event = "it_appraisal.approved"
    form_class = CommentForm
    button = Button.PRIMARY
    nodes = (IT_APPRAISAL,)
    tells = (Audience.SUBMITTER, Audience.NEXT_ACTOR)

    def conflict(self, ctx: Context) -> str | None:
        return expect(
            ctx,
            states=[State.FUNDING_REQUESTED, State.FINANCED, State.DEPLOYING],
            pending=IT_APPRAISAL,
        )

    def execute(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        assert ctx.pending is not None
        request = ctx.pending.funding_request
        decide_pending(ctx, Outcome.APPROVED, data.get("comment", ""))
        # Finance appraises the same request next.
        request.step = ApprovalStep.objects.create(
            pilot_model=ctx.pilot_model,
            kind=routing.next_step(IT_APPRAISAL),
            submitted_by=ctx.pending.submitted_by,
            submitted_at=ctx.now,
        )
        request.save(update_fields=["step"])
        return {"round": request.round, "comment": data.get("comment", "")}


def install() -> None:
    declare_step()
    register_action(ApproveItAppraisal)


def uninstall() -> None:
    unregister_action(ApproveItAppraisal.name)
    routing.withdraw_step(IT_APPRAISAL)


# 3. The flow node, in the main flow and in an additional round's (fresh nodes: see ``make_flow``).
def _it_appraisal_node() -> Any:
    return (
        Decision()
        .Annotation(title="Thẩm định nội dung CNTT")
        .Permission(role_permission(IT_APPRAISER))
        .Next(this.funding_appraisal)
    )


ItPilotFlow = make_flow(
    "ItPilotFlow",
    MainFlowBase,
    {
        **main_nodes(),
        "plan_decided": (
            Switch()
            .Case(
                this.it_appraisal,
                lambda act: act.process.pilot_model.state == State.FUNDING_REQUESTED,
            )
            .Case(this.deploy, lambda act: act.process.pilot_model.state == State.DEPLOYING)
        ),
        "it_appraisal": _it_appraisal_node(),
    },
    doc="The main flow with the IT appraisal before Finance's.",
    module=__name__,
)

ItRoundFlow = make_flow(
    "ItRoundFlow",
    RoundFlowBase,
    {
        **round_nodes(),
        "start": StartHandle(this.start_process).Next(this.it_appraisal),
        "it_appraisal": _it_appraisal_node(),
    },
    doc="An additional round, appraised by Sở KH&CN first too.",
    module=__name__,
)
