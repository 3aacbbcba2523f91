"""The LLM face: planner, tool schemas, MCP server and the tool-calling loop."""
