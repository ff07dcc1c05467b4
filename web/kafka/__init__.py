"""The web app's Kafka clients: the connection settings, a topic follower, and the status follower."""
