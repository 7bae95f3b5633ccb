"""Throughput benchmark: bare SpiffWorkflow vs the product (``make bench``)."""
