"""The URL of a decision node's page, without viewflow's execute wrapper.

viewflow's wrapper locks, starts the task and turns a stale page into a 403.
Here the service takes the locks (in viewflow's order) and completes the
task itself, so the wrapper only finds the task and checks it belongs to
this flow; a stale page then gets a clear message from the service.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path


def decision_view_path(node: Any) -> Any:
    origin_view = node.view

    def view(request: HttpRequest, process_pk: int, task_pk: int, **kwargs: Any) -> HttpResponse:
        task = get_object_or_404(node.flow_class.task_class, pk=task_pk, process_id=process_pk)
        if task.process.flow_class != node.flow_class or task.flow_task != node:
            raise Http404("No task matches the given query.")
        request.activation = node.activation_class(task)  # type: ignore[attr-defined]
        return origin_view(request, process_pk=process_pk, task_pk=task_pk, **kwargs)

    update_wrapper(view, origin_view)
    return path(f"<int:process_pk>/{node.name}/<int:task_pk>/execute/", view, name="execute")
