"""Spreadsheets for people: the column layouts staff keep their registers in, and reading and
writing them as XLSX and CSV. No database here."""
