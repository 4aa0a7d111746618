package se.assistansbryggan.policy;

/** Fields the policy may withhold from a recipient, by their element name in the FK family. */
public enum Field {
    /** The reasons for a decision; reach a kommun only with the person's samtycke (consent). */
    MOTIVERING("Motivering");

    private final String element;

    Field(String element) {
        this.element = element;
    }

    public String element() {
        return element;
    }
}
