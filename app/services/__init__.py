"""Domain operations: plain functions over a session; they flush, never commit."""
