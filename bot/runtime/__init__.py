"""Settings, services, the outbox dispatcher, the send budget and limiter, concurrency, the lock, periodic jobs: what the running bot needs besides Telegram adapters."""
