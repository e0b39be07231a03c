"""The main grid study: from shards to tables, fits, claims, summary and figures.

``aggregate`` turns shards into the cell, grid, path and variance tables; ``split`` and
``hazard`` measure how living networks die and fit the hazard model; ``fit`` judges
convergence and the variance assumption; ``claims`` judges the paper's claims from
those tables; ``summary`` writes the run's Markdown summary; ``figures`` is the registry
of figures (name -> tables read, schemes needed, drawing function of ``plots``).
The simulation itself (schemes, kernel, shards) is the core, at the package's top.
"""
