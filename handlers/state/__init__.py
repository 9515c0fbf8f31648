"""The bot's own state, apart from the minutes: chats, subscriptions, watermarks and
reindex runs (`store`, on the journal storage of `journal`), the audit log (`audit`) and
the answers people rated (`feedback_log`)."""
