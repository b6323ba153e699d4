"""The minimal floor of ``approve_funding``: the statements the action needs at the least, by hand.

Written in SQL on the real schema, in one transaction with one commit: the
lock read with the pending step and its funding request, the open-tasks
read, the UPDATEs of the step, the funding request and the model, the chain
head UPDATE … RETURNING, the hashed audit INSERT and the head UPDATE, the
task UPDATE and the INSERTs of the next tasks (the gateway, done, and the
start_deployment task).  No ORM, no checks, no flow engine: what is left
between this and ours is what the framework and the design cost.

The entries it appends are chained and hashed as ``approvals.audit`` does,
so ``verify()`` still holds afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

OPEN = ("NEW", "ASSIGNED", "STARTED", "ERROR")


class MinimalFloor:
    """Prepared once per run: the constants every floor action writes."""

    def __init__(self, actor: Any) -> None:
        from django.db import connection
        from viewflow.workflow.models import Task

        from workflows.flows import PilotFlow

        self.actor = actor
        self.vendor = connection.vendor
        field = Task._meta.get_field("flow_task")
        self.gateway = field.get_prep_value(PilotFlow.funding_decided)
        self.next_task = field.get_prep_value(PilotFlow.start_deployment)
        self.lock = " FOR UPDATE OF pm" if connection.features.has_select_for_update_of else ""

    def act(self, pilot_model_id: int) -> None:
        from django.db import connection, transaction

        from approvals.audit import compute_hash
        from approvals.backends import agency_permission

        ops = connection.ops
        now = dt.datetime.now(dt.UTC)
        at = ops.adapt_datetimefield_value(now)
        today = ops.adapt_datefield_value(now.date())
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pm.id, pm.version, pm.state, pm.process_id, pm.lead_agency_id, s.id, s.submitted_by_id, "
                "fr.id, fr.amount, fr.round FROM workflows_pilotmodel pm "
                "JOIN approvals_approvalstep s ON s.pilot_model_id = pm.id AND s.outcome = 'pending' "
                "LEFT JOIN workflows_fundingrequest fr ON fr.step_id = s.id "
                f"WHERE pm.id = %s{self.lock}",
                [pilot_model_id],
            )
            (
                _,
                version,
                state,
                process_id,
                agency_id,
                step_id,
                _submitter,
                request_id,
                _amount,
                round_no,
            ) = cursor.fetchone()
            cursor.execute(
                "SELECT id, flow_task, status FROM viewflow_task WHERE process_id = %s AND status IN (%s, %s, %s, %s)",
                [process_id, *OPEN],
            )
            task_id = cursor.fetchone()[0]
            cursor.execute(
                "UPDATE approvals_approvalstep SET outcome = 'approved', decided_by_id = %s, decided_at = %s, "
                "comment = %s WHERE id = %s",
                [self.actor.pk, at, "Đồng ý", step_id],
            )
            cursor.execute(
                "UPDATE workflows_fundingrequest SET approved_amount = %s, decision_number = %s, decision_date = %s "
                "WHERE id = %s",
                [1_000_000_000, "1234/QĐ-UBND", today, request_id],
            )
            cursor.execute(
                "UPDATE workflows_pilotmodel SET state = 'financed', version = %s, last_action_at = %s WHERE id = %s",
                [version + 1, at, pilot_model_id],
            )
            cursor.execute(
                "UPDATE approvals_chainhead SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"
            )
            seq, prev_hash = cursor.fetchone()
            payload = {
                "version": version + 1,
                "round": round_no,
                "approved_amount": 1_000_000_000,
                "decision_number": "1234/QĐ-UBND",
                "decision_date": now.date().isoformat(),
                "it_appraisal": None,
                "comment": "Đồng ý",
            }
            body = {
                "seq": seq,
                "at": now.isoformat(timespec="microseconds"),
                "actor": self.actor.username,
                "role": "finance",
                "agency": "STC",
                "action": "funding.approved",
                "object_type": "workflows.pilotmodel",
                "object_id": str(pilot_model_id),
                "from_state": state,
                "to_state": "financed",
                "payload": payload,
                "ip": "",
                "prev_hash": prev_hash,
            }
            digest = compute_hash(prev_hash, body)
            cursor.execute(
                "INSERT INTO approvals_auditentry (seq, at, actor_id, actor_username, role, agency_code, action, "
                "object_type, object_id, from_state, to_state, payload, ip, prev_hash, hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    seq,
                    at,
                    self.actor.pk,
                    self.actor.username,
                    "finance",
                    "STC",
                    "funding.approved",
                    "workflows.pilotmodel",
                    str(pilot_model_id),
                    state,
                    "financed",
                    ops.adapt_json_value(payload, None),
                    "",
                    prev_hash,
                    digest,
                ],
            )
            cursor.execute("UPDATE approvals_chainhead SET hash = %s WHERE id = 1", [digest])
            cursor.execute(
                "UPDATE viewflow_task SET status = 'DONE', owner_id = %s, started = %s, finished = %s WHERE id = %s",
                [self.actor.pk, at, at, task_id],
            )
            columns = (
                "INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, finished, token, "
                "owner_permission, process_id, data) VALUES (%s, %s, %s, %s, %s, 'start', %s, %s, '{}')"
            )
            cursor.execute(
                columns, [self.gateway, "EXCLUSIVE_GATEWAY", "DONE", at, at, None, process_id]
            )
            cursor.execute(
                columns,
                [
                    self.next_task,
                    "HUMAN",
                    "NEW",
                    at,
                    None,
                    agency_permission(agency_id),
                    process_id,
                ],
            )
