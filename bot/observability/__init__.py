"""Numbers to watch and logs to collect: ``/metrics`` in the Prometheus text format on a port
of its own (``server``), the process's counters that the channels, delivery, the scheduler and
the web console move with one-line calls (``metrics``), the counts that live in the database
read at scrape time (``database``), and the JSON log format (``json_logs``).

Nothing here carries a person: no tip text, no ids, no chat; a label is a channel, a kind or a
result from a short fixed list."""
