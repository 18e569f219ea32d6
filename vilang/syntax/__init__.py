"""Source text -> AST: the grammar, the parser and the AST node classes."""
