"""Form and tool definitions (data) and the engine that validates and scores them."""
