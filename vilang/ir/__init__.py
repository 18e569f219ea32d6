"""Checked AST -> lowered IR: one operation per line, every value typed, statements structured."""
