"""The `occupancy demo` data set: Hòa Bình's zones with synthetic investor projects.

The zones carry real, published names (zones). Per-zone leased areas and clearance progress are
not published, so the investors (investors), their projects and leases (leases) and the
land-clearance histories (clearance) are synthetic: generated from a fixed random seed so that
the service's own reports, on the date of the provincial review of plan 07-ĐA/TU published on
24 June 2024 (review), reproduce the figures it publishes:

- area-weighted occupancy of the established parks, 46.77 %;
- area-weighted occupancy of the established clusters, 41.3 %;
- 6,113.48 ha of land for industry (every zone that is not closed).

The plan itself (plan) is loaded with its targets and the review's reported figures as actuals,
so that the plan report on that date gives the review's table of actuals and achievements.
`load_demo` (load) writes it all through the services without committing; what it returns for
printing (summary) is read back through the reports.
"""

from app.demo.load import DemoRefused, database_is_empty, load_demo

__all__ = ["DemoRefused", "database_is_empty", "load_demo"]
