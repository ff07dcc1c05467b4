"""Kafka administration for operators: access diagnosis, ACLs, topic set-up and retention, dead letters."""
