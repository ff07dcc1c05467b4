"""The web app's Kafka clients: the connection settings, a topic follower, the status follower, consumer lag."""
