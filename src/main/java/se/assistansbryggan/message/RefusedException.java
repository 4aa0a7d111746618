package se.assistansbryggan.message;

/** Thrown by any station to refuse the message; turned into a signed REFUSED receipt. */
public final class RefusedException extends RuntimeException {
    private final Refusal refusal;

    RefusedException(Refusal refusal, String detail, Throwable cause) {
        super(refusal.name() + ": " + detail, cause, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The detail a sender may see: it never contains personal data. */
    public String detail() {
        return getMessage().substring(refusal.name().length() + 2);
    }
}
