"""Mount the flows' task URLs without viewflow's process-level bypasses.

viewflow's process cancel view would end a process without the services;
removing its path keeps every change on the one service path.
"""

from __future__ import annotations

from viewflow.workflow.flow import FlowViewset


class TaskPagesViewset(FlowViewset):  # type: ignore[misc]
    process_cancel_path = None
