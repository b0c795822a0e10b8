"""Violations of the company's rules (SPEC 9, 6.7): recorded by hand or found by the daily job from the
administrators' checklist of rules, appealed by the offender, decided by the office head, and read by payroll.

A subsystem of quality in one place (as leads/scripts): its models are imported by quality/models.py so Django gives
them the `quality` label."""
