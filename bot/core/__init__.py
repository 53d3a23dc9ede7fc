"""Every write and rule without Telegram: subscriptions and chats, publishing, convocatorias, notices, permissions, input rules, dates. Used by the Telegram handlers, the console and the CLI."""
