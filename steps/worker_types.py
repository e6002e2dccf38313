"""Typed step parameters of the worker features (registered once, before the worker steps load)."""

import re

from behave import register_type

from masteryflow.testing.worker_misconfiguration import MISCONFIGURATIONS
from masteryflow.testing.worker_runs import TEST_WORKFLOWS


def parse_misconfiguration(text: str):
    return MISCONFIGURATIONS[text]


parse_misconfiguration.pattern = "|".join(re.escape(name) for name in sorted(MISCONFIGURATIONS, key=len, reverse=True))


def parse_test_workflow(text: str) -> str:
    return text.strip('"')


parse_test_workflow.pattern = "|".join(re.escape(f'"{title}"') for title in TEST_WORKFLOWS)

register_type(Misconfiguration=parse_misconfiguration, TestWorkflow=parse_test_workflow)
