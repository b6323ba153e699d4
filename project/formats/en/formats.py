"""English formats for a Vietnamese province: dates are still day first.

Django's ``en`` reads "05/06/2026" as 6 May (US order).  Officials who
switch to English, and API clients (which get English by default), still
mean 5 June, so the input formats are ISO first, then day/month/year;
month-first input is never accepted.
"""

from __future__ import annotations

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
