"""The pages of the clausetrace web app (app.py is the entry point and routes between them).

common holds what every page shares; ask, obligations, trace, browse (Clause browser and Versions)
and evaluation hold one page each.
"""
