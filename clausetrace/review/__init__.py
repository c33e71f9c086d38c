"""Human review of the register, the regulatory hierarchy at a glance, and findings for drafting.

The stage after answer: it reads the index, the register and the trace graph, and keeps what
people decide (reviews, pinned findings) in SQLite beside the index.
"""
