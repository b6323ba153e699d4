"""Import the province's own spreadsheet: agencies, officials and pilot models.

``sheets`` declares the three sheets (headers, kinds, drop-down lists) once;
``template`` writes the workbook from that declaration; ``reading`` opens a
file and turns its cells into checked rows (no database writes);
``applying`` takes those rows through the services in one transaction,
rolled back for a dry run or at the first error of any row; ``outcome``
holds the row-by-row report that the command and the page print.

openpyxl is used directly rather than django-import-export: the import is
three related sheets applied through pilot06's own services (a model can
only be registered through ``pilot_model_register``, an official only
through ``province.people``) in one transaction across all three, with
errors named by sheet, row and Vietnamese column header.  import-export
maps one sheet to one Django model and saves rows itself, so most of it
would be overridden; its dry-run-then-confirm flow is kept here as
"apply in a transaction, roll back unless told to commit".
"""
