"""Council-tax law for England as pure functions: no I/O, no Kafka, nothing but the contract models."""
