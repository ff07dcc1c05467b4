"""Short, runnable examples of consuming the product's topics from another system."""
