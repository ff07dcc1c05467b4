"""`ctax bench`: throughput and latency of the pipeline, with the raw Kafka ceiling and a naive baseline
measured in the same run on the same machine."""
