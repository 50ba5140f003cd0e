"""Agencies, businesses and schools: their reads, effects, list import and command line."""
