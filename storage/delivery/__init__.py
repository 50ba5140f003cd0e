"""Delivery: the outbox and the send budget every process shares."""
