"""[LT] generated LaTeX: every number, table and verdict the scaling and ticket sections quote."""
