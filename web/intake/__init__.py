"""The JSON intake API and the one path every notification takes in: recorded, published to Kafka, referenced."""
