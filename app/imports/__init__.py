"""Spreadsheet imports: a register read by app.sheets, checked row by row against every rule
the API applies, written all or nothing."""
