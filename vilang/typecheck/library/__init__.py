"""Declarative tables of Stan's built-in functions, distributions and operators.

Plain data in Stan's own type spelling; `vilang.typecheck.signatures` parses it and resolves calls.
"""
