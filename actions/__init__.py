"""Thin rasa-sdk actions over the bot package. Only Action subclasses live here (rasa-sdk registers
every one it imports); the work is done in bot/."""
