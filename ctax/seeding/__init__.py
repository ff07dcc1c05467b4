"""Seeding registers: the synthetic register, the revenues database's copy, the simulated back office's copy."""
