"""The bill before sending: a notification's effect on the notifier's own bill, by the rules the worker applies."""
