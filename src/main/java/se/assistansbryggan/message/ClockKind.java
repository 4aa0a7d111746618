package se.assistansbryggan.message;

/** What a follow-up clock does when it comes due: escalate an unconfirmed notice, or remind of a date. */
public enum ClockKind { ESCALATION, REMINDER }
