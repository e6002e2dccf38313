"""Validation of a seeded platform database: volumes, integrity, rules, scenarios, schema drift.

Every check is a small named function taking a Probe and returning findings; the runner runs
them over a few connections at once and report.py renders the result as text or JSON.
"""
