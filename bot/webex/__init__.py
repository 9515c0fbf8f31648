"""The Webex channel: the webhook route and the bot that answers events (`channel`), the
REST client (`client`) and the durable inbox of events not yet answered (`inbox`)."""
