package se.assistansbryggan.policy;

/** The message catalogue (DESIGN.md §2). The walking skeleton carries WITHDRAWAL_NOTICE end to end. */
public enum MessageType {
    /** Meddelande om indragen assistansersättning, FK → bosättningskommun (51 kap. 21 § SFB). */
    WITHDRAWAL_NOTICE
}
