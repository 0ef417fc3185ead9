"""The API's routers, one module per area; ``ehdesk.server.app`` includes them all."""
