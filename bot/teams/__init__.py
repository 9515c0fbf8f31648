"""The Teams channel: the route and bot (`channel`), the CloudAdapter with its fixes
(`adapter`), token checks before the body is read (`guard`), proactive sends
(`connector`) and the message extension's search (`compose`)."""
