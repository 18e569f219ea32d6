"""Type checking: scopes, expression types and the signature table of Stan's built-ins."""
