"""Exports: monthly reports with their compliance sheets, tips, activities and events, as XLSX
or CSV, written row by row so that a province's year fits in bounded memory.

``service.write_export`` is the one entry point; the ``antq export`` commands and the chat's
``/export`` both use it.
"""
