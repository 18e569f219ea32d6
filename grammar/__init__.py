"""The vilang grammar (vilang.lark), shipped inside the installed package as vilang.grammar."""
